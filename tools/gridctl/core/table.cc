#include "tools/gridctl/core/table.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace gridcase::gridctl {
namespace {

// Decodes one UTF-8 character at `i`; returns its length in bytes (1 for an invalid byte) and sets `code`.
size_t Decode(const std::string& text, size_t i, char32_t* code) {
  unsigned char c = static_cast<unsigned char>(text[i]);
  size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (length == 0 || i + length > text.size()) {
    *code = 0xfffd;
    return 1;
  }
  char32_t value = length == 1 ? c : c & (0x7f >> length);
  for (size_t k = 1; k < length; ++k) {
    unsigned char next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xc0) != 0x80) {
      *code = 0xfffd;
      return 1;
    }
    value = (value << 6) | (next & 0x3f);
  }
  *code = value;
  return length;
}

bool Wide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) ||
         (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
         (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1faff) || (c >= 0x20000 && c <= 0x3fffd);
}

}  // namespace

size_t DisplayWidth(const std::string& text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    char32_t code;
    i += Decode(text, i, &code);
    width += Wide(code) ? 2 : 1;
  }
  return width;
}

std::string FitCell(const std::string& text, size_t width) {
  std::string out;
  size_t used = 0;
  const bool cut = DisplayWidth(text) > width;
  const size_t room = cut ? width - 1 : width;  // One column for "…".
  for (size_t i = 0; i < text.size();) {
    char32_t code;
    size_t length = Decode(text, i, &code);
    size_t w = Wide(code) ? 2 : 1;
    if (used + w > room) break;
    if (text[i] == '\n' || text[i] == '\t' || text[i] == '\r') {
      out += ' ';
    } else {
      out.append(text, i, length);
    }
    used += w;
    i += length;
  }
  if (cut) out += "…";
  return out;
}

std::string Table::Render(size_t max_cell_width) const {
  std::vector<size_t> widths(headers.size(), 0);
  auto fitted = [&](const std::vector<std::string>& row) {
    std::vector<std::string> cells;
    for (size_t c = 0; c < headers.size(); ++c) {
      cells.push_back(FitCell(c < row.size() ? row[c] : "", max_cell_width));
      widths[c] = std::max(widths[c], DisplayWidth(cells.back()));
    }
    return cells;
  };
  std::vector<std::vector<std::string>> all = {fitted(headers)};
  for (const auto& row : rows) all.push_back(fitted(row));
  std::string out;
  for (const auto& cells : all) {
    std::string line;
    for (size_t c = 0; c < cells.size(); ++c) {
      absl::StrAppend(&line, cells[c]);
      if (c + 1 < cells.size()) line.append(widths[c] - DisplayWidth(cells[c]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    absl::StrAppend(&out, line, "\n");
  }
  return out;
}

std::string RenderFields(const std::vector<std::pair<std::string, std::string>>& fields) {
  size_t width = 0;
  for (const auto& [name, value] : fields) width = std::max(width, DisplayWidth(name));
  std::string out;
  for (const auto& [name, value] : fields) {
    absl::StrAppend(&out, name, std::string(width - DisplayWidth(name) + 2, ' '), value, "\n");
  }
  return out;
}

}  // namespace gridcase::gridctl
