#include "libs/registry/gazetteer.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_replace.h"
#include "libs/validation/utf8.h"

namespace gridcase::registry {
namespace {

// Byte offsets at which code points start, plus text.size() at the end.
std::vector<size_t> CodePointStarts(absl::string_view text) {
  std::vector<size_t> starts;
  starts.reserve(text.size() + 1);
  for (size_t i = 0; i < text.size();) {
    starts.push_back(i);
    size_t length = 1;
    validation::DecodeUtf8(text, i, &length);
    i += length;
  }
  starts.push_back(text.size());
  return starts;
}

}  // namespace

std::string NormalizePlaceText(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t length = 1;
    const uint32_t cp = validation::DecodeUtf8(text, i, &length);
    if (cp == validation::kMalformedUtf8) {
      out.push_back(text[i]);
    } else if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' || cp == 0x3000 ||
               cp == 0x00A0) {
      // Dropped.
    } else if (cp >= 0xFF01 && cp <= 0xFF5E) {
      out.push_back(absl::ascii_tolower(static_cast<unsigned char>(cp - 0xFEE0)));
    } else if (cp < 0x80) {
      out.push_back(absl::ascii_tolower(static_cast<unsigned char>(cp)));
    } else if (cp == 0x680B) {   // 栋
      validation::AppendUtf8(0x5E62, &out);  // 幢
    } else {
      out.append(text.data() + i, length);
    }
    i += length;
  }
  return absl::StrReplaceAll(out, {{"号楼", "幢"}});
}

Gazetteer::Entry* Gazetteer::EntryFor(absl::string_view name) {
  std::string key = NormalizePlaceText(name);
  if (CodePointStarts(key).size() - 1 < kMinNameChars) return nullptr;
  max_name_bytes_ = std::max(max_name_bytes_, key.size());
  auto [it, inserted] = names_.try_emplace(std::move(key));
  if (inserted) it->second.name = std::string(name);
  return &it->second;
}

void Gazetteer::AddCommunityName(absl::string_view name, absl::string_view community_code) {
  Entry* entry = EntryFor(name);
  if (entry == nullptr) return;
  entry->places[community_code] = "";
}

void Gazetteer::AddGridName(absl::string_view name, absl::string_view community_code, absl::string_view grid_code) {
  Entry* entry = EntryFor(name);
  if (entry == nullptr) return;
  auto [it, inserted] = entry->places.try_emplace(community_code, grid_code);
  if (!inserted && it->second != grid_code) it->second.clear();
}

void Gazetteer::AddAreaName(absl::string_view name, absl::Span<const std::string> community_codes) {
  Entry* entry = EntryFor(name);
  if (entry == nullptr) return;
  entry->areas.insert(community_codes.begin(), community_codes.end());
}

void Gazetteer::SetSoleGrid(absl::string_view community_code, absl::string_view grid_code) {
  sole_grid_[community_code] = std::string(grid_code);
}

Gazetteer::Result Gazetteer::Find(absl::string_view address) const {
  const std::string text = NormalizePlaceText(address);
  const std::vector<size_t> starts = CodePointStarts(text);
  const size_t chars = starts.size() - 1;

  struct Match {
    size_t begin;  // Index into `starts`.
    size_t end;
    const Entry* entry;
    size_t chars() const { return end - begin; }
  };
  std::vector<Match> matches;
  for (size_t b = 0; b < chars; ++b) {
    for (size_t e = b + kMinNameChars; e <= chars && starts[e] - starts[b] <= max_name_bytes_; ++e) {
      auto it = names_.find(absl::string_view(text).substr(starts[b], starts[e] - starts[b]));
      if (it != names_.end()) matches.push_back({b, e, &it->second});
    }
  }
  // Drop matches inside a longer one.
  std::vector<Match> kept;
  for (const Match& m : matches) {
    const bool inside = std::any_of(matches.begin(), matches.end(), [&m](const Match& n) {
      return n.chars() > m.chars() && n.begin <= m.begin && m.end <= n.end;
    });
    if (!inside) kept.push_back(m);
  }
  std::stable_sort(kept.begin(), kept.end(), [](const Match& a, const Match& b) {
    return a.chars() != b.chars() ? a.chars() > b.chars() : a.begin < b.begin;
  });

  const auto communities_of = [](const Entry& entry) {
    absl::flat_hash_set<std::string> all(entry.areas.begin(), entry.areas.end());
    for (const auto& [community, grid] : entry.places) all.insert(community);
    return all;
  };
  for (size_t i = 0; i < kept.size(); ++i) {
    const Entry& entry = *kept[i].entry;
    if (entry.places.empty()) continue;
    std::vector<std::string> candidates;
    for (const auto& [community, grid] : entry.places) candidates.push_back(community);
    for (size_t j = 0; j < kept.size() && candidates.size() > 1; ++j) {
      if (j == i) continue;
      const absl::flat_hash_set<std::string> other = communities_of(*kept[j].entry);
      std::vector<std::string> narrowed;
      for (const std::string& c : candidates) {
        if (other.contains(c)) narrowed.push_back(c);
      }
      if (!narrowed.empty()) candidates = std::move(narrowed);
    }
    if (candidates.size() != 1) continue;

    Result result;
    result.community_code = candidates.front();
    result.matched_name = entry.name;
    result.grid_code = entry.places.at(result.community_code);
    if (result.grid_code.empty()) {
      if (auto sole = sole_grid_.find(result.community_code); sole != sole_grid_.end()) result.grid_code = sole->second;
    }
    result.precision = result.grid_code.empty() ? Precision::kCommunity : Precision::kGrid;
    return result;
  }
  return Result();
}

}  // namespace gridcase::registry
