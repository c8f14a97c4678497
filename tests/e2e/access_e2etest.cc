// Identity and access end to end: the four services as processes on the real Kafka broker and redis-server, with
// their own issuers' keys (tests/support/service_fleet). Every RPC refuses an anonymous or bad token and changes
// nothing; the actor of a command is the caller, never what the request claims; each role acts and reads only within
// its scope, and sees residents unmasked only where it must contact them; ratings come only from the notifier's
// service identity and the resident's code; every command (accepted or refused), every refusal and every unmasked
// read is on the audit topic, and gridcase-access-log answers "who saw or changed case X"; keys rotate without a
// restart.
#include <csignal>
#include <cstdio>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gridcase/v1/access.pb.h"
#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/feedback.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gridcase/v1/sla.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "libs/kafka/topic_reader.h"
#include "libs/server/service_channel.h"
#include "libs/testing/infra.h"
#include "libs/testing/wait.h"
#include "tests/support/sample_county.h"
#include "tests/support/service_fleet.h"

namespace gridcase {
namespace {

using testing::TestIdentity;
using testing::sample::Actor;
using testing::sample::kCommunity;
using testing::sample::kGrid;
using testing::sample::kManholeCover;
using testing::sample::kTownship;
using testing::sample::kUrbanManagement;

constexpr char kOtherGrid[] = "330199001001002";
constexpr char kOtherCommunity[] = "330199001002";
constexpr char kOtherTownship[] = "330199002";
constexpr char kCounty[] = "330199";
constexpr char kOtherCentre[] = "330199.12345-b";
constexpr char kResidentPhone[] = "13712345678";

class AccessE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fleet_ = new testing::ServiceFleet("access");
    ASSERT_TRUE(fleet_->Start("dispatch", {"--auth_reload_poll=200ms"}).ok());
    const std::string dispatch = absl::StrCat("--dispatch_addr=", fleet_->address("dispatch"));
    ASSERT_TRUE(fleet_->Start("intake", {dispatch}).ok());
    ASSERT_TRUE(fleet_->Start("sla").ok());
    ASSERT_TRUE(fleet_->Start("feedback", {dispatch}).ok());
  }
  static void TearDownTestSuite() {
    delete fleet_;
    fleet_ = nullptr;
  }

  static const TestIdentity& identity() { return fleet_->identity(); }

  // Stubs whose calls carry `authorization` (empty: none).
  template <typename Service>
  static std::unique_ptr<typename Service::Stub> StubWith(const std::string& service, const std::string& authorization) {
    if (authorization.empty()) {
      return Service::NewStub(grpc::CreateChannel(fleet_->address(service), grpc::InsecureChannelCredentials()));
    }
    return Service::NewStub(server::AuthorizedChannel(fleet_->address(service), [authorization] {
      return absl::StatusOr<std::string>(authorization);
    }));
  }
  template <typename Service>
  static std::unique_ptr<typename Service::Stub> StubAs(const std::string& service, const v1::Actor& actor) {
    return StubWith<Service>(service, identity().Authorization(actor));
  }

