#include "libs/server/peer_certificate.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace gridcase::server {
namespace {

TEST(PeerCertificateTest, TheServiceNamedByTheCertificateIsProven) {
  EXPECT_TRUE(CheckServiceCertificate({"feedback", "feedback", "localhost"}, "feedback").ok());
  // A DNS subject alternative name counts as the common name does.
  EXPECT_TRUE(CheckServiceCertificate({"gridcase-feedback", "feedback"}, "feedback").ok());
}

TEST(PeerCertificateTest, NoCertificateOrAnotherServicesIsUnauthenticated) {
  absl::Status none = CheckServiceCertificate({}, "notifier");
  EXPECT_EQ(none.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(absl::StrContains(none.message(), "needs the client certificate of 'notifier'")) << none.message();
  EXPECT_TRUE(absl::StrContains(none.message(), "presented none")) << none.message();

  absl::Status other = CheckServiceCertificate({"feedback", "feedback", "localhost"}, "notifier");
  EXPECT_EQ(other.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(absl::StrContains(other.message(), "presented one of 'feedback'")) << other.message();
  // Names are compared whole.
  EXPECT_FALSE(CheckServiceCertificate({"notifier2"}, "notifier").ok());
  EXPECT_FALSE(CheckServiceCertificate({"Notifier"}, "notifier").ok());
}

}  // namespace
}  // namespace gridcase::server
