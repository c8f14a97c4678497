#include "services/feedback/core/report_fixture.h"

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "libs/events/proto_time.h"
#include "services/feedback/core/periods.h"
#include "services/feedback/core/stats_recorder.h"

namespace gridcase::feedback::testing {
namespace {

constexpr char kManhole[] = "municipal.manhole-cover";
constexpr char kLight[] = "municipal.street-light";
constexpr char kNoise[] = "order.noise";
constexpr char kDumping[] = "municipal.illegal-dumping";
constexpr char kRoad[] = "municipal.road-damage";

// One case of the fixture. Times are hours after the case's arrival (day `day` of the fixture, 09:00).
//   path: 'D' department (verify at v, community escalates at v+1, township dispatches at v+2, the department
//             accepts at v+2+a, resolves at r), 'L' local (verify at v, community handles it at v+a, resolves at r),
//         'I' marked invalid at v, 'O' department path left in progress after the accept.
//   rating at r+2: 'S' 满意, 'B' 基本满意 (both closed as rated at r+3), 'D' 不满意 (reopened at r+3; a department
//         accepts again at r+4), 'N' none (closed as not rated at r+72), '-' no rating stage.
struct Row {
  int n;
  const char* grid;
  v1::Channel channel;
  v1::Category category;
  const char* item;
  char path;
  const char* department;
  int day;
  int v, a, r;
  char rating;
  bool solved;
};

constexpr v1::Channel H = v1::CHANNEL_HOTLINE_12345, A = v1::CHANNEL_APP, P = v1::CHANNEL_GRID_PATROL,
                      O = v1::CHANNEL_OPEN311;
constexpr v1::Category S = v1::CATEGORY_SIMPLE, G = v1::CATEGORY_GENERAL, M = v1::CATEGORY_MAJOR;

const Row kRows[] = {
    {1, kGrid1, H, S, kManhole, 'D', kUrbanManagement, 0, 1, 1, 24, 'S', true},
    {2, kGrid1, H, S, kManhole, 'D', kUrbanManagement, 1, 1, 2, 30, 'S', true},
    {3, kGrid1, A, S, kManhole, 'D', kUrbanManagement, 2, 1, 6, 48, 'B', true},
    {4, kGrid1, A, G, kManhole, 'D', kUrbanManagement, 10, 1, 1, 130, 'D', false},
    {5, kGrid2, H, G, kLight, 'D', kUrbanManagement, 3, 2, 3, 40, 'S', true},
    {6, kGrid2, P, G, kLight, 'D', kUrbanManagement, 4, 5, 1, 50, 'N', false},
    {7, kGrid2, H, M, kLight, 'D', kHousing, 5, 1, 1, 20, 'S', true},
    {8, kGrid3, H, M, kNoise, 'D', kHousing, 3, 1, 5, 100, 'B', false},
    {9, kGrid3, A, S, kNoise, 'D', kHousing, 12, 1, 1, 150, 'D', false},
    {10, kGrid3, H, S, kDumping, 'L', "", 6, 1, 2, 10, 'S', true},
    {11, kGrid3, P, S, kDumping, 'L', "", 7, 1, 6, 30, 'B', true},
    {12, kGrid1, H, S, kDumping, 'L', "", 8, 1, 1, 12, 'S', true},
    {13, kGrid1, H, S, "", 'I', "", 9, 2, 0, 0, '-', false},
    {14, kGrid2, A, G, kLight, 'O', kUrbanManagement, 11, 1, 1, 0, '-', false},
    {15, kGrid4, H, S, kLight, 'D', kUrbanManagement, 5, 1, 1, 20, 'S', true},
    {16, kGrid4, O, G, kLight, 'D', kHousing, 6, 1, 1, 30, 'B', true},
    {17, kGrid2, H, S, kDumping, 'L', "", 13, 1, 1, 8, 'S', true},
    {18, kGrid2, A, S, kDumping, 'L', "", 14, 1, 1, 9, 'B', false},
    {19, kGrid3, H, G, kRoad, 'D', kHousing, 15, 1, 1, 60, 'S', true},
    {20, kGrid3, H, G, kRoad, 'D', kHousing, 16, 1, 1, 70, 'S', true},
    {21, kGrid1, P, S, kLight, 'D', kUrbanManagement, 17, 1, 1, 110, 'B', true},
    {22, kGrid2, H, S, kNoise, 'L', "", 18, 1, 3, 20, 'D', false},
    {23, kGrid1, H, G, kRoad, 'D', kUrbanManagement, 19, 1, 1, 30, 'D', false},
    {24, kGrid4, H, S, kDumping, 'L', "", 20, 1, 1, 10, 'S', true},
};

std::string Worker(const std::string& grid) {
  if (grid == kGrid1) return "p0003";
  if (grid == kGrid2) return "p0005";
  if (grid == kGrid3) return "p0045";
  return "p0331";
}

}  // namespace

absl::Time FixtureStart() { return absl::FromCivil(absl::CivilHour(2026, 3, 2, 9), CountyZone()); }

std::vector<CaseScript> FixtureCases() {
  std::vector<CaseScript> cases;
  for (const Row& row : kRows) {
    const absl::Time t0 = FixtureStart() + absl::Hours(24 * row.day);
    auto at = [&](int hours) { return t0 + absl::Hours(hours); };
    CaseScript c(absl::StrCat("GC-202603", row.n < 10 ? "0" : "", row.n), t0, row.channel, row.category,
                 absl::StrCat("诉求", row.n, "：", row.item));
    c.Located(row.grid).Resident("王小明", "13812345678", "app-user-1");
    const std::string worker = Worker(row.grid);
    if (row.path == 'I') {
      c.MarkInvalid(at(row.v), row.grid, worker);
      cases.push_back(std::move(c));
      continue;
    }
    c.Verify(at(row.v), row.grid, row.item, worker);
    if (row.path == 'L') {
      c.HandleLocally(at(row.v + row.a));
    } else {
      c.CommunityEscalate(at(row.v + 1)).Dispatch(at(row.v + 2), row.department).Accept(at(row.v + 2 + row.a));
    }
    if (row.n == 5) c.SignOffDeadline(4, 1, at(row.v + 4), 4).SignOffBreach(4, 1, at(row.v + 4));
    if (row.n == 7) c.SignOffDeadline(4, 1, at(row.v + 3), 4);
    if (row.n == 19) c.CompletionDeadline(1, at(48), 1).CompletionBreach(1, at(48));
    if (row.path == 'O') {
      cases.push_back(std::move(c));
      continue;
    }
    c.Resolve(at(row.r), "已处理完毕，联系电话13900001111");
    switch (row.rating) {
      case 'S':
      case 'B':
        c.Rate(at(row.r + 2), row.rating == 'S' ? v1::SATISFACTION_SATISFIED : v1::SATISFACTION_BASICALLY, row.solved);
        c.Close(at(row.r + 3), v1::CaseClosed::REASON_RATED);
        break;
      case 'D':
        c.Rate(at(row.r + 2), v1::SATISFACTION_DISSATISFIED, row.solved, "没有解决");
        c.Reopen(at(row.r + 3));
        if (row.path == 'D') c.Accept(at(row.r + 4));
        break;
      case 'N':
        c.Close(at(row.r + 72), v1::CaseClosed::REASON_NOT_RATED);
        break;
      default:
        break;
    }
    if (row.n == 23) {
      c.Resolve(at(row.r + 50), "已修复路面");
      c.Rate(at(row.r + 52), v1::SATISFACTION_SATISFIED, true);
      c.Close(at(row.r + 53), v1::CaseClosed::REASON_RATED);
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

absl::StatusOr<std::unique_ptr<RecordedFixture>> RecordFixture() {
  auto fixture = std::make_unique<RecordedFixture>();
  StatsRecorder recorder(&fixture->store, fixture->policy);
  absl::Time clock = FixtureStart();
  HotSpotWatch watch(&fixture->store, &fixture->alerts, fixture->policy.hot_spot, [&clock] { return clock; });
  for (const CaseScript& c : FixtureCases()) {
    for (const v1::CaseEvent& e : c.events()) {
      clock = events::FromProto(e.occurred_at());
      auto facts = recorder.Record(e, clock);
      if (!facts.ok()) return facts.status();
      if (facts->has_value()) {
        if (auto raised = watch.Check(**facts); !raised.ok()) return raised.status();
      }
    }
  }
  return fixture;
}

}  // namespace gridcase::feedback::testing
