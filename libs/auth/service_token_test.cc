#include "libs/auth/service_token.h"

#include <latch>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "libs/auth/test_keys.h"
#include "libs/auth/token_verifier.h"

namespace gridcase::auth {
namespace {

using testing::MakeKey;
using testing::TempDir;
using testing::TestKey;

class ServiceTokenSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::WriteJwks(dir_.File("services.json"), {&key_});
    auto verifier = TokenVerifier::Create(
        {.issuers = {{.issuer = "gridcase-test-services", .jwks_path = dir_.File("services.json"),
                      .kind = IdentityKind::kService}},
         .audience = "gridcase",
         .reload_poll = absl::ZeroDuration(),
         .now = [this] { return Now(); }});
    ASSERT_TRUE(verifier.ok()) << verifier.status();
    verifier_ = *std::move(verifier);
    auto signer = TokenSigner::FromPem(key_.private_pem, key_.kid);
    ASSERT_TRUE(signer.ok());
    auto source = ServiceTokenSource::Create(*std::move(signer), {.issuer = "gridcase-test-services",
                                                                  .audience = "gridcase",
                                                                  .service = "sla",
                                                                  .ttl = absl::Minutes(15),
                                                                  .now = [this] { return Now(); }});
    ASSERT_TRUE(source.ok()) << source.status();
    source_ = *std::move(source);
  }

  absl::Time Now() {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

  TempDir dir_;
  TestKey key_ = MakeKey("service-1");
  absl::Mutex mu_;
  absl::Time now_ = absl::FromUnixSeconds(1'795'000'000);
  std::unique_ptr<TokenVerifier> verifier_;
  std::unique_ptr<ServiceTokenSource> source_;
};

TEST_F(ServiceTokenSourceTest, IssuesASystemTokenForTheService) {
  absl::StatusOr<std::string> authorization = source_->Authorization();
  ASSERT_TRUE(authorization.ok()) << authorization.status();
  EXPECT_TRUE(absl::StartsWith(*authorization, "Bearer "));
  absl::StatusOr<Principal> principal = verifier_->Verify(*authorization);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->subject, "sla");
  EXPECT_EQ(principal->role, v1::ROLE_SYSTEM);
  EXPECT_EQ(principal->kind, IdentityKind::kService);
  EXPECT_EQ(principal->expires, now_ + absl::Minutes(15));
}

TEST_F(ServiceTokenSourceTest, ReusesTheTokenUntilAThirdOfItsTtlIsLeft) {
  std::string first = *source_->Authorization();
  Advance(absl::Minutes(9) + absl::Seconds(59));  // 5 min 1 s left
  EXPECT_EQ(*source_->Authorization(), first);
  Advance(absl::Seconds(1));  // 5 min left: a third
  std::string second = *source_->Authorization();
  EXPECT_NE(second, first);
  EXPECT_TRUE(verifier_->Verify(second).ok());
  EXPECT_EQ(verifier_->Verify(second)->expires, now_ + absl::Minutes(15));
  EXPECT_EQ(*source_->Authorization(), second);
}

TEST_F(ServiceTokenSourceTest, ConcurrentCallersAtRenewalGetOneValidToken) {
  std::string previous = *source_->Authorization();
  for (int round = 0; round < 30; ++round) {
    Advance(absl::Minutes(11));  // past the renewal point: every caller of this round races to renew
    constexpr int kCallers = 8;
    std::latch start(kCallers);
    absl::Mutex seen_mu;
    std::set<std::string> seen;
    std::vector<std::thread> threads;
    for (int t = 0; t < kCallers; ++t) {
      threads.emplace_back([&] {
        start.arrive_and_wait();
        absl::StatusOr<std::string> a = source_->Authorization();
        absl::MutexLock lock(&seen_mu);
        seen.insert(a.ok() ? *a : a.status().ToString());
      });
    }
    for (std::thread& t : threads) t.join();
    ASSERT_EQ(seen.size(), 1u) << "round " << round << ": callers got different tokens";
    EXPECT_NE(*seen.begin(), previous);
    EXPECT_TRUE(verifier_->Verify(*seen.begin()).ok());
    previous = *seen.begin();
  }
}

TEST(ServiceTokenSourceCreate, RejectsIncompleteIdentity) {
  TestKey key = MakeKey("k");
  auto signer = [&] { return *TokenSigner::FromPem(key.private_pem, key.kid); };
  EXPECT_FALSE(ServiceTokenSource::Create(nullptr, {.issuer = "i", .audience = "a", .service = "s"}).ok());
  EXPECT_FALSE(ServiceTokenSource::Create(signer(), {.issuer = "", .audience = "a", .service = "s"}).ok());
  EXPECT_FALSE(ServiceTokenSource::Create(signer(), {.issuer = "i", .audience = "a", .service = ""}).ok());
  EXPECT_FALSE(ServiceTokenSource::Create(signer(), {.issuer = "i", .audience = "a", .service = "s",
                                                     .ttl = absl::ZeroDuration()})
                   .ok());
}

}  // namespace
}  // namespace gridcase::auth
