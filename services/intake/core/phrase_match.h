#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"

namespace gridcase::intake {

// A span of text [begin, end) in bytes.
struct TextSpan {
  size_t begin = 0;
  size_t end = 0;
};

// Patterns of the catalogue and the classification rules: a keyword ("井盖") or a phrase whose parts are separated
// by "…" ("井盖…没了"): the parts must appear in this order, each starting at most kMaxPhraseGap characters (code
// points) after the end of the previous one. Matching is on UTF-8 bytes of whole characters; nothing is allocated.

// The separator of a phrase's parts, U+2026 HORIZONTAL ELLIPSIS.
inline constexpr absl::string_view kPhraseSeparator = "\xE2\x80\xA6";
inline constexpr size_t kMaxPhraseGap = 15;

// True when `pattern` has at least two parts.
bool IsPhrase(absl::string_view pattern);
// Characters (code points) of all parts of `pattern`: how much of a request it explains.
size_t PatternWeight(absl::string_view pattern);
// The first match of `pattern` in `haystack` (leftmost start, then the nearest following parts), or nullopt. An
// empty pattern never matches.
std::optional<TextSpan> FindPattern(absl::string_view pattern, absl::string_view haystack);
// Every match of a keyword, non-overlapping, left to right; for a phrase, its first match only.
std::vector<TextSpan> FindAllPattern(absl::string_view pattern, absl::string_view haystack);

// Code points in `text` (UTF-8).
size_t CodePoints(absl::string_view text);

// The characters of one request, to skip at once the patterns that cannot match it: a pattern can match only if
// the first character of each of its parts occurs in the text. A check costs one bit lookup for the first part
// (characters of the Basic Multilingual Plane, which holds all common Chinese; others go to a set).
class TextCharacters {
 public:
  explicit TextCharacters(absl::string_view text);
  // False when `pattern` certainly does not match; true when it may.
  bool MayMatch(absl::string_view pattern) const;

 private:
  bool Contains(uint32_t code_point) const;

  std::bitset<0x10000> basic_plane_;
  absl::flat_hash_set<uint32_t> other_planes_;
};

}  // namespace gridcase::intake
