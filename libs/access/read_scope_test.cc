#include "libs/access/read_scope.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace gridcase::access {
namespace {

constexpr char kGrid[] = "330199001001001";
constexpr char kOtherGrid[] = "330199001001002";
constexpr char kCommunity[] = "330199001001";
constexpr char kTownship[] = "330199001";
constexpr char kCounty[] = "330199";
constexpr char kDepartment[] = "330199.zfj";
constexpr char kEarlierDepartment[] = "330199.zjj";
constexpr char kHotline[] = "330199.12345";

v1::Case Located(const std::string& id, const std::string& grid, const std::string& holder) {
  v1::Case c;
  c.set_id(id);
  c.mutable_location()->set_grid_code(grid);
  c.mutable_location()->set_community_code(grid.substr(0, 12));
  c.mutable_location()->set_township_code(grid.substr(0, 9));
  c.mutable_location()->set_county_code(grid.substr(0, 6));
  c.set_holder_unit(holder);
  c.mutable_resident()->set_phone("13812348000");
  return c;
}

// The cases of the table: where each is and who holds it.
v1::Case AtTheGrid() {  // Submitted, with the grid; taken by the hotline.
  v1::Case c = Located("AtTheGrid", kGrid, kGrid);
  c.set_intake_unit(kHotline);
  return c;
}
v1::Case WithTheCommunity() { return Located("WithTheCommunity", kGrid, kCommunity); }
v1::Case AtTheDepartment() {  // Transferred from the earlier department.
  v1::Case c = Located("AtTheDepartment", kGrid, kDepartment);
  c.set_department_code(kDepartment);
  c.add_departments_held(kEarlierDepartment);
  c.add_departments_held(kDepartment);
  return c;
}
v1::Case InAnotherTownship() { return Located("InAnotherTownship", "330199002001001", "330199002001"); }

Caller Person(v1::Role role, const std::string& unit) { return {.role = role, .person_id = "p1", .unit = unit}; }

struct Cell {
  Caller caller;
  v1::Case c;
  Visibility expected;
};

constexpr Visibility N = Visibility::kNone;
constexpr Visibility M = Visibility::kMasked;
constexpr Visibility F = Visibility::kFull;

TEST(ReadScopeTest, EveryRoleAgainstEveryKindOfCase) {
  struct Row {
    Caller caller;
    Visibility at_grid, with_community, at_department, other_township;
  };
  const std::vector<Row> rows = {
      {{.role = v1::ROLE_SYSTEM, .person_id = "sla", .service = true}, F, F, F, F},
      {Person(v1::ROLE_SYSTEM, ""), N, N, N, N},  // A person can never read as the system.
      {Person(v1::ROLE_GRID_WORKER, kGrid), F, M, M, N},
      {Person(v1::ROLE_GRID_WORKER, kOtherGrid), N, N, N, N},
      {Person(v1::ROLE_COMMUNITY, kCommunity), M, F, M, N},
      {Person(v1::ROLE_COMMUNITY, "330199001002"), N, N, N, N},
      {Person(v1::ROLE_TOWNSHIP_DISPATCHER, kTownship), M, M, M, N},
      {Person(v1::ROLE_TOWNSHIP_DISPATCHER, kCounty), M, M, M, M},  // The county's dispatch centre.
      {Person(v1::ROLE_TOWNSHIP_DISPATCHER, "330199002"), N, N, N, M},
      {Person(v1::ROLE_DEPARTMENT_HANDLER, kDepartment), N, N, F, N},
      {Person(v1::ROLE_DEPARTMENT_HANDLER, kEarlierDepartment), N, N, M, N},
      {Person(v1::ROLE_DEPARTMENT_HANDLER, "330199.jtj"), N, N, N, N},
      {Person(v1::ROLE_SUPERVISOR, kTownship), M, M, M, N},
      {Person(v1::ROLE_SUPERVISOR, kCounty), M, M, M, M},
      {Person(v1::ROLE_SUPERVISOR, "330199002"), N, N, N, M},
      {Person(v1::ROLE_HOTLINE_OPERATOR, kHotline), F, N, N, N},
      {Person(v1::ROLE_HOTLINE_OPERATOR, "330199.other"), N, N, N, N},
      {Person(v1::ROLE_RESIDENT, kGrid), N, N, N, N},
      {Person(v1::ROLE_UNSPECIFIED, kGrid), N, N, N, N},
      {Person(v1::ROLE_GRID_WORKER, ""), N, N, N, N},  // No unit, no scope.
  };
  for (const Row& row : rows) {
    std::vector<Cell> cells = {{row.caller, AtTheGrid(), row.at_grid},
                               {row.caller, WithTheCommunity(), row.with_community},
                               {row.caller, AtTheDepartment(), row.at_department},
                               {row.caller, InAnotherTownship(), row.other_township}};
    for (const Cell& cell : cells) {
      EXPECT_EQ(CaseVisibility(cell.caller, cell.c), cell.expected) << cell.caller.Describe() << " reading "
                                                                       << cell.c.id();
      EXPECT_EQ(CheckCanRead(cell.caller, cell.c).ok(), cell.expected != Visibility::kNone);
    }
  }
}

TEST(ReadScopeTest, RefusalsNameTheScope) {
  absl::Status s = CheckCanRead(Person(v1::ROLE_GRID_WORKER, kOtherGrid), AtTheGrid());
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(), "case AtTheGrid is outside the scope of grid_worker p1 of 330199001001002: grid "
                         "330199001001002");
  EXPECT_NE(CheckCanRead(Person(v1::ROLE_SUPERVISOR, "330199002"), AtTheGrid()).message().find("the area 330199002"),
            std::string::npos);
}

