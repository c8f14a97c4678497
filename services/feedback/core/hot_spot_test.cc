#include "services/feedback/core/hot_spot.h"

#include <algorithm>
#include <optional>
#include <random>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "services/feedback/core/case_script.h"
#include "services/feedback/core/report_fixture.h"
#include "services/feedback/core/stats_recorder.h"

namespace gridcase::feedback {
namespace {

using testing::CaseScript;
using testing::FixtureStart;

absl::Time Day(double d) { return FixtureStart() + absl::Seconds(d * 86400); }

std::vector<CaseTime> Cases(const std::vector<double>& days) {
  std::vector<CaseTime> out;
  for (size_t i = 0; i < days.size(); ++i) out.push_back({absl::StrCat("c", i), Day(days[i])});
  return out;
}

TEST(FindBurstsTest, ThreeWithinSevenDaysIsABurst) {
  HotSpotPolicy policy;  // 3 in 7 days
  std::vector<Burst> bursts = FindBursts(Cases({0, 2, 6.9}), {}, policy);
  ASSERT_EQ(bursts.size(), 1u);
  EXPECT_EQ(bursts[0].start, Day(0));
  EXPECT_EQ(bursts[0].cases.size(), 3u);
}

TEST(FindBurstsTest, ScatteredCasesAreNot) {
  HotSpotPolicy policy;
  EXPECT_TRUE(FindBursts(Cases({0, 4, 8, 12, 16, 20}), {}, policy).empty()) << "never 3 within 7 days";
  EXPECT_TRUE(FindBursts(Cases({0, 3.5, 7}), {}, policy).empty()) << "the window is half-open";
  EXPECT_TRUE(FindBursts(Cases({0, 1}), {}, policy).empty());
}

TEST(FindBurstsTest, OneBurstPerWindowAndOrderDoesNotMatter) {
  HotSpotPolicy policy;
  // Five cases in a week are one burst; a new burst needs its own three after the window.
  std::vector<Burst> bursts = FindBursts(Cases({5, 0, 1, 2, 3, 8, 9, 10}), {}, policy);
  ASSERT_EQ(bursts.size(), 2u);
  EXPECT_EQ(bursts[0].start, Day(0));
  EXPECT_EQ(bursts[0].cases.size(), 5u);
  EXPECT_EQ(bursts[1].start, Day(8));
  // An alert raised for the window from day 0 blocks any burst overlapping it, e.g. a late-arriving case from
  // day -1 that would otherwise start a burst there.
  EXPECT_TRUE(FindBursts(Cases({-1, 0, 1, 2}), {Day(0)}, policy).empty());
  EXPECT_EQ(FindBursts(Cases({0, 1, 2, 8, 9, 10}), {Day(0)}, policy).size(), 1u);
}

// What lets Check skip reading a hot spot's cases: a case whose time an earlier alert covers is in no burst that
// FindBursts returns, whatever the other cases and alerts are (times on whole hours, so windows meet exactly).
TEST(FindBurstsTest, NoBurstHoldsACaseAnAlertCovers) {
  HotSpotPolicy policy;
  std::mt19937 random(20261202);
  int covered = 0;
  int uncovered_in_burst = 0;
  for (int round = 0; round < 3000; ++round) {
    std::uniform_int_distribution<int> hour(0, 30 * 24);
    std::vector<CaseTime> cases;
    const int n = std::uniform_int_distribution<int>(1, 12)(random);
    for (int i = 0; i < n; ++i) cases.push_back({absl::StrCat("c", i), Day(0) + absl::Hours(hour(random))});
    std::vector<absl::Time> raised;
    const int alerts = std::uniform_int_distribution<int>(0, 3)(random);
    for (int i = 0; i < alerts; ++i) raised.push_back(Day(0) + absl::Hours(hour(random)));
    std::vector<Burst> bursts = FindBursts(cases, raised, policy);
    for (const CaseTime& c : cases) {
      const bool in_burst = std::any_of(bursts.begin(), bursts.end(), [&](const Burst& b) {
        return std::any_of(b.cases.begin(), b.cases.end(), [&](const CaseTime& x) { return x.case_id == c.case_id; });
      });
      if (AlertCovers(raised, c.at, policy)) {
        ++covered;
        ASSERT_FALSE(in_burst) << "round " << round << ": " << c.case_id << " is covered yet in a burst";
      } else if (in_burst) {
        ++uncovered_in_burst;
      }
    }
  }
  EXPECT_GT(covered, 1000);
  EXPECT_GT(uncovered_in_burst, 1000);
}

class HotSpotWatchTest : public ::testing::Test {
 protected:
  // A verified case of `item` in `grid` submitted on day `day`.
  absl::StatusOr<std::vector<v1::HotSpotAlert>> Add(const std::string& id, double day, const std::string& grid,
                                                    const std::string& item, bool invalid = false) {
    CaseScript c(id, Day(day), v1::CHANNEL_HOTLINE_12345, v1::CATEGORY_SIMPLE);
    c.Located(grid);
    if (invalid) {
      c.MarkInvalid(Day(day) + absl::Hours(1), grid, "p0003");
    } else {
      c.Verify(Day(day) + absl::Hours(1), grid, item, "p0003");
    }
    std::vector<v1::HotSpotAlert> raised;
    for (const v1::CaseEvent& e : c.events()) {
      auto facts = recorder_.Record(e, Day(day));
      if (!facts.ok()) return facts.status();
      auto alerts = watch_.Check(**facts);
      if (!alerts.ok()) return alerts.status();
      raised.insert(raised.end(), alerts->begin(), alerts->end());
    }
    return raised;
  }