  // A 12345 call taken by an operator of `centre`, about `text` on kGrid (each test its own problem, so that intake
  // does not link one test's call to another's open case as a repeat).
  static std::string Submit(const std::string& centre, const std::string& key,
                            const std::string& text = "翠苑一区东侧窨井盖松动，踩上去晃") {
    auto intake =
        StubAs<v1::IntakeService>("intake", Actor(v1::ROLE_HOTLINE_OPERATOR, centre, "operator-" + centre));
    v1::SubmitCaseRequest request;
    request.set_idempotency_key(key);
    request.set_channel(v1::CHANNEL_HOTLINE_12345);
    request.set_text(text);
    request.mutable_point()->set_lat(30.2525);
    request.mutable_point()->set_lng(120.152);
    request.set_address("翠苑一区3幢东侧");
    request.mutable_resident()->set_name("王小明");
    request.mutable_resident()->set_phone(kResidentPhone);
    v1::SubmitCaseResponse response;
    grpc::ClientContext context;
    grpc::Status status = intake->SubmitCase(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.case_id();
  }

  // The case as a service (unmasked, every case) sees it, once dispatch has projected at least `version`.
  static v1::Case Projected(const std::string& case_id, int64_t version = 1) {
    auto dispatch = StubWith<v1::DispatchService>("dispatch", identity().ServiceAuthorization("notifier"));
    v1::Case c;
    EXPECT_TRUE(testing::WaitFor([&] {
      grpc::ClientContext context;
      v1::GetCaseRequest request;
      request.set_case_id(case_id);
      return dispatch->GetCase(&context, request, &c).ok() && c.version() >= version;
    })) << case_id << " at version " << version;
    return c;
  }

  // Runs `command` on the case as the caller of `actor`'s token; the request names no actor.
  static grpc::Status Execute(const v1::Actor& actor, const std::string& case_id, v1::CaseCommandRequest command,
                              v1::CaseCommandResponse* response = nullptr) {
    command.set_case_id(case_id);
    command.set_expected_version(Projected(case_id).version());
    command.set_request_id(testing::UniqueName("req"));
    v1::CaseCommandResponse ignored;
    grpc::ClientContext context;
    return StubAs<v1::DispatchService>("dispatch", actor)
        ->ExecuteCommand(&context, command, response != nullptr ? response : &ignored);
  }

  static grpc::Status GetCase(const v1::Actor& actor, const std::string& case_id, v1::Case* c) {
    grpc::ClientContext context;
    v1::GetCaseRequest request;
    request.set_case_id(case_id);
    return StubAs<v1::DispatchService>("dispatch", actor)->GetCase(&context, request, c);
  }

  // The access records naming `case_id` on the audit topic, once `want` of them match `pred`.
  static std::vector<v1::AccessRecord> AccessRecords(const std::string& case_id) {
    std::vector<v1::AccessRecord> records;
    absl::Status read = kafka::ReadTopics(
        testing::TestInfra().kafka_brokers, {fleet_->prefix() + "gridcase.audit.v1"},
        [&](const kafka::Message& m) {
          v1::AccessRecord record;
          if (!record.ParseFromString(m.value)) return absl::DataLossError("not an access record");
          for (const std::string& id : record.case_ids()) {
            if (id == case_id) {
              records.push_back(record);
              break;
            }
          }
          return absl::OkStatus();
        },
        absl::Seconds(30));
    EXPECT_TRUE(read.ok()) << read;
    return records;
  }

  static testing::ServiceFleet* fleet_;
};

testing::ServiceFleet* AccessE2eTest::fleet_ = nullptr;

v1::CaseCommandRequest Escalate(const std::string& reason) {
  v1::CaseCommandRequest command;
  command.mutable_escalate()->set_reason(reason);
  return command;
}

v1::CaseCommandRequest VerifyGrid() {
  v1::CaseCommandRequest command;
  command.mutable_verify_grid()->set_grid_code(kGrid);
  command.mutable_verify_grid()->set_category(v1::CATEGORY_SIMPLE);
  command.mutable_verify_grid()->set_catalogue_item(kManholeCover);
  return command;
}

// Every RPC of every service, called with the stubs of one authorization: the status of each, by name.
std::map<std::string, grpc::Status> CallEveryRpc(testing::ServiceFleet& fleet, const std::string& authorization,
                                                 const std::string& case_id, const std::string& idempotency_key) {
  auto channel = [&](const std::string& service) -> std::shared_ptr<grpc::Channel> {
    if (authorization.empty()) return grpc::CreateChannel(fleet.address(service), grpc::InsecureChannelCredentials());
    return server::AuthorizedChannel(fleet.address(service),
                                     [authorization] { return absl::StatusOr<std::string>(authorization); });
  };
  auto dispatch = v1::DispatchService::NewStub(channel("dispatch"));
  auto intake = v1::IntakeService::NewStub(channel("intake"));
  auto sla = v1::SlaService::NewStub(channel("sla"));
  auto feedback = v1::FeedbackService::NewStub(channel("feedback"));
  std::map<std::string, grpc::Status> statuses;
  auto call = [&](const std::string& name, auto&& invoke) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    statuses[name] = invoke(context);
  };
  v1::GetCaseRequest get;
  get.set_case_id(case_id);
  call("dispatch.GetCase", [&](grpc::ClientContext& c) { v1::Case r; return dispatch->GetCase(&c, get, &r); });
  call("dispatch.GetCaseTimeline", [&](grpc::ClientContext& c) {
    v1::GetCaseTimelineRequest q;
    q.set_case_id(case_id);
    v1::CaseTimeline r;
    return dispatch->GetCaseTimeline(&c, q, &r);
  });
  call("dispatch.ListQueue", [&](grpc::ClientContext& c) {
    v1::ListQueueRequest q;
    q.set_unit_code(kGrid);
    v1::ListQueueResponse r;
    return dispatch->ListQueue(&c, q, &r);
  });
  call("dispatch.ExecuteCommand", [&](grpc::ClientContext& c) {
    // The reported exploit: an anonymous "system" escalating someone else's case.
    v1::CaseCommandRequest q = Escalate("mallory was here");
    q.set_case_id(case_id);
    q.set_expected_version(1);
    *q.mutable_actor() = Actor(v1::ROLE_SYSTEM, "anything", "mallory");
    v1::CaseCommandResponse r;
    return dispatch->ExecuteCommand(&c, q, &r);
  });
  call("dispatch.ListAllowedCommands", [&](grpc::ClientContext& c) {
    v1::ListAllowedCommandsRequest q;
    q.add_case_ids(case_id);
    v1::ListAllowedCommandsResponse r;
    return dispatch->ListAllowedCommands(&c, q, &r);
  });
  call("intake.SubmitCase", [&](grpc::ClientContext& c) {
    v1::SubmitCaseRequest q;
    q.set_idempotency_key(idempotency_key);
    q.set_channel(v1::CHANNEL_HOTLINE_12345);
    q.set_text("路灯不亮");
    v1::SubmitCaseResponse r;
    return intake->SubmitCase(&c, q, &r);
  });
  call("intake.GetCase", [&](grpc::ClientContext& c) { v1::Case r; return intake->GetCase(&c, get, &r); });
  call("intake.ListCases", [&](grpc::ClientContext& c) {
    v1::ListCasesRequest q;
    v1::ListCasesResponse r;
    return intake->ListCases(&c, q, &r);
  });
  call("sla.GetCaseClocks", [&](grpc::ClientContext& c) {
    v1::GetCaseClocksRequest q;
    q.set_case_id(case_id);
    v1::CaseClocks r;
    return sla->GetCaseClocks(&c, q, &r);
  });
  call("sla.ListOverdue", [&](grpc::ClientContext& c) {
    v1::ListOverdueRequest q;
    v1::ListOverdueResponse r;
    return sla->ListOverdue(&c, q, &r);
  });
  call("sla.WatchOverdue", [&](grpc::ClientContext& c) {
    v1::WatchOverdueRequest q;
    auto reader = sla->WatchOverdue(&c, q);
    v1::SlaAlert alert;
    while (reader->Read(&alert)) {
    }
    return reader->Finish();
  });
  call("feedback.IssueRatingCode", [&](grpc::ClientContext& c) {
    v1::IssueRatingCodeRequest q;
    q.set_case_id(case_id);
    v1::IssueRatingCodeResponse r;
    return feedback->IssueRatingCode(&c, q, &r);
  });
  call("feedback.RateCase", [&](grpc::ClientContext& c) {
    v1::RateCaseRequest q;
    q.set_case_id(case_id);
    q.set_rating_code("000000");
    q.set_satisfaction(v1::SATISFACTION_SATISFIED);
    v1::RateCaseResponse r;
    return feedback->RateCase(&c, q, &r);
  });
  call("feedback.GetReport", [&](grpc::ClientContext& c) {
    v1::GetReportRequest q;
    q.set_from("2026-11-01");
    q.set_to("2026-12-01");
    v1::GetReportResponse r;
    return feedback->GetReport(&c, q, &r);
  });
  call("feedback.ListPublicCases", [&](grpc::ClientContext& c) {
    v1::ListPublicCasesRequest q;
    v1::ListPublicCasesResponse r;
    return feedback->ListPublicCases(&c, q, &r);
  });
  return statuses;
}

