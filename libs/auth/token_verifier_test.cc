#include "libs/auth/token_verifier.h"

#include <atomic>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "libs/auth/base64url.h"
#include "libs/auth/role_claim.h"
#include "libs/auth/test_keys.h"
#include "libs/auth/token_cli.h"
#include "openssl/hmac.h"

namespace gridcase::auth {
namespace {

using testing::Contains;
using testing::MakeKey;
using testing::SignRaw;
using testing::TempDir;
using testing::TestKey;
using testing::WriteFile;
using testing::WriteJwks;

constexpr char kPeople[] = "gridcase-test-people";
constexpr char kServices[] = "gridcase-test-services";
constexpr char kAudience[] = "gridcase";
constexpr char kGrid[] = "330199001001001";  // 翠苑社区第1网格 of the sample county

// A clock the test moves by hand.
class FakeClock {
 public:
  absl::Time Now() const {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ = absl::FromUnixSeconds(1'795'000'000);
};

class TokenVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteJwks(people_jwks_, {&person_key_});
    WriteJwks(services_jwks_, {&service_key_});
    verifier_ = MakeVerifier(absl::ZeroDuration());
  }

  std::unique_ptr<TokenVerifier> MakeVerifier(absl::Duration poll) {
    absl::StatusOr<std::unique_ptr<TokenVerifier>> verifier = TokenVerifier::Create(
        {.issuers = {{.issuer = kPeople, .jwks_path = people_jwks_, .kind = IdentityKind::kPerson},
                     {.issuer = kServices, .jwks_path = services_jwks_, .kind = IdentityKind::kService}},
         .audience = kAudience,
         .reload_poll = poll,
         .now = [this] { return clock_.Now(); }});
    EXPECT_TRUE(verifier.ok()) << verifier.status();
    return verifier.ok() ? *std::move(verifier) : nullptr;
  }

  // A person token's claims as gridcase mints them, for tests to spoil one at a time.
  nlohmann::json PersonClaims() const {
    int64_t now = absl::ToUnixSeconds(clock_.Now());
    return {{"iss", kPeople}, {"aud", kAudience}, {"sub", "p0001"},   {"role", "grid_worker"},
            {"unit", kGrid},  {"iat", now},       {"exp", now + 3600}};
  }
  nlohmann::json Header(const TestKey& key) const { return {{"alg", "ES256"}, {"typ", "JWT"}, {"kid", key.kid}}; }
  std::string PersonToken(const nlohmann::json& claims) const {
    return SignRaw(person_key_, Header(person_key_), claims);
  }

  std::string Mint(const TestKey& key, const std::string& issuer, v1::Role role, const std::string& unit,
                   absl::Duration ttl = absl::Hours(1)) {
    absl::StatusOr<std::string> token = key.signer->Mint({.issuer = issuer,
                                                          .audience = kAudience,
                                                          .subject = role == v1::ROLE_SYSTEM ? "intake" : "p0001",
                                                          .role = role,
                                                          .unit = unit,
                                                          .issued_at = clock_.Now(),
                                                          .ttl = ttl});
    EXPECT_TRUE(token.ok()) << token.status();
    return token.value_or("");
  }

  absl::StatusOr<Principal> Verify(const std::string& token) const {
    return verifier_->Verify(absl::StrCat("Bearer ", token));
  }

  // The reason Verify gives, checking that it is UNAUTHENTICATED.
  std::string Rejection(const std::string& token) const {
    absl::StatusOr<Principal> principal = Verify(token);
    if (principal.ok()) return "accepted";
    EXPECT_EQ(principal.status().code(), absl::StatusCode::kUnauthenticated) << principal.status();
    return std::string(principal.status().message());
  }

