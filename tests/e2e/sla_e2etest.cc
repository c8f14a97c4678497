// Deadline clocks end to end: intake, dispatch and sla as processes on the real Kafka broker and redis-server, with a
// short test policy (every non-emergency case completes within 20 calendar seconds: warnings at 10 s and 15 s,
// breach at 20 s). Warnings and the breach reach the SLA topic and live watchers; ListOverdue lists the case with its
// lateness; a SIGKILLed SLA process restarted after its timers came due fires each of them exactly once; one that
// kills itself at the crash point between Kafka's acknowledgement of an alarm and its record in Redis does not publish
// that alarm again after the restart; a paused case does not breach while paused; dispatch raises the case one level
// after the breach.
#include <sys/wait.h>

#include <map>
#include <mutex>
#include <thread>

#include "absl/strings/match.h"
#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gridcase/v1/sla.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/events/codec.h"
#include "libs/events/kafka_event_publisher.h"
#include "libs/events/proto_time.h"
#include "libs/events/topics.h"
#include "libs/kafka/producer.h"
#include "libs/kafka/topic_reader.h"
#include "libs/redis/redis_client.h"
#include "libs/testing/infra.h"
#include "libs/testing/process.h"
#include "libs/testing/wait.h"
#include "tests/support/audit_run.h"
#include "tests/support/case_calls.h"
#include "tests/support/sample_county.h"
#include "tests/support/service_fleet.h"

namespace gridcase {
namespace {

using testing::sample::kGrid;
using testing::sample::kCommunity;
using testing::sample::kTownship;

using events::FromProto;
using events::ToProto;


constexpr absl::Duration kCompletion = absl::Seconds(20);

// services/sla/testdata/sla-policy-short.json: calendar seconds for every category, so that a test sees a whole clock
// run out; the escalation ladder reaches the township at the breach and the county at 300 % (60 s, beyond every
// test); emergencies complete in 30 s.
constexpr char kShortPolicy[] = "services/sla/testdata/sla-policy-short.json";

struct Published {
  v1::CaseEvent event;
  absl::Time record_time;  // Kafka record timestamp: when the SLA service produced it.
};

class SlaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fleet_ = new testing::ServiceFleet("sla");
    sla_args_ = new std::vector<std::string>{"--sla_policy=" + testing::SourcePath(kShortPolicy), "--timer_poll=50ms"};
    ASSERT_TRUE(fleet_->Start("dispatch").ok());
    ASSERT_TRUE(fleet_->Start("intake").ok());
    ASSERT_TRUE(fleet_->Start("sla", *sla_args_).ok());
    auto producer = kafka::Producer::Create({.brokers = testing::TestInfra().kafka_brokers});
    ASSERT_TRUE(producer.ok());
    producer_ = producer->release();
  }
  static void TearDownTestSuite() {
    if (fleet_ != nullptr) {
      // Whatever the tests did (restarts included), the log and the projections keep their invariants: no fork, no
      // gap, projections equal to the log's rebuild, every alarm once.
      testing::AuditRun audit = testing::RunGridcaseAudit(fleet_->prefix(), fleet_->prefix(), true, {"--settle=30s"});
      EXPECT_EQ(audit.exit_code, 0) << audit.output;
    }
    delete fleet_;
    fleet_ = nullptr;
    delete producer_;
    producer_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(fleet_, nullptr);
    Connect();
  }

  void Connect() {
    intake_ = v1::IntakeService::NewStub(fleet_->Channel("intake"));
    dispatch_ = v1::DispatchService::NewStub(fleet_->Channel("dispatch"));
    sla_ = v1::SlaService::NewStub(fleet_->Channel("sla"));
  }

  v1::Case Get(const std::string& case_id) { return testing::DispatchedCase(*dispatch_, case_id); }

  // Submits a general case and waits until dispatch has projected it; returns it.
  v1::Case Submit(const std::string& text) { return testing::SubmitHotlineCase(*intake_, *dispatch_, "sla", text); }

