// dispatch's Redis adapters against the test run's redis-server: the projection store keeps the fold and the SLA's
// due times from reverting each other, and version claims give one owner per case version.
#include <latch>
#include <thread>

#include "gtest/gtest.h"
#include "libs/events/case_views.h"
#include "libs/events/proto_time.h"
#include "libs/redis/redis_client.h"
#include "libs/testing/infra.h"
#include "services/dispatch/adapters/redis_projection_store.h"
#include "services/dispatch/adapters/redis_version_claims.h"
#include "services/dispatch/projector.h"

namespace gridcase::dispatch {
namespace {

std::unique_ptr<redis::RedisClient> Connect(int connections = 1) {
  const auto& infra = gridcase::testing::TestInfra();
  auto client =
      redis::RedisClient::Create({.host = infra.redis.host, .port = infra.redis.port, .connections = connections});
  EXPECT_TRUE(client.ok()) << client.status();
  return *std::move(client);
}

v1::CaseEvent Submitted(const std::string& case_id) {
  v1::CaseEvent event;
  event.set_event_id(case_id + "/1");
  event.set_case_id(case_id);
  event.set_case_version(1);
  event.mutable_occurred_at()->set_seconds(1773108000);
  v1::Case* c = event.mutable_submitted()->mutable_initial();
  c->set_id(case_id);
  c->set_status(v1::CASE_STATUS_SUBMITTED);
  c->set_level(v1::LEVEL_GRID);
  c->set_version(1);
  c->set_cycle(1);
  c->mutable_location()->set_grid_code("330199001001001");
  c->set_holder_unit("330199001001001");
  c->mutable_created_at()->set_seconds(1773108000);
  c->mutable_due_at()->set_seconds(1773900000);
  return event;
}

v1::CaseEvent Verified(const std::string& case_id, const std::string& person) {
  v1::CaseEvent event;
  event.set_event_id(case_id + "/2");
  event.set_case_id(case_id);
  event.set_case_version(2);
  event.mutable_occurred_at()->set_seconds(1773108600);
  event.mutable_actor()->set_role(v1::ROLE_GRID_WORKER);
  event.mutable_actor()->set_unit_code("330199001001001");
  event.mutable_actor()->set_person_id(person);
  event.mutable_grid_verified()->set_grid_code("330199001001001");
  event.mutable_grid_verified()->set_community_code("330199001001");
  event.mutable_grid_verified()->set_township_code("330199001");
  return event;
}

// Records a new deadline (as the SLA consumer does) in the moment between the projector's read and its write.
class DeadlineBetweenReadAndWrite : public ProjectionStore {
 public:
  DeadlineBetweenReadAndWrite(RedisProjectionStore* real, google::protobuf::Timestamp due) : real_(real), due_(due) {}
  absl::StatusOr<std::optional<v1::Case>> Load(const std::string& case_id) override { return real_->Load(case_id); }
  absl::StatusOr<ApplyOutcome> Apply(const v1::CaseEvent& event, const v1::Case& after,
                                     const std::optional<v1::Case>& before) override {
    if (!injected_) {
      injected_ = true;
      EXPECT_TRUE(real_->SetDueAt(event.case_id(), due_).ok());
    }
    return real_->Apply(event, after, before);
  }
  absl::Status SetDueAt(const std::string& case_id, const google::protobuf::Timestamp& due_at) override {
    return real_->SetDueAt(case_id, due_at);
  }