  TempDir dir_;
  const std::string people_jwks_ = dir_.File("people.json");
  const std::string services_jwks_ = dir_.File("services.json");
  TestKey person_key_ = MakeKey("person-1");
  TestKey service_key_ = MakeKey("service-1");
  FakeClock clock_;
  std::unique_ptr<TokenVerifier> verifier_;
};

TEST_F(TokenVerifierTest, MintedPersonTokenVerifiesToItsPrincipal) {
  std::string token = Mint(person_key_, kPeople, v1::ROLE_TOWNSHIP_DISPATCHER, "330199001", absl::Hours(8));
  absl::StatusOr<Principal> principal = Verify(token);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->subject, "p0001");
  EXPECT_EQ(principal->role, v1::ROLE_TOWNSHIP_DISPATCHER);
  EXPECT_EQ(principal->unit, "330199001");
  EXPECT_EQ(principal->issuer, kPeople);
  EXPECT_EQ(principal->kind, IdentityKind::kPerson);
  EXPECT_EQ(principal->expires, absl::FromUnixSeconds(absl::ToUnixSeconds(clock_.Now() + absl::Hours(8))));

  // The scheme is case-insensitive and blanks around the header are ignored.
  EXPECT_TRUE(verifier_->Verify(absl::StrCat("  bearer ", token, " ")).ok());
  EXPECT_TRUE(verifier_->Verify(absl::StrCat("BEARER ", token)).ok());
}

TEST_F(TokenVerifierTest, ServiceTokenVerifiesAsAService) {
  absl::StatusOr<Principal> principal = Verify(Mint(service_key_, kServices, v1::ROLE_SYSTEM, ""));
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->subject, "intake");
  EXPECT_EQ(principal->role, v1::ROLE_SYSTEM);
  EXPECT_EQ(principal->unit, "");
  EXPECT_EQ(principal->kind, IdentityKind::kService);
}

TEST_F(TokenVerifierTest, EveryPersonRoleRoundTrips) {
  for (v1::Role role : {v1::ROLE_RESIDENT, v1::ROLE_HOTLINE_OPERATOR, v1::ROLE_GRID_WORKER, v1::ROLE_COMMUNITY,
                        v1::ROLE_TOWNSHIP_DISPATCHER, v1::ROLE_DEPARTMENT_HANDLER, v1::ROLE_SUPERVISOR}) {
    absl::StatusOr<Principal> principal = Verify(Mint(person_key_, kPeople, role, "330199"));
    ASSERT_TRUE(principal.ok()) << RoleClaim(role) << ": " << principal.status();
    EXPECT_EQ(principal->role, role);
  }
}

