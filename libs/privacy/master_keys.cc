#include "libs/privacy/master_keys.h"

#include <fstream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "libs/privacy/aead.h"
#include "nlohmann/json.hpp"

namespace gridcase::privacy {
namespace {

absl::StatusOr<std::string> DecodeKey(const nlohmann::json& value, absl::string_view what) {
  if (!value.is_string()) return absl::InvalidArgumentError(absl::StrCat(what, ": must be a base64 string"));
  std::string bytes;
  if (!absl::Base64Unescape(value.get<std::string>(), &bytes) || bytes.size() != kAeadKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": must be the base64 of ", kAeadKeyBytes, " bytes"));
  }
  return bytes;
}

}  // namespace

absl::StatusOr<MasterKeys> MasterKeys::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("data master key file ", path, ": cannot be read"));
  std::stringstream content;
  content << in.rdbuf();
  auto keys = Parse(content.str());
  if (!keys.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("data master key file ", path, ": ", keys.status().message()));
  }
  return keys;
}

absl::StatusOr<MasterKeys> MasterKeys::Parse(absl::string_view text) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return absl::InvalidArgumentError("not a JSON object");
  MasterKeys keys;
  const auto list = json.find("master_keys");
  if (list == json.end() || !list->is_array() || list->empty()) {
    return absl::InvalidArgumentError("master_keys: must be a non-empty list");
  }
  for (size_t i = 0; i < list->size(); ++i) {
    const nlohmann::json& entry = (*list)[i];
    std::string where = absl::StrCat("master_keys[", i, "]");
    if (!entry.is_object() || !entry.contains("id") || !entry["id"].is_string() ||
        entry["id"].get<std::string>().empty() || entry["id"].get<std::string>().find(':') != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".id: must be a non-empty string without ':'"));
    }
    std::string id = entry["id"].get<std::string>();
    for (const Key& k : keys.keys_) {
      if (k.id == id) return absl::InvalidArgumentError(absl::StrCat(where, ".id: '", id, "' appears twice"));
    }
    auto bytes = DecodeKey(entry.contains("key") ? entry["key"] : nlohmann::json(), where + ".key");
    if (!bytes.ok()) return bytes.status();
    keys.keys_.push_back({std::move(id), *std::move(bytes)});
  }
  auto index = DecodeKey(json.contains("index_key") ? json["index_key"] : nlohmann::json(), "index_key");
  if (!index.ok()) return index.status();
  keys.index_key_ = *std::move(index);
  return keys;
}

absl::StatusOr<std::string> MasterKeys::Find(absl::string_view id) const {
  for (const Key& k : keys_) {
    if (k.id == id) return k.bytes;
  }
  return absl::NotFoundError(absl::StrCat("master key '", id, "' is not in the data master key file"));
}

absl::StatusOr<std::string> MasterKeys::NewFile(const std::string& id) {
  auto key = RandomBytes(kAeadKeyBytes);
  if (!key.ok()) return key.status();
  auto index = RandomBytes(kAeadKeyBytes);
  if (!index.ok()) return index.status();
  nlohmann::json json = {{"master_keys", nlohmann::json::array({{{"id", id}, {"key", absl::Base64Escape(*key)}}})},
                         {"index_key", absl::Base64Escape(*index)}};
  return json.dump(2) + "\n";
}

}  // namespace gridcase::privacy