  // Publishes the next versioned event of a case, as the dispatch command would, and waits until dispatch has it.
  // Returns the event's time.
  absl::Time PublishNext(const std::string& case_id, v1::CaseEvent event, v1::Role role, const std::string& unit) {
    const int64_t version = Get(case_id).version() + 1;
    const absl::Time at = absl::FromUnixMicros(absl::ToUnixMicros(absl::Now()));
    event.set_case_id(case_id);
    event.set_case_version(version);
    event.set_event_id(absl::StrCat(case_id, "/", version));
    *event.mutable_occurred_at() = ToProto(at);
    event.mutable_actor()->set_role(role);
    event.mutable_actor()->set_unit_code(unit);
    event.mutable_actor()->set_person_id("e2e");
    events::KafkaEventPublisher publisher(producer_, events::Topics(fleet_->prefix()));
    EXPECT_TRUE(publisher.Publish(event).ok());
    EXPECT_TRUE(testing::WaitFor([&] { return Get(case_id).version() >= version; }));
    return at;
  }

  // 网格核单: places the case on the sample grid (holder: the community).
  void VerifyGrid(const std::string& case_id) {
    v1::CaseEvent event;
    v1::GridVerified* verified = event.mutable_grid_verified();
    verified->set_grid_code(kGrid);
    verified->set_community_code(kCommunity);
    verified->set_township_code(kTownship);
    PublishNext(case_id, event, v1::ROLE_GRID_WORKER, kGrid);
  }

  absl::StatusOr<v1::CaseClocks> Clocks(const std::string& case_id) {
    grpc::ClientContext context;
    v1::GetCaseClocksRequest request;
    request.set_case_id(case_id);
    v1::CaseClocks clocks;
    grpc::Status status = sla_->GetCaseClocks(&context, request, &clocks);
    if (!status.ok()) return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
    return clocks;
  }

  // The completion clock of cycle 1, once the SLA service has applied `version` of the case.
  std::optional<v1::CaseClock> Completion(const std::string& case_id, int64_t version = 0) {
    absl::StatusOr<v1::CaseClocks> clocks = Clocks(case_id);
    if (!clocks.ok() || clocks->case_version() < version) return std::nullopt;
    for (const v1::CaseClock& clock : clocks->clocks()) {
      if (clock.clock_id() == "completion" && clock.cycle() == 1) return clock;
    }
    return std::nullopt;
  }

  // Every record on the SLA topic about `case_id`, in offset order per partition.
  std::vector<Published> SlaEvents(const std::string& case_id) {
    std::vector<Published> found;
    absl::Status status = kafka::ReadTopics(
        testing::TestInfra().kafka_brokers, {events::Topics(fleet_->prefix()).sla()},
        [&](const kafka::Message& m) {
          auto event = events::ParseEvent(m.value);
          if (event.ok() && event->case_id() == case_id) {
            found.push_back({*event, absl::FromUnixMillis(m.timestamp_ms)});
          }
          return absl::OkStatus();
        },
        absl::Seconds(30));
    EXPECT_TRUE(status.ok()) << status;
    return found;
  }

  // Waits until the SLA topic carries `event_id`.
  bool WaitForEvent(const std::string& case_id, const std::string& event_id,
                    absl::Duration timeout = absl::Seconds(60)) {
    return testing::WaitFor(
        [&] {
          for (const Published& p : SlaEvents(case_id)) {
            if (p.event.event_id() == event_id) return true;
          }
          return false;
        },
        timeout, absl::Milliseconds(250));
  }

  static std::string AlarmEventId(const std::string& case_id, const std::string& alarm) {
    return absl::StrCat(case_id, "/sla/completion/1/", alarm);
  }

  // Pending timers of the case in Redis (the SLA service's timer set).
  static std::vector<std::string> ArmedTimers(const std::string& case_id) {
    const auto& infra = testing::TestInfra();
    auto redis = redis::RedisClient::Create({.host = infra.redis.host, .port = infra.redis.port});
    EXPECT_TRUE(redis.ok());
    auto members = (*redis)->Run({"ZRANGE", fleet_->prefix() + "sla:timers:{timers}", "0", "-1"});
    EXPECT_TRUE(members.ok());
    std::vector<std::string> armed;
    for (const redis::Reply& member : members->elements) {
      if (member.str.rfind(case_id + "|", 0) == 0) armed.push_back(member.str);
    }
    return armed;
  }