TEST_F(TokenVerifierTest, MissingOrNonBearerHeaderIsRejected) {
  EXPECT_EQ(verifier_->Verify("").status().message(), "missing bearer token");
  EXPECT_EQ(verifier_->Verify("Bearer ").status().message(), "missing bearer token");
  EXPECT_EQ(verifier_->Verify("Bearer").status().message(), "missing bearer token");
  EXPECT_TRUE(Contains(verifier_->Verify("Basic dXNlcjpwYXNz").status().message(), "missing bearer token"));
  EXPECT_EQ(verifier_->Verify("").status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(TokenVerifierTest, ExpiryHonoursTheLeeway) {
  std::string token = Mint(person_key_, kPeople, v1::ROLE_GRID_WORKER, kGrid, absl::Minutes(5));
  clock_.Advance(absl::Minutes(5) + absl::Seconds(29));
  EXPECT_EQ(Rejection(token), "accepted");
  clock_.Advance(absl::Seconds(2));
  EXPECT_TRUE(Contains(Rejection(token), "token expired at 2026-"));
}

TEST_F(TokenVerifierTest, ARememberedTokenIsStillCheckedForTimeAndKeys) {
  std::string token = Mint(person_key_, kPeople, v1::ROLE_GRID_WORKER, kGrid, absl::Minutes(5));
  absl::StatusOr<Principal> first = Verify(token);
  absl::StatusOr<Principal> again = Verify(token);
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(again->subject, first->subject);
  EXPECT_EQ(again->unit, first->unit);
  EXPECT_EQ(again->expires, first->expires);
  // The issuer's keys replaced by another key: the remembered token no longer verifies.
  TestKey other = MakeKey("person-2");
  WriteJwks(people_jwks_, {&other});
  ASSERT_TRUE(verifier_->ReloadNow().ok());
  EXPECT_EQ(Rejection(token), "unknown signing key 'person-1' of issuer 'gridcase-test-people'");
  WriteJwks(people_jwks_, {&person_key_});
  ASSERT_TRUE(verifier_->ReloadNow().ok());
  EXPECT_EQ(Rejection(token), "accepted");
  clock_.Advance(absl::Minutes(6));
  EXPECT_TRUE(Contains(Rejection(token), "token expired at"));
}

TEST_F(TokenVerifierTest, NotYetValidTokenIsRejected) {
  nlohmann::json claims = PersonClaims();
  claims["nbf"] = absl::ToUnixSeconds(clock_.Now()) + 60;
  EXPECT_TRUE(Contains(Rejection(PersonToken(claims)), "token not valid before"));
  claims["nbf"] = absl::ToUnixSeconds(clock_.Now()) + 20;  // within the leeway
  EXPECT_EQ(Rejection(PersonToken(claims)), "accepted");

  claims = PersonClaims();
  claims["iat"] = absl::ToUnixSeconds(clock_.Now()) + 600;
  EXPECT_TRUE(Contains(Rejection(PersonToken(claims)), "token not valid before"));
}

TEST_F(TokenVerifierTest, NumericDatesMayBeFloatsButNothingElse) {
  nlohmann::json claims = PersonClaims();
  claims["exp"] = absl::ToUnixSeconds(clock_.Now()) + 10.5;
  EXPECT_EQ(Rejection(PersonToken(claims)), "accepted");
  claims["exp"] = absl::StrCat(absl::ToUnixSeconds(clock_.Now()) + 10);
  EXPECT_EQ(Rejection(PersonToken(claims)), "malformed token: claim 'exp' is not a date (seconds since 1970)");
  claims["exp"] = 1e300;
  EXPECT_TRUE(Contains(Rejection(PersonToken(claims)), "claim 'exp' is not a date"));
}

TEST_F(TokenVerifierTest, UntrustedIssuerIsRejected) {
  nlohmann::json claims = PersonClaims();
  claims["iss"] = "https://evil.example";
  EXPECT_EQ(Rejection(PersonToken(claims)), "token issued by 'https://evil.example', not a trusted issuer");
}

TEST_F(TokenVerifierTest, AnotherAudienceIsRejected) {
  nlohmann::json claims = PersonClaims();
  claims["aud"] = "billing";
  EXPECT_EQ(Rejection(PersonToken(claims)), "token is for audience 'billing', not 'gridcase'");
  claims["aud"] = {"billing", "gridcase"};
  EXPECT_EQ(Rejection(PersonToken(claims)), "accepted");
  claims["aud"] = {"billing", "reports"};
  EXPECT_EQ(Rejection(PersonToken(claims)), "token is for audience 'billing', 'reports', not 'gridcase'");
  claims["aud"] = 7;
  EXPECT_TRUE(Contains(Rejection(PersonToken(claims)), "malformed token: claim 'aud'"));
}

TEST_F(TokenVerifierTest, TamperedPayloadIsABadSignature) {
  std::string token = Mint(person_key_, kPeople, v1::ROLE_GRID_WORKER, kGrid);
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  nlohmann::json claims = nlohmann::json::parse(*Base64UrlDecode(parts[1]));
  claims["role"] = "supervisor";
  claims["unit"] = "330199";
  std::string forged = absl::StrCat(parts[0], ".", Base64UrlEncode(claims.dump()), ".", parts[2]);
  EXPECT_EQ(Rejection(forged), "bad signature");
}

TEST_F(TokenVerifierTest, TamperedSignatureIsABadSignature) {
  std::string token = Mint(person_key_, kPeople, v1::ROLE_GRID_WORKER, kGrid);
  size_t at = token.rfind('.') + 20;
  token[at] = token[at] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Rejection(token), "bad signature");
}

TEST_F(TokenVerifierTest, SignatureOfAnotherKeyWithTheSameKidIsABadSignature) {
  TestKey impostor = MakeKey(person_key_.kid);
  EXPECT_EQ(Rejection(Mint(impostor, kPeople, v1::ROLE_GRID_WORKER, kGrid)), "bad signature");
}

TEST_F(TokenVerifierTest, ServiceKeyCannotSignPersonTokens) {
  EXPECT_EQ(Rejection(SignRaw(service_key_, Header(service_key_), PersonClaims())),
            "unknown signing key 'service-1' of issuer 'gridcase-test-people'");
  EXPECT_EQ(Rejection(SignRaw(service_key_, {{"alg", "ES256"}}, PersonClaims())), "bad signature");
}

TEST_F(TokenVerifierTest, AlgNoneIsRejected) {
  std::string unsigned_token = absl::StrCat(Base64UrlEncode(R"({"alg":"none","typ":"JWT"})"), ".",
                                            Base64UrlEncode(PersonClaims().dump()), ".");
  EXPECT_EQ(Rejection(unsigned_token), "unsupported algorithm 'none' (only ES256)");
}

TEST_F(TokenVerifierTest, Hs256KeyedWithThePublicKeyIsRejected) {
  // The classic confusion attack: HMAC keyed with the verifier's public key material.
  std::string input = absl::StrCat(Base64UrlEncode(R"({"alg":"HS256","typ":"JWT","kid":"person-1"})"), ".",
                                   Base64UrlEncode(PersonClaims().dump()));
  std::string secret = person_key_.public_jwk.dump();
  unsigned char mac[32];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &mac_len);
  std::string token = absl::StrCat(input, ".", Base64UrlEncode(std::string(reinterpret_cast<char*>(mac), mac_len)));
  EXPECT_EQ(Rejection(token), "unsupported algorithm 'HS256' (only ES256)");
}

