// Residents' personal data at rest, against the real Kafka broker and redis-server with intake and dispatch as
// processes: the log, the broker's files, Redis and the services' logs never hold a resident's phone, name or id in
// clear; the holding unit reads them, a masked reader reads them masked; erasure by case and by resident deletes the
// data keys, records PersonalDataErased, shows the residents as erased everywhere while the rest of the case stays,
// and a rebuild still passes the auditor; the retention job erases ended cases on its own.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gridcase/v1/access.pb.h"
#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/events/topics.h"
#include "libs/kafka/topic_reader.h"
#include "libs/redis/redis_client.h"
#include "libs/testing/infra.h"
#include "libs/testing/process.h"
#include "libs/testing/wait.h"
#include "tests/support/audit_run.h"
#include "tests/support/service_fleet.h"

namespace gridcase {
namespace {

v1::Actor Person(v1::Role role, const std::string& unit, const std::string& person) {
  v1::Actor actor;
  actor.set_role(role);
  actor.set_unit_code(unit);
  actor.set_person_id(person);
  return actor;
}

v1::Actor Service(const std::string& name) { return Person(v1::ROLE_SYSTEM, "", name); }

// A phone number no other test uses.
std::string UniquePhone() {
  std::random_device device;
  std::uniform_int_distribution<int> digits(10000000, 99999999);
  return absl::StrCat("139", digits(device));
}

constexpr char kGrid[] = "330199001001001";

class PersonalDataE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fleet_ = new testing::ServiceFleet("personal-data");
    // Ended cases lose their residents' data 4 s after they ended, looked for every 300 ms.
    ASSERT_TRUE(fleet_->Start("dispatch", {"--personal_data_retention=4s", "--personal_data_retention_poll=300ms"})
                    .ok());
    ASSERT_TRUE(fleet_->Start("intake").ok());
  }
  static void TearDownTestSuite() {
    delete fleet_;
    fleet_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(fleet_, nullptr);
    intake_ = v1::IntakeService::NewStub(fleet_->Channel("intake"));
    const testing::Infra& infra = testing::TestInfra();
    auto redis = redis::RedisClient::Create({.host = infra.redis.host, .port = infra.redis.port});
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
  }

  std::unique_ptr<v1::DispatchService::Stub> DispatchAs(const v1::Actor& actor) {
    return v1::DispatchService::NewStub(fleet_->ChannelAs("dispatch", actor));
  }