  // A live WatchOverdue call, collecting what it receives.
  class Watcher {
   public:
    Watcher(v1::SlaService::Stub* stub, const v1::WatchOverdueRequest& request) {
      reader_ = stub->WatchOverdue(&context_, request);
      reader_->WaitForInitialMetadata();  // The watch is registered.
      thread_ = std::thread([this] {
        v1::SlaAlert alert;
        while (reader_->Read(&alert)) {
          std::lock_guard lock(mu_);
          alerts_.push_back(alert);
        }
      });
    }
    ~Watcher() {
      context_.TryCancel();
      thread_.join();
      (void)reader_->Finish();
    }
    std::vector<std::string> EventIds(const std::string& case_id) {
      std::lock_guard lock(mu_);
      std::vector<std::string> ids;
      for (const v1::SlaAlert& alert : alerts_) {
        if (alert.case_id() == case_id) ids.push_back(alert.event().event_id());
      }
      return ids;
    }
    std::vector<v1::SlaAlert> Alerts() {
      std::lock_guard lock(mu_);
      return alerts_;
    }

   private:
    grpc::ClientContext context_;
    std::unique_ptr<grpc::ClientReader<v1::SlaAlert>> reader_;
    std::thread thread_;
    std::mutex mu_;
    std::vector<v1::SlaAlert> alerts_;
  };

  static testing::ServiceFleet* fleet_;
  static std::vector<std::string>* sla_args_;
  static kafka::Producer* producer_;
  std::unique_ptr<v1::IntakeService::Stub> intake_;
  std::unique_ptr<v1::DispatchService::Stub> dispatch_;
  std::unique_ptr<v1::SlaService::Stub> sla_;
};

testing::ServiceFleet* SlaTest::fleet_ = nullptr;
std::vector<std::string>* SlaTest::sla_args_ = nullptr;
kafka::Producer* SlaTest::producer_ = nullptr;

