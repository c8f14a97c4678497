// The SLA service's Redis-backed parts against the test run's redis-server: the timer store's arm / cancel / claim /
// lease logic, and the event consumer, firing loop and queries working together (Kafka replaced by a recording sink,
// time by a settable clock).
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "absl/container/flat_hash_set.h"
#include "gtest/gtest.h"
#include "libs/events/proto_time.h"
#include "libs/redis/redis_client.h"
#include "libs/testing/infra.h"
#include "services/sla/adapters/redis_sla_store.h"
#include "services/sla/adapters/redis_timer_store.h"
#include "services/sla/alarm_firer.h"
#include "services/sla/clock_keeper.h"
#include "services/sla/core/test_util.h"
#include "services/sla/sla_metrics.h"
#include "services/sla/sla_grpc.h"
#include "services/sla/timer_loop.h"
#include "services/sla/timer_reconciler.h"

namespace gridcase::sla {
namespace {

// Reads as a service: every case, unmasked (the read table itself is tested in libs/access).
const access::Caller kSlaReader{.role = v1::ROLE_SYSTEM, .person_id = "test", .service = true};

using events::FromProto;
using events::ToProto;

std::unique_ptr<redis::RedisClient> Connect() {
  const auto& infra = gridcase::testing::TestInfra();
  auto client = redis::RedisClient::Create({.host = infra.redis.host, .port = infra.redis.port});
  EXPECT_TRUE(client.ok()) << client.status();
  return *std::move(client);
}

const absl::Time kT0 = absl::FromUnixMillis(1773108000000);  // 2026-03-10 10:00 Asia/Shanghai.

TEST(RedisTimerStoreTest, ArmsIdempotentlyAndNeverHandsOutATimerEarly) {
  auto redis = Connect();
  RedisTimerStore store(redis.get(), SlaKeys(gridcase::testing::UniqueName("timers") + "."));
  absl::StatusOr<int64_t> added = store.Apply(
      {{"a", kT0 + absl::Seconds(1)}, {"b", kT0 + absl::Seconds(2)}, {"c", kT0 + absl::Microseconds(1000500)}}, {});
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(*added, 3);
  EXPECT_EQ(*store.Apply({{"a", kT0 + absl::Seconds(1)}, {"b", kT0 + absl::Seconds(2)}}, {}), 0);
  EXPECT_EQ(*store.Count(), 3);
  EXPECT_EQ(**store.NextDue(), kT0 + absl::Seconds(1));

  const absl::Time lease = kT0 + absl::Seconds(60);
  EXPECT_TRUE(store.Claim(kT0 + absl::Milliseconds(999), 10, lease)->empty());
  std::vector<ClaimedTimer> claimed = *store.Claim(kT0 + absl::Seconds(1), 10, lease);
  ASSERT_EQ(claimed.size(), 1u) << "c is due 1.0005 s in: rounded up, not down";
  EXPECT_EQ(claimed[0].member, "a");
  EXPECT_EQ(claimed[0].due, kT0 + absl::Seconds(1));
  claimed = *store.Claim(kT0 + absl::Milliseconds(1001), 10, lease);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].member, "c");

  // A claimed timer is its claimer's: arming it again neither duplicates nor steals it; the time is kept for when
  // the claim ends.
  EXPECT_EQ(*store.Apply({{"a", kT0 + absl::Seconds(5)}}, {}), 0);
  EXPECT_EQ(*store.Count(), 3);
  EXPECT_TRUE(store.Claim(kT0 + absl::Seconds(10), 10, lease)->size() == 1u) << "only b is pending and due";

  ASSERT_TRUE(store.Ack({"a", "b"}, lease).ok());
  EXPECT_EQ(**store.NextDue(), kT0 + absl::Seconds(5)) << "a is pending again, at the time armed during its claim";
  ASSERT_TRUE(store.Apply({}, {"a"}).ok());
  EXPECT_EQ(*store.Count(), 1);
  ASSERT_TRUE(store.Release({{"c", kT0 + absl::Seconds(20)}}, lease).ok());
  EXPECT_EQ(**store.NextDue(), kT0 + absl::Seconds(20));
  ASSERT_TRUE(store.Apply({{"d", kT0 + absl::Seconds(30)}}, {"c"}).ok());
  EXPECT_EQ(*store.Count(), 1);
  EXPECT_EQ(**store.NextDue(), kT0 + absl::Seconds(30));
}