TEST_F(AccessE2eTest, AnonymousAndBadTokensAreRefusedOnEveryRpcAndChangeNothing) {
  const std::string case_id =
      Submit(TestIdentity::kHotlineCentre, testing::UniqueName("anon"), "翠苑一区垃圾桶满了三天没人清运");
  const v1::Case before = Projected(case_id);
  const std::string key = testing::UniqueName("anon-submit");
  const absl::Time now = absl::Now();
  auto person = [&](std::string issuer, std::string audience, absl::Time issued_at, v1::Role role) {
    return identity().AuthorizationFor({.issuer = std::move(issuer),
                                        .audience = std::move(audience),
                                        .subject = "mallory",
                                        .role = role,
                                        .unit = kGrid,
                                        .issued_at = issued_at,
                                        .ttl = absl::Minutes(5)});
  };
  const std::string valid = identity().Authorization(v1::ROLE_GRID_WORKER, kGrid, "p0001");
  std::string tampered = valid;
  tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"", "missing bearer token"},
      {"Bearer not.a.token", "malformed token"},
      {"Basic bWFsbG9yeTpzZWNyZXQ=", "missing bearer token"},
      {tampered, "bad signature"},
      {person(TestIdentity::kPersonIssuer, TestIdentity::kAudience, now - absl::Hours(2), v1::ROLE_GRID_WORKER),
       "token expired"},
      {person(TestIdentity::kPersonIssuer, "another-system", now, v1::ROLE_GRID_WORKER), "audience"},
      {person("https://idp.elsewhere.example", TestIdentity::kAudience, now, v1::ROLE_GRID_WORKER),
       "not a trusted issuer"},
      {person(TestIdentity::kPersonIssuer, TestIdentity::kAudience, now, v1::ROLE_SYSTEM),
       "role 'system' is not allowed in a person token"},
  };
  for (const auto& [authorization, reason] : bad) {
    std::map<std::string, grpc::Status> statuses = CallEveryRpc(*fleet_, authorization, case_id, key);
    ASSERT_EQ(statuses.size(), 15u);
    for (const auto& [rpc, status] : statuses) {
      EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
          << rpc << " with '" << authorization.substr(0, 20) << "…': " << status.error_message();
      EXPECT_TRUE(absl::StrContains(status.error_message(), reason)) << rpc << ": " << status.error_message();
    }
  }
  // Nothing changed: the case is where it was, and the idempotency key the refused submissions used is still free.
  EXPECT_EQ(Projected(case_id).version(), before.version());
  auto intake = StubAs<v1::IntakeService>(
      "intake", Actor(v1::ROLE_HOTLINE_OPERATOR, TestIdentity::kHotlineCentre, "operator-1"));
  v1::SubmitCaseRequest submit;
  submit.set_idempotency_key(key);
  submit.set_channel(v1::CHANNEL_HOTLINE_12345);
  submit.set_text("路灯不亮");
  v1::SubmitCaseResponse submitted;
  grpc::ClientContext context;
  ASSERT_TRUE(intake->SubmitCase(&context, submit, &submitted).ok());
  EXPECT_FALSE(submitted.duplicate_submit());
  // The anonymous attempts on the case are on the access log, with no one to name but the peer.
  EXPECT_TRUE(testing::WaitFor([&] {
    for (const v1::AccessRecord& r : AccessRecords(case_id)) {
      if (r.method() == "/gridcase.v1.DispatchService/ExecuteCommand" && r.outcome() == "UNAUTHENTICATED" &&
          r.subject().empty() && r.reason() == "missing bearer token" && !r.peer().empty()) {
        return true;
      }
    }
    return false;
  }));
  // Health stays open for probes.
  EXPECT_TRUE(testing::WaitServing(grpc::CreateChannel(fleet_->address("dispatch"), grpc::InsecureChannelCredentials()),
                                    absl::Seconds(5)));
}

