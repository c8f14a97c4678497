// RedisNotifyStore's queues against the test run's redis-server: a case's deliveries go out one at a time in order,
// other cases do not wait; the lease fences every change; an attempt left in sending is in doubt for the next one;
// parking takes the case's later deliveries with it and parks new ones behind them; replay restores the order.
#include "services/notify/adapters/redis_notify_store.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/testing/infra.h"

namespace gridcase::notify {
namespace {

class NotifyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto& infra = testing::TestInfra();
    auto redis = redis::RedisClient::Create({.host = infra.redis.host, .port = infra.redis.port});
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
    store_ = std::make_unique<RedisNotifyStore>(redis_.get(), testing::UniqueName("notify") + ".", absl::Hours(1));
  }

  Outbound Callback(const std::string& case_id, int version) {
    Outbound o{.target = "hotline",
               .delivery_id = absl::StrCat(case_id, "/", version),
               .case_id = case_id,
               .case_version = version,
               .event_type = "grid_verified",
               .occurred_at = t0_ + absl::Seconds(version)};
    o.body = absl::StrCat("{\"v\":", version, "}");
    return o;
  }
  std::vector<std::string> Due(absl::Time now) {
    auto due = store_->Due("hotline", now, 100);
    EXPECT_TRUE(due.ok()) << due.status();
    return due.ok() ? *due : std::vector<std::string>{};
  }
  void Deliver(const std::string& id) {
    ASSERT_TRUE(store_->Begin("hotline", "w1", id, t0_).ok());
    ASSERT_TRUE(store_->Delivered("hotline", "w1", id, t0_).ok());
  }

  absl::Time t0_ = absl::Now();
  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<RedisNotifyStore> store_;
};

TEST_F(NotifyStoreTest, OneAtATimePerCaseInOrderAndEnqueuedOnce) {
  for (int v = 1; v <= 3; ++v) ASSERT_TRUE(*store_->Enqueue(Callback("GC-A", v), t0_));
  ASSERT_TRUE(*store_->Enqueue(Callback("GC-B", 1), t0_));
  EXPECT_FALSE(*store_->Enqueue(Callback("GC-A", 2), t0_));  // A redelivered event adds nothing.
  ASSERT_TRUE(*store_->Lease("hotline", "w1", absl::Seconds(10)));
  EXPECT_EQ(Due(t0_), (std::vector<std::string>{"GC-A/1", "GC-B/1"}));
  Deliver("GC-A/1");
  EXPECT_EQ(Due(t0_), (std::vector<std::string>{"GC-A/2", "GC-B/1"}));
}

TEST_F(NotifyStoreTest, TheLeaseFencesAndAnUnrecordedAttemptIsInDoubt) {
  ASSERT_TRUE(*store_->Enqueue(Callback("GC-A", 1), t0_));
  ASSERT_TRUE(*store_->Lease("hotline", "w1", absl::Milliseconds(300)));
  EXPECT_FALSE(*store_->Lease("hotline", "w2", absl::Seconds(10)));
  auto first = store_->Begin("hotline", "w1", "GC-A/1", t0_);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->in_doubt);
  EXPECT_EQ(first->outbound.body, "{\"v\":1}");
  // w1 dies while sending; its lease runs out and w2 takes over.
  EXPECT_TRUE(absl::IsFailedPrecondition(store_->Begin("hotline", "w2", "GC-A/1", t0_).status()));
  absl::SleepFor(absl::Milliseconds(400));
  ASSERT_TRUE(*store_->Lease("hotline", "w2", absl::Seconds(10)));
  EXPECT_TRUE(absl::IsFailedPrecondition(store_->Delivered("hotline", "w1", "GC-A/1", t0_)));
  auto second = store_->Begin("hotline", "w2", "GC-A/1", t0_);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->in_doubt);
  EXPECT_EQ(second->outbound.body, first->outbound.body);
  ASSERT_TRUE(store_->Delivered("hotline", "w2", "GC-A/1", t0_).ok());
  EXPECT_TRUE(Due(t0_ + absl::Hours(1)).empty());
}

TEST_F(NotifyStoreTest, ParkingTakesTheCaseAlongAndReplayRestoresItsOrder) {
  for (int v = 1; v <= 2; ++v) ASSERT_TRUE(*store_->Enqueue(Callback("GC-A", v), t0_));
  ASSERT_TRUE(*store_->Enqueue(Callback("GC-B", 1), t0_));
  ASSERT_TRUE(*store_->Lease("hotline", "w1", absl::Seconds(10)));
  ASSERT_TRUE(store_->Begin("hotline", "w1", "GC-A/1", t0_).ok());
  ASSERT_TRUE(store_->Failed("hotline", "w1", "GC-A/1", "HTTP 503", t0_, /*park=*/true, t0_).ok());
  ASSERT_TRUE(*store_->Enqueue(Callback("GC-A", 3), t0_));  // Parks behind the others of its case.
  EXPECT_EQ(Due(t0_ + absl::Hours(1)), (std::vector<std::string>{"GC-B/1"}));
  auto parked = store_->ListParked("hotline", 2, "");
  ASSERT_TRUE(parked.ok());
  ASSERT_EQ(parked->deliveries.size(), 2u);
  EXPECT_EQ(parked->deliveries[0].last_error(), "HTTP 503");
  EXPECT_EQ(parked->deliveries[0].state(), v1::DELIVERY_STATE_PARKED);
  EXPECT_FALSE(parked->next_page_token.empty());
  EXPECT_EQ(*store_->ParkedCount("hotline"), 3);

  // Replaying from version 2's time on brings version 1 too: a case's parked deliveries go together, in order.
  auto requeued = store_->Replay("hotline", t0_ + absl::Seconds(2), /*parked_only=*/true, t0_);
  ASSERT_TRUE(requeued.ok()) << requeued.status();
  EXPECT_EQ(*requeued, 3);
  EXPECT_EQ(*store_->ParkedCount("hotline"), 0);
  std::vector<std::string> order;
  for (int i = 0; i < 3; ++i) {
    std::vector<std::string> due = Due(t0_ + absl::Hours(1));
    for (const std::string& id : due) {
      if (id.rfind("GC-A/", 0) == 0) {
        order.push_back(id);
        Deliver(id);
      }
    }
  }
  EXPECT_EQ(order, (std::vector<std::string>{"GC-A/1", "GC-A/2", "GC-A/3"}));

  // A replay of delivered ones sends them again, same ids and bodies.
  EXPECT_EQ(*store_->Replay("hotline", t0_, /*parked_only=*/false, t0_), 3);
  auto again = store_->Begin("hotline", "w1", "GC-A/1", t0_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->outbound.body, "{\"v\":1}");
}

}  // namespace
}  // namespace gridcase::notify
