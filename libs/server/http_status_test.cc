#include "libs/server/http_status.h"

#include "gtest/gtest.h"

namespace gridcase::server {
namespace {

TEST(ToHttpStatusTest, MapsEveryCodeAFrontEndReturns) {
  EXPECT_EQ(ToHttpStatus(absl::OkStatus()), 200);
  EXPECT_EQ(ToHttpStatus(absl::InvalidArgumentError("lat: out of range")), 400);
  EXPECT_EQ(ToHttpStatus(absl::OutOfRangeError("page")), 400);
  EXPECT_EQ(ToHttpStatus(absl::PermissionDeniedError("rating_code: wrong")), 403);
  EXPECT_EQ(ToHttpStatus(absl::UnauthenticatedError("missing bearer token")), 401);
  EXPECT_EQ(ToHttpStatus(absl::NotFoundError("case")), 404);
  EXPECT_EQ(ToHttpStatus(absl::FailedPreconditionError("rated")), 409);
  EXPECT_EQ(ToHttpStatus(absl::AbortedError("version")), 409);
  EXPECT_EQ(ToHttpStatus(absl::AlreadyExistsError("case")), 409);
  EXPECT_EQ(ToHttpStatus(absl::ResourceExhaustedError("rate")), 429);
  EXPECT_EQ(ToHttpStatus(absl::UnavailableError("kafka")), 503);
  EXPECT_EQ(ToHttpStatus(absl::DeadlineExceededError("redis")), 503);
  EXPECT_EQ(ToHttpStatus(absl::InternalError("bug")), 500);
  EXPECT_EQ(ToHttpStatus(absl::DataLossError("bad record")), 500);
}

}  // namespace
}  // namespace gridcase::server