 private:
  RedisProjectionStore* real_;
  google::protobuf::Timestamp due_;
  bool injected_ = false;
};

TEST(RedisProjectionStoreTest, ADeadlineRecordedDuringAFoldIsNotReverted) {
  auto redis = Connect();
  events::Keys keys(gridcase::testing::UniqueName("due") + ".");
  RedisProjectionStore store(redis.get(), keys);
  const std::string id = "GC-20260310-000001";
  ASSERT_TRUE(Projector(&store).Project(Submitted(id)).ok());

  google::protobuf::Timestamp sla_due;
  sla_due.set_seconds(1774000000);
  DeadlineBetweenReadAndWrite racing(&store, sla_due);
  auto outcome = Projector(&racing).Project(Verified(id, "p1"));
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(*outcome, ApplyOutcome::kApplied);

  auto view = store.Load(id);
  ASSERT_TRUE(view.ok() && view->has_value());
  EXPECT_EQ((*view)->version(), 2);
  EXPECT_EQ((*view)->status(), v1::CASE_STATUS_AWAITING_COMMUNITY);
  EXPECT_EQ((*view)->due_at().seconds(), sla_due.seconds()) << "the fold reverted the SLA's deadline";
  auto score = redis->Run({"ZSCORE", keys.Queue("330199001001"), id});
  ASSERT_TRUE(score.ok());
  EXPECT_EQ(score->str, absl::StrCat(sla_due.seconds())) << "the work queue is ordered by the reverted deadline";
}

// Counts the projector's reads.
class CountingLoads : public ProjectionStore {
 public:
  explicit CountingLoads(RedisProjectionStore* real) : real_(real) {}
  absl::StatusOr<std::optional<v1::Case>> Load(const std::string& case_id) override {
    ++loads;
    return real_->Load(case_id);
  }
  absl::StatusOr<ApplyOutcome> Apply(const v1::CaseEvent& event, const v1::Case& after,
                                     const std::optional<v1::Case>& before) override {
    return real_->Apply(event, after, before);
  }
  absl::Status SetDueAt(const std::string& case_id, const google::protobuf::Timestamp& due_at) override {
    return real_->SetDueAt(case_id, due_at);
  }
  int loads = 0;

 private:
  RedisProjectionStore* real_;
};

TEST(RedisProjectionStoreTest, AFirstVersionIsWrittenWithoutAReadAndItsRedeliveryChangesNothing) {
  auto redis = Connect();
  events::Keys keys(gridcase::testing::UniqueName("first") + ".");
  RedisProjectionStore store(redis.get(), keys);
  CountingLoads counting(&store);
  const std::string id = "GC-20260310-000002";
  auto first = Projector(&counting).Project(Submitted(id));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, ApplyOutcome::kApplied);
  EXPECT_EQ(counting.loads, 0);
  ASSERT_TRUE(Projector(&counting).Project(Verified(id, "p1")).ok());

  auto again = Projector(&counting).Project(Submitted(id));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, ApplyOutcome::kDuplicate);
  auto view = store.Load(id);
  ASSERT_TRUE(view.ok() && view->has_value());
  EXPECT_EQ((*view)->version(), 2) << "the redelivered first version overwrote the view";
  auto timeline = redis->Run({"LLEN", keys.Timeline(id)});
  ASSERT_TRUE(timeline.ok());
  EXPECT_EQ(timeline->integer, 2);
  auto queued = redis->Run({"ZSCORE", keys.Queue("330199001001001"), id});
  ASSERT_TRUE(queued.ok());
  EXPECT_TRUE(queued->is_nil()) << "the redelivery put the case back in the grid's queue";
}

TEST(CaseViewsTest, TheTimelineIsReadInBoundedPages) {
  auto redis = Connect();
  events::Keys keys(gridcase::testing::UniqueName("timeline") + ".");
  RedisProjectionStore store(redis.get(), keys);
  const std::string id = "GC-20260310-000002";
  ASSERT_TRUE(Projector(&store).Project(Submitted(id)).ok());
  ASSERT_TRUE(Projector(&store).Project(Verified(id, "p1")).ok());
  events::CaseViews views(redis.get(), keys);

  auto first = views.Timeline(id, 0, 1);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->total, 2);
  ASSERT_EQ(first->events.size(), 1u);
  EXPECT_EQ(first->events[0].case_version(), 1);
  auto second = views.Timeline(id, 1, 1);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->events.size(), 1u);
  EXPECT_EQ(second->events[0].case_version(), 2);
  auto past = views.Timeline(id, 2, 10);
  ASSERT_TRUE(past.ok());
  EXPECT_TRUE(past->events.empty());
  auto unknown = views.Timeline("GC-20260310-999999", 0, 10);
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->total, 0);
}

