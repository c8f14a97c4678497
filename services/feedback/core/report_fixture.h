#pragma once

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/feedback/core/case_script.h"
#include "services/feedback/core/feedback_policy.h"
#include "services/feedback/core/hot_spot.h"
#include "services/feedback/core/memory_store.h"

namespace gridcase::feedback::testing {

// Units of the sample registry (data/registry/sample-county.json) the fixture uses.
inline constexpr char kTownship[] = "330199001";       // 清波街道
inline constexpr char kCommunity1[] = "330199001001";  // 翠苑社区: grids G1, G2
inline constexpr char kCommunity2[] = "330199001002";  // 文锦社区: grid G3
inline constexpr char kGrid1[] = "330199001001001";
inline constexpr char kGrid2[] = "330199001001002";
inline constexpr char kGrid3[] = "330199001002001";
inline constexpr char kOtherTownship[] = "330199002";  // 河东街道: grid G4
inline constexpr char kGrid4[] = "330199002001001";
inline constexpr char kUrbanManagement[] = "330199.zfj";  // D1
inline constexpr char kHousing[] = "330199.zjj";          // D2

class RecordingAlertSink : public AlertSink {
 public:
  absl::Status Publish(const v1::HotSpotAlert& alert) override {
    published.push_back(alert);
    return absl::OkStatus();
  }
  std::vector<v1::HotSpotAlert> published;
};

// 2026-03-02 09:00 Asia/Shanghai (a Monday), when the fixture's first case arrives.
absl::Time FixtureStart();

// The 24 cases of the statistics fixture, March 2026; report_test.cc has the table and the figures worked out by
// hand from it.
std::vector<CaseScript> FixtureCases();

// The fixture's events recorded into a memory store, with hot-spot checks after each, as the service does.
struct RecordedFixture {
  FeedbackPolicy policy;
  MemoryFeedbackStore store;
  RecordingAlertSink alerts;
};
absl::StatusOr<std::unique_ptr<RecordedFixture>> RecordFixture();

}  // namespace gridcase::feedback::testing
