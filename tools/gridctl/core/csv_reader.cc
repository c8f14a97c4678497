#include "tools/gridctl/core/csv_reader.h"

namespace gridcase::gridctl {

std::optional<std::vector<std::string>> CsvReader::Next() {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  bool any = false;
  int c;
  while ((c = in_->get()) != std::char_traits<char>::eof()) {
    ++bytes_read_;
    any = true;
    char ch = static_cast<char>(c);
    if (quoted) {
      if (ch == '"') {
        if (in_->peek() == '"') {
          in_->get();
          ++bytes_read_;
          field += '"';
        } else {
          quoted = false;
        }
      } else {
        field += ch;
      }
      continue;
    }
    if (ch == '"') {
      quoted = true;
    } else if (ch == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else if (ch == '\r' && in_->peek() == '\n') {
      continue;
    } else if (ch == '\n') {
      fields.push_back(std::move(field));
      return fields;
    } else {
      field += ch;
    }
  }
  if (!any) return std::nullopt;
  fields.push_back(std::move(field));
  return fields;
}

}  // namespace gridcase::gridctl