TEST(RedisClockEffectsTest, ArmsCancelsIndexesAndMarksDoneOnlyWhenAllOfItApplied) {
  auto redis = Connect();
  const SlaKeys keys(gridcase::testing::UniqueName("effects") + ".");
  RedisCaseClockStore cases(redis.get(), keys);
  RedisTimerStore timers(redis.get(), keys);
  RedisDueIndex due(redis.get(), keys);
  RedisClockEffects effects(redis.get(), keys);
  ASSERT_TRUE(*cases.Save("C1", 1, v1::SlaCaseState()));

  auto armed = effects.Complete("C1", 1, {{"C1|a|1|breach", kT0 + absl::Seconds(1)}, {"C1|b|1|breach", kT0}}, {},
                                {{"C1|a|1", kT0 + absl::Seconds(1)}, {"C1|b|1", kT0}});
  ASSERT_TRUE(armed.ok()) << armed.status();
  EXPECT_EQ(*armed, 2);
  EXPECT_EQ(*timers.Count(), 2);
  EXPECT_EQ(due.Range(absl::InfinitePast(), kT0 + absl::Seconds(10), 0, 10)->size(), 2u);
  EXPECT_EQ(cases.Load("C1")->done, 1);

  // Effects of a version the case has moved past are applied but not marked (the newer version's own are pending).
  ASSERT_TRUE(*cases.Save("C1", 2, v1::SlaCaseState()));
  ASSERT_TRUE(*cases.Save("C1", 3, v1::SlaCaseState()));
  ASSERT_TRUE(effects.Complete("C1", 2, {}, {"C1|b|1|breach"}, {{"C1|b|1", std::nullopt}}).ok());
  EXPECT_EQ(*timers.Count(), 1);
  EXPECT_EQ(due.Range(absl::InfinitePast(), kT0 + absl::Seconds(10), 0, 10)->size(), 1u);
  EXPECT_EQ(cases.Load("C1")->done, 1);

  // A due index that cannot be written (here: not a sorted set) fails the step, and the version stays not done.
  ASSERT_TRUE(redis->Run({"SET", keys.Due(), "not a sorted set"}).ok());
  EXPECT_FALSE(effects.Complete("C1", 3, {{"C1|c|1|breach", kT0}}, {}, {{"C1|c|1", kT0}}).ok());
  EXPECT_EQ(cases.Load("C1")->done, 1);
  ASSERT_TRUE(redis->Run({"DEL", keys.Due()}).ok());
  ASSERT_TRUE(effects.Complete("C1", 3, {{"C1|c|1|breach", kT0}}, {}, {{"C1|c|1", kT0}}).ok());
  EXPECT_EQ(cases.Load("C1")->done, 3);
  EXPECT_EQ(*timers.Count(), 2);
}

TEST(RedisTimerStoreTest, ExpiredLeaseComesDueAgain) {
  auto redis = Connect();
  RedisTimerStore store(redis.get(), SlaKeys(gridcase::testing::UniqueName("lease") + "."));
  ASSERT_TRUE(store.Apply({{"x", kT0}}, {}).ok());
  ASSERT_EQ(store.Claim(kT0, 10, kT0 + absl::Seconds(30))->size(), 1u);
  EXPECT_TRUE(store.Claim(kT0 + absl::Seconds(29), 10, kT0 + absl::Seconds(60))->empty());
  std::vector<ClaimedTimer> again = *store.Claim(kT0 + absl::Seconds(31), 10, kT0 + absl::Seconds(90));
  ASSERT_EQ(again.size(), 1u) << "the claimer died: another takes it after the lease";
  EXPECT_EQ(again[0].member, "x");
  EXPECT_EQ(*store.Count(), 1);
}

TEST(RedisTimerStoreTest, ArmingDuringAClaimTakesEffectWhenTheClaimEnds) {
  auto redis = Connect();
  RedisTimerStore store(redis.get(), SlaKeys(gridcase::testing::UniqueName("rearm") + "."));
  const absl::Time lease = kT0 + absl::Seconds(30);
  ASSERT_TRUE(store.Apply({{"acked", kT0}, {"released", kT0}, {"cancelled", kT0}}, {}).ok());
  ASSERT_EQ(store.Claim(kT0, 10, lease)->size(), 3u);

  // Armed while claimed: nothing pending yet, the claimer keeps them.
  EXPECT_EQ(*store.Apply({{"acked", kT0 + absl::Seconds(5)},
                          {"released", kT0 + absl::Seconds(50)},
                          {"cancelled", kT0 + absl::Seconds(7)}},
                         {}),
            0);
  ASSERT_TRUE(store.Apply({}, {"cancelled"}).ok());
  EXPECT_FALSE(store.NextDue()->has_value());

  // The claimer drops "acked" (it decided on an older state): it comes back at the time arming asked for.
  ASSERT_TRUE(store.Ack({"acked", "cancelled"}, lease).ok());
  EXPECT_EQ(**store.NextDue(), kT0 + absl::Seconds(5));
  // Released at 10 s while arming asked for 50 s: the earlier wins (the firer re-decides when it comes due).
  ASSERT_TRUE(store.Release({{"released", kT0 + absl::Seconds(10)}}, lease).ok());
  EXPECT_EQ(*store.Count(), 2) << "acked and released; the cancelled one is gone";
  std::vector<ClaimedTimer> claimed = *store.Claim(kT0 + absl::Seconds(10), 10, kT0 + absl::Seconds(40));
  ASSERT_EQ(claimed.size(), 2u);
  EXPECT_EQ(claimed[0].member, "acked");
  EXPECT_EQ(claimed[0].due, kT0 + absl::Seconds(5));
  EXPECT_EQ(claimed[1].member, "released");
  EXPECT_EQ(claimed[1].due, kT0 + absl::Seconds(10));
  EXPECT_FALSE(claimed[0].earlier_claim.has_value()) << "its first claim ended in an acknowledgement";
}