  FeedbackPolicy policy_;
  MemoryFeedbackStore store_;
  testing::RecordingAlertSink sink_;
  StatsRecorder recorder_{&store_, policy_};
  HotSpotWatch watch_{&store_, &sink_, policy_.hot_spot, [] { return Day(30); }};
};

TEST_F(HotSpotWatchTest, BurstRaisesOneAlertKeyedByGridAndItem) {
  const std::string item = "municipal.manhole-cover";
  EXPECT_TRUE(Add("a", 0, testing::kGrid1, item)->empty());
  EXPECT_TRUE(Add("b", 2, testing::kGrid1, item)->empty());
  EXPECT_TRUE(Add("x", 3, testing::kGrid2, item)->empty()) << "another grid";
  EXPECT_TRUE(Add("y", 3, testing::kGrid1, "municipal.street-light")->empty()) << "another item";
  EXPECT_TRUE(Add("z", 3.5, testing::kGrid1, item, /*invalid=*/true)->empty()) << "invalid cases do not count";
  auto raised = Add("c", 4, testing::kGrid1, item);
  ASSERT_EQ(raised->size(), 1u);
  const v1::HotSpotAlert& alert = raised->front();
  EXPECT_EQ(alert.alert_id(), absl::StrCat(testing::kGrid1, "/", item, "/", absl::ToUnixSeconds(Day(0))));
  EXPECT_EQ(alert.case_count(), 3);
  EXPECT_EQ(alert.threshold(), 3);
  EXPECT_EQ(alert.community_code(), testing::kCommunity1);
  EXPECT_EQ(alert.window().seconds(), 7 * 86400);
  EXPECT_EQ(std::vector<std::string>(alert.case_ids().begin(), alert.case_ids().end()),
            (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(sink_.published.size(), 1u);

  // A fourth case in the same window raises nothing more; neither does a redelivery.
  EXPECT_TRUE(Add("d", 5, testing::kGrid1, item)->empty());
  EXPECT_TRUE(Add("c", 4, testing::kGrid1, item)->empty());
  EXPECT_EQ(sink_.published.size(), 1u);
  auto listed = store_.ListAlerts(Day(-1), Day(1));
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 1u);

  // After the window, a new burst is a new alert.
  EXPECT_TRUE(Add("e", 9, testing::kGrid1, item)->empty());
  EXPECT_TRUE(Add("f", 10, testing::kGrid1, item)->empty());
  EXPECT_EQ(Add("g", 11, testing::kGrid1, item)->size(), 1u);
}

TEST_F(HotSpotWatchTest, ScatteredCasesRaiseNothing) {
  const std::string item = "order.noise";
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(Add(absl::StrCat("s", i), i * 4.0, testing::kGrid3, item)->empty());
  EXPECT_TRUE(sink_.published.empty());
}

// Publishes after a second publication has begun, or after 300 ms: two checks that both decided to publish meet here.
class MeetingAlertSink : public AlertSink {
 public:
  absl::Status Publish(const v1::HotSpotAlert& alert) override {
    absl::MutexLock lock(&mu_);
    ++arrived_;
    mu_.AwaitWithTimeout(absl::Condition(+[](int* n) { return *n >= 2; }, &arrived_), absl::Milliseconds(300));
    published_.push_back(alert);
    return absl::OkStatus();
  }
  std::vector<v1::HotSpotAlert> published() {
    absl::MutexLock lock(&mu_);
    return published_;
  }

 private:
  absl::Mutex mu_;
  int arrived_ = 0;
  std::vector<v1::HotSpotAlert> published_;
};

TEST(HotSpotWatchRaceTest, TwoCasesCompletingABurstAtOnceRaiseItOnce) {
  FeedbackPolicy policy;  // 3 in 7 days
  for (int round = 0; round < 3; ++round) {
    MemoryFeedbackStore store;
    StatsRecorder recorder(&store, policy);
    std::vector<CaseFacts> facts;
    for (int i = 0; i < 3; ++i) {
      CaseScript c(absl::StrCat("GC-", i), Day(i), v1::CHANNEL_HOTLINE_12345, v1::CATEGORY_SIMPLE);
      c.Located(testing::kGrid1).Verify(Day(i) + absl::Hours(1), testing::kGrid1, "municipal.manhole-cover", "p0003");
      std::optional<CaseFacts> last;
      for (const v1::CaseEvent& e : c.events()) {
        auto recorded = recorder.Record(e, Day(i));
        ASSERT_TRUE(recorded.ok() && recorded->has_value()) << recorded.status();
        last = **recorded;
      }
      facts.push_back(*last);
    }
    MeetingAlertSink sink;
    HotSpotWatch watch(&store, &sink, policy.hot_spot, [] { return Day(30); });
    // The last two cases' events are handled at the same time on two lanes; each sees the burst of three.
    std::thread a([&] { EXPECT_TRUE(watch.Check(facts[1]).ok()); });
    std::thread b([&] { EXPECT_TRUE(watch.Check(facts[2]).ok()); });
    a.join();
    b.join();
    ASSERT_EQ(sink.published().size(), 1u) << "round " << round;
    EXPECT_EQ(sink.published()[0].case_count(), 3);
  }
}

}  // namespace
}  // namespace gridcase::feedback