  v1::SubmitCaseResponse Submit(const std::string& text, const std::string& name, const std::string& phone,
                                const std::string& resident_id) {
    v1::SubmitCaseRequest request;
    request.set_idempotency_key(testing::UniqueName("pd"));
    request.set_channel(v1::CHANNEL_APP);
    request.set_text(text);
    request.mutable_point()->set_lat(30.2525);
    request.mutable_point()->set_lng(120.152);
    request.mutable_resident()->set_name(name);
    request.mutable_resident()->set_phone(phone);
    request.mutable_resident()->set_resident_id(resident_id);
    v1::SubmitCaseResponse response;
    grpc::ClientContext context;
    grpc::Status status = intake_->SubmitCase(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // The case as `reader` sees it, once dispatch has projected `version`.
  v1::Case Read(const v1::Actor& reader, const std::string& id, int64_t version = 0) {
    auto dispatch = DispatchAs(reader);
    v1::Case c;
    grpc::Status last;
    EXPECT_TRUE(testing::WaitFor([&] {
      grpc::ClientContext context;
      v1::GetCaseRequest request;
      request.set_case_id(id);
      last = dispatch->GetCase(&context, request, &c);
      return last.ok() && c.version() >= version;
    })) << id << " " << last.error_message();
    return c;
  }

  v1::CaseTimeline Timeline(const v1::Actor& reader, const std::string& id) {
    auto dispatch = DispatchAs(reader);
    grpc::ClientContext context;
    v1::GetCaseTimelineRequest request;
    request.set_case_id(id);
    v1::CaseTimeline timeline;
    grpc::Status status = dispatch->GetCaseTimeline(&context, request, &timeline);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return timeline;
  }

  grpc::Status Erase(const v1::Actor& caller, const v1::ErasePersonalDataRequest& request,
                     v1::ErasePersonalDataResponse* response) {
    auto dispatch = DispatchAs(caller);
    grpc::ClientContext context;
    return dispatch->ErasePersonalData(&context, request, response);
  }

  // Every record (key, value, headers) of every partition of every topic of the fleet, raw.
  std::string AllTopicBytes() {
    events::Topics topics(fleet_->prefix());
    std::vector<std::string> names = topics.CaseTopics();
    for (const std::string& t : topics.CaseTopics()) names.push_back(t + ".dlt");
    names.push_back(topics.audit());
    std::string bytes;
    absl::Status read = kafka::ReadTopics(
        testing::TestInfra().kafka_brokers, names,
        [&](const kafka::Message& m) {
          absl::StrAppend(&bytes, m.topic, "|", m.key, "|", m.value);
          for (const auto& h : m.headers) absl::StrAppend(&bytes, "|", h.key, "=", h.value);
          return absl::OkStatus();
        },
        absl::Seconds(60));
    EXPECT_TRUE(read.ok()) << read;
    return bytes;
  }

  // Every value under the fleet's Redis prefix, whatever its type.
  std::string AllRedisBytes() {
    std::string bytes;
    std::string cursor = "0";
    do {
      auto scan = redis_->Run({"SCAN", cursor, "MATCH", fleet_->prefix() + "*", "COUNT", "1000"});
      EXPECT_TRUE(scan.ok()) << scan.status();
      if (!scan.ok()) return bytes;
      cursor = scan->elements[0].str;
      for (const redis::Reply& key : scan->elements[1].elements) {
        auto type = redis_->Run({"TYPE", key.str});
        if (!type.ok()) continue;
        redis::Command read;
        if (type->str == "string") read = {"GET", key.str};
        if (type->str == "hash") read = {"HGETALL", key.str};
        if (type->str == "list") read = {"LRANGE", key.str, "0", "-1"};
        if (type->str == "set") read = {"SMEMBERS", key.str};
        if (type->str == "zset") read = {"ZRANGE", key.str, "0", "-1"};
        if (read.empty()) continue;
        auto value = redis_->Run(read);
        if (!value.ok()) continue;
        absl::StrAppend(&bytes, key.str, "=", value->str);
        for (const redis::Reply& e : value->elements) absl::StrAppend(&bytes, "|", e.str);
        absl::StrAppend(&bytes, "\n");
      }
    } while (cursor != "0");
    return bytes;
  }

  // The broker's log segments and the services' logs, as files.
  static std::string AllFileBytes(const std::vector<std::string>& roots) {
    std::string bytes;
    for (const std::string& root : roots) {
      std::error_code error;
      if (!std::filesystem::exists(root, error)) continue;
      for (const auto& entry : std::filesystem::recursive_directory_iterator(root, error)) {
        if (!entry.is_regular_file()) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream content;
        content << in.rdbuf();
        bytes += content.str();
      }
    }
    return bytes;
  }

  // None of `secrets` appears in the topics, Redis, the broker's files or the services' logs.
  void ExpectNowhereInClear(const std::vector<std::string>& secrets, const std::string& when) {
    std::string topics = AllTopicBytes();
    EXPECT_FALSE(topics.empty());
    std::string redis = AllRedisBytes();
    EXPECT_FALSE(redis.empty());
    // The log segments of the fleet's topics: one directory per partition, "<topic>-<partition>".
    std::string broker_dir = testing::BinaryPath("test-infra/kafka/data");
    std::vector<std::string> partition_dirs;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(broker_dir, error)) {
      if (absl::StartsWith(entry.path().filename().string(), fleet_->prefix())) {
        partition_dirs.push_back(entry.path().string());
      }
    }
    std::string files = AllFileBytes(partition_dirs);
    EXPECT_FALSE(files.empty()) << "the broker's log segments are read from " << broker_dir;
    std::string logs;
    for (const char* service : {"dispatch", "intake"}) {
      std::ifstream in(fleet_->log_path(service), std::ios::binary);
      std::stringstream content;
      content << in.rdbuf();
      logs += content.str();
    }
    EXPECT_FALSE(logs.empty());
    for (const std::string& secret : secrets) {
      EXPECT_FALSE(absl::StrContains(topics, secret)) << secret << " on a topic " << when;
      EXPECT_FALSE(absl::StrContains(redis, secret)) << secret << " in Redis " << when;
      EXPECT_FALSE(absl::StrContains(files, secret)) << secret << " in the broker's files " << when;
      EXPECT_FALSE(absl::StrContains(logs, secret)) << secret << " in a service log " << when;
    }
  }

  static testing::ServiceFleet* fleet_;
  std::unique_ptr<v1::IntakeService::Stub> intake_;
  std::unique_ptr<redis::RedisClient> redis_;
};

testing::ServiceFleet* PersonalDataE2eTest::fleet_ = nullptr;

TEST_F(PersonalDataE2eTest, ResidentsAreSealedAtRestReadByTheHolderAndErasedForGood) {
  const std::string phone = UniquePhone();
  const std::string co_phone = UniquePhone();
  const std::string name = "欧阳明" + phone.substr(7);
  const std::string resident_id = "app:user-" + phone;
  v1::SubmitCaseResponse first = Submit("幸福小区门口路灯不亮，晚上很黑", name, phone, resident_id);
  ASSERT_FALSE(first.case_id().empty());
  const std::string id = first.case_id();
  // A repeat of the same request by another resident becomes a co-requester (sealed by dispatch).
  v1::SubmitCaseResponse second = Submit("幸福小区门口的路灯不亮了，晚上很黑", "司马亮", co_phone, "");
  ASSERT_EQ(second.linked_to_case_id(), id);

  const v1::Actor holder = Person(v1::ROLE_GRID_WORKER, kGrid, "p-grid");
  const v1::Actor supervisor = Person(v1::ROLE_SUPERVISOR, "330199", "p-sup");
  v1::Case held = Read(holder, id, 2);
  EXPECT_EQ(held.resident().phone(), phone);
  EXPECT_EQ(held.resident().name(), name);
  EXPECT_EQ(held.resident().resident_id(), resident_id);
  EXPECT_FALSE(held.resident().has_sealed());
  ASSERT_EQ(held.co_requesters_size(), 1);
  EXPECT_EQ(held.co_requesters(0).phone(), co_phone);
  v1::CaseTimeline held_timeline = Timeline(holder, id);
  ASSERT_EQ(held_timeline.events_size(), 2);
  EXPECT_EQ(held_timeline.events(0).submitted().initial().resident().phone(), phone);
  EXPECT_EQ(held_timeline.events(1).co_requester_added().resident().phone(), co_phone);

  v1::Case masked = Read(supervisor, id, 2);
  EXPECT_EQ(masked.resident().phone(), phone.substr(0, 3) + "****" + phone.substr(7));
  EXPECT_EQ(masked.resident().name(), "欧" + std::string(6, '*'));
  EXPECT_FALSE(masked.resident().has_sealed());

  ExpectNowhereInClear({phone, co_phone, name, "司马亮", resident_id}, "before erasure");

  // Who may erase: not a handler, not a supervisor of another area; a resident across cases only a service.
  v1::ErasePersonalDataRequest by_case;
  by_case.set_case_id(id);
  by_case.set_note("居民申请删除 2026-001");
  v1::ErasePersonalDataResponse response;
  EXPECT_EQ(Erase(holder, by_case, &response).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Erase(Person(v1::ROLE_SUPERVISOR, "330199002", "p-sup2"), by_case, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ErasePersonalDataRequest by_phone;
  by_phone.set_resident_phone(phone);
  EXPECT_EQ(Erase(supervisor, by_phone, &response).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Read(holder, id).resident().phone(), phone) << "a refused erasure erased nothing";

  grpc::Status erased = Erase(supervisor, by_case, &response);
  ASSERT_TRUE(erased.ok()) << erased.error_message();
  ASSERT_EQ(response.cases_size(), 1);
  EXPECT_EQ(response.cases(0).case_id(), id);
  EXPECT_EQ(response.cases(0).key_ids_size(), 2);
  EXPECT_EQ(response.cases(0).version(), 3);

  v1::Case after = Read(holder, id, 3);
  EXPECT_TRUE(after.resident().erased());
  EXPECT_TRUE(after.resident().phone().empty());
  EXPECT_TRUE(after.resident().name().empty());
  EXPECT_FALSE(after.resident().has_sealed());
  ASSERT_EQ(after.co_requesters_size(), 1);
  EXPECT_TRUE(after.co_requesters(0).erased());
  EXPECT_EQ(after.text(), held.text()) << "the rest of the case is kept";
  EXPECT_EQ(after.location().grid_code(), kGrid);
  EXPECT_EQ(after.status(), held.status());
  EXPECT_TRUE(Read(supervisor, id).resident().erased());
  v1::CaseTimeline timeline = Timeline(holder, id);
  ASSERT_EQ(timeline.events_size(), 3);
  EXPECT_TRUE(timeline.events(0).submitted().initial().resident().erased());
  EXPECT_EQ(timeline.events(0).submitted().initial().text(), held.text());
  EXPECT_TRUE(timeline.events(1).co_requester_added().resident().erased());
  ASSERT_TRUE(timeline.events(2).has_personal_data_erased());
  EXPECT_EQ(timeline.events(2).personal_data_erased().reason(), v1::PersonalDataErased::REASON_REQUEST);
  EXPECT_EQ(timeline.events(2).actor().role(), v1::ROLE_SUPERVISOR);

  // The erasure and the refused attempts are on the access log.
  bool accepted = false;
  bool refused = false;
  EXPECT_TRUE(testing::WaitFor([&] {
    absl::Status read = kafka::ReadTopics(
        testing::TestInfra().kafka_brokers, {events::Topics(fleet_->prefix()).audit()},
        [&](const kafka::Message& m) {
          v1::AccessRecord record;
          if (!record.ParseFromString(m.value) || record.command() != "ErasePersonalData" ||
              record.case_ids_size() != 1 || record.case_ids(0) != id) {
            return absl::OkStatus();
          }
          if (record.outcome() == "OK" && record.role() == v1::ROLE_SUPERVISOR) accepted = true;
          if (record.outcome() == "PERMISSION_DENIED" && record.role() == v1::ROLE_GRID_WORKER) refused = true;
          return absl::OkStatus();
        },
        absl::Seconds(30));
    return read.ok() && accepted && refused;
  })) << "accepted " << accepted << ", refused " << refused;

  // The keys are gone from Redis: only tombstones are left.
  auto keys = redis_->Run({"HGETALL", fleet_->prefix() + "privacy:keys:{" + id + "}"});
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->elements.size(), 4u);
  EXPECT_EQ(keys->elements[1].str, "erased");
  EXPECT_EQ(keys->elements[3].str, "erased");

  // Repeating the erasure records nothing more.
  ASSERT_TRUE(Erase(supervisor, by_case, &response).ok());
  EXPECT_EQ(response.cases(0).version(), 0);
  EXPECT_EQ(Read(holder, id).version(), 3);

  ExpectNowhereInClear({phone, co_phone, name, "司马亮", resident_id}, "after erasure");

  // A rebuild of the projections from the log equals the live ones, and every invariant holds.
  testing::AuditRun audit = testing::RunGridcaseAudit(fleet_->prefix(), fleet_->prefix(), true, {"--settle=30s"});
  EXPECT_EQ(audit.exit_code, 0) << audit.output;
}

TEST_F(PersonalDataE2eTest, AResidentIsErasedFromEveryCaseAndTheOtherResidentsStay) {
  const std::string phone = UniquePhone();
  const std::string other_phone = UniquePhone();
  const std::string a = Submit("翠苑路口井盖松动，车开过去哐哐响", "诸葛英", phone, "").case_id();
  const std::string b = Submit("幸福小区垃圾桶满了没人清运", "诸葛英", phone, "").case_id();
  const std::string c = Submit("幸福小区二号楼前有人乱停车堵住消防通道", "上官云", other_phone, "").case_id();
  ASSERT_FALSE(a.empty() || b.empty() || c.empty());
  ASSERT_NE(a, b);
  const v1::Actor holder = Person(v1::ROLE_GRID_WORKER, kGrid, "p-grid");
  for (const std::string& id : {a, b, c}) Read(holder, id, 1);

  v1::ErasePersonalDataRequest by_phone;
  by_phone.set_resident_phone(phone);
  v1::ErasePersonalDataResponse response;
  grpc::Status erased = Erase(Service("privacy-desk"), by_phone, &response);
  ASSERT_TRUE(erased.ok()) << erased.error_message();
  ASSERT_EQ(response.cases_size(), 2);
  for (const std::string& id : {a, b}) {
    v1::Case after = Read(holder, id, 2);
    EXPECT_TRUE(after.resident().erased()) << id;
    EXPECT_TRUE(after.resident().phone().empty()) << id;
  }
  v1::Case untouched = Read(holder, c);
  EXPECT_EQ(untouched.version(), 1);
  EXPECT_EQ(untouched.resident().phone(), other_phone);
  EXPECT_FALSE(untouched.resident().erased());
  ExpectNowhereInClear({phone, other_phone, "诸葛英", "上官云"}, "after erasure by phone");

  // The operator's tool erases by the channel's resident id, as its own service identity.
  const std::string resident_id = "app:user-" + UniquePhone();
  const std::string d = Submit("幸福小区三号楼电梯困人后一直没修", "令狐冲", UniquePhone(), resident_id).case_id();
  ASSERT_FALSE(d.empty());
  Read(holder, d, 1);
  std::string command = testing::BinaryPath("services/dispatch/gridcase-data-keys") + " erase";
  for (const std::string& flag : fleet_->identity().ServiceFlags()) absl::StrAppend(&command, " '", flag, "'");
  absl::StrAppend(&command, " --dispatch_addr=", fleet_->address("dispatch"), " '--resident_id=", resident_id,
                  "' --note=req-7 2>&1");
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[512];
  while (fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
  int exit_status = pclose(pipe);
  ASSERT_TRUE(WIFEXITED(exit_status) && WEXITSTATUS(exit_status) == 0) << output;
  EXPECT_TRUE(absl::StrContains(output, d + " keys=")) << output;
  EXPECT_TRUE(Read(holder, d, 2).resident().erased());
  EXPECT_EQ(Timeline(holder, d).events(1).actor().person_id(), "gridcase-data-keys");
}

TEST_F(PersonalDataE2eTest, RetentionErasesCasesThatEndedLongerAgoOnce) {
  const std::string phone = UniquePhone();
  const std::string id = Submit("幸福小区东门外有人占道摆摊卖水果", "东方白", phone, "").case_id();
  ASSERT_FALSE(id.empty());
  const v1::Actor holder = Person(v1::ROLE_GRID_WORKER, kGrid, "p-grid");
  ASSERT_EQ(Read(holder, id, 1).resident().phone(), phone);
  double before = fleet_->Metric("dispatch", "gridcase_personal_data_erased_total{reason=\"retention\"");

  // The grid worker finds the request invalid: the case ends, and its retention period (4 s) starts.
  auto dispatch = DispatchAs(holder);
  v1::CaseCommandRequest invalid;
  invalid.set_case_id(id);
  invalid.set_expected_version(1);
  invalid.mutable_mark_invalid()->set_reason("重复反映，已在别处受理");
  v1::CaseCommandResponse done;
  grpc::ClientContext context;
  grpc::Status status = dispatch->ExecuteCommand(&context, invalid, &done);
  ASSERT_TRUE(status.ok()) << status.error_message();
  // Read as a service: the grid no longer holds an invalid case (it would read it masked).
  EXPECT_EQ(Read(Service("harness"), id).resident().phone(), phone) << "kept until the period runs out";

  v1::Case erased = Read(holder, id, 3);
  EXPECT_TRUE(erased.resident().erased());
  EXPECT_EQ(erased.status(), v1::CASE_STATUS_INVALID);
  v1::CaseTimeline timeline = Timeline(holder, id);
  ASSERT_EQ(timeline.events_size(), 3);
  EXPECT_EQ(timeline.events(2).personal_data_erased().reason(), v1::PersonalDataErased::REASON_RETENTION);
  EXPECT_EQ(timeline.events(2).actor().role(), v1::ROLE_SYSTEM);
  EXPECT_GE(fleet_->Metric("dispatch", "gridcase_personal_data_erased_total{reason=\"retention\""), before + 1);

  // An audit record names the case.
  bool recorded = false;
  EXPECT_TRUE(testing::WaitFor([&] {
    absl::Status read = kafka::ReadTopics(
        testing::TestInfra().kafka_brokers, {events::Topics(fleet_->prefix()).audit()},
        [&](const kafka::Message& m) {
          v1::AccessRecord record;
          if (record.ParseFromString(m.value) && record.method() == "personal_data_retention" &&
              record.case_ids_size() == 1 && record.case_ids(0) == id) {
            recorded = true;
          }
          return absl::OkStatus();
        },
        absl::Seconds(30));
    return read.ok() && recorded;
  }));
  // Later passes find nothing more to do: the case stays at version 3.
  absl::SleepFor(absl::Seconds(1));
  EXPECT_EQ(Read(holder, id).version(), 3);
}

// Dispatch killed between deleting the keys and recording the erasure: the keys stay deleted (the views show the
// resident erased at once), and the repeated request records the erasure once.
TEST(PersonalDataCrashTest, AnErasureCutShortAfterTheKeysIsCompletedByItsRepeat) {
  testing::ServiceFleet fleet("personal-data-crash");
  ASSERT_TRUE(fleet.Start("dispatch", {}, {{"GRIDCASE_CRASH_AT", "dispatch.after_key_erase"}}).ok());
  ASSERT_TRUE(fleet.Start("intake").ok());
  auto intake = v1::IntakeService::NewStub(fleet.Channel("intake"));
  const std::string phone = UniquePhone();
  v1::SubmitCaseRequest submit;
  submit.set_idempotency_key(testing::UniqueName("pd-crash"));
  submit.set_channel(v1::CHANNEL_APP);
  submit.set_text("幸福小区南门路面塌陷一个大坑");
  submit.mutable_point()->set_lat(30.2525);
  submit.mutable_point()->set_lng(120.152);
  submit.mutable_resident()->set_phone(phone);
  v1::SubmitCaseResponse submitted;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(intake->SubmitCase(&context, submit, &submitted).ok());
  }
  const std::string id = submitted.case_id();
  auto read = [&](int64_t version) {
    auto dispatch = v1::DispatchService::NewStub(fleet.Channel("dispatch"));
    v1::Case c;
    EXPECT_TRUE(testing::WaitFor([&] {
      grpc::ClientContext context;
      v1::GetCaseRequest request;
      request.set_case_id(id);
      return dispatch->GetCase(&context, request, &c).ok() && c.version() >= version;
    })) << id;
    return c;
  };
  ASSERT_EQ(read(1).resident().phone(), phone);

  v1::ErasePersonalDataRequest erase;
  erase.set_case_id(id);
  erase.set_request_id(testing::UniqueName("erase"));
  {
    auto dispatch = v1::DispatchService::NewStub(fleet.Channel("dispatch"));
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    v1::ErasePersonalDataResponse lost;
    EXPECT_FALSE(dispatch->ErasePersonalData(&context, erase, &lost).ok());
  }
  ASSERT_TRUE(fleet.WaitExited("dispatch", absl::Seconds(10))) << "dispatch did not reach dispatch.after_key_erase";
  ASSERT_TRUE(fleet.Restart("dispatch", {{"GRIDCASE_CRASH_AT", ""}}).ok());

  v1::Case cut_short = read(1);
  EXPECT_EQ(cut_short.version(), 1) << "nothing was recorded before the crash";
  EXPECT_TRUE(cut_short.resident().erased()) << "the keys are gone: the resident reads as erased already";
  EXPECT_TRUE(cut_short.resident().phone().empty());

  v1::ErasePersonalDataResponse response;
  {
    auto dispatch = v1::DispatchService::NewStub(fleet.Channel("dispatch"));
    grpc::ClientContext context;
    grpc::Status status = dispatch->ErasePersonalData(&context, erase, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  ASSERT_EQ(response.cases_size(), 1);
  EXPECT_EQ(response.cases(0).version(), 2);
  EXPECT_TRUE(read(2).resident().erased());
  {
    auto dispatch = v1::DispatchService::NewStub(fleet.Channel("dispatch"));
    grpc::ClientContext context;
    v1::GetCaseTimelineRequest request;
    request.set_case_id(id);
    v1::CaseTimeline timeline;
    ASSERT_TRUE(dispatch->GetCaseTimeline(&context, request, &timeline).ok());
    ASSERT_EQ(timeline.events_size(), 2) << "one erasure recorded, not two";
    EXPECT_TRUE(timeline.events(1).has_personal_data_erased());
  }
  testing::AuditRun audit = testing::RunGridcaseAudit(fleet.prefix(), fleet.prefix(), true, {"--settle=30s"});
  EXPECT_EQ(audit.exit_code, 0) << audit.output;
}

}  // namespace
}  // namespace gridcase
