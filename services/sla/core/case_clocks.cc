#include "services/sla/core/case_clocks.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/case/case_fold.h"
#include "libs/events/proto_time.h"

namespace gridcase::sla {
namespace {

using events::FromProto;
using events::ToProto;
using v1::CaseEvent;
using v1::SlaClockOp;
using v1::SlaClockRecord;

constexpr absl::string_view kWarnPrefix = "warn";
constexpr absl::string_view kBreachName = "breach";
constexpr absl::string_view kEscalatePrefix = "escalate";

v1::SlaClockBasis ToProtoBasis(ClockBasis basis) {
  switch (basis) {
    case ClockBasis::kWorkingTime:
      return v1::SLA_CLOCK_BASIS_WORKING_TIME;
    case ClockBasis::kWorkingDays:
      return v1::SLA_CLOCK_BASIS_WORKING_DAYS;
    case ClockBasis::kCalendarTime:
      return v1::SLA_CLOCK_BASIS_CALENDAR_TIME;
  }
  return v1::SLA_CLOCK_BASIS_UNSPECIFIED;
}

absl::StatusOr<ClockSpec> SpecOf(const SlaClockRecord& record) {
  ClockSpec spec;
  spec.kind = record.kind();
  switch (record.basis()) {
    case v1::SLA_CLOCK_BASIS_WORKING_TIME:
      spec.basis = ClockBasis::kWorkingTime;
      break;
    case v1::SLA_CLOCK_BASIS_WORKING_DAYS:
      spec.basis = ClockBasis::kWorkingDays;
      break;
    case v1::SLA_CLOCK_BASIS_CALENDAR_TIME:
      spec.basis = ClockBasis::kCalendarTime;
      break;
    default:
      return absl::DataLossError(absl::StrCat("clock ", record.id(), ": unknown basis ", record.basis()));
  }
  spec.allowance = events::FromProtoDuration(record.allowance());
  spec.working_days = record.working_days();
  spec.warning_percents.assign(record.warning_percents().begin(), record.warning_percents().end());
  return spec;
}

void SetSpec(SlaClockRecord& record, const ClockSpec& spec) {
  record.set_kind(spec.kind);
  record.set_basis(ToProtoBasis(spec.basis));
  *record.mutable_allowance() = events::ToProtoDuration(spec.allowance);
  record.set_working_days(spec.working_days);
  record.clear_warning_percents();
  for (int percent : spec.warning_percents) record.add_warning_percents(percent);
}

void SetLadder(SlaClockRecord& record, absl::Span<const EscalationRung> ladder) {
  record.clear_ladder();
  for (const EscalationRung& rung : ladder) {
    v1::SlaEscalationRung* out = record.add_ladder();
    out->set_level(rung.level);
    out->set_at_percent(rung.at_percent);
  }
}

std::vector<EscalationRung> LadderOf(const SlaClockRecord& record) {
  std::vector<EscalationRung> ladder;
  for (const v1::SlaEscalationRung& rung : record.ladder()) ladder.push_back({rung.level(), rung.at_percent(), {}});
  return ladder;
}

absl::Status ApplyOp(Clock& clock, const SlaClockOp& op) {
  const absl::Time at = FromProto(op.at());
  switch (op.type()) {
    case SlaClockOp::TYPE_START:
      return clock.Start(at);
    case SlaClockOp::TYPE_PAUSE:
      return clock.Pause(at);
    case SlaClockOp::TYPE_RESUME:
      return clock.Resume(at);
    case SlaClockOp::TYPE_EXTEND:
      return clock.Extend(events::FromProtoDuration(op.extra()));
    case SlaClockOp::TYPE_STOP:
      return clock.Stop(at);
    default:
      return absl::DataLossError(absl::StrCat("unknown clock operation ", op.type()));
  }
}

absl::Time LastOpTime(const SlaClockRecord& record) {
  absl::Time last = absl::InfinitePast();
  for (const SlaClockOp& op : record.ops()) last = std::max(last, FromProto(op.at()));
  return last;
}

bool IsStopped(const SlaClockRecord& record) {
  return !record.ops().empty() && record.ops().rbegin()->type() == SlaClockOp::TYPE_STOP;
}

// The sign-off stage a case waits in after an event, by its status; nullopt when nobody has to sign off.
std::optional<Stage> SignOffStage(v1::CaseStatus status) {
  switch (status) {
    case v1::CASE_STATUS_SUBMITTED:
      return Stage::kGridVerification;
    case v1::CASE_STATUS_AWAITING_COMMUNITY:
      return Stage::kCommunity;
    case v1::CASE_STATUS_AWAITING_DISPATCH:
      return Stage::kTownshipDispatch;
    case v1::CASE_STATUS_DISPATCHED:
      return Stage::kDepartment;
    default:
      return std::nullopt;
  }
}

// Applies the clock operations of one event to a copy of the state. Each operation is checked against the clock's
// history before it is recorded; one that does not apply is skipped with a note.
class EventApplier {
 public:
  EventApplier(const ClockPlanner& planner, v1::SlaCaseState& state, const CaseEvent& event,
               std::vector<std::string>& notes)
      : planner_(planner), state_(state), event_(event), notes_(notes), at_(FromProto(event.occurred_at())) {}