TEST(RedisTimerStoreTest, AClaimThatDidNotEndMarksTheNextClaim) {
  auto redis = Connect();
  const SlaKeys keys(gridcase::testing::UniqueName("intent") + ".");
  RedisTimerStore store(redis.get(), keys);
  ASSERT_TRUE(store.Apply({{"x", kT0}}, {}).ok());
  const absl::Time first_lease = kT0 + absl::Seconds(30);
  std::vector<ClaimedTimer> claimed = *store.Claim(kT0, 10, first_lease);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_FALSE(claimed[0].earlier_claim.has_value());

  // The claimer died: after its lease the timer is claimed again, marked with the first claim's time.
  const absl::Time second_lease = kT0 + absl::Seconds(61);
  claimed = *store.Claim(kT0 + absl::Seconds(31), 10, second_lease);
  ASSERT_EQ(claimed.size(), 1u);
  ASSERT_TRUE(claimed[0].earlier_claim.has_value());
  EXPECT_EQ(*claimed[0].earlier_claim, kT0);
  // The dead claimer's acknowledgement, had it come late, would not end the new claim.
  ASSERT_TRUE(store.Ack({"x"}, first_lease).ok());
  EXPECT_EQ(*store.Count(), 1);

  // A release after a publish that may have landed keeps the mark; one without clears it.
  ASSERT_TRUE(store.Release({{"x", kT0 + absl::Seconds(40), /*maybe_published=*/true}}, second_lease).ok());
  claimed = *store.Claim(kT0 + absl::Seconds(40), 10, kT0 + absl::Seconds(70));
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].earlier_claim, kT0);
  ASSERT_TRUE(store.Release({{"x", kT0 + absl::Seconds(45), false}}, kT0 + absl::Seconds(70)).ok());
  claimed = *store.Claim(kT0 + absl::Seconds(45), 10, kT0 + absl::Seconds(75));
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_FALSE(claimed[0].earlier_claim.has_value());
  ASSERT_TRUE(store.Ack({"x"}, kT0 + absl::Seconds(75)).ok());
  EXPECT_EQ(*store.Count(), 0);
  EXPECT_EQ(redis->Run({"EXISTS", keys.Intents()})->integer, 0) << "no intent outlives its timer";
}

TEST(RedisTimerStoreTest, ConcurrentClaimersNeverShareATimer) {
  const std::string prefix = gridcase::testing::UniqueName("share") + ".";
  auto redis = Connect();
  RedisTimerStore store(redis.get(), SlaKeys(prefix));
  std::vector<std::pair<std::string, absl::Time>> arm;
  for (int i = 0; i < 3000; ++i) arm.emplace_back(absl::StrCat("t", i), kT0 + absl::Milliseconds(i % 97));
  ASSERT_EQ(*store.Apply(arm, {}), 3000);

  std::mutex mu;
  std::vector<std::string> all;
  std::vector<std::thread> claimers;
  for (int c = 0; c < 4; ++c) {
    claimers.emplace_back([&] {
      auto own = Connect();
      RedisTimerStore mine(own.get(), SlaKeys(prefix));
      while (true) {
        absl::StatusOr<std::vector<ClaimedTimer>> batch = mine.Claim(kT0 + absl::Seconds(1), 37, kT0 + absl::Hours(1));
        ASSERT_TRUE(batch.ok());
        if (batch->empty()) return;
        std::lock_guard lock(mu);
        for (const ClaimedTimer& t : *batch) all.push_back(t.member);
      }
    });
  }
  for (std::thread& t : claimers) t.join();
  std::set<std::string> distinct(all.begin(), all.end());
  EXPECT_EQ(all.size(), 3000u);
  EXPECT_EQ(distinct.size(), 3000u);
}

// Records what would go to Kafka, keeps the whole log for PublishedAlarms (by record time), and can be told to fail.
class RecordingSink : public SlaEventSink, public PublishedAlarms {
 public:
  explicit RecordingSink(std::function<absl::Time()> now) : now_(std::move(now)) {}

