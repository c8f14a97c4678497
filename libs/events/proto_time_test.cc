#include "libs/events/proto_time.h"

#include "gtest/gtest.h"

namespace gridcase::events {
namespace {

TEST(ProtoTimeTest, TimestampsRoundTripToTheMicrosecond) {
  const absl::Time t = absl::FromUnixMicros(1'790'000'000'123'456);
  EXPECT_EQ(FromProto(ToProto(t)), t);
  const absl::Time before_epoch = absl::FromUnixMicros(-1'500'001);
  google::protobuf::Timestamp ts = ToProto(before_epoch);
  EXPECT_EQ(ts.seconds(), -2);
  EXPECT_EQ(ts.nanos(), 499'999'000);
  EXPECT_EQ(FromProto(ts), before_epoch);
}

TEST(ProtoTimeTest, DurationsRoundTripWithTheSignOnBothFields) {
  const absl::Duration d = absl::Hours(26) + absl::Nanoseconds(7);
  google::protobuf::Duration p = ToProtoDuration(d);
  EXPECT_EQ(p.seconds(), 26 * 3600);
  EXPECT_EQ(p.nanos(), 7);
  EXPECT_EQ(FromProtoDuration(p), d);
  p = ToProtoDuration(-absl::Milliseconds(1500));
  EXPECT_EQ(p.seconds(), -1);
  EXPECT_EQ(p.nanos(), -500'000'000);
  EXPECT_EQ(FromProtoDuration(p), -absl::Milliseconds(1500));
}

}  // namespace
}  // namespace gridcase::events
