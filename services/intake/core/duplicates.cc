#include "services/intake/core/duplicates.h"

#include <algorithm>
#include <cstdint>
#include <unordered_map>

namespace gridcase::intake {
namespace {

// Code points of `text` without whitespace and ASCII/CJK punctuation.
std::vector<uint32_t> Significant(absl::string_view text) {
  std::vector<uint32_t> out;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    uint32_t cp = *p;
    int extra = cp < 0x80 ? 0 : (cp & 0xE0) == 0xC0 ? 1 : (cp & 0xF0) == 0xE0 ? 2 : 3;
    if (extra > 0) cp &= (0x3F >> extra);
    for (int i = 1; i <= extra && p + i < end; ++i) cp = (cp << 6) | (p[i] & 0x3F);
    p += extra + 1;
    bool ascii_noise = cp < 0x80 && !((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'));
    bool cjk_punctuation = (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFF0F) ||
                           (cp >= 0xFF1A && cp <= 0xFF20) || cp == 0x2026 || cp == 0x2014 ||
                           (cp >= 0x2018 && cp <= 0x201F);
    if (ascii_noise || cjk_punctuation) continue;
    if (cp >= 'A' && cp <= 'Z') cp += 'a' - 'A';
    out.push_back(cp);
  }
  return out;
}

std::unordered_map<uint64_t, int> Bigrams(const std::vector<uint32_t>& cps) {
  std::unordered_map<uint64_t, int> grams;
  for (size_t i = 0; i + 1 < cps.size(); ++i) ++grams[(static_cast<uint64_t>(cps[i]) << 32) | cps[i + 1]];
  if (cps.size() == 1) ++grams[cps[0]];
  return grams;
}

}  // namespace

double TextSimilarity(absl::string_view a, absl::string_view b) {
  auto ga = Bigrams(Significant(a));
  auto gb = Bigrams(Significant(b));
  int total = 0;
  for (const auto& [g, n] : ga) total += n;
  for (const auto& [g, n] : gb) total += n;
  if (total == 0) return 0;
  int common = 0;
  for (const auto& [g, n] : ga) {
    auto it = gb.find(g);
    if (it != gb.end()) common += std::min(n, it->second);
  }
  return 2.0 * common / total;
}

}  // namespace gridcase::intake