  std::vector<absl::Status> PublishAll(const std::vector<v1::CaseEvent>& events) override {
    std::lock_guard lock(mu_);
    if (fail_) return std::vector<absl::Status>(events.size(), absl::UnavailableError("broker down"));
    events_.insert(events_.end(), events.begin(), events.end());
    for (const v1::CaseEvent& event : events) log_.emplace_back(now_(), event);
    return std::vector<absl::Status>(events.size(), absl::OkStatus());
  }
  absl::StatusOr<std::map<std::string, v1::CaseEvent>> Find(const absl::flat_hash_set<std::string>& case_ids,
                                                            const absl::flat_hash_set<std::string>& event_ids,
                                                            absl::Time since) override {
    std::lock_guard lock(mu_);
    ++finds_;
    if (fail_) return absl::UnavailableError("broker down");
    std::map<std::string, v1::CaseEvent> found;
    for (const auto& [at, event] : log_) {
      if (at >= since && case_ids.contains(event.case_id()) && event_ids.contains(event.event_id())) {
        found[event.event_id()] = event;
      }
    }
    return found;
  }
  std::vector<v1::CaseEvent> Take() {
    std::lock_guard lock(mu_);
    return std::exchange(events_, {});
  }
  // Records with this event id in the log.
  int Count(const std::string& event_id) {
    std::lock_guard lock(mu_);
    int n = 0;
    for (const auto& [at, event] : log_) n += event.event_id() == event_id;
    return n;
  }
  int finds() {
    std::lock_guard lock(mu_);
    return finds_;
  }
  void set_fail(bool fail) {
    std::lock_guard lock(mu_);
    fail_ = fail;
  }

 private:
  std::function<absl::Time()> now_;
  std::mutex mu_;
  std::vector<v1::CaseEvent> events_;
  std::vector<std::pair<absl::Time, v1::CaseEvent>> log_;
  int finds_ = 0;
  bool fail_ = false;
};

// Runs something on each side of another handler's work, as a concurrent event consumer might.
class InterleavingHandler : public DueTimerHandler {
 public:
  InterleavingHandler(DueTimerHandler* inner, std::function<void()> before, std::function<void()> after)
      : inner_(inner), before_(std::move(before)), after_(std::move(after)) {}
  std::vector<TimerOutcome> HandleDue(const std::vector<ClaimedTimer>& timers, absl::Time now,
                                      absl::Time publish_by) override {
    before_();
    std::vector<TimerOutcome> outcomes = inner_->HandleDue(timers, now, publish_by);
    after_();
    return outcomes;
  }

 private:
  DueTimerHandler* inner_;
  std::function<void()> before_;
  std::function<void()> after_;
};

// Calendar seconds: completion in 20 s (warnings at 10 s and 15 s, county rung at 60 s), sign-off in 600 s.
SlaPolicy ShortPolicy() {
  absl::StatusOr<SlaPolicy> policy =
      LoadSlaPolicy(testing::SourceDir() + "/services/sla/testdata/sla-policy-short.json");
  EXPECT_TRUE(policy.ok()) << policy.status();
  return *policy;
}

class SlaFlowTest : public ::testing::Test {
 protected:
  SlaFlowTest()
      : policy_(ShortPolicy()),
        planner_(&policy_, &testing::Calendar2026()),
        redis_(Connect()),
        keys_(gridcase::testing::UniqueName("flow") + "."),
        cases_(redis_.get(), keys_),
        timers_(redis_.get(), keys_),
        due_(redis_.get(), keys_),
        effects_(redis_.get(), keys_),
        sink_([this] { return Now(); }),
        keeper_(&planner_, &cases_, &effects_, &sink_),
        firer_(&planner_, &cases_, &sink_, &sink_, &broadcaster_, [this] { return Now(); }),
        loop_(&timers_, &firer_, [this] { return Now(); }, {.batch = 100}),
        reconciler_(&planner_, &cases_, &timers_, &due_, {.page = 2}),
        grpc_(&planner_, &cases_, &due_, &broadcaster_, [this] { return Now(); }) {}

  absl::Time Now() {
    std::lock_guard lock(mu_);
    return now_;
  }
  void SetNow(absl::Time t) {
    std::lock_guard lock(mu_);
    now_ = t;
  }

  v1::CaseEvent Event(const std::string& case_id, int64_t version, absl::Time at) {
    v1::CaseEvent event;
    event.set_event_id(absl::StrCat(case_id, "/", version));
    event.set_case_id(case_id);
    event.set_case_version(version);
    *event.mutable_occurred_at() = ToProto(at);
    return event;
  }
  v1::CaseEvent Submitted(const std::string& case_id, absl::Time at, v1::Category category = v1::CATEGORY_GENERAL,
                          const std::string& grid = "330199001001001") {
    v1::CaseEvent event = Event(case_id, 1, at);
    v1::Case* c = event.mutable_submitted()->mutable_initial();
    c->set_id(case_id);
    c->set_category(category);
    c->set_title("路灯不亮");
    c->mutable_location()->set_grid_code(grid);
    c->mutable_location()->set_community_code(grid.substr(0, 12));
    c->mutable_location()->set_township_code(grid.substr(0, 9));
    return event;
  }

  // Event ids the sink received, by payload.
  static std::vector<std::string> Ids(const std::vector<v1::CaseEvent>& events, v1::CaseEvent::PayloadCase payload) {
    std::vector<std::string> ids;
    for (const v1::CaseEvent& event : events) {
      if (event.payload_case() == payload) ids.push_back(event.event_id());
    }
    return ids;
  }