  const v1::Case& c() const { return state_.case_(); }

  void StartSignOff() {
    std::optional<Stage> stage = SignOffStage(c().status());
    if (!stage.has_value()) return;
    absl::StatusOr<ClockSpec> spec = planner_.policy().SignOffClock(c().category(), *stage, c().emergency());
    if (!spec.ok()) {
      Note(absl::StrCat("no sign-off clock: ", spec.status().message()));
      return;
    }
    SlaClockRecord record;
    record.set_id(absl::StrCat("sign_off.v", event_.case_version()));
    record.set_cycle(c().cycle());
    record.set_stage(std::string(StageName(*stage)));
    record.set_holder_unit(c().holder_unit());
    record.set_start_version(event_.case_version());
    SetSpec(record, *spec);
    AddStarted(std::move(record));
  }

  void StartCompletion(absl::Time start) {
    if (FindClock(state_, kCompletionClockId, c().cycle()) != nullptr) {
      Note(absl::StrCat("completion clock of cycle ", c().cycle(), " already exists"));
      return;
    }
    absl::StatusOr<ClockSpec> spec = planner_.policy().CompletionClock(c().category(), c().emergency());
    absl::StatusOr<absl::Span<const EscalationRung>> ladder =
        planner_.policy().Escalation(c().category(), c().emergency());
    if (!spec.ok() || !ladder.ok()) {
      Note(absl::StrCat("no completion clock: ", spec.ok() ? ladder.status().message() : spec.status().message()));
      return;
    }
    SlaClockRecord record;
    record.set_id(std::string(kCompletionClockId));
    record.set_cycle(c().cycle());
    record.set_start_version(event_.case_version());
    SetSpec(record, *spec);
    SetLadder(record, *ladder);
    AddStarted(std::move(record), start);
  }

  // A changed category or emergency flag re-plans the running completion clock of the cycle: new allowance, warnings
  // and ladder, same history. Starts it when the case had no clock because its category had no policy.
  void ReplanCompletion(const v1::Case& before) {
    if (before.category() == c().category() && before.emergency() == c().emergency()) return;
    SlaClockRecord* record = Find(kCompletionClockId, c().cycle());
    if (record == nullptr) {
      StartCompletion(c().has_created_at() && c().cycle() <= 1 ? FromProto(c().created_at()) : at_);
      return;
    }
    if (IsStopped(*record)) return;
    absl::StatusOr<ClockSpec> spec = planner_.policy().CompletionClock(c().category(), c().emergency());
    absl::StatusOr<absl::Span<const EscalationRung>> ladder =
        planner_.policy().Escalation(c().category(), c().emergency());
    if (!spec.ok() || !ladder.ok()) {
      Note(absl::StrCat("completion clock kept: ", spec.ok() ? ladder.status().message() : spec.status().message()));
      return;
    }
    SlaClockRecord replanned = *record;
    SetSpec(replanned, *spec);
    SetLadder(replanned, *ladder);
    if (absl::StatusOr<Clock> clock = planner_.BuildClock(replanned); !clock.ok()) {
      Note(absl::StrCat("completion clock kept: ", clock.status().message()));
      return;
    }
    Touch(*record);
    *record = std::move(replanned);
  }

  void StopSignOff() {
    for (SlaClockRecord& record : *state_.mutable_clocks()) {
      if (record.kind() == v1::CLOCK_KIND_SIGN_OFF && !IsStopped(record)) AddOp(record, SlaClockOp::TYPE_STOP);
    }
  }

  void StopAll() {
    for (SlaClockRecord& record : *state_.mutable_clocks()) {
      if (!IsStopped(record)) AddOp(record, SlaClockOp::TYPE_STOP);
    }
  }