TEST_F(TokenVerifierTest, MalformedTokensSayWhatIsWrong) {
  std::string token = Mint(person_key_, kPeople, v1::ROLE_GRID_WORKER, kGrid);
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  EXPECT_TRUE(Contains(Rejection("abc.def"), "malformed token: expected 3 dot-separated parts"));
  EXPECT_TRUE(Contains(Rejection(absl::StrCat(parts[0], "=.", parts[1], ".", parts[2])),
                       "malformed token: header: invalid base64url character"));
  EXPECT_TRUE(Contains(Rejection(absl::StrCat(parts[0], ".", parts[1], "+x.", parts[2])),
                       "malformed token: payload: invalid base64url character"));
  EXPECT_TRUE(Contains(Rejection(absl::StrCat(parts[0], ".", parts[1], ".", parts[2], "=")),
                       "malformed token: signature:"));
  EXPECT_EQ(Rejection(absl::StrCat(Base64UrlEncode("{not json"), ".", parts[1], ".", parts[2])),
            "malformed token: header is not valid JSON");
  EXPECT_EQ(Rejection(absl::StrCat(parts[0], ".", Base64UrlEncode("[1]"), ".", parts[2])),
            "malformed token: payload is not a JSON object");
  EXPECT_EQ(Rejection(absl::StrCat(parts[0], ".", parts[1], ".", Base64UrlEncode("short"))), "bad signature");
  EXPECT_TRUE(Contains(Rejection(std::string(10000, 'a')), "malformed token: token is 10000 bytes"));
}

TEST_F(TokenVerifierTest, MissingClaimsAreNamed) {
  for (const char* claim : {"iss", "exp", "aud", "sub", "role", "unit"}) {
    nlohmann::json claims = PersonClaims();
    claims.erase(claim);
    EXPECT_EQ(Rejection(PersonToken(claims)), absl::StrCat("missing claim '", claim, "'")) << claim;
  }
  nlohmann::json claims = PersonClaims();
  claims["unit"] = "";
  EXPECT_EQ(Rejection(PersonToken(claims)), "missing claim 'unit'");
}

TEST_F(TokenVerifierTest, RolesAreCheckedAgainstTheIssuerKind) {
  nlohmann::json claims = PersonClaims();
  claims["role"] = "system";
  EXPECT_EQ(Rejection(PersonToken(claims)), "role 'system' is not allowed in a person token");
  claims["role"] = "mayor";
  EXPECT_EQ(Rejection(PersonToken(claims)), "unknown role 'mayor'");
  claims["role"] = "GRID_WORKER";
  EXPECT_EQ(Rejection(PersonToken(claims)), "unknown role 'GRID_WORKER'");
  claims["role"] = "unspecified";
  EXPECT_EQ(Rejection(PersonToken(claims)), "unknown role 'unspecified'");

  EXPECT_EQ(Rejection(Mint(service_key_, kServices, v1::ROLE_SUPERVISOR, "330199")),
            "a service token must have role 'system', not 'supervisor'");
}