  SlaPolicy policy_;
  ClockPlanner planner_;
  std::unique_ptr<redis::RedisClient> redis_;
  SlaKeys keys_;
  RedisCaseClockStore cases_;
  RedisTimerStore timers_;
  RedisDueIndex due_;
  RedisClockEffects effects_;
  RecordingSink sink_;
  AlertBroadcaster broadcaster_;
  ClockKeeper keeper_;
  AlarmFirer firer_;
  TimerLoop loop_;
  TimerReconciler reconciler_;
  SlaGrpc grpc_;
  std::mutex mu_;
  absl::Time now_ = kT0;
};

TEST_F(SlaFlowTest, EventsArmTimersThatFireOnceOnTimeAndPauseHoldsTheBreach) {
  const std::string id = gridcase::testing::UniqueName("GC");
  auto watch = broadcaster_.Subscribe({}, false);
  ASSERT_TRUE(keeper_.Handle(Submitted(id, kT0)).ok());
  std::vector<v1::CaseEvent> published = sink_.Take();
  EXPECT_EQ(Ids(published, v1::CaseEvent::kDeadlineSet),
            (std::vector<std::string>{id + "/sla/sign_off.v1/1/deadline.v1", id + "/sla/completion/1/deadline.v1"}));
  // Sign-off: 50 %, 75 %, breach; completion: the same and the county rung at 300 %.
  EXPECT_EQ(*timers_.Count(), 7);

  // Redelivery changes nothing; a later version waits for the one before it.
  ASSERT_TRUE(keeper_.Handle(Submitted(id, kT0)).ok());
  EXPECT_TRUE(sink_.Take().empty());
  v1::CaseEvent resumed = Event(id, 3, kT0 + absl::Seconds(40));
  resumed.mutable_resumed()->set_note("住户回来了");
  EXPECT_EQ(keeper_.Handle(resumed).code(), absl::StatusCode::kUnavailable);

  SetNow(kT0 + absl::Milliseconds(9999));
  EXPECT_EQ(*loop_.RunOnce(), 0);
  SetNow(kT0 + absl::Seconds(10));
  EXPECT_EQ(*loop_.RunOnce(), 1);
  published = sink_.Take();
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].event_id(), id + "/sla/completion/1/warn50");
  EXPECT_EQ(published[0].sla_warned().percent(), 50);
  EXPECT_EQ(FromProto(published[0].sla_warned().due_at()), kT0 + absl::Seconds(20));
  EXPECT_EQ(FromProto(published[0].occurred_at()), kT0 + absl::Seconds(10));
  std::optional<v1::SlaAlert> alert = watch->Next(absl::Seconds(1));
  ASSERT_TRUE(alert.has_value());
  EXPECT_EQ(alert->event().event_id(), id + "/sla/completion/1/warn50");
  EXPECT_EQ(alert->location().township_code(), "330199001");

  // A timer armed again for an alarm that fired (a redelivered event racing the firing loop) is dropped.
  ASSERT_TRUE(timers_.Apply({{AlarmId{id, "completion", 1, "warn50"}.Member(), kT0}}, {}).ok());
  EXPECT_EQ(*loop_.RunOnce(), 1);
  EXPECT_TRUE(sink_.Take().empty());

  // Paused at 12 s: nothing after it fires, however long it stays paused.
  v1::CaseEvent paused = Event(id, 2, kT0 + absl::Seconds(12));
  paused.mutable_paused()->set_reason("等待住户");
  ASSERT_TRUE(keeper_.Handle(paused).ok());
  SetNow(kT0 + absl::Seconds(35));
  EXPECT_EQ(*loop_.RunOnce(), 0);
  EXPECT_TRUE(sink_.Take().empty());
  absl::StatusOr<v1::CaseClocks> clocks = grpc_.ReadCaseClocks(kSlaReader, [&] {
    v1::GetCaseClocksRequest r;
    r.set_case_id(id);
    return r;
  }());
  ASSERT_TRUE(clocks.ok()) << clocks.status();
  ASSERT_EQ(clocks->clocks_size(), 2);
  EXPECT_TRUE(clocks->clocks(1).paused());
  EXPECT_FALSE(clocks->clocks(1).breached());
  EXPECT_EQ(clocks->case_version(), 2);

  // Resumed at 40 s after 28 s paused: 75 % at 43 s, breach at 48 s, announced by a DeadlineSet.
  ASSERT_TRUE(keeper_.Handle(resumed).ok());
  published = sink_.Take();
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(FromProto(published[0].deadline_set().due_at()), kT0 + absl::Seconds(48));
  SetNow(kT0 + absl::Seconds(50));
  EXPECT_EQ(*loop_.RunOnce(), 2);
  published = sink_.Take();
  EXPECT_EQ(Ids(published, v1::CaseEvent::kSlaWarned), (std::vector<std::string>{id + "/sla/completion/1/warn75"}));
  ASSERT_EQ(Ids(published, v1::CaseEvent::kSlaBreached), (std::vector<std::string>{id + "/sla/completion/1/breach"}));
  for (const v1::CaseEvent& event : published) {
    if (!event.has_sla_breached()) continue;
    EXPECT_EQ(event.sla_breached().escalate_to(), v1::LEVEL_TOWNSHIP);
    EXPECT_EQ(FromProto(event.occurred_at()), kT0 + absl::Seconds(48));
    EXPECT_EQ(event.sla_breached().holder_unit(), "330199001001001");
  }
  EXPECT_EQ(*timers_.Count(), 4) << "sign-off alarms and the county rung remain";
}