TEST_F(AccessE2eTest, TheActorIsTheCallerNeverWhatTheRequestClaims) {
  const std::string case_id =
      Submit(TestIdentity::kHotlineCentre, testing::UniqueName("actor"), "翠苑一区楼下饭店油烟噪音扰民");
  Projected(case_id);
  // A grid worker's token claiming to be the system.
  v1::CaseCommandRequest forged = Escalate("mallory was here");
  *forged.mutable_actor() = Actor(v1::ROLE_SYSTEM, "anything", "mallory");
  grpc::Status status = Execute(Actor(v1::ROLE_GRID_WORKER, kGrid, "p0001"), case_id, forged);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
  EXPECT_TRUE(absl::StartsWith(status.error_message(), "actor: must be the authenticated caller"));
  // A supervisor of another township may not escalate here; the case's own may, and the event records who did.
  status = Execute(Actor(v1::ROLE_SUPERVISOR, kOtherTownship, "sup-2"), case_id, Escalate("督办"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
  v1::CaseCommandResponse escalated;
  status = Execute(Actor(v1::ROLE_SUPERVISOR, kTownship, "sup-1"), case_id, Escalate("督办"), &escalated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(escalated.event().actor().role(), v1::ROLE_SUPERVISOR);
  EXPECT_EQ(escalated.event().actor().person_id(), "sup-1");
  EXPECT_EQ(escalated.event().actor().unit_code(), kTownship);
  // Supervisors urge and escalate; they do not handle.
  v1::CaseCommandRequest resolve;
  resolve.mutable_resolve()->set_reply("已处理");
  status = Execute(Actor(v1::ROLE_SUPERVISOR, kTownship, "sup-1"), case_id, resolve);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
}

TEST_F(AccessE2eTest, EachRoleActsAndReadsWithinItsScopeAndSeesResidentsOnlyWhereItMustContactThem) {
  const std::string case_id = Submit(TestIdentity::kHotlineCentre, testing::UniqueName("roles"));
  Projected(case_id);
  const v1::Actor operator_1 = Actor(v1::ROLE_HOTLINE_OPERATOR, TestIdentity::kHotlineCentre, "operator-1");
  const v1::Actor other_operator = Actor(v1::ROLE_HOTLINE_OPERATOR, kOtherCentre, "operator-9");
  const v1::Actor worker = Actor(v1::ROLE_GRID_WORKER, kGrid, "p0001");
  const v1::Actor other_worker = Actor(v1::ROLE_GRID_WORKER, kOtherGrid, "p0002");
  const v1::Actor community = Actor(v1::ROLE_COMMUNITY, kCommunity, "c-1");
  const v1::Actor other_community = Actor(v1::ROLE_COMMUNITY, kOtherCommunity, "c-2");
  const v1::Actor township = Actor(v1::ROLE_TOWNSHIP_DISPATCHER, kTownship, "t-1");
  const v1::Actor other_township = Actor(v1::ROLE_TOWNSHIP_DISPATCHER, kOtherTownship, "t-2");
  const v1::Actor department = Actor(v1::ROLE_DEPARTMENT_HANDLER, kUrbanManagement, "zfj-1");
  const v1::Actor other_department = Actor(v1::ROLE_DEPARTMENT_HANDLER, "330199.zjj", "zjj-1");
  const v1::Actor supervisor = Actor(v1::ROLE_SUPERVISOR, kCounty, "sup-county");
  const v1::Actor other_supervisor = Actor(v1::ROLE_SUPERVISOR, kOtherTownship, "sup-2");

  // Hotline operators: the centre that took the call reads it unmasked; another centre does not see it at all.
  {
    auto intake = StubAs<v1::IntakeService>("intake", operator_1);
    grpc::ClientContext context;
    v1::GetCaseRequest get;
    get.set_case_id(case_id);
    v1::Case c;
    ASSERT_TRUE(intake->GetCase(&context, get, &c).ok());
    EXPECT_EQ(c.resident().phone(), kResidentPhone);
    EXPECT_EQ(c.intake_unit(), TestIdentity::kHotlineCentre);
    grpc::ClientContext other;
    EXPECT_EQ(StubAs<v1::IntakeService>("intake", other_operator)->GetCase(&other, get, &c).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    grpc::ClientContext list;
    v1::ListCasesRequest all;
    all.add_case_ids(case_id);
    v1::ListCasesResponse listed;
    ASSERT_TRUE(StubAs<v1::IntakeService>("intake", other_operator)->ListCases(&list, all, &listed).ok());
    EXPECT_EQ(listed.cases_size(), 0) << "another centre lists nothing of it";
  }
  // A hotline operator never rates; a rated close is no person's.
  v1::CaseCommandRequest rate;
  rate.mutable_rate()->set_satisfaction(v1::SATISFACTION_SATISFIED);
  EXPECT_EQ(Execute(operator_1, case_id, rate).error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // Grid verification: only the grid's worker; it holds the case and sees the resident.
  v1::Case c;
  EXPECT_EQ(GetCase(other_worker, case_id, &c).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status status = Execute(other_worker, case_id, VerifyGrid());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
  ASSERT_TRUE(GetCase(worker, case_id, &c).ok());
  EXPECT_EQ(c.resident().phone(), kResidentPhone);
  EXPECT_TRUE(c.location().has_point());
  ASSERT_TRUE(Execute(worker, case_id, VerifyGrid()).ok());
  Projected(case_id, 2);
  // Once the community holds it, the grid worker still reads it, masked.
  ASSERT_TRUE(GetCase(worker, case_id, &c).ok());
  EXPECT_EQ(c.resident().phone(), "137****5678");
  EXPECT_EQ(c.resident().name(), "王**");
  EXPECT_FALSE(c.location().has_point());

  // Community: its own, not another's.
  v1::CaseCommandRequest escalate;
  escalate.mutable_community_escalate()->set_reason("需要城管处置");
  EXPECT_EQ(Execute(other_community, case_id, escalate).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(GetCase(community, case_id, &c).ok());
  EXPECT_EQ(c.resident().phone(), kResidentPhone);
  ASSERT_TRUE(Execute(community, case_id, escalate).ok());
  Projected(case_id, 3);

  // Township dispatch: its queue, not another township's.
  {
    grpc::ClientContext context;
    v1::ListQueueRequest queue;
    queue.set_unit_code(kTownship);
    v1::ListQueueResponse listed;
    ASSERT_TRUE(StubAs<v1::DispatchService>("dispatch", township)->ListQueue(&context, queue, &listed).ok());
    bool found = false;
    for (const v1::Case& q : listed.cases()) found = found || q.id() == case_id;
    EXPECT_TRUE(found);
    grpc::ClientContext other;
    grpc::Status refused = StubAs<v1::DispatchService>("dispatch", other_township)->ListQueue(&other, queue, &listed);
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_TRUE(absl::StrContains(refused.error_message(), "township 330199002")) << refused.error_message();
  }
  v1::CaseCommandRequest dispatch;
  dispatch.mutable_township_dispatch();
  EXPECT_EQ(Execute(other_township, case_id, dispatch).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Execute(township, case_id, dispatch).ok());
  Projected(case_id, 4);

  // Department: the one holding it accepts and resolves; another department neither acts nor reads.
  v1::CaseCommandRequest accept;
  accept.mutable_department_accept();
  EXPECT_EQ(Execute(other_department, case_id, accept).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(GetCase(other_department, case_id, &c).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Execute(department, case_id, accept).ok());
  Projected(case_id, 5);
  ASSERT_TRUE(GetCase(department, case_id, &c).ok());
  EXPECT_EQ(c.resident().phone(), kResidentPhone);

  // Supervisors: read their area masked (case, timeline, clocks); another area's supervisor sees nothing.
  ASSERT_TRUE(GetCase(supervisor, case_id, &c).ok());
  EXPECT_EQ(c.resident().phone(), "137****5678");
  EXPECT_EQ(c.location().address(), "翠苑一区*幢东侧");
  {
    grpc::ClientContext context;
    v1::GetCaseTimelineRequest request;
    request.set_case_id(case_id);
    v1::CaseTimeline timeline;
    ASSERT_TRUE(StubAs<v1::DispatchService>("dispatch", supervisor)->GetCaseTimeline(&context, request, &timeline).ok());
    ASSERT_GT(timeline.events_size(), 0);
    EXPECT_EQ(timeline.events(0).submitted().initial().resident().phone(), "137****5678");
    EXPECT_EQ(timeline.DebugString().find(kResidentPhone), std::string::npos);
  }
  EXPECT_EQ(GetCase(other_supervisor, case_id, &c).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  {
    auto sla = StubAs<v1::SlaService>("sla", other_supervisor);
    v1::GetCaseClocksRequest request;
    request.set_case_id(case_id);
    v1::CaseClocks clocks;
    ASSERT_TRUE(testing::WaitFor([&] {
      grpc::ClientContext context;
      return StubAs<v1::SlaService>("sla", supervisor)->GetCaseClocks(&context, request, &clocks).ok();
    }));
    grpc::ClientContext context;
    EXPECT_EQ(sla->GetCaseClocks(&context, request, &clocks).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  }

  v1::CaseCommandRequest resolve;
  resolve.mutable_resolve()->set_reply("已更换井盖");
  ASSERT_TRUE(Execute(department, case_id, resolve).ok());
  Projected(case_id, 6);

  // Ratings cannot be forged: codes only for the notifier's identity, ratings only with the resident's code.
  {
    v1::IssueRatingCodeRequest request;
    request.set_case_id(case_id);
    v1::IssueRatingCodeResponse code;
    for (const std::string& authorization :
         {identity().Authorization(supervisor), identity().Authorization(department),
          identity().ServiceAuthorization("sla")}) {
      grpc::ClientContext context;
      grpc::Status refused =
          StubWith<v1::FeedbackService>("feedback", authorization)->IssueRatingCode(&context, request, &code);
      EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED) << refused.error_message();
    }
    grpc::ClientContext context;
    ASSERT_TRUE(StubWith<v1::FeedbackService>("feedback", identity().ServiceAuthorization("notifier"))
                    ->IssueRatingCode(&context, request, &code)
                    .ok());
    v1::RateCaseRequest rating;
    rating.set_case_id(case_id);
    rating.set_rating_code(code.rating_code());
    rating.set_satisfaction(v1::SATISFACTION_SATISFIED);
    v1::RateCaseResponse rated;
    grpc::ClientContext as_person;
    EXPECT_EQ(StubAs<v1::FeedbackService>("feedback", supervisor)->RateCase(&as_person, rating, &rated).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    v1::CaseCommandRequest close;
    close.mutable_close()->set_reason(v1::CaseClosed::REASON_RATED);
    EXPECT_EQ(Execute(Actor(v1::ROLE_SUPERVISOR, kTownship, "sup-1"), case_id, close).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(Projected(case_id).status(), v1::CASE_STATUS_RESOLVED) << "no person closed or rated it";
  }

  // The audit topic says who saw or changed the case: the refused verification by the other grid's worker, the
  // accepted one, the unmasked reads, and the refused rating code.
  std::vector<v1::AccessRecord> records;
  auto has = [&](auto&& pred) {
    for (const v1::AccessRecord& r : records) {
      if (pred(r)) return true;
    }
    return false;
  };
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        records = AccessRecords(case_id);
        return has([](const v1::AccessRecord& r) { return r.command() == "Resolve" && r.outcome() == "OK"; });
      },
      absl::Seconds(30)));
  EXPECT_TRUE(has([](const v1::AccessRecord& r) {
    return r.command() == "VerifyGrid" && r.outcome() == "PERMISSION_DENIED" && r.subject() == "p0002" &&
           r.role() == v1::ROLE_GRID_WORKER && r.unit() == kOtherGrid && r.service() == "dispatch" &&
           r.method() == "/gridcase.v1.DispatchService/ExecuteCommand" && !r.reason().empty() &&
           !r.request_id().empty() && absl::StartsWith(r.peer(), "ipv");
  }));
  EXPECT_TRUE(has([](const v1::AccessRecord& r) {
    return r.command() == "VerifyGrid" && r.outcome() == "OK" && r.subject() == "p0001";
  }));
  EXPECT_TRUE(has([](const v1::AccessRecord& r) {
    return r.method() == "/gridcase.v1.DispatchService/GetCase" && r.unmasked() && r.subject() == "p0001" &&
           r.kind() == v1::AccessRecord::KIND_READ;
  }));
  EXPECT_TRUE(has([](const v1::AccessRecord& r) {
    return r.method() == "/gridcase.v1.IntakeService/GetCase" && r.unmasked() && r.subject() == "operator-1";
  }));
  EXPECT_TRUE(has([](const v1::AccessRecord& r) {
    return r.command() == "IssueRatingCode" && r.outcome() == "PERMISSION_DENIED" && r.subject() == "sla";
  }));
  EXPECT_FALSE(has([](const v1::AccessRecord& r) {
    return r.method() == "/gridcase.v1.DispatchService/GetCase" && r.subject() == "sup-county" && r.unmasked();
  })) << "a masked read is not an unmasked one";

  // gridcase-access-log answers the same question from the command line.
  std::string command = absl::StrCat(testing::BinaryPath("libs/access_log/gridcase-access-log"),
                                     " --kafka_brokers=", testing::TestInfra().kafka_brokers,
                                     " --topic_prefix=", fleet_->prefix(), " --case_id=", case_id, " 2>/dev/null");
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  EXPECT_EQ(pclose(pipe), 0);
  EXPECT_TRUE(absl::StrContains(output, "p0002 ROLE_GRID_WORKER 330199001001002 "
                                        "/gridcase.v1.DispatchService/ExecuteCommand VerifyGrid"))
      << output;
  EXPECT_TRUE(absl::StrContains(output, "PERMISSION_DENIED")) << output;
  EXPECT_TRUE(absl::StrContains(output, "unmasked")) << output;
}

TEST_F(AccessE2eTest, EachPersonHasARateAndServicesAreNotLimited) {
  // A replica of dispatch whose persons may make 5 calls at once and one a minute after that (slow enough that a
  // loaded machine cannot refill the bucket between the fifth call and the sixth).
  ASSERT_TRUE(fleet_->Start("dispatch#limited", {"--person_rate_limit=0.016", "--person_burst=5"}).ok());
  const std::string case_id =
      Submit(TestIdentity::kHotlineCentre, testing::UniqueName("limit"), "翠苑一区地下车库积水");
  Projected(case_id);
  auto read = [&](const std::string& authorization) {
    grpc::ClientContext context;
    v1::GetCaseRequest request;
    request.set_case_id(case_id);
    v1::Case c;
    return StubWith<v1::DispatchService>("dispatch#limited", authorization)->GetCase(&context, request, &c);
  };
  const std::string supervisor = identity().Authorization(v1::ROLE_SUPERVISOR, kCounty, "sup-busy");
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(read(supervisor).ok()) << "call " << i << " is within the burst";
  grpc::Status refused = read(supervisor);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_TRUE(absl::StrContains(refused.error_message(), "retry in")) << refused.error_message();
  // Another person, and a service, are not held back by the busy one.
  EXPECT_TRUE(read(identity().Authorization(v1::ROLE_SUPERVISOR, kCounty, "sup-calm")).ok());
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(read(identity().ServiceAuthorization("notifier")).ok());
  // The refusal is on the access log like any other.
  ASSERT_TRUE(testing::WaitFor([&] {
    for (const v1::AccessRecord& r : AccessRecords(case_id)) {
      if (r.outcome() == "RESOURCE_EXHAUSTED" && r.subject() == "sup-busy") return true;
    }
    return false;
  }));
  fleet_->Stop("dispatch#limited");
}

TEST_F(AccessE2eTest, PersonKeysRotateWithoutARestart) {
  const std::string case_id =
      Submit(TestIdentity::kHotlineCentre, testing::UniqueName("rotate"), "翠苑一区路边树枝折断挡住人行道");
  Projected(case_id);
  const v1::Actor supervisor = Actor(v1::ROLE_SUPERVISOR, kCounty, "sup-county");
  const std::string old_token = identity().Authorization(supervisor);
  auto read = [&](const std::string& authorization) {
    grpc::ClientContext context;
    v1::GetCaseRequest request;
    request.set_case_id(case_id);
    v1::Case c;
    return StubWith<v1::DispatchService>("dispatch", authorization)->GetCase(&context, request, &c);
  };
  ASSERT_TRUE(read(old_token).ok());
  // A new key next to the old one: both verify once dispatch has polled the JWKS (--auth_reload_poll=200ms).
  auto new_kid = const_cast<TestIdentity&>(identity()).AddPersonKey();
  ASSERT_TRUE(new_kid.ok()) << new_kid.status();
  const std::string new_token = identity().Authorization(supervisor);
  ASSERT_NE(new_token, old_token);
  EXPECT_TRUE(testing::WaitFor([&] { return read(new_token).ok(); }, absl::Seconds(10)));
  EXPECT_TRUE(read(old_token).ok());
  // The old key retired and SIGHUP: its tokens are refused at once, the new key's still pass; no restart.
  ASSERT_TRUE(const_cast<TestIdentity&>(identity()).RetirePersonKey("person-1").ok());
  fleet_->Signal("dispatch", SIGHUP);
  EXPECT_TRUE(testing::WaitFor([&] { return read(old_token).error_code() == grpc::StatusCode::UNAUTHENTICATED; },
                               absl::Seconds(10)));
  EXPECT_TRUE(absl::StrContains(read(old_token).error_message(), "unknown signing key 'person-1'"))
      << read(old_token).error_message();
  EXPECT_TRUE(read(new_token).ok());
  EXPECT_TRUE(fleet_->Running("dispatch"));
}

}  // namespace
}  // namespace gridcase