  void OnCompletion(SlaClockOp::Type type, absl::Duration extra = absl::ZeroDuration()) {
    SlaClockRecord* record = Find(kCompletionClockId, c().cycle());
    if (record == nullptr) {
      Note(absl::StrCat("no completion clock in cycle ", c().cycle()));
      return;
    }
    AddOp(*record, type, extra);
  }

 private:
  SlaClockRecord* Find(absl::string_view id, int cycle) {
    for (SlaClockRecord& record : *state_.mutable_clocks()) {
      if (record.id() == id && record.cycle() == cycle) return &record;
    }
    return nullptr;
  }

  void Note(std::string note) { notes_.push_back(absl::StrCat(EventTypeName(), ": ", note)); }

  std::string EventTypeName() const {
    const auto* field = CaseEvent::descriptor()->FindFieldByNumber(event_.payload_case());
    return field == nullptr ? "event" : field->name();
  }

  void Touch(const SlaClockRecord& record) {
    std::string key = ClockKey(record.id(), record.cycle());
    if (std::find(state_.touched_clocks().begin(), state_.touched_clocks().end(), key) ==
        state_.touched_clocks().end()) {
      state_.add_touched_clocks(std::move(key));
    }
  }

  void AddStarted(SlaClockRecord record, std::optional<absl::Time> start = std::nullopt) {
    SlaClockOp* op = record.add_ops();
    op->set_type(SlaClockOp::TYPE_START);
    *op->mutable_at() = ToProto(start.value_or(at_));
    op->set_case_version(event_.case_version());
    if (absl::StatusOr<Clock> clock = planner_.BuildClock(record); !clock.ok()) {
      Note(absl::StrCat("clock ", record.id(), " not started: ", clock.status().message()));
      return;
    }
    Touch(record);
    *state_.add_clocks() = std::move(record);
  }

  // Records `type` at the event time (or the clock's last operation, when the event's clock runs behind it).
  void AddOp(SlaClockRecord& record, SlaClockOp::Type type, absl::Duration extra = absl::ZeroDuration()) {
    SlaClockRecord candidate = record;
    SlaClockOp* op = candidate.add_ops();
    op->set_type(type);
    *op->mutable_at() = ToProto(std::max(at_, LastOpTime(record)));
    if (type == SlaClockOp::TYPE_EXTEND) *op->mutable_extra() = events::ToProtoDuration(extra);
    op->set_case_version(event_.case_version());
    if (absl::StatusOr<Clock> clock = planner_.BuildClock(candidate); !clock.ok()) {
      Note(absl::StrCat("clock ", record.id(), " cycle ", record.cycle(), ": ", clock.status().message()));
      return;
    }
    Touch(record);
    record = std::move(candidate);
  }

  const ClockPlanner& planner_;
  v1::SlaCaseState& state_;
  const CaseEvent& event_;
  std::vector<std::string>& notes_;
  absl::Time at_;
};

// Leaves out of the SLA's view of a case what no clock, alarm, overdue list or access check reads — the request's
// words, their classification, media, reply and the residents — so that the state, read and rewritten with every
// event, stays small. The title, location, units, category, level and every status stay.
void KeepWhatClocksRead(v1::Case& c) {
  c.clear_text();
  c.clear_classification();
  c.clear_media_urls();
  c.clear_resolution_reply();
  c.clear_resident();
  c.clear_co_requesters();
}

v1::CaseEvent AdvisoryEvent(const v1::Case& c, std::string event_id, absl::Time at) {
  v1::CaseEvent event;
  event.set_event_id(std::move(event_id));
  event.set_case_id(c.id());
  event.set_case_version(0);
  *event.mutable_occurred_at() = ToProto(at);
  event.mutable_actor()->set_role(v1::ROLE_SYSTEM);
  event.mutable_actor()->set_unit_code("sla");
  event.mutable_actor()->set_person_id("sla");
  return event;
}

}  // namespace

std::string ClockKey(absl::string_view clock_id, int cycle) { return absl::StrCat(clock_id, "|", cycle); }

std::string AlarmId::Member() const { return absl::StrCat(case_id, "|", clock_id, "|", cycle, "|", name); }
std::string AlarmId::FiredKey() const { return absl::StrCat(clock_id, "|", cycle, "|", name); }
std::string AlarmId::EventId() const { return absl::StrCat(case_id, "/sla/", clock_id, "/", cycle, "/", name); }

absl::StatusOr<AlarmId> AlarmId::FromMember(absl::string_view member) {
  std::vector<absl::string_view> parts = absl::StrSplit(member, '|');
  AlarmId id;
  if (parts.size() != 4 || parts[0].empty() || parts[1].empty() || !absl::SimpleAtoi(parts[2], &id.cycle) ||
      !AlarmPercent(parts[3]).has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("timer member '", member, "' is not <case>|<clock>|<cycle>|<alarm>"));
  }
  id.case_id = std::string(parts[0]);
  id.clock_id = std::string(parts[1]);
  id.name = std::string(parts[3]);
  return id;
}