TEST_F(SlaFlowTest, EffectsInterruptedAfterTheSaveAreRedone) {
  const std::string id = gridcase::testing::UniqueName("GC");
  sink_.set_fail(true);
  EXPECT_EQ(keeper_.Handle(Submitted(id, kT0)).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(cases_.Load(id)->version, 1) << "saved";
  EXPECT_EQ(cases_.Load(id)->done, 0) << "effects not done";
  EXPECT_EQ(*timers_.Count(), 0);

  sink_.set_fail(false);
  ASSERT_TRUE(keeper_.Handle(Submitted(id, kT0)).ok());  // Redelivered.
  EXPECT_EQ(Ids(sink_.Take(), v1::CaseEvent::kDeadlineSet).size(), 2u);
  EXPECT_EQ(*timers_.Count(), 7);
  EXPECT_EQ(cases_.Load(id)->done, 1);

  // A firing that cannot publish is retried later, not lost and not recorded as fired.
  SetNow(kT0 + absl::Seconds(10));
  sink_.set_fail(true);
  EXPECT_EQ(*loop_.RunOnce(), 1);
  EXPECT_TRUE(cases_.Load(id)->fired.empty());
  EXPECT_EQ(*loop_.RunOnce(), 0) << "released to retry a second later";
  sink_.set_fail(false);
  SetNow(kT0 + absl::Seconds(11));
  EXPECT_EQ(*loop_.RunOnce(), 1);
  EXPECT_EQ(Ids(sink_.Take(), v1::CaseEvent::kSlaWarned), (std::vector<std::string>{id + "/sla/completion/1/warn50"}));
  EXPECT_TRUE(cases_.Load(id)->fired.contains("completion|1|warn50"));
}

TEST_F(SlaFlowTest, ListOverdueFiltersAndPages) {
  // Seven general cases 1 s apart, all overdue at 40 s; one simple case in another township.
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) {
    ids.push_back(gridcase::testing::UniqueName("GC"));
    ASSERT_TRUE(keeper_.Handle(Submitted(ids.back(), kT0 + absl::Seconds(i))).ok());
  }
  const std::string simple = gridcase::testing::UniqueName("GC");
  ASSERT_TRUE(keeper_.Handle(Submitted(simple, kT0, v1::CATEGORY_SIMPLE, "330199002001001")).ok());
  SetNow(kT0 + absl::Seconds(40));

  v1::ListOverdueRequest request;
  request.set_page_size(3);
  request.mutable_area()->set_code_prefix("330199001");
  std::vector<std::string> listed;
  for (int page = 0; page < 10; ++page) {
    absl::StatusOr<v1::ListOverdueResponse> response = grpc_.ReadOverdue(kSlaReader, request);
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_LE(response->clocks_size(), 3);
    for (const v1::OverdueClock& clock : response->clocks()) {
      listed.push_back(clock.case_id());
      EXPECT_EQ(clock.clock(), v1::CLOCK_KIND_COMPLETION);
      EXPECT_EQ(clock.category(), v1::CATEGORY_GENERAL);
      EXPECT_EQ(FromProto(clock.due_at()) + absl::Seconds(clock.late_by().seconds()) +
                    absl::Nanoseconds(clock.late_by().nanos()),
                kT0 + absl::Seconds(40));
      EXPECT_EQ(clock.title(), "路灯不亮");
    }
    if (response->next_page_token().empty()) break;
    request.set_page_token(response->next_page_token());
  }
  EXPECT_EQ(listed, ids) << "most overdue first, each once";

  // Lateness, category and level filters.
  v1::ListOverdueRequest late;
  late.mutable_min_lateness()->set_seconds(19);  // Due at 20..26 s, now 40 s: 20 s late at most.
  late.mutable_area()->add_unit_codes("330199001");
  absl::StatusOr<v1::ListOverdueResponse> response = grpc_.ReadOverdue(kSlaReader, late);
  ASSERT_TRUE(response.ok());
  ASSERT_EQ(response->clocks_size(), 2);
  EXPECT_EQ(response->clocks(0).case_id(), ids[0]);
  EXPECT_EQ(response->clocks(0).late_by().seconds(), 20);
  v1::ListOverdueRequest by_category;
  by_category.set_category(v1::CATEGORY_SIMPLE);
  response = grpc_.ReadOverdue(kSlaReader, by_category);
  ASSERT_EQ(response->clocks_size(), 1);
  EXPECT_EQ(response->clocks(0).case_id(), simple);
  v1::ListOverdueRequest by_level;
  by_level.set_level(v1::LEVEL_COUNTY);
  EXPECT_EQ(grpc_.ReadOverdue(kSlaReader, by_level)->clocks_size(), 0);
  v1::ListOverdueRequest sign_off;
  sign_off.set_clock(v1::CLOCK_KIND_SIGN_OFF);
  EXPECT_EQ(grpc_.ReadOverdue(kSlaReader, sign_off)->clocks_size(), 0);

  // A resolved case leaves the list.
  v1::CaseEvent resolved = Event(ids[0], 2, kT0 + absl::Seconds(41));
  resolved.mutable_resolved()->set_reply("已修复");
  ASSERT_TRUE(keeper_.Handle(resolved).ok());
  v1::ListOverdueRequest all;
  all.mutable_area()->set_code_prefix("330199001");
  all.set_page_size(100);
  EXPECT_EQ(grpc_.ReadOverdue(kSlaReader, all)->clocks_size(), 6);
}