TEST(ReadScopeTest, QueuesOfTheUnitAndTheUnitsBelowIt) {
  struct Queue {
    Caller caller;
    std::string unit;
    bool allowed;
  };
  const std::vector<Queue> queues = {
      {Person(v1::ROLE_GRID_WORKER, kGrid), kGrid, true},
      {Person(v1::ROLE_GRID_WORKER, kGrid), kOtherGrid, false},
      {Person(v1::ROLE_GRID_WORKER, kGrid), kCommunity, false},
      {Person(v1::ROLE_COMMUNITY, kCommunity), kGrid, true},
      {Person(v1::ROLE_COMMUNITY, kCommunity), kTownship, false},
      {Person(v1::ROLE_TOWNSHIP_DISPATCHER, kTownship), kCommunity, true},
      {Person(v1::ROLE_TOWNSHIP_DISPATCHER, kTownship), "330199001.pcs", false},  // A department's queue.
      {Person(v1::ROLE_TOWNSHIP_DISPATCHER, kTownship), "330199002", false},
      {Person(v1::ROLE_DEPARTMENT_HANDLER, kDepartment), kDepartment, true},
      {Person(v1::ROLE_DEPARTMENT_HANDLER, kDepartment), kEarlierDepartment, false},
      {Person(v1::ROLE_SUPERVISOR, kCounty), kDepartment, true},
      {Person(v1::ROLE_SUPERVISOR, kTownship), "330199001.pcs", true},
      {Person(v1::ROLE_SUPERVISOR, kTownship), kDepartment, false},
      {Person(v1::ROLE_HOTLINE_OPERATOR, kHotline), kGrid, false},
      {Person(v1::ROLE_SYSTEM, ""), kGrid, false},
      {{.role = v1::ROLE_SYSTEM, .person_id = "sla", .service = true}, kGrid, true},
  };
  for (const Queue& q : queues) {
    absl::Status s = CheckCanReadQueue(q.caller, q.unit);
    EXPECT_EQ(s.ok(), q.allowed) << q.caller.Describe() << " reading the queue of " << q.unit << ": " << s;
    if (!q.allowed) {
      EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
    }
  }
}

TEST(ReadScopeTest, ReportsOfTheCallersAreaOnly) {
  EXPECT_EQ(*ReportArea(Person(v1::ROLE_SUPERVISOR, kCounty), ""), kCounty);
  EXPECT_EQ(*ReportArea(Person(v1::ROLE_SUPERVISOR, kCounty), kTownship), kTownship);
  EXPECT_EQ(*ReportArea(Person(v1::ROLE_TOWNSHIP_DISPATCHER, kTownship), kCommunity), kCommunity);
  EXPECT_EQ(*ReportArea(Person(v1::ROLE_GRID_WORKER, kGrid), ""), kGrid);
  EXPECT_EQ(*ReportArea({.role = v1::ROLE_SYSTEM, .person_id = "sla", .service = true}, ""), "");
  EXPECT_EQ(ReportArea(Person(v1::ROLE_TOWNSHIP_DISPATCHER, kTownship), "330199002").status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReportArea(Person(v1::ROLE_COMMUNITY, kCommunity), kTownship).status().code(),
            absl::StatusCode::kPermissionDenied);
  for (v1::Role role : {v1::ROLE_DEPARTMENT_HANDLER, v1::ROLE_HOTLINE_OPERATOR, v1::ROLE_RESIDENT, v1::ROLE_SYSTEM}) {
    absl::StatusOr<std::string> area = ReportArea(Person(role, kCounty), "");
    EXPECT_EQ(area.status().code(), absl::StatusCode::kPermissionDenied) << v1::Role_Name(role);
  }
  EXPECT_EQ(ReportArea(Person(v1::ROLE_SUPERVISOR, kTownship), "330199002").status().message(),
            "area: the statistics of 330199002 are outside the scope of supervisor p1 of 330199001: the area "
            "330199001");
}

TEST(ReadScopeTest, MaskedVisibilityMasksTheCase) {
  v1::Case c = AtTheGrid();
  ApplyVisibility(Visibility::kMasked, c);
  EXPECT_EQ(c.resident().phone(), "138****8000");
  v1::Case full = AtTheGrid();
  ApplyVisibility(Visibility::kFull, full);
  EXPECT_EQ(full.resident().phone(), "13812348000");
}

}  // namespace
}  // namespace gridcase::access