std::optional<int> AlarmPercent(absl::string_view name) {
  if (name == kBreachName) return ClockAlarm::kBreachPercent;
  int percent = 0;
  if (absl::ConsumePrefix(&name, kWarnPrefix) && absl::SimpleAtoi(name, &percent) && percent > 0 &&
      percent < ClockAlarm::kBreachPercent) {
    return percent;
  }
  if (absl::ConsumePrefix(&name, kEscalatePrefix) && absl::SimpleAtoi(name, &percent) &&
      percent > ClockAlarm::kBreachPercent) {
    return percent;
  }
  return std::nullopt;
}

const v1::SlaClockRecord* FindClock(const v1::SlaCaseState& state, absl::string_view clock_id, int cycle) {
  for (const SlaClockRecord& record : state.clocks()) {
    if (record.id() == clock_id && record.cycle() == cycle) return &record;
  }
  return nullptr;
}

absl::StatusOr<Clock> ClockPlanner::BuildClock(const v1::SlaClockRecord& record) const {
  absl::StatusOr<ClockSpec> spec = SpecOf(record);
  if (!spec.ok()) return spec.status();
  absl::StatusOr<Clock> clock = Clock::Create(*spec);
  if (!clock.ok()) return clock.status();
  for (const SlaClockOp& op : record.ops()) {
    if (absl::Status status = ApplyOp(*clock, op); !status.ok()) return status;
  }
  return clock;
}

std::vector<std::pair<std::string, int>> ClockPlanner::AlarmsOf(const v1::SlaClockRecord& record) const {
  std::vector<std::pair<std::string, int>> alarms;
  for (int percent : record.warning_percents()) alarms.emplace_back(absl::StrCat(kWarnPrefix, percent), percent);
  alarms.emplace_back(std::string(kBreachName), ClockAlarm::kBreachPercent);
  for (const v1::SlaEscalationRung& rung : record.ladder()) {
    if (rung.at_percent() > ClockAlarm::kBreachPercent) {
      alarms.emplace_back(absl::StrCat(kEscalatePrefix, rung.at_percent()), rung.at_percent());
    }
  }
  return alarms;
}