TEST_F(SlaFlowTest, BadRequestsNameTheField) {
  auto error = [&](const std::function<void(v1::ListOverdueRequest&)>& spoil) {
    v1::ListOverdueRequest request;
    spoil(request);
    absl::Status status = grpc_.ReadOverdue(kSlaReader, request).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    return std::string(status.message());
  };
  EXPECT_EQ(error([](auto& r) { r.set_page_size(501); }), "page_size: must be within 0..500");
  EXPECT_EQ(error([](auto& r) { r.set_page_size(-1); }), "page_size: must be within 0..500");
  EXPECT_EQ(error([](auto& r) { r.set_page_token("bm90IGEgdG9rZW4"); }),
            "page_token: is not a token returned by ListOverdue");
  EXPECT_EQ(error([](auto& r) { r.mutable_min_lateness()->set_seconds(-5); }),
            "min_lateness: must be within 0..3650 days");
  EXPECT_EQ(error([](auto& r) { r.set_level(static_cast<v1::Level>(42)); }), "level: unknown level");
  EXPECT_EQ(error([](auto& r) { r.set_category(static_cast<v1::Category>(9)); }), "category: unknown category");
  EXPECT_EQ(error([](auto& r) { r.mutable_area()->set_code_prefix("330199 001"); }),
            "area.code_prefix: may contain only letters, digits, '.', '-' and '_'");

  v1::GetCaseClocksRequest get;
  EXPECT_EQ(grpc_.ReadCaseClocks(kSlaReader, get).status().message(), "case_id: must not be empty");
  get.set_case_id("GC-unknown");
  EXPECT_EQ(grpc_.ReadCaseClocks(kSlaReader, get).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SlaFlowTest, PauseAndResumeWhileTheTimerIsClaimedLoseNoAlarm) {
  const std::string id = gridcase::testing::UniqueName("GC");
  ASSERT_TRUE(keeper_.Handle(Submitted(id, kT0)).ok());
  sink_.Take();

  // The 50 % timer (10 s) is claimed; while the firer holds it the case is paused at 9 s (the firer, reading the
  // paused state, drops the alarm) and resumed at 10 s (arming the alarm again, at 11 s, while it is still claimed).
  v1::CaseEvent paused = Event(id, 2, kT0 + absl::Seconds(9));
  paused.mutable_paused()->set_reason("等待住户");
  v1::CaseEvent resumed = Event(id, 3, kT0 + absl::Seconds(10));
  resumed.mutable_resumed()->set_note("住户回来了");
  InterleavingHandler interleaved(
      &firer_, [&] { ASSERT_TRUE(keeper_.Handle(paused).ok()); }, [&] { ASSERT_TRUE(keeper_.Handle(resumed).ok()); });
  TimerLoop loop(&timers_, &interleaved, [this] { return Now(); }, {.batch = 100});
  SetNow(kT0 + absl::Seconds(10));
  ASSERT_EQ(*loop.RunOnce(), 1);
  EXPECT_TRUE(Ids(sink_.Take(), v1::CaseEvent::kSlaWarned).empty()) << "paused before the threshold: not yet";

  // 9 s counted before the pause: the warning is due 1 s after the resume, and it fires then.
  SetNow(kT0 + absl::Seconds(11));
  EXPECT_EQ(*loop_.RunOnce(), 1);
  EXPECT_EQ(Ids(sink_.Take(), v1::CaseEvent::kSlaWarned), (std::vector<std::string>{id + "/sla/completion/1/warn50"}));
  EXPECT_TRUE(cases_.Load(id)->fired.contains("completion|1|warn50"));
  EXPECT_EQ(*timers_.Count(), 6) << "the other alarms of both clocks stay armed";
}

TEST_F(SlaFlowTest, AnAlarmPublishedByAClaimerThatDiedIsRecordedNotPublishedAgain) {
  const std::string id = gridcase::testing::UniqueName("GC");
  ASSERT_TRUE(keeper_.Handle(Submitted(id, kT0)).ok());
  sink_.Take();

  // A claimer takes the 50 % and 75 % timers at 15 s (lease 3 s), publishes the 50 % warning and dies before
  // recording it.
  SetNow(kT0 + absl::Seconds(15));
  std::vector<ClaimedTimer> claimed = *timers_.Claim(Now(), 100, Now() + absl::Seconds(3));
  ASSERT_EQ(claimed.size(), 2u);
  const StoredCase stored = *cases_.Load(id);
  FireDecision warn50 = planner_.Decide(stored.state, stored.fired, AlarmId{id, "completion", 1, "warn50"}, Now());
  ASSERT_EQ(warn50.kind, FireDecision::Kind::kFire);
  ASSERT_TRUE(sink_.PublishAll({warn50.event})[0].ok());
  sink_.Take();

  // The lease expires: the next claimer looks on the topic, finds the 50 % warning there and only records it; the
  // 75 % warning, not on the topic, is published now — each alarm once.
  SetNow(kT0 + absl::Seconds(18));
  EXPECT_EQ(*loop_.RunOnce(), 2);
  EXPECT_EQ(sink_.finds(), 1);
  EXPECT_EQ(Ids(sink_.Take(), v1::CaseEvent::kSlaWarned), (std::vector<std::string>{id + "/sla/completion/1/warn75"}));
  EXPECT_EQ(sink_.Count(id + "/sla/completion/1/warn50"), 1);
  EXPECT_EQ(sink_.Count(id + "/sla/completion/1/warn75"), 1);
  const StoredCase after = *cases_.Load(id);
  EXPECT_TRUE(after.fired.contains("completion|1|warn50"));
  EXPECT_TRUE(after.fired.contains("completion|1|warn75"));

  // A claimer of the breach dies before publishing. While the topic cannot be read, the timer is neither fired nor
  // dropped: it waits; then, not found on the topic, the breach is published once.
  SetNow(kT0 + absl::Seconds(20));
  claimed = *timers_.Claim(Now(), 100, Now() + absl::Seconds(3));
  ASSERT_EQ(claimed.size(), 1u);
  SetNow(kT0 + absl::Seconds(23));
  sink_.set_fail(true);
  EXPECT_EQ(*loop_.RunOnce(), 1);
  EXPECT_FALSE(cases_.Load(id)->fired.contains("completion|1|breach"));
  sink_.set_fail(false);
  SetNow(kT0 + absl::Seconds(24));
  EXPECT_EQ(*loop_.RunOnce(), 1);
  EXPECT_EQ(Ids(sink_.Take(), v1::CaseEvent::kSlaBreached), (std::vector<std::string>{id + "/sla/completion/1/breach"}));
  EXPECT_EQ(sink_.Count(id + "/sla/completion/1/breach"), 1);
}

TEST_F(SlaFlowTest, ReconcileRearmsTheTimersOfOpenClocksWhoseTimersWereLost) {
  const std::string fired_one = gridcase::testing::UniqueName("GC");
  const std::string paused_one = gridcase::testing::UniqueName("GC");
  ASSERT_TRUE(keeper_.Handle(Submitted(fired_one, kT0)).ok());
  ASSERT_TRUE(keeper_.Handle(Submitted(paused_one, kT0)).ok());
  v1::CaseEvent paused = Event(paused_one, 2, kT0 + absl::Seconds(5));
  paused.mutable_paused()->set_reason("等待住户");
  ASSERT_TRUE(keeper_.Handle(paused).ok());
  SetNow(kT0 + absl::Seconds(10));
  ASSERT_EQ(*loop_.RunOnce(), 1);  // fired_one's 50 % warning.
  sink_.Take();
  ASSERT_EQ(*timers_.Count(), 6 + 3) << "fired_one: 3 sign-off + 3 completion; paused_one: 3 sign-off";

  const double rearmed_before = SlaMetrics::Get().clocks_rearmed.Value();
  EXPECT_EQ(*reconciler_.RunOnce(), 0) << "nothing lost";
  ASSERT_TRUE(redis_->Run({"DEL", keys_.Timers()}).ok());
  ASSERT_EQ(*timers_.Count(), 0);

  // Three open clocks with timers: both sign-off clocks and fired_one's completion clock (paused_one's is paused).
  EXPECT_EQ(*reconciler_.RunOnce(), 3);
  EXPECT_EQ(SlaMetrics::Get().clocks_rearmed.Value() - rearmed_before, 3);
  EXPECT_EQ(*timers_.Count(), 9) << "the fired warning is not armed again";
  EXPECT_EQ(*reconciler_.RunOnce(), 0);

  // The re-armed timers fire as the lost ones would have.
  SetNow(kT0 + absl::Seconds(15));
  EXPECT_EQ(*loop_.RunOnce(), 1);
  EXPECT_EQ(Ids(sink_.Take(), v1::CaseEvent::kSlaWarned),
            (std::vector<std::string>{fired_one + "/sla/completion/1/warn75"}));
}

}  // namespace
}  // namespace gridcase::sla