TEST(RedisVersionClaimsTest, OneOwnerPerVersionUnderARace) {
  auto redis = Connect(8);
  RedisVersionClaims claims(redis.get(), events::Keys(gridcase::testing::UniqueName("claims") + "."), absl::Hours(1));
  const std::string id = "GC-20260310-000002";
  constexpr int kRacers = 16;
  std::vector<ClaimOutcome> outcomes(kRacers);
  std::latch start(kRacers);
  std::vector<std::thread> racers;
  for (int i = 0; i < kRacers; ++i) {
    racers.emplace_back([&, i] {
      v1::CaseEvent event = Verified(id, absl::StrCat("p", i));
      start.arrive_and_wait();
      auto result = claims.Claim(event, v1::Case(), absl::StrCat("request-", i));
      ASSERT_TRUE(result.ok()) << result.status();
      outcomes[i] = result->outcome;
      if (result->outcome == ClaimOutcome::kTaken) {
        EXPECT_NE(result->holder->event.actor().person_id(), absl::StrCat("p", i));
      }
    });
  }
  for (std::thread& racer : racers) racer.join();
  EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), ClaimOutcome::kClaimed), 1);
  EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), ClaimOutcome::kTaken), kRacers - 1);

  // The winner's request id finds its claim again, at any later version.
  int winner = std::find(outcomes.begin(), outcomes.end(), ClaimOutcome::kClaimed) - outcomes.begin();
  auto replay = claims.FindRequest(id, absl::StrCat("request-", winner));
  ASSERT_TRUE(replay.ok() && replay->has_value());
  EXPECT_EQ((*replay)->event.actor().person_id(), absl::StrCat("p", winner));
  EXPECT_FALSE((*replay)->published);
}

TEST(RedisVersionClaimsTest, PendingClaimsAreHandedOutOnceUntilPublished) {
  auto redis = Connect();
  RedisVersionClaims claims(redis.get(), events::Keys(gridcase::testing::UniqueName("pending") + "."), absl::Hours(1));
  const std::string id = "GC-20260310-000003";
  ASSERT_TRUE(claims.Claim(Verified(id, "p1"), v1::Case(), "").ok());

  // Too recent: an in-flight publish may still confirm it.
  auto none = claims.TakePending(absl::Now() - absl::Seconds(60), absl::Seconds(10), 10);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto taken = claims.TakePending(absl::Now() + absl::Seconds(1), absl::Seconds(10), 10);
  ASSERT_TRUE(taken.ok());
  ASSERT_EQ(taken->size(), 1u);
  EXPECT_EQ((*taken)[0].event.event_id(), id + "/2");
  // Leased: another replica does not take it meanwhile.
  auto again = claims.TakePending(absl::Now() + absl::Seconds(1), absl::Seconds(10), 10);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());

  ASSERT_TRUE(claims.MarkPublished(id, 2).ok());
  auto after = claims.TakePending(absl::Now() + absl::Minutes(1), absl::Seconds(10), 10);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->empty());
  auto claim = claims.Get(id, 2);
  ASSERT_TRUE(claim.ok() && claim->has_value());
  EXPECT_TRUE((*claim)->published);
}

TEST(RedisVersionClaimsTest, AVersionTheProjectionsHoldCannotBeClaimedAgainAfterItsClaimIsLost) {
  auto redis = Connect();
  events::Keys keys(gridcase::testing::UniqueName("lost-claims") + ".");
  RedisProjectionStore store(redis.get(), keys);
  RedisVersionClaims claims(redis.get(), keys, absl::Hours(1));
  const std::string id = "GC-20260310-000004";
  ASSERT_TRUE(Projector(&store).Project(Submitted(id)).ok());
  ASSERT_TRUE(claims.Claim(Verified(id, "p1"), v1::Case(), "first").ok());
  ASSERT_TRUE(Projector(&store).Project(Verified(id, "p1")).ok());
  // The claim is lost (expired, or Redis lost its last second) while the projection holds version 2.
  ASSERT_TRUE(redis->Run({"DEL", absl::StrCat(keys.prefix(), "dispatch:claim:{", id, "}:2")}).ok());

  auto second = claims.Claim(Verified(id, "p2"), v1::Case(), "second");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->outcome, ClaimOutcome::kTaken);
  EXPECT_EQ(second->holder->event.actor().person_id(), "p1");
}

}  // namespace
}  // namespace gridcase::dispatch
