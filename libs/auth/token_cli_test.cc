#include "libs/auth/token_cli.h"

#include <sys/stat.h>

#include <filesystem>
#include <latch>
#include <thread>
#include <sstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/auth/jwks.h"
#include "libs/auth/test_keys.h"
#include "libs/auth/token_verifier.h"

namespace gridcase::auth {
namespace {

using testing::Contains;
using testing::TempDir;

struct Result {
  int code;
  std::string out, err;
};

Result RunCli(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  int code = RunTokenCommand(args, out, err);
  return {code, out.str(), err.str()};
}

TEST(TokenCli, KeygenWritesAPrivateKeyOnlyTheOwnerCanReadAndAddsToTheJwks) {
  TempDir dir;
  std::string keys = dir.File("keys/person");  // created
  Result first = RunCli({"keygen", "--dir", keys, "--kid", "p-2026-11"});
  ASSERT_EQ(first.code, 0) << first.err;
  struct stat st;
  ASSERT_EQ(::stat((keys + "/p-2026-11.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_TRUE(Contains(testing::ReadFile(keys + "/p-2026-11.pem"), "BEGIN PRIVATE KEY"));

  Result second = RunCli({"keygen", "--dir=" + keys, "--kid=p-2026-12"});
  ASSERT_EQ(second.code, 0) << second.err;
  absl::StatusOr<KeySet> set = LoadJwksFile(keys + "/jwks.json");
  ASSERT_TRUE(set.ok()) << set.status();
  ASSERT_EQ(set->keys.size(), 2u);
  EXPECT_NE(set->Find("p-2026-11"), nullptr);
  EXPECT_NE(set->Find("p-2026-12"), nullptr);
  EXPECT_FALSE(testing::Contains(testing::ReadFile(keys + "/jwks.json"), "\"d\""));
}

TEST(TokenCli, KeygenNeverOverwritesAKey) {
  TempDir dir;
  ASSERT_EQ(RunCli({"keygen", "--dir", dir.path(), "--kid", "k1"}).code, 0);
  std::string pem = testing::ReadFile(dir.File("k1.pem"));
  Result again = RunCli({"keygen", "--dir", dir.path(), "--kid", "k1"});
  EXPECT_EQ(again.code, 1);
  EXPECT_TRUE(Contains(again.err, "already in"));
  EXPECT_EQ(testing::ReadFile(dir.File("k1.pem")), pem);

  // A private key file left without a JWKS entry is not overwritten either.
  std::filesystem::remove(dir.File("jwks.json"));
  EXPECT_EQ(RunCli({"keygen", "--dir", dir.path(), "--kid", "k1"}).code, 1);
  EXPECT_EQ(testing::ReadFile(dir.File("k1.pem")), pem);
  EXPECT_FALSE(std::filesystem::exists(dir.File("jwks.json")));
}

TEST(TokenCli, KeygenRefusesUnsafeKidsAndCorruptJwks) {
  TempDir dir;
  EXPECT_EQ(RunCli({"keygen", "--dir", dir.path(), "--kid", "../escape"}).code, 2);
  EXPECT_EQ(RunCli({"keygen", "--dir", dir.path(), "--kid", ".hidden"}).code, 2);
  EXPECT_EQ(RunCli({"keygen", "--dir", dir.path()}).code, 2);
  testing::WriteFile(dir.File("jwks.json"), "{ not json");
  Result corrupt = RunCli({"keygen", "--dir", dir.path(), "--kid", "k"});
  EXPECT_EQ(corrupt.code, 1);
  EXPECT_TRUE(Contains(corrupt.err, "jwks.json"));
  EXPECT_FALSE(std::filesystem::exists(dir.File("k.pem")));
}

TEST(TokenCli, MintPrintsATokenTheVerifierAccepts) {
  TempDir dir;
  ASSERT_EQ(RunCli({"keygen", "--dir", dir.path(), "--kid", "k1"}).code, 0);
  Result minted = RunCli({"mint", "--key", dir.File("k1.pem"), "--iss", "gridcase-test-people", "--aud", "gridcase",
                       "--sub", "p0042", "--role", "township_dispatcher", "--unit", "330199001", "--ttl", "8h"});
  ASSERT_EQ(minted.code, 0) << minted.err;
  std::string token(absl::StripTrailingAsciiWhitespace(minted.out));
  EXPECT_EQ(minted.out, token + "\n");

  auto verifier = TokenVerifier::Create(
      {.issuers = {{.issuer = "gridcase-test-people",
                    .jwks_path = dir.File("jwks.json"),
                    .kind = IdentityKind::kPerson}},
       .audience = "gridcase",
       .reload_poll = absl::ZeroDuration()});
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  absl::StatusOr<Principal> principal = (*verifier)->Verify("Bearer " + token);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->subject, "p0042");
  EXPECT_EQ(principal->role, v1::ROLE_TOWNSHIP_DISPATCHER);
  EXPECT_EQ(principal->unit, "330199001");
  EXPECT_GT(principal->expires, absl::Now() + absl::Hours(7) + absl::Minutes(59));
  EXPECT_LE(principal->expires, absl::Now() + absl::Hours(8));

  Result verified = RunCli({"verify", "--jwks", dir.File("jwks.json"), "--iss", "gridcase-test-people", "--aud",
                         "gridcase", token});
  EXPECT_EQ(verified.code, 0) << verified.err;
  EXPECT_TRUE(Contains(verified.out, "subject=p0042 role=township_dispatcher unit=330199001"));
  Result other_aud = RunCli({"verify", "--jwks", dir.File("jwks.json"), "--iss", "gridcase-test-people", "--aud",
                          "billing", token});
  EXPECT_EQ(other_aud.code, 1);
  EXPECT_TRUE(Contains(other_aud.err, "token is for audience 'gridcase', not 'billing'"));
}

TEST(TokenCli, MintRejectsBadInput) {
  TempDir dir;
  ASSERT_EQ(RunCli({"keygen", "--dir", dir.path(), "--kid", "k1"}).code, 0);
  std::vector<std::string> base = {"mint", "--key", dir.File("k1.pem"), "--iss", "i", "--aud", "a", "--sub", "s"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCli(args);
  };
  EXPECT_EQ(with({"--role", "mayor"}).code, 2);
  EXPECT_EQ(with({"--role", "grid_worker", "--ttl", "soon"}).code, 2);
  EXPECT_EQ(with({"--role", "grid_worker", "--ttl", "-1h"}).code, 2);
  EXPECT_EQ(with({"--role", "grid_worker", "--colour", "red"}).code, 2);
  EXPECT_EQ(with({}).code, 2);
  Result missing_key = RunCli({"mint", "--key", dir.File("nope.pem"), "--iss", "i", "--aud", "a", "--sub", "s",
                            "--role", "grid_worker"});
  EXPECT_EQ(missing_key.code, 1);
  EXPECT_TRUE(Contains(missing_key.err, "nope.pem"));
}

TEST(TokenCli, RetireRemovesTheKeyButNeverTheLastOne) {
  TempDir dir;
  ASSERT_EQ(RunCli({"keygen", "--dir", dir.path(), "--kid", "old"}).code, 0);
  Result last = RunCli({"retire", "--dir", dir.path(), "--kid", "old"});
  EXPECT_EQ(last.code, 1);
  EXPECT_TRUE(Contains(last.err, "last key"));
  ASSERT_EQ(RunCli({"keygen", "--dir", dir.path(), "--kid", "new"}).code, 0);
  Result retired = RunCli({"retire", "--dir", dir.path(), "--kid", "old"});
  ASSERT_EQ(retired.code, 0) << retired.err;
  absl::StatusOr<KeySet> set = LoadJwksFile(dir.File("jwks.json"));
  ASSERT_TRUE(set.ok());
  ASSERT_EQ(set->keys.size(), 1u);
  EXPECT_EQ(set->keys[0].kid, "new");
  EXPECT_FALSE(std::filesystem::exists(dir.File("old.pem")));
  EXPECT_TRUE(std::filesystem::exists(dir.File("new.pem")));
  EXPECT_EQ(RunCli({"retire", "--dir", dir.path(), "--kid", "old"}).code, 1);
}

TEST(TokenCli, ConcurrentKeygensInOneDirectoryKeepEveryKey) {
  TempDir dir;
  constexpr int kKeys = 8;
  std::latch start(kKeys);
  std::vector<std::thread> threads;
  std::vector<int> codes(kKeys, -1);
  for (int i = 0; i < kKeys; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      codes[i] = RunCli({"keygen", "--dir", dir.path(), "--kid", absl::StrCat("k", i)}).code;
    });
  }
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < kKeys; ++i) EXPECT_EQ(codes[i], 0) << i;
  absl::StatusOr<KeySet> set = LoadJwksFile(dir.File("jwks.json"));
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->keys.size(), static_cast<size_t>(kKeys));
}

TEST(TokenCli, UsageErrors) {
  EXPECT_EQ(RunCli({}).code, 2);
  EXPECT_EQ(RunCli({"frobnicate"}).code, 2);
  EXPECT_EQ(RunCli({"--help"}).code, 0);
  EXPECT_EQ(RunCli({"keygen", "--dir"}).code, 2);
}

}  // namespace
}  // namespace gridcase::auth
