// RedisFeedbackStore against the test run's redis-server: the same semantics as the memory store the core is tested
// with — the whole statistics fixture recorded through Redis gives the same report — plus the atomic pieces: the
// compare-and-set commit, rating slots and codes, the leased schedule.
#include "gtest/gtest.h"
#include "libs/testing/infra.h"
#include "services/feedback/adapters/redis_feedback_store.h"
#include "services/feedback/core/contribution.h"
#include "services/feedback/core/report.h"
#include "services/feedback/core/report_fixture.h"
#include "services/feedback/core/report_render.h"
#include "services/feedback/core/stats_recorder.h"

namespace gridcase::feedback {
namespace {

class StubUnits : public UnitDirectory {
 public:
  std::string UnitName(const std::string& code) const override { return code; }
  std::string ItemName(const std::string& item) const override { return item; }
  std::string PersonName(const std::string& person) const override { return person; }
  bool IsArea(const std::string& code) const override { return true; }
};

class RedisStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto& infra = gridcase::testing::TestInfra();
    auto redis = redis::RedisClient::Create({.host = infra.redis.host, .port = infra.redis.port});
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
    store_ = std::make_unique<RedisFeedbackStore>(redis_.get(), gridcase::testing::UniqueName("feedback") + ".");
  }

  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<RedisFeedbackStore> store_;
};

TEST_F(RedisStoreTest, FixtureThroughRedisReportsLikeTheMemoryStore) {
  auto memory = testing::RecordFixture();
  ASSERT_TRUE(memory.ok()) << memory.status();
  FeedbackPolicy policy;
  StatsRecorder recorder(store_.get(), policy);
  testing::RecordingAlertSink sink;
  absl::Time clock = testing::FixtureStart();
  HotSpotWatch watch(store_.get(), &sink, policy.hot_spot, [&clock] { return clock; });
  for (const testing::CaseScript& c : testing::FixtureCases()) {
    for (const v1::CaseEvent& e : c.events()) {
      clock = absl::FromUnixSeconds(e.occurred_at().seconds());
      auto facts = recorder.Record(e, clock);
      ASSERT_TRUE(facts.ok()) << facts.status();
      if (facts->has_value()) {
        ASSERT_TRUE(watch.Check(**facts).ok());
      }
    }
  }
  StubUnits units;
  auto now = [] { return absl::FromUnixSeconds(1775000000); };
  for (const std::string& area : {std::string(""), std::string(testing::kTownship), std::string(testing::kGrid2)}) {
    for (const auto& [from, to] : {std::pair{"2026-03-01", "2026-04-01"}, std::pair{"2026-03-03", "2026-03-17"}}) {
      auto query = ParseReportQuery(from, to, area, units);
      ASSERT_TRUE(query.ok());
      auto via_redis = ReportBuilder(store_.get(), &units, policy, now).Build(*query);
      auto via_memory = ReportBuilder(&(*memory)->store, &units, policy, now).Build(*query);
      ASSERT_TRUE(via_redis.ok()) << via_redis.status();
      ASSERT_TRUE(via_memory.ok());
      EXPECT_EQ(RenderJson(*via_redis), RenderJson(*via_memory)) << "area " << area << " " << from;
    }
  }
  EXPECT_EQ(sink.published.size(), 2u);
  // A counter back at 0 leaves no field behind.
  auto fields = redis_->Run({"HKEYS", store_->StatsKey("m:2026-03", UnitRow(testing::kHousing))});
  ASSERT_TRUE(fields.ok());
  for (const redis::Reply& f : fields->elements) EXPECT_NE(f.str, "") << "no empty field names";
}

TEST_F(RedisStoreTest, CommitIsCompareAndSetOnTheRevision) {
  v1::FeedbackCaseState state;
  state.set_revision(1);
  StatDelta delta;
  delta.counters[{"d:2026-03-02", "area:*"}] = {{"submitted", 1}};
  ASSERT_TRUE(*store_->CommitCase("GC-1", 0, state, delta, {}));
  EXPECT_FALSE(*store_->CommitCase("GC-1", 0, state, delta, {})) << "stale revision";
  auto rows = store_->Rows("d:2026-03-02");
  ASSERT_EQ(*rows, std::vector<std::string>{"area:*"});
  EXPECT_EQ((*store_->ReadRows("d:2026-03-02", {"area:*"}))[0].at("submitted"), 1);
  state.set_revision(2);
  delta.counters[{"d:2026-03-02", "area:*"}] = {{"submitted", -1}};
  v1::StatMember m;
  m.set_set("public");
  m.set_member("GC-1");
  m.set_score(100);
  delta.add.push_back(m);
  ASSERT_TRUE(*store_->CommitCase("GC-1", 1, state, delta, {}));
  EXPECT_TRUE((*store_->ReadRows("d:2026-03-02", {"area:*"}))[0].empty());
  auto listed = store_->RevRange("public", 0, 10);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].member, "GC-1");
  EXPECT_EQ((*store_->LoadCase("GC-1"))->revision(), 2);
}

