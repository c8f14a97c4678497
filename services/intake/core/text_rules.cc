#include "absl/strings/string_view.h"
#include "services/intake/core/text_rules.h"

#include <regex>

#include "absl/strings/str_cat.h"
#include "libs/server/grpc_status.h"

namespace gridcase::intake {

std::optional<size_t> Utf8Length(absl::string_view text) {
  size_t count = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    unsigned char c = *p;
    int extra;
    uint32_t cp;
    if (c < 0x80) {
      extra = 0;
      cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return std::nullopt;
    }
    if (end - p < extra + 1) return std::nullopt;
    for (int i = 1; i <= extra; ++i) {
      if ((p[i] & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    p += extra + 1;
    ++count;
  }
  return count;
}

absl::Status CheckText(absl::string_view field, absl::string_view text, size_t min_chars, size_t max_chars) {
  std::optional<size_t> length = Utf8Length(text);
  if (!length.has_value()) return server::FieldError(field, "is not valid UTF-8");
  if (*length < min_chars) {
    return server::FieldError(field, min_chars == 1 ? "must not be empty"
                                                    : absl::StrCat("must have at least ", min_chars, " characters"));
  }
  if (*length > max_chars) {
    return server::FieldError(field, absl::StrCat("must have at most ", max_chars, " characters, has ", *length));
  }
  for (char c : text) {
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7F) {
      return server::FieldError(field, "contains a control character");
    }
  }
  return absl::OkStatus();
}

bool IsMainlandPhone(absl::string_view phone) {
  static const std::regex kPhone(
      R"(^(?:(?:\+?86)?1[3-9][0-9]{9}|0[1-9][0-9]{1,2}-?[2-9][0-9]{6,7}(?:-[0-9]{1,6})?|12345|110|119|120|122)$)");
  return std::regex_match(phone.begin(), phone.end(), kPhone);
}

}  // namespace gridcase::intake
