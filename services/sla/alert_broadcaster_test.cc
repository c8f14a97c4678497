#include "services/sla/alert_broadcaster.h"

#include <thread>

#include "gtest/gtest.h"

namespace gridcase::sla {
namespace {

v1::SlaAlert Alert(const std::string& event_id, const std::string& grid, bool breach) {
  v1::CaseEvent event;
  event.set_event_id(event_id);
  event.set_case_id("GC-1");
  if (breach) {
    event.mutable_sla_breached()->set_clock(v1::CLOCK_KIND_COMPLETION);
  } else {
    event.mutable_sla_warned()->set_percent(50);
  }
  v1::Case c;
  c.mutable_location()->set_grid_code(grid);
  c.mutable_location()->set_community_code(grid.substr(0, 12));
  c.mutable_location()->set_township_code(grid.substr(0, 9));
  c.set_holder_unit(grid.substr(0, 12));
  return MakeAlert(event, c);
}

v1::AreaFilter Prefix(const std::string& prefix) {
  v1::AreaFilter area;
  area.set_code_prefix(prefix);
  return area;
}

TEST(AreaTest, PrefixOrUnitCodesMatchLocationOrHolder) {
  v1::Case c;
  c.mutable_location()->set_grid_code("330199001001001");
  c.mutable_location()->set_community_code("330199001001");
  c.mutable_location()->set_township_code("330199001");
  c.set_holder_unit("330199.zfj");
  EXPECT_TRUE(InArea({}, c));
  EXPECT_TRUE(InArea(Prefix("330199"), c));
  EXPECT_TRUE(InArea(Prefix("330199001001001"), c));
  EXPECT_FALSE(InArea(Prefix("330199002"), c));
  v1::AreaFilter units;
  units.add_unit_codes("330199.zjj");
  EXPECT_FALSE(InArea(units, c));
  units.add_unit_codes("330199.zfj");
  EXPECT_TRUE(InArea(units, c));
  v1::AreaFilter community;
  community.add_unit_codes("330199001001");
  EXPECT_TRUE(InArea(community, c));
  v1::AreaFilter partial;
  partial.add_unit_codes("3301990");
  EXPECT_FALSE(InArea(partial, c)) << "unit codes match exactly";
}

TEST(AreaTest, ValidationNamesTheField) {
  EXPECT_TRUE(ValidateArea(Prefix("330199.zfj-a_b"), "area").ok());
  EXPECT_EQ(ValidateArea(Prefix("33 01"), "area").message(),
            "area.code_prefix: may contain only letters, digits, '.', '-' and '_'");
  v1::AreaFilter units;
  units.add_unit_codes("330199");
  units.add_unit_codes("");
  EXPECT_EQ(ValidateArea(units, "area").message(), "area.unit_codes[1]: must be 1..64 characters");
  v1::AreaFilter many;
  for (int i = 0; i < 101; ++i) many.add_unit_codes("330199");
  EXPECT_EQ(ValidateArea(many, "area").code(), absl::StatusCode::kInvalidArgument);
}

TEST(AlertBroadcasterTest, DeliversInAreaOnceByEventId) {
  AlertBroadcaster broadcaster;
  auto township = broadcaster.Subscribe(Prefix("330199001"), /*breaches_only=*/false);
  auto elsewhere = broadcaster.Subscribe(Prefix("330199002"), false);
  auto breaches = broadcaster.Subscribe({}, /*breaches_only=*/true);
  EXPECT_TRUE(broadcaster.has_subscribers());

  broadcaster.Publish(Alert("GC-1/sla/completion/1/warn50", "330199001001001", false));
  broadcaster.Publish(Alert("GC-1/sla/completion/1/warn50", "330199001001001", false));  // From the other feed.
  broadcaster.Publish(Alert("GC-1/sla/completion/1/breach", "330199001001001", true));

  std::optional<v1::SlaAlert> first = township->Next(absl::Seconds(1));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->event().event_id(), "GC-1/sla/completion/1/warn50");
  EXPECT_EQ(first->holder_unit(), "330199001001");
  std::optional<v1::SlaAlert> second = township->Next(absl::Seconds(1));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->event().event_id(), "GC-1/sla/completion/1/breach");
  EXPECT_FALSE(township->Next(absl::Milliseconds(20)).has_value()) << "the repeat is passed on once";
  EXPECT_FALSE(elsewhere->Next(absl::Milliseconds(20)).has_value());
  std::optional<v1::SlaAlert> breach = breaches->Next(absl::Seconds(1));
  ASSERT_TRUE(breach.has_value());
  EXPECT_TRUE(breach->event().has_sla_breached());
  EXPECT_FALSE(breaches->Next(absl::Milliseconds(20)).has_value());
}

TEST(AlertBroadcasterTest, WaitsForAlertsAndEndsOnClose) {
  AlertBroadcaster broadcaster;
  auto subscription = broadcaster.Subscribe({}, false);
  std::thread publisher([&] {
    absl::SleepFor(absl::Milliseconds(50));
    broadcaster.Publish(Alert("GC-1/sla/completion/1/warn75", "330199001001001", false));
  });
  std::optional<v1::SlaAlert> alert = subscription->Next(absl::Seconds(5));
  publisher.join();
  ASSERT_TRUE(alert.has_value());
  broadcaster.Close();
  EXPECT_FALSE(subscription->Next(absl::Seconds(5)).has_value());
  EXPECT_EQ(subscription->status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(broadcaster.Subscribe({}, false)->status().code(), absl::StatusCode::kUnavailable);
}

TEST(AlertBroadcasterTest, SlowWatcherIsCutOffAndDroppedWatchersAreForgotten) {
  AlertBroadcaster broadcaster(/*dedupe_window=*/2);
  auto slow = broadcaster.Subscribe({}, false, /*capacity=*/2);
  for (int i = 0; i < 3; ++i)
    broadcaster.Publish(Alert(absl::StrCat("GC-1/sla/x/1/warn", 10 + i), "330199001001001", false));
  EXPECT_EQ(slow->status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_FALSE(slow->Next(absl::Milliseconds(10)).has_value());
  slow.reset();
  EXPECT_FALSE(broadcaster.has_subscribers());
  // Beyond the dedupe window an id counts as new again.
  auto watcher = broadcaster.Subscribe({}, false);
  broadcaster.Publish(Alert("GC-1/sla/x/1/warn10", "330199001001001", false));
  EXPECT_TRUE(watcher->Next(absl::Seconds(1)).has_value());
}

}  // namespace
}  // namespace gridcase::sla
