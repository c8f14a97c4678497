#include "libs/tls/tls_files.h"

#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "libs/testing/process.h"

namespace gridcase::tls {
namespace {

// A directory with a local CA and the leaves `names`, made by scripts/certs.
std::string IssueCertificates(const std::string& dir_name, const std::string& names) {
  const std::string dir = absl::StrCat(::testing::TempDir(), "/", dir_name);
  std::filesystem::remove_all(dir);
  const std::string command =
      absl::StrCat(testing::SourcePath("scripts/certs"), " issue ", dir, " ", names, " >/dev/null 2>&1");
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return dir;
}

TlsFiles FilesOf(const std::string& dir, const std::string& name) {
  return {.cert = absl::StrCat(dir, "/", name, ".pem"),
          .key = absl::StrCat(dir, "/", name, ".key"),
          .ca = absl::StrCat(dir, "/ca.pem")};
}

TEST(TlsFilesTest, NoFilesIsPlaintext) {
  absl::StatusOr<std::optional<TlsFiles>> files = CheckTlsFiles({});
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_FALSE(files->has_value());
}

TEST(TlsFilesTest, FlagsDefaultToPlaintext) {
  absl::StatusOr<std::optional<TlsFiles>> files = TlsFilesFromFlags();
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_FALSE(files->has_value());
}

TEST(TlsFilesTest, ACompleteSetOfAServiceIsTls) {
  const std::string dir = IssueCertificates("complete", "dispatch");
  absl::StatusOr<std::optional<TlsFiles>> files = CheckTlsFiles(FilesOf(dir, "dispatch"));
  ASSERT_TRUE(files.ok()) << files.status();
  ASSERT_TRUE(files->has_value());
  EXPECT_EQ((*files)->cert, dir + "/dispatch.pem");
}

TEST(TlsFilesTest, APartialSetNamesTheMissingFlag) {
  const std::string dir = IssueCertificates("partial", "dispatch");
  const TlsFiles full = FilesOf(dir, "dispatch");
  struct Case {
    TlsFiles files;
    const char* missing;
  };
  const Case cases[] = {
      {{.cert = full.cert}, "--tls_key"},
      {{.cert = full.cert, .key = full.key}, "--tls_ca"},
      {{.key = full.key, .ca = full.ca}, "--tls_cert"},
      {{.ca = full.ca}, "--tls_cert"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::optional<TlsFiles>> files = CheckTlsFiles(c.files);
    ASSERT_EQ(files.status().code(), absl::StatusCode::kInvalidArgument) << c.missing;
    EXPECT_TRUE(absl::StrContains(files.status().message(), absl::StrCat(c.missing, " is required")))
        << files.status().message() << " " << c.missing;
  }
}

// The refusal of `files`, which the test expects to name `expected`.
void ExpectRefused(const TlsFiles& files, const std::string& expected) {
  absl::Status status = CheckTlsFiles(files).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), expected)) << status.message() << " does not say " << expected;
}

TEST(TlsFilesTest, UnreadableOrWrongFilesNameTheirFlag) {
  const std::string dir = IssueCertificates("wrong", "dispatch intake");
  const std::string other_ca = IssueCertificates("wrong-other-ca", "dispatch");
  const TlsFiles files = FilesOf(dir, "dispatch");

  TlsFiles missing_cert = files;
  missing_cert.cert = dir + "/nobody.pem";
  ExpectRefused(missing_cert, "--tls_cert: " + dir + "/nobody.pem");

  TlsFiles key_as_cert = files;
  key_as_cert.cert = files.key;
  ExpectRefused(key_as_cert, "--tls_cert: " + files.key + ": no PEM certificate");

  TlsFiles missing_key = files;
  missing_key.key = dir + "/nobody.key";
  ExpectRefused(missing_key, "--tls_key: " + dir + "/nobody.key");

  TlsFiles foreign_key = files;
  foreign_key.key = dir + "/intake.key";
  ExpectRefused(foreign_key, "--tls_key: " + dir + "/intake.key: the key does not belong to the certificate");

  TlsFiles missing_ca = files;
  missing_ca.ca = dir + "/none.pem";
  ExpectRefused(missing_ca, "--tls_ca: " + dir + "/none.pem");

  TlsFiles foreign_ca = files;
  foreign_ca.ca = other_ca + "/ca.pem";
  ExpectRefused(foreign_ca, "is not a valid certificate of the CA");

  TlsFiles fast = files;
  fast.reload_poll = absl::Milliseconds(100);
  ExpectRefused(fast, "--tls_reload_poll");
}

}  // namespace
}  // namespace gridcase::tls