TEST_F(RedisStoreTest, RatingSlotLifecycle) {
  absl::Time resolved = absl::FromUnixSeconds(1772400000);
  SlotOpening opening{"GC-7", 1, resolved, resolved + absl::Hours(72), "330199.zfj"};
  ASSERT_TRUE(store_->OpenSlot(opening, resolved).ok());
  ASSERT_TRUE(store_->OpenSlot(opening, resolved).ok()) << "idempotent";
  auto slot = store_->LoadSlot("GC-7");
  ASSERT_TRUE(slot.ok() && slot->has_value());
  EXPECT_EQ((*slot)->cycle, 1);
  EXPECT_EQ((*slot)->deadline, resolved + absl::Hours(72));
  EXPECT_EQ((*slot)->state, RatingSlot::State::kOpen);
  EXPECT_FALSE((*slot)->has_code);
  auto ttl = redis_->Run({"TTL", store_->SlotKey("GC-7")});
  EXPECT_GT(ttl->integer, 72 * 3600);

  GivenRating rating{v1::SATISFACTION_DISSATISFIED, false, "没修好"};
  const absl::Time now = resolved + absl::Hours(1);
  EXPECT_EQ(store_->Claim("GC-7", "h1", rating, now, now, 2)->first, ClaimResult::kWrongCode) << "no code yet";
  ASSERT_TRUE(*store_->SetCode("GC-7", 1, "h1"));
  EXPECT_FALSE(*store_->SetCode("GC-7", 2, "h1")) << "another cycle";
  EXPECT_EQ(store_->Claim("GC-7", "nope", rating, now, now, 2)->first, ClaimResult::kWrongCode);
  auto claimed = store_->Claim("GC-7", "h1", rating, now, now + absl::Seconds(15), 2);
  EXPECT_EQ(*claimed, std::make_pair(ClaimResult::kClaimed, 1));
  EXPECT_EQ(store_->Claim("GC-7", "h1", rating, now, now, 2)->first, ClaimResult::kRatedAlready);
  slot = store_->LoadSlot("GC-7");
  EXPECT_EQ((*slot)->state, RatingSlot::State::kClaimed);
  EXPECT_EQ((*slot)->satisfaction, v1::SATISFACTION_DISSATISFIED);
  EXPECT_EQ((*slot)->comment, "没修好");
  auto code = redis_->Run({"HGET", store_->SlotKey("GC-7"), "code"});
  EXPECT_EQ(code->str, "h1") << "only what the caller hashed is stored";

  // The next cycle's slot replaces it; wrong codes void the code; past the deadline the window is closed.
  SlotOpening next{"GC-7", 2, resolved + absl::Hours(10), resolved + absl::Hours(82), "330199.zfj"};
  ASSERT_TRUE(store_->OpenSlot(next, now).ok());
  ASSERT_TRUE(*store_->SetCode("GC-7", 2, "h2"));
  EXPECT_EQ(store_->Claim("GC-7", "x", rating, now, now, 2)->first, ClaimResult::kWrongCode);
  EXPECT_EQ(store_->Claim("GC-7", "x", rating, now, now, 2)->first, ClaimResult::kWrongCode);
  EXPECT_EQ(store_->Claim("GC-7", "h2", rating, now, now, 2)->first, ClaimResult::kWrongCode) << "voided";
  ASSERT_TRUE(*store_->SetCode("GC-7", 2, "h3"));
  const absl::Time late = resolved + absl::Hours(83);
  EXPECT_EQ(store_->Claim("GC-7", "h3", rating, late, late, 5)->first, ClaimResult::kWindowClosed);
  EXPECT_FALSE(*store_->Expire("GC-7", 2, resolved + absl::Hours(20))) << "before the deadline";
  EXPECT_TRUE(*store_->Expire("GC-7", 2, late));
  EXPECT_EQ((*store_->LoadSlot("GC-7"))->state, RatingSlot::State::kExpired);
}

TEST_F(RedisStoreTest, ScheduleIsLeased) {
  absl::Time t = absl::FromUnixSeconds(1772400000);
  ASSERT_TRUE(store_->Schedule("rate|A|1", t).ok());
  ASSERT_TRUE(store_->Schedule("rate|B|1", t + absl::Seconds(5)).ok());
  EXPECT_EQ(*store_->TakeDue(t + absl::Seconds(1), absl::Seconds(30), 10), std::vector<std::string>{"rate|A|1"});
  EXPECT_TRUE(store_->TakeDue(t + absl::Seconds(2), absl::Seconds(30), 10)->empty()) << "leased";
  EXPECT_EQ(*store_->TakeDue(t + absl::Seconds(31), absl::Seconds(30), 10),
            (std::vector<std::string>{"rate|B|1", "rate|A|1"}));
  ASSERT_TRUE(store_->Unschedule("rate|A|1").ok());
  ASSERT_TRUE(store_->Unschedule("rate|B|1").ok());
  EXPECT_TRUE(store_->TakeDue(t + absl::Hours(1), absl::Seconds(30), 10)->empty());
}

}  // namespace
}  // namespace gridcase::feedback