absl::StatusOr<v1::SlaCaseState> ClockPlanner::Apply(const v1::SlaCaseState& before, const v1::CaseEvent& event,
                                                     std::vector<std::string>* notes) const {
  absl::StatusOr<v1::Case> folded = cases::ApplyEvent(before.case_(), event);
  if (!folded.ok()) return folded.status();
  v1::SlaCaseState after = before;
  after.clear_pending_deadlines();
  after.clear_touched_clocks();
  *after.mutable_case_() = *std::move(folded);
  KeepWhatClocksRead(*after.mutable_case_());

  std::vector<std::string> ignored;
  EventApplier applier(*this, after, event, notes != nullptr ? *notes : ignored);
  switch (event.payload_case()) {
    case CaseEvent::kSubmitted:
      applier.StartSignOff();
      applier.StartCompletion(FromProto(event.occurred_at()));
      break;
    case CaseEvent::kGridVerified:
      applier.StopSignOff();
      applier.ReplanCompletion(before.case_());
      applier.StartSignOff();
      break;
    case CaseEvent::kCommunityEscalated:
    case CaseEvent::kTownshipDispatched:
    case CaseEvent::kDepartmentTransferred:
    case CaseEvent::kDepartmentReturned:
      applier.StopSignOff();
      applier.StartSignOff();
      break;
    case CaseEvent::kCommunityHandledLocally:
    case CaseEvent::kDepartmentAccepted:
      applier.StopSignOff();
      break;
    case CaseEvent::kExtensionDecided: {
      const v1::ExtensionDecided& decided = event.extension_decided();
      const absl::Duration extra = events::FromProtoDuration(decided.extra());
      if (decided.approved() && extra > absl::ZeroDuration()) applier.OnCompletion(SlaClockOp::TYPE_EXTEND, extra);
      break;
    }
    case CaseEvent::kPaused:
      applier.OnCompletion(SlaClockOp::TYPE_PAUSE);
      break;
    case CaseEvent::kResumed:
      applier.OnCompletion(SlaClockOp::TYPE_RESUME);
      break;
    case CaseEvent::kResolved:
      applier.StopSignOff();
      applier.OnCompletion(SlaClockOp::TYPE_STOP);
      break;
    case CaseEvent::kReopened:
      applier.StopSignOff();
      applier.StartCompletion(FromProto(event.occurred_at()));
      applier.StartSignOff();
      break;
    case CaseEvent::kGridMarkedInvalid:
    case CaseEvent::kGridMarkedDuplicate:
    case CaseEvent::kClosed:
      applier.StopAll();
      break;
    default:
      // co_requester_added, extension_requested, resident_rated, escalated: recorded in the case only.
      break;
  }

  // DeadlineSet for every clock that started, stopped or moved, read at the event time.
  const absl::Time at = FromProto(event.occurred_at());
  for (const std::string& key : after.touched_clocks()) {
    std::pair<std::string, std::string> parts = absl::StrSplit(key, absl::MaxSplits('|', 1));
    int cycle = 0;
    if (!absl::SimpleAtoi(parts.second, &cycle)) continue;
    const SlaClockRecord* now_record = FindClock(after, parts.first, cycle);
    if (now_record == nullptr) continue;
    const SlaClockRecord* was_record = FindClock(before, parts.first, cycle);
    const v1::CaseClock now_reading = Read(*now_record, at);
    if (was_record != nullptr) {
      // As last announced: a paused clock's due time as it was when it paused.
      const v1::CaseClock was_reading = Read(*was_record, LastOpTime(*was_record));
      if (was_reading.stopped() == now_reading.stopped() &&
          was_reading.due_at().SerializeAsString() == now_reading.due_at().SerializeAsString()) {
        continue;
      }
    }
    v1::CaseEvent deadline = AdvisoryEvent(
        after.case_(),
        absl::StrCat(after.case_().id(), "/sla/", now_record->id(), "/", cycle, "/deadline.v", event.case_version()),
        at);
    deadline.set_correlation_id(event.event_id());
    v1::DeadlineSet* set = deadline.mutable_deadline_set();
    set->set_clock(now_record->kind());
    *set->mutable_due_at() = now_reading.due_at();
    set->set_cycle(cycle);
    set->set_stopped(now_reading.stopped());
    *after.add_pending_deadlines() = std::move(deadline);
  }
  return after;
}

TimerPlan ClockPlanner::Timers(const v1::SlaCaseState& state, const absl::flat_hash_set<std::string>& fired,
                               bool all_clocks) const {
  TimerPlan plan;
  for (const SlaClockRecord& record : state.clocks()) {
    if (!all_clocks && std::find(state.touched_clocks().begin(), state.touched_clocks().end(),
                                 ClockKey(record.id(), record.cycle())) == state.touched_clocks().end()) {
      continue;
    }
    absl::StatusOr<Clock> clock = BuildClock(record);
    for (const auto& [name, percent] : AlarmsOf(record)) {
      AlarmId id{state.case_().id(), record.id(), record.cycle(), name};
      std::optional<absl::Time> at;
      if (clock.ok()) at = clock->AlarmAt(*calendar_, percent).at;
      if (at.has_value() && *at != absl::InfiniteFuture() && !fired.contains(id.FiredKey())) {
        plan.arm.push_back({std::move(id), *at});
      } else {
        plan.cancel.push_back(std::move(id));
      }
    }
  }
  return plan;
}

