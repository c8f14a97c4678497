#include "tools/gridctl/core/exit_code.h"

#include "gtest/gtest.h"

namespace gridcase::gridctl {
namespace {

TEST(ExitCodeTest, MapsStatusCodesToTheDocumentedExitCodes) {
  EXPECT_EQ(ExitCodeFor(absl::StatusCode::kOk), ExitCode::kOk);
  for (auto code : {absl::StatusCode::kNotFound, absl::StatusCode::kInvalidArgument, absl::StatusCode::kAborted,
                    absl::StatusCode::kFailedPrecondition, absl::StatusCode::kAlreadyExists}) {
    EXPECT_EQ(ToInt(ExitCodeFor(code)), 1) << absl::StatusCodeToString(code);
  }
  EXPECT_EQ(ToInt(ExitCodeFor(absl::StatusCode::kUnavailable)), 3);
  EXPECT_EQ(ToInt(ExitCodeFor(absl::StatusCode::kDeadlineExceeded)), 3);
  EXPECT_EQ(ToInt(ExitCodeFor(absl::StatusCode::kUnauthenticated)), 4);
  EXPECT_EQ(ToInt(ExitCodeFor(absl::StatusCode::kPermissionDenied)), 4);
  EXPECT_EQ(ToInt(ExitCodeFor(absl::StatusCode::kInternal)), 6);
}

TEST(ExitCodeTest, HintsSayWhatToDo) {
  EXPECT_NE(HintFor(absl::StatusCode::kUnavailable, "sla").find("--sla_addr (GRIDCASE_SLA_ADDR)"), std::string::npos);
  EXPECT_NE(HintFor(absl::StatusCode::kUnauthenticated, "intake").find("gridctl token"), std::string::npos);
  EXPECT_NE(HintFor(absl::StatusCode::kAborted, "dispatch").find("current version"), std::string::npos);
  EXPECT_EQ(HintFor(absl::StatusCode::kNotFound, "dispatch"), "");
  EXPECT_NE(HintFor(absl::StatusCode::kUnavailable, "redis").find("--redis_addr"), std::string::npos);
  EXPECT_EQ(HintFor(absl::StatusCode::kUnavailable, "redis").find("--tls_ca"), std::string::npos);
  EXPECT_NE(HintFor(absl::StatusCode::kUnavailable, "kafka/redis").find("--kafka_brokers"), std::string::npos);
  EXPECT_EQ(HintFor(absl::StatusCode::kFailedPrecondition, "kafka/redis"), "");
}

}  // namespace
}  // namespace gridcase::gridctl
