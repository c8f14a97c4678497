#include "libs/tls/https_server.h"

#include <httplib.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "libs/testing/process.h"
#include "libs/tls/probe.h"

namespace gridcase::tls {
namespace {

std::string Certs(const std::string& verb, const std::string& dir, const std::string& names) {
  const std::string command =
      absl::StrCat(testing::SourcePath("scripts/certs"), " ", verb, " ", dir, " ", names, " >/dev/null 2>&1");
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return dir;
}

class HttpsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(::testing::TempDir(), "/https-server");
    std::filesystem::remove_all(dir_);
    Certs("issue", dir_, "feedback client");
    files_ = {.cert = dir_ + "/feedback.pem", .key = dir_ + "/feedback.key", .ca = dir_ + "/ca.pem"};
    absl::StatusOr<server::HttpServerFactory> factory = HttpsServers(files_);
    ASSERT_TRUE(factory.ok()) << factory.status();
    server_ = (*factory)();
    server_->Get("/hello", [](const httplib::Request&, httplib::Response& response) {
      response.set_content("hello", "text/plain");
    });
    port_ = server_->bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_->listen_after_bind(); });
  }
  void TearDown() override {
    if (server_ != nullptr) server_->stop();
    if (thread_.joinable()) thread_.join();
  }

  std::string dir_;
  TlsFiles files_;
  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
  std::thread thread_;
};

TEST_F(HttpsServerTest, ServesHttpsOnlyVerifiedAgainstTheCa) {
  httplib::SSLClient client("127.0.0.1", port_);
  client.set_ca_cert_path(files_.ca.c_str());
  client.enable_server_certificate_verification(true);
  httplib::Result answer = client.Get("/hello");
  ASSERT_TRUE(answer) << httplib::to_string(answer.error());
  EXPECT_EQ(answer->body, "hello");

  absl::StatusOr<PresentedCertificate> presented = ProbeCertificate("127.0.0.1", port_, files_.ca);
  ASSERT_TRUE(presented.ok()) << presented.status();
  EXPECT_EQ(presented->common_name, "feedback");

  httplib::Client plain("127.0.0.1", port_);
  plain.set_read_timeout(5, 0);
  httplib::Result refused = plain.Get("/hello");
  EXPECT_TRUE(!refused || refused->status != 200);
}

TEST_F(HttpsServerTest, AClientCertificateOfTheCaIsAcceptedAndOneOfAnotherCaRefused) {
  httplib::SSLClient with_certificate("127.0.0.1", port_, dir_ + "/client.pem", dir_ + "/client.key");
  with_certificate.set_ca_cert_path(files_.ca.c_str());
  with_certificate.enable_server_certificate_verification(true);
  httplib::Result accepted = with_certificate.Get("/hello");
  ASSERT_TRUE(accepted) << httplib::to_string(accepted.error());
  EXPECT_EQ(accepted->status, 200);

  const std::string other = absl::StrCat(::testing::TempDir(), "/https-server-other-ca");
  std::filesystem::remove_all(other);
  Certs("issue", other, "client");
  httplib::SSLClient foreign("127.0.0.1", port_, other + "/client.pem", other + "/client.key");
  foreign.set_ca_cert_path(files_.ca.c_str());
  foreign.enable_server_certificate_verification(true);
  httplib::Result refused = foreign.Get("/hello");
  EXPECT_TRUE(!refused || refused->status != 200);
}

TEST_F(HttpsServerTest, ARenewedCertificateIsServedWithoutARestart) {
  absl::StatusOr<PresentedCertificate> before = ProbeCertificate("127.0.0.1", port_, files_.ca);
  ASSERT_TRUE(before.ok()) << before.status();
  Certs("renew", dir_, "feedback");
  absl::StatusOr<PresentedCertificate> after = ProbeCertificate("127.0.0.1", port_, files_.ca);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_NE(after->serial, before->serial);
  EXPECT_EQ(after->common_name, "feedback");

  httplib::SSLClient client("127.0.0.1", port_);
  client.set_ca_cert_path(files_.ca.c_str());
  client.enable_server_certificate_verification(true);
  httplib::Result answer = client.Get("/hello");
  ASSERT_TRUE(answer) << httplib::to_string(answer.error());
  EXPECT_EQ(answer->body, "hello");
}

TEST_F(HttpsServerTest, AHalfWrittenRenewalKeepsServingTheOldPair) {
  absl::StatusOr<PresentedCertificate> before = ProbeCertificate("127.0.0.1", port_, files_.ca);
  ASSERT_TRUE(before.ok()) << before.status();
  // A new key beside the old certificate, as between the two renames of a renewal.
  std::filesystem::copy_file(dir_ + "/client.key", files_.key, std::filesystem::copy_options::overwrite_existing);
  absl::StatusOr<PresentedCertificate> during = ProbeCertificate("127.0.0.1", port_, files_.ca);
  ASSERT_TRUE(during.ok()) << during.status();
  EXPECT_EQ(during->serial, before->serial);
  Certs("renew", dir_, "feedback");
  absl::StatusOr<PresentedCertificate> after = ProbeCertificate("127.0.0.1", port_, files_.ca);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_NE(after->serial, before->serial);
}

}  // namespace
}  // namespace gridcase::tls