TEST_F(SlaTest, WarningsThenBreachReachTheTopicAndLiveWatchersAndTheOverdueList) {
  v1::WatchOverdueRequest in_township;
  in_township.mutable_area()->set_code_prefix(kTownship);
  Watcher watcher(sla_.get(), in_township);
  v1::WatchOverdueRequest elsewhere_request;
  elsewhere_request.mutable_area()->set_code_prefix("330199002");
  Watcher elsewhere(sla_.get(), elsewhere_request);
  v1::WatchOverdueRequest breaches_request;
  breaches_request.mutable_area()->add_unit_codes(kCommunity);
  breaches_request.set_breaches_only(true);
  Watcher breaches(sla_.get(), breaches_request);

  const v1::Case submitted = Submit("路灯不亮，晚上很黑");
  ASSERT_FALSE(submitted.emergency()) << "the short policy gives emergencies 30 s";
  const std::string id = submitted.id();
  const absl::Time start = FromProto(submitted.created_at());
  VerifyGrid(id);

  ASSERT_TRUE(WaitForEvent(id, AlarmEventId(id, "breach"))) << "no breach within 60 s";
  std::map<std::string, Published> alarms;
  for (const Published& p : SlaEvents(id)) {
    if (p.event.has_sla_warned() || p.event.has_sla_breached()) alarms[p.event.event_id()] = p;
  }
  ASSERT_EQ(alarms.count(AlarmEventId(id, "warn50")), 1u);
  ASSERT_EQ(alarms.count(AlarmEventId(id, "warn75")), 1u);
  const v1::CaseEvent& warn50 = alarms[AlarmEventId(id, "warn50")].event;
  const v1::CaseEvent& warn75 = alarms[AlarmEventId(id, "warn75")].event;
  const v1::CaseEvent& breach = alarms[AlarmEventId(id, "breach")].event;
  EXPECT_EQ(warn50.sla_warned().percent(), 50);
  EXPECT_EQ(warn75.sla_warned().percent(), 75);
  EXPECT_EQ(warn50.case_version(), 0);
  EXPECT_EQ(warn50.actor().role(), v1::ROLE_SYSTEM);
  EXPECT_EQ(warn50.actor().unit_code(), "sla");
  // Each threshold at its share of the clock, counted from the submission; published no earlier.
  EXPECT_EQ(FromProto(warn50.occurred_at()), start + kCompletion / 2);
  EXPECT_EQ(FromProto(warn75.occurred_at()), start + kCompletion * 3 / 4);
  EXPECT_EQ(FromProto(breach.occurred_at()), start + kCompletion);
  for (const auto& [event_id, p] : alarms) {
    EXPECT_GE(p.record_time + absl::Milliseconds(1), FromProto(p.event.occurred_at())) << event_id << " fired early";
  }
  EXPECT_EQ(FromProto(breach.sla_breached().due_at()), start + kCompletion);
  EXPECT_EQ(breach.sla_breached().clock(), v1::CLOCK_KIND_COMPLETION);
  EXPECT_EQ(breach.sla_breached().escalate_to(), v1::LEVEL_TOWNSHIP);
  EXPECT_EQ(breach.sla_breached().holder_unit(), kCommunity);
  EXPECT_EQ(breach.sla_breached().cycle(), 1);

  // Live: the township's watcher saw all three in order, the other township's none, the breach-only watcher of the
  // community only the breach.
  const std::vector<std::string> expected = {AlarmEventId(id, "warn50"), AlarmEventId(id, "warn75"),
                                             AlarmEventId(id, "breach")};
  EXPECT_TRUE(testing::WaitFor([&] { return watcher.EventIds(id).size() >= 3; }, absl::Seconds(10)));
  EXPECT_EQ(watcher.EventIds(id), expected);
  for (const v1::SlaAlert& alert : watcher.Alerts()) {
    if (alert.case_id() != id) continue;
    EXPECT_EQ(alert.location().township_code(), kTownship);
    EXPECT_EQ(alert.category(), submitted.category());
  }
  EXPECT_TRUE(testing::WaitFor([&] { return !breaches.EventIds(id).empty(); }, absl::Seconds(10)));
  EXPECT_EQ(breaches.EventIds(id), std::vector<std::string>{AlarmEventId(id, "breach")});
  EXPECT_TRUE(elsewhere.EventIds(id).empty());

  // The clock reads as breached; ListOverdue lists it with how late it is.
  std::optional<v1::CaseClock> clock = Completion(id);
  ASSERT_TRUE(clock.has_value());
  EXPECT_TRUE(clock->breached());
  EXPECT_FALSE(clock->stopped());
  EXPECT_LT(absl::Seconds(clock->remaining().seconds()) + absl::Nanoseconds(clock->remaining().nanos()),
            absl::ZeroDuration());
  EXPECT_EQ(clock->basis(), "calendar_time");

  v1::ListOverdueRequest list;
  list.mutable_area()->set_code_prefix(kTownship);
  list.set_page_size(500);
  v1::ListOverdueResponse overdue;
  const absl::Time asked = absl::Now();
  {
    grpc::ClientContext context;
    ASSERT_TRUE(sla_->ListOverdue(&context, list, &overdue).ok());
  }
  const v1::OverdueClock* listed = nullptr;
  for (const v1::OverdueClock& c : overdue.clocks()) {
    if (c.case_id() == id) listed = &c;
  }
  ASSERT_NE(listed, nullptr) << "overdue case not listed";
  EXPECT_EQ(listed->clock(), v1::CLOCK_KIND_COMPLETION);
  EXPECT_EQ(FromProto(listed->due_at()), start + kCompletion);
  const absl::Duration late = absl::Seconds(listed->late_by().seconds()) + absl::Nanoseconds(listed->late_by().nanos());
  EXPECT_GT(late, absl::ZeroDuration());
  EXPECT_LE(late, asked + absl::Seconds(5) - (start + kCompletion));
  EXPECT_EQ(listed->location().township_code(), kTownship);

  v1::ListOverdueRequest very_late = list;
  very_late.mutable_min_lateness()->set_seconds(3600);
  grpc::ClientContext context;
  ASSERT_TRUE(sla_->ListOverdue(&context, very_late, &overdue).ok());
  for (const v1::OverdueClock& c : overdue.clocks()) EXPECT_NE(c.case_id(), id);
}