TEST_F(TokenVerifierTest, UnknownKidIsRejected) {
  nlohmann::json header = Header(person_key_);
  header["kid"] = "person-0";
  EXPECT_EQ(Rejection(SignRaw(person_key_, header, PersonClaims())),
            "unknown signing key 'person-0' of issuer 'gridcase-test-people'");
}

TEST_F(TokenVerifierTest, TokenWithoutKidIsTriedAgainstEachKeyOfItsIssuer) {
  TestKey second = MakeKey("person-2");
  WriteJwks(people_jwks_, {&person_key_, &second});
  ASSERT_TRUE(verifier_->ReloadNow().ok());
  EXPECT_EQ(Rejection(SignRaw(second, {{"alg", "ES256"}}, PersonClaims())), "accepted");
  EXPECT_EQ(Rejection(SignRaw(person_key_, {{"alg", "ES256"}}, PersonClaims())), "accepted");
  EXPECT_EQ(Rejection(SignRaw(MakeKey("x"), {{"alg", "ES256"}}, PersonClaims())), "bad signature");
}

TEST_F(TokenVerifierTest, CriticalHeaderExtensionsAreRejected) {
  nlohmann::json header = Header(person_key_);
  header["crit"] = {"exp"};
  EXPECT_TRUE(Contains(Rejection(SignRaw(person_key_, header, PersonClaims())), "critical extensions"));
}

TEST_F(TokenVerifierTest, RotationWithTheCliRetiresTheOldKeyOnReload) {
  TempDir keys;
  std::ostringstream out, err;
  ASSERT_EQ(RunTokenCommand({"keygen", "--dir", keys.path(), "--kid", "2026-01"}, out, err), 0) << err.str();
  ASSERT_EQ(RunTokenCommand({"keygen", "--dir", keys.path(), "--kid", "2026-02"}, out, err), 0) << err.str();
  absl::StatusOr<std::unique_ptr<TokenVerifier>> verifier = TokenVerifier::Create(
      {.issuers = {{.issuer = kPeople, .jwks_path = keys.File("jwks.json"), .kind = IdentityKind::kPerson}},
       .audience = kAudience,
       .reload_poll = absl::ZeroDuration()});
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  auto old_signer = TokenSigner::FromPemFile(keys.File("2026-01.pem"), "2026-01");
  auto new_signer = TokenSigner::FromPemFile(keys.File("2026-02.pem"), "2026-02");
  ASSERT_TRUE(old_signer.ok() && new_signer.ok());
  TokenSigner::Claims claims{.issuer = kPeople, .audience = kAudience, .subject = "p0001",
                             .role = v1::ROLE_COMMUNITY, .unit = "330199001001", .issued_at = absl::Now(),
                             .ttl = absl::Hours(1)};
  std::string old_token = absl::StrCat("Bearer ", *(*old_signer)->Mint(claims));
  std::string new_token = absl::StrCat("Bearer ", *(*new_signer)->Mint(claims));
  EXPECT_TRUE((*verifier)->Verify(old_token).ok());
  EXPECT_TRUE((*verifier)->Verify(new_token).ok());

  ASSERT_EQ(RunTokenCommand({"retire", "--dir", keys.path(), "--kid", "2026-01"}, out, err), 0) << err.str();
  ASSERT_TRUE((*verifier)->ReloadNow().ok());
  absl::StatusOr<Principal> old_result = (*verifier)->Verify(old_token);
  ASSERT_FALSE(old_result.ok());
  EXPECT_EQ(old_result.status().message(), "unknown signing key '2026-01' of issuer 'gridcase-test-people'");
  EXPECT_TRUE((*verifier)->Verify(new_token).ok());
}

TEST_F(TokenVerifierTest, CorruptJwksOnReloadKeepsTheOldKeys) {
  std::string token = Mint(person_key_, kPeople, v1::ROLE_GRID_WORKER, kGrid);
  WriteFile(people_jwks_, R"({"keys": [{"kty": "EC", "kid": "trunc)");
  absl::Status reload = verifier_->ReloadNow();
  ASSERT_FALSE(reload.ok());
  EXPECT_TRUE(Contains(reload.message(), people_jwks_));
  EXPECT_EQ(Rejection(token), "accepted");

  WriteFile(people_jwks_, R"({"keys": [{"kty": "RSA", "kid": "r", "n": "AQAB", "e": "AQAB"}]})");
  EXPECT_FALSE(verifier_->ReloadNow().ok());
  EXPECT_EQ(Rejection(token), "accepted");

  TestKey next = MakeKey("person-2");
  WriteJwks(people_jwks_, {&next});
  EXPECT_TRUE(verifier_->ReloadNow().ok());
  EXPECT_TRUE(Contains(Rejection(token), "unknown signing key 'person-1'"));
}

