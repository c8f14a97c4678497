#include "services/intake/open311/api_keys.h"

#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace gridcase::intake::open311 {
namespace {

constexpr char kHotlineKey[] = "k-0123456789abcdef";
constexpr char kAppKey[] = "k-fedcba9876543210";
constexpr char kSaltA[] = "salt-a-0123456789";
constexpr char kSaltB[] = "salt-b-0123456789";

std::string Entry(absl::string_view name, absl::string_view key, absl::string_view salt, double rate, double burst) {
  return HashedKeyEntry(name, key, salt, {.rate_per_second = rate, .burst = burst});
}

// A valid entry with one field replaced (or removed, for a null value), as JSON text.
std::string EntryWith(absl::string_view field, const nlohmann::json& value) {
  nlohmann::json entry = nlohmann::json::parse(Entry("a", kHotlineKey, kSaltA, 1, 1));
  if (value.is_null()) {
    entry.erase(std::string(field));
  } else {
    entry[std::string(field)] = value;
  }
  return absl::StrCat("[", entry.dump(), "]");
}

TEST(ApiKeysTest, HashesWithTheSaltAsSha256) {
  // SHA-256 of "salt-a-0123456789" followed by "k-0123456789abcdef", computed independently:
  //   printf 'salt-a-0123456789k-0123456789abcdef' | sha256sum
  EXPECT_EQ(KeySha256Field(kHotlineKey, kSaltA),
            absl::StrCat(absl::BytesToHexString(kSaltA), ":",
                         "3401bd168a5e5a6d32ac66f113cb307be56862af293fb86d00536243f31caf2e"));
}

TEST(ApiKeysTest, FindsTheClientOfTheRightKeyOnly) {
  auto keys = ApiKeys::FromJson(absl::StrCat("[", Entry("hotline-12345", kHotlineKey, kSaltA, 20, 40), ",",
                                             Entry("app.v2", kAppKey, kSaltB, 0.5, 1), "]"));
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(keys->size(), 2u);
  const ApiKey* hotline = keys->Find(kHotlineKey);
  ASSERT_NE(hotline, nullptr);
  EXPECT_EQ(hotline->name, "hotline-12345");
  EXPECT_EQ(hotline->limit.rate_per_second, 20);
  EXPECT_EQ(hotline->limit.burst, 40);
  const ApiKey* app = keys->Find(kAppKey);
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(app->name, "app.v2");  // Another entry's key finds that entry, not the first one.
  EXPECT_EQ(keys->Find("k-0123456789abcdeX"), nullptr);  // One character off.
  EXPECT_EQ(keys->Find("k-0123456789abcdef0"), nullptr);  // One character more.
  EXPECT_EQ(keys->Find("k-unknown-000000000"), nullptr);
  EXPECT_EQ(keys->Find(""), nullptr);
  EXPECT_EQ(keys->Find("short"), nullptr);                 // Refused before hashing.
  EXPECT_EQ(keys->Find("k-0123456789 abcdef"), nullptr);  // A space: not a key.
}

TEST(ApiKeysTest, TheSameKeyUnderAnotherSaltHasAnotherHash) {
  EXPECT_NE(KeySha256Field(kHotlineKey, kSaltA).substr(35), KeySha256Field(kHotlineKey, kSaltB).substr(35));
  // An entry whose hash was made with another entry's salt matches no key.
  std::string hash_a = KeySha256Field(kHotlineKey, kSaltA);
  std::string hash_b = KeySha256Field(kHotlineKey, kSaltB);
  std::string mixed = absl::StrCat(hash_b.substr(0, hash_b.find(':')), hash_a.substr(hash_a.find(':')));
  auto keys = ApiKeys::FromJson(EntryWith("key_sha256", mixed));
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(keys->Find(kHotlineKey), nullptr);
}

TEST(ApiKeysTest, MakesFreshKeysAndSalts) {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    auto key = NewApiKey();
    ASSERT_TRUE(key.ok()) << key.status();
    EXPECT_EQ(key->size(), 43u);  // 32 bytes, base64url without padding.
    EXPECT_TRUE(IsApiKeyText(*key)) << *key;
    EXPECT_EQ(key->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    EXPECT_TRUE(seen.insert(*key).second);
    auto salt = NewKeySalt();
    ASSERT_TRUE(salt.ok()) << salt.status();
    EXPECT_EQ(salt->size(), kKeySaltBytes);
    EXPECT_TRUE(seen.insert(*salt).second);
  }
}

TEST(ApiKeysTest, RefusesAPlaintextKeyWithoutEchoingIt) {
  auto keys = ApiKeys::FromJson(absl::StrCat(
      "[", Entry("a", kHotlineKey, kSaltA, 1, 1),
      R"(, {"key": "k-plaintext-0123456789", "name": "b", "rate_per_second": 1}])"));
  ASSERT_FALSE(keys.ok());
  EXPECT_EQ(keys.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(keys.status().message(), "[1].key: plaintext keys are not accepted;"))
      << keys.status();
  EXPECT_TRUE(absl::StrContains(keys.status().message(), "gridcase-open311-key hash")) << keys.status();
  EXPECT_FALSE(absl::StrContains(keys.status().message(), "k-plaintext")) << keys.status();
}

TEST(ApiKeysTest, RefusesBadEntriesNamingThePath) {
  const std::string hash = KeySha256Field(kHotlineKey, kSaltA);
  const std::string digest = hash.substr(hash.find(':') + 1);
  const std::string salt_hex = hash.substr(0, hash.find(':'));
  const std::string bad_hash =
      "[0].key_sha256: must be \"<salt hex>:<SHA-256 hex>\" with a salt of 16..64 bytes and a 32-byte hash (as "
      "`gridcase-open311-key` writes it)";
  struct Case {
    std::string json;
    std::string error;
  } cases[] = {
      {"{}", "expected a JSON list of {name, key_sha256, rate_per_second, burst}"},
      {"[", "not valid JSON"},
      {"[1]", "[0]: expected an object"},
      {EntryWith("key_sha256", nullptr), "[0].key_sha256: missing or not a string"},
      {EntryWith("key_sha256", 5), "[0].key_sha256: missing or not a string"},
      {EntryWith("key_sha256", digest), bad_hash},                                   // No salt.
      {EntryWith("key_sha256", absl::StrCat(":", digest)), bad_hash},                // Empty salt.
      {EntryWith("key_sha256", absl::StrCat("00112233445566778899aabbccddee:", digest)), bad_hash},  // 15 bytes.
      {EntryWith("key_sha256", absl::StrCat(std::string(130, 'a'), ":", digest)), bad_hash},       // 65 bytes.
      {EntryWith("key_sha256", absl::StrCat(salt_hex, ":", digest.substr(2))), bad_hash},            // Short hash.
      {EntryWith("key_sha256", absl::StrCat(salt_hex, ":", digest, "00")), bad_hash},                // Long hash.
      {EntryWith("key_sha256", absl::StrCat(salt_hex, ":", "g", digest.substr(1))), bad_hash},       // Not hex.
      {EntryWith("key_sha256", absl::StrCat(salt_hex, "0:", digest)), bad_hash},                     // Odd salt.
      {EntryWith("key_sha256", absl::StrCat(salt_hex, ":", digest, ":00")), bad_hash},
      {EntryWith("name", "Hotline"), "[0].name: must be 1..40 characters of [a-z0-9._-]"},
      {EntryWith("name", nullptr), "[0].name: missing or not a string"},
      {EntryWith("rate_per_second", 0), "[0].rate_per_second: must be > 0"},
      {EntryWith("burst", 0.5), "[0].burst: must be >= 1"},
      {EntryWith("rate", 2), "[0].rate: unknown field (expected name, key_sha256, rate_per_second, burst)"},
      {absl::StrCat("[", Entry("a", kHotlineKey, kSaltA, 1, 1), ",", Entry("b", kHotlineKey, kSaltA, 1, 1), "]"),
       "[1].key_sha256: repeats an earlier entry's"},
      {absl::StrCat("[", Entry("a", kHotlineKey, kSaltA, 1, 1), ",", Entry("a", kAppKey, kSaltB, 1, 1), "]"),
       "[1].name: repeats an earlier name a"},
  };
  for (const Case& c : cases) {
    auto keys = ApiKeys::FromJson(c.json);
    ASSERT_FALSE(keys.ok()) << c.json;
    EXPECT_EQ(keys.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(keys.status().message(), c.error) << c.json;
  }
}

TEST(ApiKeysTest, BurstDefaultsToTheRate) {
  auto keys = ApiKeys::FromJson(EntryWith("burst", nullptr));
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(keys->Find(kHotlineKey)->limit.burst, 1);
}

TEST(ApiKeysTest, LoadNamesTheFile) {
  auto keys = ApiKeys::Load("/nonexistent/open311-keys.json");
  ASSERT_FALSE(keys.ok());
  EXPECT_EQ(keys.status().message(), "/nonexistent/open311-keys.json: cannot open");
}

}  // namespace
}  // namespace gridcase::intake::open311
