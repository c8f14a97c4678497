#include "libs/parking/parked_cli.h"

#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"

namespace gridcase::parking {
namespace {

using kafka::ParkedCase;
using kafka::ParkedState;

std::string OneLine(const std::string& text) { return absl::StrReplaceAll(text, {{"\n", " "}, {"\t", " "}}); }

void PrintCase(const ParkedCase& c, std::ostream& out) {
  out << c.group << '\t' << c.case_id << '\t' << kafka::ParkedStateName(c.state) << '\t' << c.records << '\t'
      << absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", c.parked_at, absl::UTCTimeZone()) << '\t'
      << (c.head.has_value() ? kafka::RecordId(*c.head) : "-") << '\t' << (c.head_dead_lettered ? "yes" : "no")
      << '\t' << OneLine(c.reason) << '\n';
}

int List(const ParkedCommand& command, kafka::ParkingStore& store, std::ostream& out, std::ostream& err) {
  std::vector<std::string> groups = {command.group};
  if (command.group.empty()) {
    auto all = store.Groups();
    if (!all.ok()) {
      err << "gridcase-parked: " << all.status() << '\n';
      return 1;
    }
    groups = *std::move(all);
  }
  out << "group\tcase\tstate\trecords\tparked_at\tfirst_record\tdead_lettered\treason\n";
  for (const std::string& group : groups) {
    auto cases = store.List(group);
    if (!cases.ok()) {
      err << "gridcase-parked: " << cases.status() << '\n';
      return 1;
    }
    for (const ParkedCase& c : *cases) PrintCase(c, out);
  }
  return 0;
}

int Replay(const ParkedCommand& command, kafka::ParkingStore& store, std::ostream& out, std::ostream& err) {
  ParkedState request = command.verb == "skip" ? ParkedState::kSkip : ParkedState::kRelease;
  if (absl::Status s = store.Request(command.group, command.case_id, request); !s.ok()) {
    err << "gridcase-parked: " << s << '\n';
    return 1;
  }
  out << command.verb << " of case " << command.case_id << " in group " << command.group << " requested\n";
  if (command.wait <= absl::ZeroDuration()) return 0;
  absl::Time deadline = absl::Now() + command.wait;
  while (true) {
    auto found = store.Find(command.group, command.case_id);
    if (!found.ok()) {
      err << "gridcase-parked: " << found.status() << '\n';
      return 1;
    }
    if (!found->has_value()) {
      out << "case " << command.case_id << " is no longer parked: its records were applied\n";
      return 0;
    }
    const ParkedCase& c = **found;
    // Waiting is retried by the consumer on its own: keep watching until the deadline.
    bool timed_out = absl::Now() >= deadline;
    if (c.state == ParkedState::kHeld || (c.state == ParkedState::kWaiting && timed_out)) {
      out << "case " << command.case_id << " is still parked (" << kafka::ParkedStateName(c.state) << ", "
          << c.records << " records): " << OneLine(c.reason) << '\n';
      return 3;
    }
    if (timed_out) {
      err << "gridcase-parked: the " << command.verb << " was not replayed within " << command.wait
          << "; is a consumer of group " << command.group << " running?\n";
      return 1;
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
}

}  // namespace

int RunParkedCommand(const ParkedCommand& command, kafka::ParkingStore& store, std::ostream& out, std::ostream& err) {
  if (command.verb == "list") return List(command, store, out, err);
  if (command.verb == "release" || command.verb == "skip") {
    if (command.group.empty() || command.case_id.empty()) {
      err << "gridcase-parked: " << command.verb << " needs --group and --case\n";
      return 2;
    }
    return Replay(command, store, out, err);
  }
  err << "gridcase-parked: unknown command '" << command.verb << "' (list, release or skip)\n";
  return 2;
}

}  // namespace gridcase::parking
