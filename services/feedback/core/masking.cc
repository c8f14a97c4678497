#include "services/feedback/core/masking.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/log/log.h"
#include "libs/validation/utf8.h"

namespace gridcase::feedback {

std::string MaskName(absl::string_view name) {
  name = absl::StripAsciiWhitespace(name);
  if (name.empty()) return "";
  size_t first = std::min(validation::Utf8SequenceLength(static_cast<unsigned char>(name[0])), name.size());
  std::string out(name.substr(0, first));
  size_t i = first;
  while (i < name.size()) {
    i += validation::Utf8SequenceLength(static_cast<unsigned char>(name[i]));
    out.push_back('*');
  }
  return out;
}

std::string MaskNumbersInText(absl::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) {
      out.push_back(text[i++]);
      continue;
    }
    size_t j = i;
    while (j < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[j]))) ++j;
    absl::string_view run = text.substr(i, j - i);
    if (run.size() == 11) {
      out += log::MaskPhone(run);
    } else if (run.size() >= 7) {
      absl::StrAppend(&out, std::string(run.size() - 4, '*'), run.substr(run.size() - 4));
    } else {
      absl::StrAppend(&out, run);
    }
    i = j;
  }
  return out;
}

}  // namespace gridcase::feedback