std::vector<DueEntry> ClockPlanner::DueEntries(const v1::SlaCaseState& state, bool all_clocks) const {
  std::vector<DueEntry> entries;
  for (const SlaClockRecord& record : state.clocks()) {
    if (!all_clocks && std::find(state.touched_clocks().begin(), state.touched_clocks().end(),
                                 ClockKey(record.id(), record.cycle())) == state.touched_clocks().end()) {
      continue;
    }
    DueEntry entry{absl::StrCat(state.case_().id(), "|", record.id(), "|", record.cycle()), std::nullopt};
    absl::StatusOr<Clock> clock = BuildClock(record);
    if (clock.ok() && !clock->stopped()) {
      // Read at the last operation: for a paused clock, the due time when it paused and whether it had passed.
      const ClockReading reading = clock->ReadAt(*calendar_, LastOpTime(record));
      if ((!clock->paused() || reading.breached) && reading.due != absl::InfiniteFuture()) entry.due = reading.due;
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

FireDecision ClockPlanner::Decide(const v1::SlaCaseState& state, const absl::flat_hash_set<std::string>& fired,
                                  const AlarmId& alarm, absl::Time now) const {
  FireDecision decision;
  const SlaClockRecord* record = FindClock(state, alarm.clock_id, alarm.cycle);
  if (record == nullptr) {
    decision.reason = "unknown clock";
    return decision;
  }
  if (fired.contains(alarm.FiredKey())) {
    decision.reason = "fired already";
    return decision;
  }
  std::optional<int> percent;
  for (const auto& [name, p] : AlarmsOf(*record)) {
    if (name == alarm.name) percent = p;
  }
  if (!percent.has_value()) {
    decision.reason = "no longer planned for this clock";
    return decision;
  }
  absl::StatusOr<Clock> clock = BuildClock(*record);
  if (!clock.ok()) {
    decision.reason = std::string(clock.status().message());
    return decision;
  }
  const ClockAlarm threshold = clock->AlarmAt(*calendar_, *percent);
  if (!threshold.at.has_value() || *threshold.at == absl::InfiniteFuture()) {
    decision.reason = "the clock stopped or paused before the threshold";
    return decision;
  }
  decision.at = *threshold.at;
  if (*threshold.at > now) {
    decision.kind = FireDecision::Kind::kLater;
    return decision;
  }
  decision.kind = FireDecision::Kind::kFire;
  const ClockReading reading = clock->ReadAt(*calendar_, *threshold.at);
  const std::string& holder =
      record->kind() == v1::CLOCK_KIND_SIGN_OFF ? record->holder_unit() : state.case_().holder_unit();
  decision.event = AdvisoryEvent(state.case_(), alarm.EventId(), *threshold.at);
  decision.event.set_correlation_id(alarm.Member());
  if (*percent < ClockAlarm::kBreachPercent) {
    v1::SlaWarned* warned = decision.event.mutable_sla_warned();
    warned->set_clock(record->kind());
    warned->set_percent(*percent);
    *warned->mutable_due_at() = ToProto(reading.due);
    warned->set_holder_unit(holder);
    warned->set_cycle(record->cycle());
  } else {
    v1::SlaBreached* breached = decision.event.mutable_sla_breached();
    breached->set_clock(record->kind());
    *breached->mutable_due_at() = ToProto(reading.due);
    breached->set_holder_unit(holder);
    breached->set_cycle(record->cycle());
    const std::vector<EscalationRung> ladder = LadderOf(*record);
    if (const EscalationRung* rung = RungReached(ladder, *percent); rung != nullptr) {
      breached->set_escalate_to(rung->level);
    }
  }
  return decision;
}

v1::CaseClock ClockPlanner::Read(const v1::SlaClockRecord& record, absl::Time at) const {
  v1::CaseClock out;
  out.set_kind(record.kind());
  out.set_clock_id(record.id());
  out.set_cycle(record.cycle());
  out.set_stage(record.stage());
  out.set_holder_unit(record.holder_unit());
  if (!record.ops().empty()) *out.mutable_started_at() = record.ops(0).at();
  absl::StatusOr<Clock> clock = BuildClock(record);
  if (!clock.ok()) return out;
  out.set_basis(std::string(ClockBasisName(clock->spec().basis)));
  const ClockReading reading = clock->ReadAt(*calendar_, at);
  if (reading.due != absl::InfiniteFuture()) *out.mutable_due_at() = ToProto(reading.due);
  *out.mutable_elapsed() = events::ToProtoDuration(reading.elapsed);
  *out.mutable_remaining() = events::ToProtoDuration(reading.remaining);
  *out.mutable_allowance() = events::ToProtoDuration(reading.allowance);
  *out.mutable_paused_for() = events::ToProtoDuration(reading.paused_for);
  out.set_paused(reading.paused);
  out.set_breached(reading.breached);
  out.set_stopped(reading.stopped);
  out.set_calendar_fallback(reading.used_fallback);
  out.set_percent_elapsed(reading.PercentElapsed());
  if (clock->stopped_at().has_value() && *clock->stopped_at() <= at) {
    *out.mutable_stopped_at() = ToProto(*clock->stopped_at());
  }
  return out;
}

}  // namespace gridcase::sla