TEST_F(SlaTest, RestartAfterTimersCameDueWhileDownFiresEachExactlyOnce) {
  const v1::Case submitted = Submit("小区门口垃圾堆积");
  ASSERT_FALSE(submitted.emergency()) << "the short policy gives emergencies 30 s";
  const std::string id = submitted.id();
  const absl::Time start = FromProto(submitted.created_at());
  VerifyGrid(id);
  // The SLA service has armed the completion clock's alarms.
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        int completion = 0;
        for (const std::string& member : ArmedTimers(id)) completion += absl::StrContains(member, "|completion|1|");
        return completion == 4;  // 50 %, 75 %, breach, county rung.
      },
      absl::Seconds(30)));
  ASSERT_LT(absl::Now(), start + kCompletion / 2 - absl::Seconds(1)) << "too slow to kill before the first alarm";

  fleet_->Kill("sla");
  const absl::Time all_due = start + kCompletion + absl::Seconds(2);
  absl::SleepFor(all_due - absl::Now());  // The clock runs out while nothing watches it.
  for (const Published& p : SlaEvents(id)) {
    EXPECT_FALSE(p.event.has_sla_warned() || p.event.has_sla_breached()) << p.event.event_id() << " while down";
  }

  const absl::Time restarted = absl::Now();
  ASSERT_TRUE(fleet_->Start("sla", *sla_args_).ok());
  Connect();
  ASSERT_TRUE(WaitForEvent(id, AlarmEventId(id, "breach"), absl::Seconds(30)));
  absl::SleepFor(absl::Seconds(3));  // Anything fired twice would be on the topic by now.

  std::map<std::string, int> count;
  std::map<std::string, Published> by_id;
  for (const Published& p : SlaEvents(id)) {
    // Alarms are published at most once. A deadline may be published again when the SLA consumer re-reads a case
    // event it had not committed before the kill (same event id; consumers apply it idempotently).
    if (!p.event.has_sla_warned() && !p.event.has_sla_breached()) continue;
    ++count[p.event.event_id()];
    by_id[p.event.event_id()] = p;
  }
  for (const auto& [event_id, n] : count) EXPECT_EQ(n, 1) << event_id << " published " << n << " times";
  for (const auto& [alarm, at] :
       std::vector<std::pair<std::string, absl::Time>>{{"warn50", start + kCompletion / 2},
                                                       {"warn75", start + kCompletion * 3 / 4},
                                                       {"breach", start + kCompletion}}) {
    ASSERT_EQ(count[AlarmEventId(id, alarm)], 1) << alarm;
    const Published& p = by_id[AlarmEventId(id, alarm)];
    EXPECT_EQ(FromProto(p.event.occurred_at()), at) << alarm << " carries the time its threshold was crossed";
    EXPECT_GE(p.record_time + absl::Milliseconds(1), restarted) << alarm << " fired by the restarted process";
    EXPECT_LE(p.record_time, restarted + absl::Seconds(20)) << alarm << " fired at once after the restart";
  }

  // SIGTERM, by contrast, drains: the firing loop stops, watches end, consumers close, the producer flushes; exit 0.
  const int status = fleet_->Stop("sla");
  EXPECT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  ASSERT_TRUE(fleet_->Start("sla", *sla_args_).ok());
  Connect();
}

