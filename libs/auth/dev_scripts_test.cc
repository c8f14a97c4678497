// scripts/dev-keys and scripts/token, run as a developer runs them, against a temporary key directory.
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/auth/jwks.h"
#include "libs/auth/test_keys.h"
#include "libs/auth/token_verifier.h"
#include "libs/testing/process.h"

namespace gridcase::auth {
namespace {

using testing::Contains;
using testing::TempDir;

struct Output {
  int exit_code;
  std::string out;
};

// Runs `script` with `args` (already shell-quoted) with the dev keys in `keys_dir`; stderr is discarded.
Output RunScript(const std::string& script, const std::string& args, const std::string& keys_dir) {
  std::string command = absl::StrCat("GRIDCASE_DEV_KEYS='", keys_dir, "' GRIDCASE_BUILD_DIR='",
                                     gridcase::testing::BinaryPath(""), "' '",
                                     gridcase::testing::SourcePath("scripts/" + script), "' ", args, " 2>/dev/null");
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, ""};
  std::string out;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::unique_ptr<TokenVerifier> DevVerifier(const std::string& keys_dir) {
  auto verifier = TokenVerifier::Create(
      {.issuers = {{.issuer = "gridcase-dev-people", .jwks_path = keys_dir + "/person/jwks.json",
                    .kind = IdentityKind::kPerson},
                   {.issuer = "gridcase-dev-services", .jwks_path = keys_dir + "/service/jwks.json",
                    .kind = IdentityKind::kService}},
       .audience = "gridcase",
       .reload_poll = absl::ZeroDuration()});
  EXPECT_TRUE(verifier.ok()) << verifier.status();
  return verifier.ok() ? *std::move(verifier) : nullptr;
}

TEST(DevScripts, DevKeysCreatesBothKeySetsOnceAndPrintsThem) {
  TempDir dir;
  std::string keys = dir.File("keys");
  Output first = RunScript("dev-keys", "", keys);
  ASSERT_EQ(first.exit_code, 0);
  EXPECT_TRUE(Contains(first.out, "GRIDCASE_AUTH_AUDIENCE=gridcase\n"));
  EXPECT_TRUE(Contains(first.out, "GRIDCASE_AUTH_PERSON_ISSUER=gridcase-dev-people\n"));
  EXPECT_TRUE(Contains(first.out, "GRIDCASE_AUTH_SERVICE_ISSUER=gridcase-dev-services\n"));
  EXPECT_TRUE(Contains(first.out, absl::StrCat("GRIDCASE_AUTH_PERSON_JWKS=", keys, "/person/jwks.json\n")));
  for (const char* kind : {"person", "service"}) {
    absl::StatusOr<KeySet> set = LoadJwksFile(absl::StrCat(keys, "/", kind, "/jwks.json"));
    ASSERT_TRUE(set.ok()) << set.status();
    ASSERT_EQ(set->keys.size(), 1u);
    struct stat st;
    ASSERT_EQ(::stat(absl::StrCat(keys, "/", kind, "/", set->keys[0].kid, ".pem").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
  }
  std::string jwks = testing::ReadFile(keys + "/person/jwks.json");
  Output second = RunScript("dev-keys", "", keys);
  ASSERT_EQ(second.exit_code, 0);
  EXPECT_EQ(second.out, first.out);
  EXPECT_EQ(testing::ReadFile(keys + "/person/jwks.json"), jwks);
}

TEST(DevScripts, TokenPrintsOnlyATokenTheServicesAccept) {
  TempDir dir;
  std::string keys = dir.File("keys");
  Output dispatcher = RunScript("token", "township_dispatcher 330199001", keys);  // creates the keys first
  ASSERT_EQ(dispatcher.exit_code, 0);
  std::string token(absl::StripTrailingAsciiWhitespace(dispatcher.out));
  EXPECT_EQ(token.find_first_of(" \n"), std::string::npos);
  std::unique_ptr<TokenVerifier> verifier = DevVerifier(keys);
  ASSERT_NE(verifier, nullptr);
  absl::StatusOr<Principal> principal = verifier->Verify("Bearer " + token);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->role, v1::ROLE_TOWNSHIP_DISPATCHER);
  EXPECT_EQ(principal->unit, "330199001");
  EXPECT_EQ(principal->kind, IdentityKind::kPerson);
  EXPECT_GT(principal->expires, absl::Now() + absl::Hours(7));

  Output grid = RunScript("token", "grid_worker 330199001001001 --ttl 15m", keys);
  ASSERT_EQ(grid.exit_code, 0);
  principal = verifier->Verify("Bearer " + std::string(absl::StripTrailingAsciiWhitespace(grid.out)));
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->subject, "p0001");  // the grid's head in the sample county
  EXPECT_LT(principal->expires, absl::Now() + absl::Minutes(16));

  Output service = RunScript("token", "system intake", keys);
  ASSERT_EQ(service.exit_code, 0);
  principal = verifier->Verify("Bearer " + std::string(absl::StripTrailingAsciiWhitespace(service.out)));
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->subject, "intake");
  EXPECT_EQ(principal->role, v1::ROLE_SYSTEM);
  EXPECT_EQ(principal->kind, IdentityKind::kService);

  EXPECT_NE(RunScript("token", "mayor 330199", keys).exit_code, 0);
  EXPECT_NE(RunScript("token", "grid_worker", keys).exit_code, 0);
}

}  // namespace
}  // namespace gridcase::auth
