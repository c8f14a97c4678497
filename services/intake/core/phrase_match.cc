#include "services/intake/core/phrase_match.h"

#include <algorithm>

namespace gridcase::intake {
namespace {

// The part of `pattern` starting at byte `from`, up to the next separator; *next is where the following part starts
// (npos after the last).
absl::string_view NextPart(absl::string_view pattern, size_t from, size_t* next) {
  const size_t sep = pattern.find(kPhraseSeparator, from);
  if (sep == absl::string_view::npos) {
    *next = absl::string_view::npos;
    return pattern.substr(from);
  }
  *next = sep + kPhraseSeparator.size();
  return pattern.substr(from, sep - from);
}

// The byte offset `limit` code points after `from`, or the end of `text`.
size_t Advance(absl::string_view text, size_t from, size_t limit) {
  size_t pos = from;
  size_t seen = 0;
  while (pos < text.size()) {
    if ((static_cast<unsigned char>(text[pos]) & 0xC0) != 0x80) {
      if (seen == limit) break;
      ++seen;
    }
    ++pos;
  }
  return pos;
}

// The code point starting at byte `at` of `text` (which must be < text.size()); a malformed or cut sequence yields
// its bytes as they are, consistently for texts and patterns.
uint32_t CodePointAt(absl::string_view text, size_t at) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  size_t length = 1;
  uint32_t code_point = lead;
  if (lead >= 0xF0) {
    length = 4;
    code_point = lead & 0x07;
  } else if (lead >= 0xE0) {
    length = 3;
    code_point = lead & 0x0F;
  } else if (lead >= 0xC0) {
    length = 2;
    code_point = lead & 0x1F;
  }
  if (at + length > text.size()) return 0x110000 + lead;  // Cut short: outside Unicode, never confused.
  for (size_t i = at + 1; i < at + length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0x110000 + lead;
    code_point = (code_point << 6) | (byte(i) & 0x3F);
  }
  return code_point;
}

}  // namespace

TextCharacters::TextCharacters(absl::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    const uint32_t code_point = CodePointAt(text, i);
    if (code_point < basic_plane_.size()) {
      basic_plane_.set(code_point);
    } else {
      other_planes_.insert(code_point);
    }
  }
}

bool TextCharacters::Contains(uint32_t code_point) const {
  return code_point < basic_plane_.size() ? basic_plane_.test(code_point) : other_planes_.contains(code_point);
}

bool TextCharacters::MayMatch(absl::string_view pattern) const {
  // The first part's first character decides for nearly every pattern; the separators are looked for only after.
  for (size_t at = 0;;) {
    if (at < pattern.size() && pattern.substr(at, kPhraseSeparator.size()) != kPhraseSeparator &&
        !Contains(CodePointAt(pattern, at))) {
      return false;
    }
    const size_t separator = pattern.find(kPhraseSeparator, at);
    if (separator == absl::string_view::npos) return true;
    at = separator + kPhraseSeparator.size();
  }
}

size_t CodePoints(absl::string_view text) {
  size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

bool IsPhrase(absl::string_view pattern) { return pattern.find(kPhraseSeparator) != absl::string_view::npos; }

size_t PatternWeight(absl::string_view pattern) {
  size_t separators = 0;
  for (size_t at = pattern.find(kPhraseSeparator); at != absl::string_view::npos;
       at = pattern.find(kPhraseSeparator, at + kPhraseSeparator.size())) {
    ++separators;
  }
  return CodePoints(pattern) - separators;
}

std::optional<TextSpan> FindPattern(absl::string_view pattern, absl::string_view haystack) {
  size_t rest = 0;
  absl::string_view first = NextPart(pattern, 0, &rest);
  if (first.empty()) return std::nullopt;
  for (size_t start = haystack.find(first); start != absl::string_view::npos; start = haystack.find(first, start + 1)) {
    size_t end = start + first.size();
    bool matched = true;
    for (size_t next = rest; next != absl::string_view::npos && matched;) {
      absl::string_view part = NextPart(pattern, next, &next);
      if (part.empty()) continue;
      const size_t window_end = std::min(haystack.size(), Advance(haystack, end, kMaxPhraseGap) + part.size());
      const size_t found = haystack.substr(0, window_end).find(part, end);
      if (found == absl::string_view::npos) {
        matched = false;
      } else {
        end = found + part.size();
      }
    }
    if (matched) return TextSpan{start, end};
  }
  return std::nullopt;
}

std::vector<TextSpan> FindAllPattern(absl::string_view pattern, absl::string_view haystack) {
  std::vector<TextSpan> spans;
  if (IsPhrase(pattern)) {
    if (std::optional<TextSpan> span = FindPattern(pattern, haystack)) spans.push_back(*span);
    return spans;
  }
  if (pattern.empty()) return spans;
  for (size_t start = haystack.find(pattern); start != absl::string_view::npos;
       start = haystack.find(pattern, start + pattern.size())) {
    spans.push_back({start, start + pattern.size()});
  }
  return spans;
}

}  // namespace gridcase::intake