TEST_F(SlaTest, PausedCaseDoesNotBreachWhilePausedAndResumesWhereItStopped) {
  const v1::Case submitted = Submit("楼道灯坏了，需要入户检查线路");
  ASSERT_FALSE(submitted.emergency()) << "the short policy gives emergencies 30 s";
  const std::string id = submitted.id();
  const absl::Time start = FromProto(submitted.created_at());
  VerifyGrid(id);

  v1::CaseEvent paused;
  paused.mutable_paused()->set_reason("住户出差，无法入户");
  const absl::Time paused_at = PublishNext(id, paused, v1::ROLE_COMMUNITY, kCommunity);
  const int64_t paused_version = Get(id).version();
  std::optional<v1::CaseClock> clock;
  ASSERT_TRUE(testing::WaitFor([&] {
    clock = Completion(id, paused_version);
    return clock.has_value() && clock->paused();
  }));
  const absl::Duration counted = paused_at - start;
  ASSERT_LT(counted, kCompletion / 2) << "paused too late for the test";

  // Well past the original due time: no warning, no breach, not overdue.
  absl::SleepFor(start + kCompletion + absl::Seconds(3) - absl::Now());
  for (const Published& p : SlaEvents(id)) {
    EXPECT_FALSE(p.event.has_sla_warned() || p.event.has_sla_breached()) << p.event.event_id() << " while paused";
  }
  clock = Completion(id);
  ASSERT_TRUE(clock.has_value());
  EXPECT_TRUE(clock->paused());
  EXPECT_FALSE(clock->breached());
  EXPECT_LE(absl::Seconds(clock->elapsed().seconds()), counted + absl::Seconds(1));
  {
    v1::ListOverdueRequest list;
    list.set_page_size(500);
    v1::ListOverdueResponse overdue;
    grpc::ClientContext context;
    ASSERT_TRUE(sla_->ListOverdue(&context, list, &overdue).ok());
    for (const v1::OverdueClock& c : overdue.clocks()) EXPECT_NE(c.case_id(), id);
  }

  // Resumed: the clock goes on from where it paused; the 50 % warning comes (10 s - counted) later.
  v1::CaseEvent resumed;
  resumed.mutable_resumed()->set_note("住户已回家");
  const absl::Time resumed_at = PublishNext(id, resumed, v1::ROLE_COMMUNITY, kCommunity);
  ASSERT_TRUE(WaitForEvent(id, AlarmEventId(id, "warn50"), absl::Seconds(30)));
  for (const Published& p : SlaEvents(id)) {
    if (p.event.event_id() == AlarmEventId(id, "warn50")) {
      EXPECT_EQ(FromProto(p.event.occurred_at()), resumed_at + (kCompletion / 2 - counted));
      EXPECT_EQ(FromProto(p.event.sla_warned().due_at()), resumed_at + (kCompletion - counted));
    }
    if (p.event.has_deadline_set() && p.event.deadline_set().clock() == v1::CLOCK_KIND_COMPLETION &&
        absl::StrContains(p.event.event_id(), absl::StrCat("deadline.v", paused_version + 1))) {
      EXPECT_EQ(FromProto(p.event.deadline_set().due_at()), resumed_at + (kCompletion - counted));
    }
  }
}

TEST_F(SlaTest, BreachRaisesTheCaseOneLevel) {
  const v1::Case submitted = Submit("小区健身器材损坏");
  ASSERT_FALSE(submitted.emergency());
  const std::string id = submitted.id();
  VerifyGrid(id);
  const v1::Level before = Get(id).level();
  ASSERT_EQ(before, v1::LEVEL_COMMUNITY);
  ASSERT_TRUE(WaitForEvent(id, AlarmEventId(id, "breach")));
  // Dispatch consumes the breach and escalates one rung (a versioned `escalated` event).
  EXPECT_TRUE(testing::WaitFor([&] { return Get(id).level() == before + 1; }, absl::Seconds(30)))
      << "level stayed " << v1::Level_Name(Get(id).level()) << " after the breach";
  EXPECT_EQ(Get(id).level(), v1::LEVEL_TOWNSHIP);
  EXPECT_EQ(Get(id).holder_unit(), kTownship);
}

TEST_F(SlaTest, BadRequestsAreInvalidArgumentNamingTheField) {
  v1::ListOverdueRequest list;
  list.set_page_size(1000);
  v1::ListOverdueResponse overdue;
  grpc::ClientContext list_context;
  grpc::Status status = sla_->ListOverdue(&list_context, list, &overdue);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "page_size: must be within 0..500");

  v1::WatchOverdueRequest watch;
  watch.mutable_area()->add_unit_codes("3301 99");
  grpc::ClientContext watch_context;
  auto reader = sla_->WatchOverdue(&watch_context, watch);
  v1::SlaAlert alert;
  EXPECT_FALSE(reader->Read(&alert));
  status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "area.unit_codes[0]: may contain only letters, digits, '.', '-' and '_'");

  grpc::ClientContext get_context;
  v1::GetCaseClocksRequest get;
  v1::CaseClocks clocks;
  status = sla_->GetCaseClocks(&get_context, get, &clocks);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "case_id: must not be empty");
}

