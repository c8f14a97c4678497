#include "services/intake/open311/api_keys.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace gridcase::intake::open311 {
namespace {

using nlohmann::json;

absl::Status Invalid(size_t index, absl::string_view field, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat("[", index, "]", field.empty() ? "" : ".", field, ": ", reason));
}

bool IsKeyText(absl::string_view key) {
  if (key.size() < 16 || key.size() > 128) return false;
  for (char c : key) {
    if (c < 0x21 || c > 0x7E) return false;
  }
  return true;
}

bool IsClientName(absl::string_view name) {
  if (name.empty() || name.size() > 40) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<ApiKeys> ApiKeys::FromJson(absl::string_view text) {
  json root = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return absl::InvalidArgumentError("not valid JSON");
  if (!root.is_array())
    return absl::InvalidArgumentError("expected a JSON list of {key, name, rate_per_second, burst}");
  ApiKeys keys;
  absl::flat_hash_set<std::string> names;
  for (size_t i = 0; i < root.size(); ++i) {
    const json& entry = root[i];
    if (!entry.is_object()) return Invalid(i, "", "expected an object");
    for (auto it = entry.begin(); it != entry.end(); ++it) {
      if (it.key() != "key" && it.key() != "name" && it.key() != "rate_per_second" && it.key() != "burst") {
        return Invalid(i, it.key(), "unknown field (expected key, name, rate_per_second, burst)");
      }
    }
    ApiKey key;
    auto k = entry.find("key");
    if (k == entry.end() || !k->is_string()) return Invalid(i, "key", "missing or not a string");
    key.key = k->get<std::string>();
    if (!IsKeyText(key.key)) return Invalid(i, "key", "must be 16..128 printable ASCII characters without spaces");
    auto n = entry.find("name");
    if (n == entry.end() || !n->is_string()) return Invalid(i, "name", "missing or not a string");
    key.name = n->get<std::string>();
    if (!IsClientName(key.name)) return Invalid(i, "name", "must be 1..40 characters of [a-z0-9._-]");
    auto rate = entry.find("rate_per_second");
    if (rate == entry.end() || !rate->is_number()) return Invalid(i, "rate_per_second", "missing or not a number");
    key.limit.rate_per_second = rate->get<double>();
    if (!std::isfinite(key.limit.rate_per_second) || key.limit.rate_per_second <= 0) {
      return Invalid(i, "rate_per_second", "must be > 0");
    }
    auto burst = entry.find("burst");
    if (burst == entry.end()) {
      key.limit.burst = std::max(1.0, key.limit.rate_per_second);
    } else {
      if (!burst->is_number()) return Invalid(i, "burst", "not a number");
      key.limit.burst = burst->get<double>();
      if (!std::isfinite(key.limit.burst) || key.limit.burst < 1) return Invalid(i, "burst", "must be >= 1");
    }
    if (keys.by_key_.contains(key.key)) return Invalid(i, "key", "repeats an earlier key");
    if (!names.insert(key.name).second) return Invalid(i, "name", absl::StrCat("repeats an earlier name ", key.name));
    keys.by_key_.emplace(key.key, keys.keys_.size());
    keys.keys_.push_back(std::move(key));
  }
  return keys;
}

absl::StatusOr<ApiKeys> ApiKeys::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::stringstream text;
  text << in.rdbuf();
  auto keys = FromJson(text.str());
  if (!keys.ok()) return absl::Status(keys.status().code(), absl::StrCat(path, ": ", keys.status().message()));
  return keys;
}

const ApiKey* ApiKeys::Find(absl::string_view key) const {
  auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : &keys_[it->second];
}

}  // namespace gridcase::intake::open311