TEST_F(TokenVerifierTest, PollingPicksUpAnAddedKeyWithoutReloadNow) {
  std::unique_ptr<TokenVerifier> polling = MakeVerifier(absl::Milliseconds(20));
  ASSERT_NE(polling, nullptr);
  TestKey added = MakeKey("person-2");
  std::string token = absl::StrCat("Bearer ", Mint(added, kPeople, v1::ROLE_GRID_WORKER, kGrid));
  EXPECT_TRUE(Contains(polling->Verify(token).status().message(), "unknown signing key 'person-2'"));
  WriteJwks(people_jwks_, {&person_key_, &added});
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (!polling->Verify(token).ok() && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
  EXPECT_TRUE(polling->Verify(token).ok());
}

TEST_F(TokenVerifierTest, VerifiesOnManyThreadsWhileKeysReload) {
  std::string token = absl::StrCat("Bearer ", Mint(person_key_, kPeople, v1::ROLE_GRID_WORKER, kGrid));
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0}, verified{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      while (!stop.load()) {
        if ((*verifier_).Verify(token).ok()) {
          verified.fetch_add(1);
        } else {
          failures.fetch_add(1);
        }
      }
    });
  }
  TestKey extra = MakeKey("extra");
  for (int i = 0; i < 200; ++i) {
    if (i % 2 == 0) {
      WriteJwks(people_jwks_, {&extra, &person_key_});
    } else {
      WriteJwks(people_jwks_, {&person_key_});
    }
    ASSERT_TRUE(verifier_->ReloadNow().ok());
  }
  stop.store(true);
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(verified.load(), 0);
}

TEST(TokenVerifierCreate, ErrorsNameTheProblem) {
  TempDir dir;
  auto missing = TokenVerifier::Create({.issuers = {{.issuer = kPeople, .jwks_path = dir.File("none.json"),
                                                     .kind = IdentityKind::kPerson}},
                                        .audience = kAudience});
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(Contains(missing.status().message(), dir.File("none.json")));

  TestKey key = MakeKey("k");
  WriteJwks(dir.File("k.json"), {&key});
  TokenVerifier::Issuer issuer{.issuer = kPeople, .jwks_path = dir.File("k.json"), .kind = IdentityKind::kPerson};
  EXPECT_FALSE(TokenVerifier::Create({.issuers = {issuer, issuer}, .audience = kAudience}).ok());
  EXPECT_FALSE(TokenVerifier::Create({.issuers = {issuer}, .audience = ""}).ok());
  EXPECT_FALSE(TokenVerifier::Create({.issuers = {}, .audience = kAudience}).ok());
  EXPECT_TRUE(TokenVerifier::Create({.issuers = {issuer}, .audience = kAudience}).ok());
}

TEST(RoleClaim, MapsEveryRoleBothWays) {
  EXPECT_EQ(RoleClaim(v1::ROLE_GRID_WORKER), "grid_worker");
  EXPECT_EQ(RoleClaim(v1::ROLE_HOTLINE_OPERATOR), "hotline_operator");
  EXPECT_EQ(RoleClaim(v1::ROLE_SYSTEM), "system");
  EXPECT_EQ(RoleClaim(v1::ROLE_UNSPECIFIED), "");
  for (int r = v1::Role_MIN + 1; r <= v1::Role_MAX; ++r) {
    absl::StatusOr<v1::Role> back = RoleFromClaim(RoleClaim(static_cast<v1::Role>(r)));
    ASSERT_TRUE(back.ok()) << r;
    EXPECT_EQ(*back, r);
  }
  EXPECT_FALSE(RoleFromClaim("").ok());
  EXPECT_EQ(RoleFromClaim("Supervisor").status().message(), "unknown role 'Supervisor'");
}

}  // namespace
}  // namespace gridcase::auth