// The SLA service alone, on a fleet of its own (no other case's timers), started so that it SIGKILLs itself right
// after Kafka acknowledged an alarm batch and before the alarms are recorded as fired in Redis: the window in which a
// crash used to make the restarted process publish the same alarms again.
TEST(SlaCrashTest, AlarmsPublishedJustBeforeACrashAreNotPublishedAgain) {
  testing::ServiceFleet fleet("sla-crash");
  const std::vector<std::string> args = {"--sla_policy=" + testing::SourcePath(kShortPolicy), "--timer_poll=50ms",
                                         "--timer_lease=4s"};
  ASSERT_TRUE(fleet.Start("sla", args, {{"GRIDCASE_CRASH_AT", "sla.after_alarm_publish"}}).ok());
  auto producer = kafka::Producer::Create({.brokers = testing::TestInfra().kafka_brokers});
  ASSERT_TRUE(producer.ok());
  const events::Topics topics(fleet.prefix());

  // A case submitted 16 s ago on the 20 s clock: the 50 % and 75 % warnings are due at once (one batch), the breach
  // in 4 s.
  const std::string id = testing::UniqueName("GC");
  const absl::Time start = absl::FromUnixMillis(absl::ToUnixMillis(absl::Now() - absl::Seconds(16)));
  v1::CaseEvent submitted;
  submitted.set_event_id(id + "/1");
  submitted.set_case_id(id);
  submitted.set_case_version(1);
  *submitted.mutable_occurred_at() = ToProto(start);
  submitted.mutable_actor()->set_role(v1::ROLE_RESIDENT);
  v1::Case* initial = submitted.mutable_submitted()->mutable_initial();
  initial->set_id(id);
  initial->set_category(v1::CATEGORY_GENERAL);
  initial->set_title("路灯不亮");
  initial->mutable_location()->set_grid_code(kGrid);
  initial->mutable_location()->set_community_code(kCommunity);
  initial->mutable_location()->set_township_code(kTownship);
  events::KafkaEventPublisher publisher(producer->get(), topics);
  ASSERT_TRUE(publisher.Publish(submitted).ok());

  auto alarm_counts = [&] {
    std::map<std::string, int> count;
    absl::Status status = kafka::ReadTopics(
        testing::TestInfra().kafka_brokers, {topics.sla()},
        [&](const kafka::Message& m) {
          auto event = events::ParseEvent(m.value);
          if (event.ok() && event->case_id() == id && (event->has_sla_warned() || event->has_sla_breached())) {
            ++count[event->event_id()];
          }
          return absl::OkStatus();
        },
        absl::Seconds(30));
    EXPECT_TRUE(status.ok()) << status;
    return count;
  };
  const std::string warn50 = id + "/sla/completion/1/warn50";
  const std::string warn75 = id + "/sla/completion/1/warn75";
  const std::string breach = id + "/sla/completion/1/breach";

  ASSERT_TRUE(fleet.WaitExited("sla", absl::Seconds(30))) << "the crash point was not reached";
  std::map<std::string, int> count = alarm_counts();
  ASSERT_EQ(count[warn50], 1) << "published before the crash";
  ASSERT_EQ(count[warn75], 1) << "published before the crash";

  // Restarted without the crash point: the claim of the two warnings expires (4 s), the next claim finds them on the
  // topic and records them; the breach fires in its time.
  ASSERT_TRUE(fleet.Start("sla", args).ok());
  EXPECT_TRUE(testing::WaitFor(
      [&] { return fleet.Metric("sla", "gridcase_sla_alarms_found_published_total") >= 2; }, absl::Seconds(30)))
      << "the restarted process did not recover the interrupted claim";
  EXPECT_TRUE(testing::WaitFor([&] { return alarm_counts()[breach] >= 1; }, absl::Seconds(30), absl::Milliseconds(250)));
  count = alarm_counts();
  EXPECT_EQ(count[warn50], 1) << "published again after the crash";
  EXPECT_EQ(count[warn75], 1) << "published again after the crash";
  EXPECT_EQ(count[breach], 1);
  EXPECT_EQ(count.size(), 3u);
}

}  // namespace
}  // namespace gridcase
