#include "services/intake/open311/api_keys.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace gridcase::intake::open311 {
namespace {

using nlohmann::json;

constexpr size_t kSha256Bytes = 32;
constexpr size_t kMaxSaltBytes = 64;
constexpr char kFields[] = "expected name, key_sha256, rate_per_second, burst";

absl::Status Invalid(size_t index, absl::string_view field, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat("[", index, "]", field.empty() ? "" : ".", field, ": ", reason));
}

bool IsHex(absl::string_view text) {
  return !text.empty() && text.size() % 2 == 0 && std::all_of(text.begin(), text.end(), [](char c) {
    return absl::ascii_isxdigit(static_cast<unsigned char>(c));
  });
}

// "<salt hex>:<sha256 hex>" → salt and hash bytes; false when malformed.
bool ParseKeySha256(absl::string_view field, std::string* salt, std::string* sha256) {
  size_t colon = field.find(':');
  if (colon == absl::string_view::npos) return false;
  absl::string_view salt_hex = field.substr(0, colon);
  absl::string_view sha_hex = field.substr(colon + 1);
  if (!IsHex(salt_hex) || !IsHex(sha_hex)) return false;
  if (salt_hex.size() / 2 < kKeySaltBytes || salt_hex.size() / 2 > kMaxSaltBytes) return false;
  if (sha_hex.size() / 2 != kSha256Bytes) return false;
  *salt = absl::HexStringToBytes(salt_hex);
  *sha256 = absl::HexStringToBytes(sha_hex);
  return true;
}

absl::StatusOr<std::string> RandomBytes(size_t n) {
  std::string bytes(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(n)) != 1) {
    return absl::InternalError("the random source (RAND_bytes) failed");
  }
  return bytes;
}

}  // namespace

bool IsApiKeyText(absl::string_view key) {
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

std::string SaltedSha256(absl::string_view salt, absl::string_view key) {
  std::string input = absl::StrCat(salt, key);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &size, EVP_sha256(), nullptr) != 1 || size != kSha256Bytes) {
    OPENSSL_cleanse(input.data(), input.size());
    return std::string();  // Matches no entry: every entry's hash is 32 bytes.
  }
  OPENSSL_cleanse(input.data(), input.size());
  return std::string(reinterpret_cast<const char*>(digest), size);
}

std::string KeySha256Field(absl::string_view key, absl::string_view salt) {
  return absl::StrCat(absl::BytesToHexString(salt), ":", absl::BytesToHexString(SaltedSha256(salt, key)));
}

std::string HashedKeyEntry(absl::string_view name, absl::string_view key, absl::string_view salt, RateLimit limit) {
  // Whole numbers are written without a fraction ("20", not "20.0"), as an operator would write them.
  auto number = [](double value) {
    return value == std::floor(value) && std::abs(value) < 1e15 ? nlohmann::ordered_json(static_cast<int64_t>(value))
                                                                : nlohmann::ordered_json(value);
  };
  nlohmann::ordered_json entry;
  entry["name"] = std::string(name);
  entry["key_sha256"] = KeySha256Field(key, salt);
  entry["rate_per_second"] = number(limit.rate_per_second);
  entry["burst"] = number(limit.burst);
  return entry.dump();
}

absl::StatusOr<std::string> NewKeySalt() { return RandomBytes(kKeySaltBytes); }

absl::StatusOr<std::string> NewApiKey() {
  auto bytes = RandomBytes(32);
  if (!bytes.ok()) return bytes.status();
  std::string key = absl::WebSafeBase64Escape(*bytes);
  OPENSSL_cleanse(bytes->data(), bytes->size());
  return key;
}

absl::StatusOr<ApiKeys> ApiKeys::FromJson(absl::string_view text) {
  json root = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return absl::InvalidArgumentError("not valid JSON");
  if (!root.is_array()) {
    return absl::InvalidArgumentError("expected a JSON list of {name, key_sha256, rate_per_second, burst}");
  }
  ApiKeys keys;
  absl::flat_hash_set<std::string> names;
  absl::flat_hash_set<std::string> hashes;
  for (size_t i = 0; i < root.size(); ++i) {
    const json& entry = root[i];
    if (!entry.is_object()) return Invalid(i, "", "expected an object");
    if (entry.contains("key")) {
      return Invalid(i, "key",
                     "plaintext keys are not accepted; replace the field with the \"key_sha256\" that "
                     "`gridcase-open311-key hash --name NAME` prints for the key (it reads the key from stdin)");
    }
    for (auto it = entry.begin(); it != entry.end(); ++it) {
      if (it.key() != "key_sha256" && it.key() != "name" && it.key() != "rate_per_second" && it.key() != "burst") {
        return Invalid(i, it.key(), absl::StrCat("unknown field (", kFields, ")"));
      }
    }
    ApiKey key;
    auto n = entry.find("name");
    if (n == entry.end() || !n->is_string()) return Invalid(i, "name", "missing or not a string");
    key.name = n->get<std::string>();
    if (!IsClientName(key.name)) return Invalid(i, "name", "must be 1..40 characters of [a-z0-9._-]");
    auto hash = entry.find("key_sha256");
    if (hash == entry.end() || !hash->is_string()) return Invalid(i, "key_sha256", "missing or not a string");
    if (!ParseKeySha256(hash->get<std::string>(), &key.salt, &key.sha256)) {
      return Invalid(i, "key_sha256",
                     "must be \"<salt hex>:<SHA-256 hex>\" with a salt of 16..64 bytes and a 32-byte hash (as "
                     "`gridcase-open311-key` writes it)");
    }
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
    if (!hashes.insert(absl::StrCat(key.salt, key.sha256)).second) {
      return Invalid(i, "key_sha256", "repeats an earlier entry's");
    }
    if (!names.insert(key.name).second) return Invalid(i, "name", absl::StrCat("repeats an earlier name ", key.name));
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

const ApiKey* ApiKeys::Find(absl::string_view presented_key) const {
  if (!IsApiKeyText(presented_key)) return nullptr;
  const ApiKey* found = nullptr;
  for (const ApiKey& key : keys_) {
    std::string sha256 = SaltedSha256(key.salt, presented_key);
    bool same =
        sha256.size() == key.sha256.size() && CRYPTO_memcmp(sha256.data(), key.sha256.data(), sha256.size()) == 0;
    if (same && found == nullptr) found = &key;
  }
  return found;
}

}  // namespace gridcase::intake::open311
