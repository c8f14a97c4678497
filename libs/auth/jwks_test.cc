#include "libs/auth/jwks.h"

#include <string>

#include "gtest/gtest.h"
#include "libs/auth/token_signer.h"

namespace gridcase::auth {
namespace {

nlohmann::json Jwk(const std::string& kid) {
  absl::StatusOr<KeyPair> pair = GenerateKeyPair(kid);
  EXPECT_TRUE(pair.ok()) << pair.status();
  return pair->public_jwk;
}

std::string Message(const absl::StatusOr<KeySet>& set) { return std::string(set.status().message()); }

TEST(Jwks, ParsesSeveralKeysAndFindsThemByKid) {
  nlohmann::json a = Jwk("a"), b = Jwk("b");
  EXPECT_EQ(a["kty"], "EC");
  EXPECT_EQ(a["crv"], "P-256");
  EXPECT_EQ(a["alg"], "ES256");
  EXPECT_EQ(a["use"], "sig");
  EXPECT_FALSE(a.contains("d"));
  absl::StatusOr<KeySet> set = ParseJwks(nlohmann::json{{"keys", {a, b}}}.dump());
  ASSERT_TRUE(set.ok()) << set.status();
  ASSERT_EQ(set->keys.size(), 2u);
  EXPECT_NE(set->Find("a"), nullptr);
  EXPECT_NE(set->Find("b"), nullptr);
  EXPECT_EQ(set->Find("c"), nullptr);
}

TEST(Jwks, RejectsTheWholeSetForOneUnusableEntryAndNamesIt) {
  nlohmann::json good = Jwk("good");
  nlohmann::json rsa = {{"kty", "RSA"}, {"kid", "old-rsa"}, {"n", "AQAB"}, {"e", "AQAB"}};
  absl::StatusOr<KeySet> set = ParseJwks(nlohmann::json{{"keys", {good, rsa}}}.dump());
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(Message(set), "keys[1] (kid 'old-rsa'): kty 'RSA' is not EC (only ES256 keys are accepted)");

  nlohmann::json p384 = Jwk("p384");
  p384["crv"] = "P-384";
  EXPECT_NE(Message(ParseJwks(nlohmann::json{{"keys", {p384}}}.dump())).find("crv 'P-384' is not P-256"),
            std::string::npos);

  nlohmann::json off_curve = Jwk("bent");
  off_curve["y"] = off_curve["x"];
  EXPECT_FALSE(ParseJwks(nlohmann::json{{"keys", {off_curve}}}.dump()).ok());

  nlohmann::json hs = Jwk("hs");
  hs["alg"] = "HS256";
  EXPECT_FALSE(ParseJwks(nlohmann::json{{"keys", {hs}}}.dump()).ok());

  nlohmann::json with_private = Jwk("leaky");
  with_private["d"] = "AAAA";
  EXPECT_NE(Message(ParseJwks(nlohmann::json{{"keys", {with_private}}}.dump())).find("private key"), std::string::npos);

  nlohmann::json no_kid = Jwk("x");
  no_kid.erase("kid");
  EXPECT_NE(Message(ParseJwks(nlohmann::json{{"keys", {no_kid}}}.dump())).find("missing 'kid'"), std::string::npos);

  EXPECT_NE(Message(ParseJwks(nlohmann::json{{"keys", {good, good}}}.dump())).find("duplicate kid"), std::string::npos);
  EXPECT_EQ(Message(ParseJwks(R"({"keys": []})")), "no keys");
  EXPECT_FALSE(ParseJwks("{").ok());
  EXPECT_FALSE(ParseJwks(R"([1, 2])").ok());
}

TEST(Jwks, FileErrorsNameTheFile) {
  absl::StatusOr<KeySet> set = LoadJwksFile("/nonexistent/jwks.json");
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.status().message().find("/nonexistent/jwks.json"), std::string::npos);
}

}  // namespace
}  // namespace gridcase::auth
