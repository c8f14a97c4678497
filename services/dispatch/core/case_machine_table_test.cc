// Every (state, command) pair against the transition matrix of docs/CASE-STATE-MACHINE.md. A state is a CaseStatus
// and, where a case can wait for the resident, whether it is paused.

#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "libs/case/case_fold.h"
#include "libs/events/proto_time.h"
#include "services/dispatch/core/case_machine.h"
#include "services/dispatch/core/test_world.h"

namespace gridcase::dispatch {
namespace {

using test_world::CaseIn;
using test_world::CommunityActor;
using test_world::DepartmentHandler;
using test_world::GridWorker;
using test_world::HotlineOperator;
using test_world::Machine;
using test_world::PausedCaseIn;
using test_world::SubmitTime;
using test_world::System;
using test_world::TownshipDispatcher;

// A column of the matrix's command rows and the command checked against it.
struct CommandColumn {
  std::string row;
  std::string variant;  // Distinguishes several commands checked against one row.
  Command command;
};

const std::vector<CommandColumn>& Commands() {
  static const auto* commands = new std::vector<CommandColumn>{
      {"VerifyGrid", "", VerifyGrid{}},
      {"MarkInvalid", "", MarkInvalid{.reason = "prank call"}},
      {"MarkDuplicate", "", MarkDuplicate{.duplicate_of = "c-0"}},
      {"CommunityHandleLocally", "", CommunityHandleLocally{.note = "mediate"}},
      {"CommunityEscalate", "", CommunityEscalate{.reason = "needs the utility"}},
      {"TownshipDispatch", "ByCatalogue", TownshipDispatch{}},
      {"TownshipDispatch", "Manual", TownshipDispatch{.department_code = "D-ROADS"}},
      {"DepartmentAccept", "", DepartmentAccept{}},
      {"DepartmentTransfer", "", DepartmentTransfer{.to_department_code = "D-ROADS", .reason = "road works"}},
      {"DepartmentReturn", "", DepartmentReturn{.reason = "not ours"}},
      {"RequestExtension", "", RequestExtension{.extra = absl::Hours(48), .reason = "waiting for parts"}},
      {"DecideExtension", "", DecideExtension{.approved = true, .extra = absl::Hours(48)}},
      {"Resolve", "", Resolve{.reply = "Fixed"}},
      {"Close (rated)", "", Close{.reason = v1::CaseClosed::REASON_RATED}},
      {"Close (administrative)", "",
       Close{.reason = v1::CaseClosed::REASON_ADMINISTRATIVE, .note = "withdrawn by the resident"}},
      {"Reopen", "", Reopen{.reason = "resident dissatisfied"}},
      {"Escalate", "", Escalate{.reason = "overdue"}},
      {"Rate", "", Rate{.satisfaction = v1::SATISFACTION_SATISFIED}},
      {"AddCoRequester", "",
       AddCoRequester{.resident =
                          [] {
                            v1::Resident r;
                            r.set_name("Wang");
                            return r;
                          }(),
                      .request_ref = "k-2"}},
      {"PauseForResident", "", PauseForResident{.reason = "resident away until Friday"}},
      {"ResumeHandling", "", ResumeHandling{.note = "resident back"}},
  };
  return *commands;
}

// An actor allowed to issue the command in the state of `c` (when any is).
v1::Actor ActorFor(const Command& command, const v1::Case& c) {
  switch (KindOf(command)) {
    case CommandKind::kVerifyGrid:
    case CommandKind::kMarkInvalid:
    case CommandKind::kMarkDuplicate:
      return GridWorker("G1");
    case CommandKind::kCommunityHandleLocally:
    case CommandKind::kCommunityEscalate:
      return CommunityActor("CM1");
    case CommandKind::kTownshipDispatch:
    case CommandKind::kDecideExtension:
      return TownshipDispatcher("T1");
    case CommandKind::kDepartmentAccept:
    case CommandKind::kDepartmentTransfer:
    case CommandKind::kDepartmentReturn:
    case CommandKind::kRequestExtension:
      return DepartmentHandler("D-WATER");
    case CommandKind::kResolve:
    case CommandKind::kPauseForResident:
    case CommandKind::kResumeHandling:
      return c.status() == v1::CASE_STATUS_HANDLING_LOCALLY ? CommunityActor("CM1") : DepartmentHandler("D-WATER");
    case CommandKind::kRate:
    case CommandKind::kAddCoRequester:
    case CommandKind::kClose:
    case CommandKind::kReopen:
    case CommandKind::kEscalate:
      return System();
  }
  return v1::Actor();
}

const std::map<std::string, v1::CaseStatus>& ShortNames() {
  static const auto* names = new std::map<std::string, v1::CaseStatus>{
      {"UNSPEC", v1::CASE_STATUS_UNSPECIFIED},
      {"SUB", v1::CASE_STATUS_SUBMITTED},
      {"AC", v1::CASE_STATUS_AWAITING_COMMUNITY},
      {"HL", v1::CASE_STATUS_HANDLING_LOCALLY},
      {"AD", v1::CASE_STATUS_AWAITING_DISPATCH},
      {"DSP", v1::CASE_STATUS_DISPATCHED},
      {"IP", v1::CASE_STATUS_IN_PROGRESS},
      {"RES", v1::CASE_STATUS_RESOLVED},
      {"CLO", v1::CASE_STATUS_CLOSED},
      {"INV", v1::CASE_STATUS_INVALID},
      {"DUP", v1::CASE_STATUS_DUPLICATE},
  };
  return *names;
}

// A column of the matrix: a status, paused or not.
using State = std::pair<v1::CaseStatus, bool>;

constexpr char kRefused[] = "—";
constexpr absl::string_view kPausedSuffix = " paused";

// The states a case can be in: every status unpaused, and paused in the states where the case may wait for the
// resident.
std::vector<State> AllStates() {
  std::vector<State> states;
  const google::protobuf::EnumDescriptor* descriptor = v1::CaseStatus_descriptor();
  for (int i = 0; i < descriptor->value_count(); ++i) {
    const auto status = static_cast<v1::CaseStatus>(descriptor->value(i)->number());
    states.emplace_back(status, false);
    if (status == v1::CASE_STATUS_HANDLING_LOCALLY || status == v1::CASE_STATUS_IN_PROGRESS) {
      states.emplace_back(status, true);
    }
  }
  return states;
}

// "IP" is IN_PROGRESS, "IP paused" the same status paused.
std::optional<State> ParseState(absl::string_view name) {
  const bool paused = absl::ConsumeSuffix(&name, kPausedSuffix);
  auto it = ShortNames().find(std::string(name));
  if (it == ShortNames().end()) return std::nullopt;
  return State(it->second, paused);
}

std::string StateName(const State& state) {
  return absl::StrCat(v1::CaseStatus_Name(state.first), state.second ? " (paused)" : "");
}

// matrix[command row][state] = the cell: a state as in ParseState, or kRefused.
using Matrix = std::map<std::string, std::map<State, std::string>>;

std::string DocPath() {
  const char* dir = std::getenv("GRIDCASE_SOURCE_DIR");
  return absl::StrCat(dir != nullptr ? dir : GRIDCASE_SOURCE_DIR_DEFAULT, "/docs/CASE-STATE-MACHINE.md");
}

std::vector<std::string> Cells(absl::string_view line) {
  line = absl::StripAsciiWhitespace(line);
  line = absl::StripPrefix(line, "|");
  line = absl::StripSuffix(line, "|");
  std::vector<std::string> cells;
  for (absl::string_view cell : absl::StrSplit(line, '|')) cells.emplace_back(absl::StripAsciiWhitespace(cell));
  return cells;
}

const Matrix& DocumentedMatrix() {
  static const Matrix* matrix = [] {
    auto* m = new Matrix;
    std::ifstream in(DocPath());
    if (!in) {
      ADD_FAILURE() << "cannot read " << DocPath();
      return m;
    }
    std::string line;
    bool inside = false;
    std::vector<State> columns;
    while (std::getline(in, line)) {
      if (line.find("<!-- matrix:begin -->") != std::string::npos) {
        inside = true;
        continue;
      }
      if (line.find("<!-- matrix:end -->") != std::string::npos) break;
      if (!inside || !absl::StartsWith(line, "|")) continue;
      std::vector<std::string> cells = Cells(line);
      if (columns.empty()) {
        for (size_t i = 1; i < cells.size(); ++i) {
          std::optional<State> state = ParseState(cells[i]);
          if (!state) {
            ADD_FAILURE() << "unknown state column " << cells[i];
            continue;
          }
          columns.push_back(*state);
        }
        continue;
      }
      if (absl::StartsWith(cells[0], "---")) continue;
      if (cells.size() != columns.size() + 1) {
        ADD_FAILURE() << "matrix row has " << cells.size() << " cells: " << line;
        continue;
      }
      for (size_t i = 0; i < columns.size(); ++i) (*m)[cells[0]][columns[i]] = cells[i + 1];
    }
    return m;
  }();
  return *matrix;
}

TEST(DocumentedMatrixTest, HasEveryCommandAndState) {
  const Matrix& matrix = DocumentedMatrix();
  std::vector<bool> kinds_seen(kCommandKindCount);
  for (const CommandColumn& column : Commands()) {
    kinds_seen[static_cast<int>(KindOf(column.command))] = true;
    ASSERT_TRUE(matrix.contains(column.row)) << column.row;
    for (const State& state : AllStates()) {
      ASSERT_TRUE(matrix.at(column.row).contains(state)) << column.row << " " << StateName(state);
      const std::string& cell = matrix.at(column.row).at(state);
      EXPECT_TRUE(cell == kRefused || ParseState(cell).has_value()) << column.row << ": " << cell;
    }
    EXPECT_EQ(matrix.at(column.row).size(), AllStates().size()) << column.row << " has a column for no state";
  }
  for (int kind = 0; kind < kCommandKindCount; ++kind) {
    EXPECT_TRUE(kinds_seen[kind]) << CommandKindName(static_cast<CommandKind>(kind)) << " is not checked";
  }
  EXPECT_EQ(matrix.size(), 20u);
}

class StateCommandTest : public ::testing::TestWithParam<std::tuple<int, int>> {};

TEST_P(StateCommandTest, FollowsTheDocumentedMatrix) {
  const State state = AllStates()[std::get<0>(GetParam())];
  const auto [status, paused] = state;
  const CommandColumn& column = Commands()[std::get<1>(GetParam())];
  const Matrix& matrix = DocumentedMatrix();
  ASSERT_TRUE(matrix.contains(column.row) && matrix.at(column.row).contains(state));
  const std::string& expected = matrix.at(column.row).at(state);

  const v1::Case c = paused ? PausedCaseIn(status) : CaseIn(status);
  ASSERT_EQ(c.status(), status);
  ASSERT_EQ(c.paused(), paused);
  const v1::Actor actor = ActorFor(column.command, c);
  const absl::Time now = SubmitTime() + absl::Hours(10);
  absl::StatusOr<v1::CaseEvent> event = Machine().Decide(c, column.command, actor, c.version(), now);

  if (expected == kRefused) {
    ASSERT_FALSE(event.ok()) << event->ShortDebugString();
    EXPECT_EQ(event.status().code(), absl::StatusCode::kFailedPrecondition) << event.status();
    EXPECT_TRUE(absl::StrContains(event.status().message(), v1::CaseStatus_Name(status))) << event.status().message();
    // Refused only because of the pause: the message says so.
    const auto other = matrix.at(column.row).find(State(status, !paused));
    if (other != matrix.at(column.row).end() && other->second != kRefused) {
      EXPECT_TRUE(absl::StrContains(event.status().message(), paused ? "already paused" : "not paused"))
          << event.status().message();
    }
    return;
  }
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->case_id(), "c-1");
  EXPECT_EQ(event->case_version(), c.version() + 1);
  EXPECT_EQ(event->event_id(), absl::StrCat("c-1/", c.version() + 1));
  EXPECT_EQ(events::FromProto(event->occurred_at()), now);
  EXPECT_EQ(event->actor().person_id(), actor.person_id());
  absl::StatusOr<v1::Case> next = cases::ApplyEvent(c, *event);
  ASSERT_TRUE(next.ok()) << next.status();
  const std::optional<State> expected_state = ParseState(expected);
  ASSERT_TRUE(expected_state.has_value()) << expected;
  EXPECT_EQ(State(next->status(), next->paused()), *expected_state)
      << "got " << StateName(State(next->status(), next->paused())) << " from " << event->ShortDebugString();
}

INSTANTIATE_TEST_SUITE_P(AllPairs, StateCommandTest,
                         ::testing::Combine(::testing::Range(0, static_cast<int>(AllStates().size())),
                                            ::testing::Range(0, static_cast<int>(Commands().size()))),
                         [](const ::testing::TestParamInfo<StateCommandTest::ParamType>& info) {
                           const State state = AllStates()[std::get<0>(info.param)];
                           const CommandColumn& column = Commands()[std::get<1>(info.param)];
                           std::string name = absl::StrCat(
                               absl::StripPrefix(v1::CaseStatus_Name(state.first), "CASE_STATUS_"),
                               state.second ? "_paused" : "", "_", column.row, column.variant);
                           for (char& ch : name) {
                             if (!absl::ascii_isalnum(ch)) ch = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace gridcase::dispatch
