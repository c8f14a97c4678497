// 群众评单 end to end: intake, dispatch and feedback as processes on the real Kafka broker and redis-server. A case is
// driven to resolved by the sample registry's handlers, the resident rates it with a one-time code over gRPC and over
// the HTTP callback, and the outcome is checked in dispatch (the single writer of case versions): 满意 closes,
// 不满意 reopens to the same department, a second rating and a wrong code are refused, no rating in the window closes
// the case as not rated. The statistics and a hot-spot alert are checked on the report and the alerts topic.
#include <httplib.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/feedback.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/kafka/topic_reader.h"
#include "libs/testing/infra.h"
#include "libs/testing/process.h"
#include "libs/testing/wait.h"
#include "nlohmann/json.hpp"
#include "tests/support/case_calls.h"
#include "tests/support/sample_county.h"
#include "tests/support/service_fleet.h"

namespace gridcase {
namespace {

using testing::sample::kGrid;
using testing::sample::kCommunity;
using testing::sample::kTownship;
using testing::sample::kUrbanManagement;
using testing::sample::kManholeCover;
using testing::sample::Actor;


std::string Today() {
  absl::CivilDay day = absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(8 * 3600));
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

std::string Tomorrow() {
  absl::CivilDay day = absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(8 * 3600)) + 1;
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

class FeedbackE2eTest : public ::testing::Test {
 protected:
  // Starts every service: dispatch, intake, sla (its deadlines feed the 响应率) and feedback; `rating_window` is the
  // feedback rating window.
  void StartFleet(const std::string& name, const std::string& rating_window) {
    fleet_ = std::make_unique<testing::ServiceFleet>(name);
    ASSERT_TRUE(fleet_->Start("dispatch").ok());
    ASSERT_TRUE(fleet_->Start("intake").ok());
    ASSERT_TRUE(fleet_->Start("sla").ok());
    http_port_ = testing::FreePort();
    ASSERT_TRUE(
        fleet_
            ->Start("feedback", {absl::StrCat("--dispatch_addr=127.0.0.1:", fleet_->grpc_port("dispatch")),
                                 "--registry=" + testing::SourcePath("data/registry/sample-county.json"),
                                 absl::StrCat("--http_addr=127.0.0.1:", http_port_), "--rating_window=" + rating_window,
                                 "--settle_poll=200ms", "--settle_retry=2s"})
            .ok());
    intake_ = v1::IntakeService::NewStub(fleet_->Channel("intake"));
    dispatch_ = v1::DispatchService::NewStub(fleet_->Channel("dispatch"));
    feedback_ = v1::FeedbackService::NewStub(fleet_->Channel("feedback"));
  }

  v1::Case Get(const std::string& case_id) { return testing::DispatchedCase(*dispatch_, case_id); }

  std::vector<v1::CaseEvent> Timeline(const std::string& case_id) {
    grpc::ClientContext context;
    v1::GetCaseTimelineRequest request;
    request.set_case_id(case_id);
    v1::CaseTimeline timeline;
    EXPECT_TRUE(dispatch_->GetCaseTimeline(&context, request, &timeline).ok());
    return {timeline.events().begin(), timeline.events().end()};
  }

  void Run(const std::string& case_id, const v1::Actor& actor, v1::CaseCommandRequest request) {
    request.set_case_id(case_id);
    request.set_expected_version(Get(case_id).version());
    *request.mutable_actor() = actor;
    request.set_request_id(testing::UniqueName("req"));
    v1::CaseCommandResponse response;
    grpc::ClientContext context;
    grpc::Status status = dispatch_->ExecuteCommand(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // A resident's request, verified on the grid as a loose manhole cover.
  std::string SubmitAndVerify(const std::string& text) {
    const std::string id = testing::SubmitHotlineCase(*intake_, *dispatch_, "feedback", text).id();
    v1::CaseCommandRequest verify;
    verify.mutable_verify_grid()->set_grid_code(kGrid);
    verify.mutable_verify_grid()->set_category(v1::CATEGORY_SIMPLE);
    verify.mutable_verify_grid()->set_catalogue_item(kManholeCover);
    Run(id, Actor(v1::ROLE_GRID_WORKER, kGrid, "p0003"), verify);
    return id;
  }

  // Through the chain to resolved by the urban management bureau (by the catalogue).
  std::string Resolved(const std::string& text) {
    const std::string id = SubmitAndVerify(text);
    v1::CaseCommandRequest escalate;
    escalate.mutable_community_escalate()->set_reason("需要城管处置");
    Run(id, Actor(v1::ROLE_COMMUNITY, kCommunity, "c-staff-1"), escalate);
    v1::CaseCommandRequest dispatch;
    dispatch.mutable_township_dispatch();
    Run(id, Actor(v1::ROLE_TOWNSHIP_DISPATCHER, kTownship, "t-dispatcher-1"), dispatch);
    const v1::Actor urban = Actor(v1::ROLE_DEPARTMENT_HANDLER, kUrbanManagement, "zfj-handler-1");
    v1::CaseCommandRequest accept;
    accept.mutable_department_accept();
    Run(id, urban, accept);
    v1::CaseCommandRequest resolve;
    resolve.mutable_resolve()->set_reply("已更换井盖，回访电话13900001111");
    resolve.mutable_resolve()->set_contacted_resident(true);
    Run(id, urban, resolve);
    EXPECT_EQ(Get(id).status(), v1::CASE_STATUS_RESOLVED);
    return id;
  }

  v1::IssueRatingCodeResponse Issue(const std::string& case_id) {
    v1::IssueRatingCodeResponse response;
    EXPECT_TRUE(testing::WaitFor([&] {
      grpc::ClientContext context;
      v1::IssueRatingCodeRequest request;
      request.set_case_id(case_id);
      return feedback_->IssueRatingCode(&context, request, &response).ok();
    })) << case_id;
    return response;
  }

  grpc::Status Rate(const std::string& case_id, const std::string& code, v1::Satisfaction satisfaction, bool solved,
                    v1::RateCaseResponse* response, const std::string& comment = "") {
    v1::RateCaseRequest request;
    request.set_case_id(case_id);
    request.set_rating_code(code);
    request.set_satisfaction(satisfaction);
    request.set_problem_solved(solved);
    request.set_comment(comment);
    grpc::ClientContext context;
    return feedback_->RateCase(&context, request, response);
  }

  v1::Report Report(const std::string& area) {
    v1::GetReportRequest request;
    request.set_from(Today());
    request.set_to(Tomorrow());
    request.set_area(area);
    v1::GetReportResponse response;
    grpc::ClientContext context;
    EXPECT_TRUE(feedback_->GetReport(&context, request, &response).ok());
    return response.report();
  }

  std::unique_ptr<testing::ServiceFleet> fleet_;
  int http_port_ = 0;
  std::unique_ptr<v1::IntakeService::Stub> intake_;
  std::unique_ptr<v1::DispatchService::Stub> dispatch_;
  std::unique_ptr<v1::FeedbackService::Stub> feedback_;
};

TEST_F(FeedbackE2eTest, SatisfiedClosesOnceAndWrongCodesAreRefused) {
  StartFleet("feedback-satisfied", "1h");
  const std::string id = Resolved("人民路12号门口井盖松动，车辆经过哐哐响");
  v1::IssueRatingCodeResponse code = Issue(id);
  EXPECT_EQ(code.cycle(), 1);
  EXPECT_EQ(code.rating_code().size(), 8u);

  v1::RateCaseResponse response;
  grpc::Status wrong = Rate(id, "WRONG234", v1::SATISFACTION_SATISFIED, true, &response);
  EXPECT_EQ(wrong.error_code(), grpc::StatusCode::PERMISSION_DENIED) << wrong.error_message();
  EXPECT_EQ(Get(id).status(), v1::CASE_STATUS_RESOLVED);

  grpc::Status rated = Rate(id, code.rating_code(), v1::SATISFACTION_SATISFIED, true, &response);
  ASSERT_TRUE(rated.ok()) << rated.error_message();
  EXPECT_EQ(response.status(), v1::CASE_STATUS_CLOSED);
  EXPECT_FALSE(response.reopened());
  v1::Case closed = Get(id);
  EXPECT_EQ(closed.status(), v1::CASE_STATUS_CLOSED);
  std::vector<v1::CaseEvent> timeline = Timeline(id);
  ASSERT_GE(timeline.size(), 2u);
  EXPECT_EQ(timeline[timeline.size() - 2].resident_rated().satisfaction(), v1::SATISFACTION_SATISFIED);
  EXPECT_EQ(timeline[timeline.size() - 2].actor().unit_code(), "feedback");
  EXPECT_EQ(timeline.back().closed().reason(), v1::CaseClosed::REASON_RATED);

  grpc::Status again = Rate(id, code.rating_code(), v1::SATISFACTION_DISSATISFIED, false, &response);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << again.error_message();
  EXPECT_EQ(Get(id).version(), closed.version()) << "the second rating changed nothing";

  // The statistics, from the topics: one rating, 满意, solved; the department resolved one case.
  ASSERT_TRUE(testing::WaitFor([&] { return Report(kTownship).totals().rated() == 1; }, absl::Seconds(60)));
  v1::Report report = Report(kTownship);
  EXPECT_EQ(report.submitted(), 1);
  EXPECT_EQ(report.totals().satisfied(), 1);
  EXPECT_DOUBLE_EQ(report.totals().satisfaction_rate(), 1.0);
  EXPECT_DOUBLE_EQ(report.totals().resolution_rate(), 1.0);
  bool found = false;
  for (const v1::UnitStats& s : report.units()) {
    if (s.code() == kUrbanManagement) {
      found = true;
      EXPECT_EQ(s.resolved(), 1);
      EXPECT_EQ(s.rated(), 1);
      EXPECT_EQ(s.sign_offs_due(), 1);
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(FeedbackE2eTest, DissatisfiedReopensToTheSameDepartment) {
  StartFleet("feedback-reopen", "1h");
  const std::string id = Resolved("文一路88号人行道井盖破损，老人差点绊倒");
  v1::IssueRatingCodeResponse code = Issue(id);
  v1::RateCaseResponse response;
  grpc::Status rated =
      Rate(id, code.rating_code(), v1::SATISFACTION_DISSATISFIED, false, &response, "井盖还是晃，没修好");
  ASSERT_TRUE(rated.ok()) << rated.error_message();
  EXPECT_TRUE(response.reopened());
  EXPECT_FALSE(response.escalated());
  v1::Case reopened = Get(id);
  EXPECT_EQ(reopened.status(), v1::CASE_STATUS_DISPATCHED);
  EXPECT_EQ(reopened.department_code(), kUrbanManagement);
  EXPECT_EQ(reopened.holder_unit(), kUrbanManagement);
  EXPECT_EQ(reopened.cycle(), 2);
  EXPECT_EQ(reopened.reopen_count(), 1);
  std::vector<v1::CaseEvent> timeline = Timeline(id);
  EXPECT_EQ(timeline.back().reopened().department_code(), kUrbanManagement);
  EXPECT_NE(timeline.back().reopened().reason().find("没修好"), std::string::npos);
  grpc::Status again = Rate(id, code.rating_code(), v1::SATISFACTION_SATISFIED, true, &response);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << again.error_message();
  // The reopened case is not awaiting a rating: no code until the department resolves it again.
  grpc::ClientContext context;
  v1::IssueRatingCodeRequest request;
  request.set_case_id(id);
  v1::IssueRatingCodeResponse none;
  EXPECT_EQ(feedback_->IssueRatingCode(&context, request, &none).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(FeedbackE2eTest, HttpCallbackReportsAndPublicDisclosure) {
  StartFleet("feedback-http", "1h");
  const std::string id = Resolved("学院路3号井盖缺了一个角，压过去咣当响");
  v1::IssueRatingCodeResponse code = Issue(id);
  httplib::Client http("127.0.0.1", http_port_);
  http.set_read_timeout(30, 0);

  auto missing = http.Post(
      "/v1/ratings", httplib::Params{{"case_id", id}, {"rating_code", code.rating_code()}, {"problem_solved", "true"}});
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
  EXPECT_EQ(nlohmann::json::parse(missing->body)["error"]["field"], "satisfaction") << missing->body;

  auto wrong =
      http.Post("/v1/ratings",
                httplib::Params{
                    {"case_id", id}, {"rating_code", "ZZZZ2345"}, {"satisfaction", "满意"}, {"problem_solved", "是"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 403) << wrong->body;

  auto rated = http.Post("/v1/ratings", httplib::Params{{"case_id", id},
                                                        {"rating_code", code.rating_code()},
                                                        {"satisfaction", "基本满意"},
                                                        {"problem_solved", "是"},
                                                        {"comment", "处理及时"}});
  ASSERT_TRUE(rated);
  ASSERT_EQ(rated->status, 200) << rated->body;
  nlohmann::json body = nlohmann::json::parse(rated->body);
  EXPECT_EQ(body["status"], "CASE_STATUS_CLOSED");
  EXPECT_EQ(body["case_id"], id);
  EXPECT_EQ(Get(id).status(), v1::CASE_STATUS_CLOSED);

  nlohmann::json json_body = {
      {"case_id", id}, {"rating_code", code.rating_code()}, {"satisfaction", "不满意"}, {"problem_solved", false}};
  auto again = http.Post("/v1/ratings", json_body.dump(), "application/json");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409) << again->body;

  // The rating needed only the code; reports and the public list need a token.
  auto anonymous = http.Get(absl::StrCat("/v1/reports?from=", Today(), "&to=", Tomorrow()));
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401) << anonymous->body;
  EXPECT_EQ(anonymous->get_header_value("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(nlohmann::json::parse(anonymous->body)["error"]["message"], "missing bearer token");
  auto anonymous_list = http.Get(absl::StrCat("/v1/public/cases?area=", kTownship));
  ASSERT_TRUE(anonymous_list);
  EXPECT_EQ(anonymous_list->status, 401);
  httplib::Client other_township("127.0.0.1", http_port_);
  other_township.set_bearer_token_auth(
      fleet_->identity().Authorization(v1::ROLE_SUPERVISOR, "330199002", "sup-2").substr(7));
  auto outside = other_township.Get(absl::StrCat("/v1/reports?from=", Today(), "&to=", Tomorrow(), "&area=", kTownship));
  ASSERT_TRUE(outside);
  EXPECT_EQ(outside->status, 403) << outside->body;
  // The county's supervisor reads every report of the county.
  http.set_bearer_token_auth(fleet_->identity().Authorization(v1::ROLE_SUPERVISOR, "330199", "sup-county").substr(7));

  auto bad_report = http.Get("/v1/reports?from=yesterday&to=" + Tomorrow());
  ASSERT_TRUE(bad_report);
  EXPECT_EQ(bad_report->status, 400);
  EXPECT_EQ(nlohmann::json::parse(bad_report->body)["error"]["field"], "from");

  ASSERT_TRUE(
      testing::WaitFor([&] { return Report(kTownship).totals().basically_satisfied() == 1; }, absl::Seconds(60)));
  auto html =
      http.Get(absl::StrCat("/v1/reports?from=", Today(), "&to=", Tomorrow(), "&area=", kTownship, "&format=html"));
  ASSERT_TRUE(html);
  EXPECT_EQ(html->status, 200);
  EXPECT_EQ(html->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(html->body.find("<svg"), std::string::npos);
  EXPECT_NE(html->body.find("清波街道"), std::string::npos);
  auto csv = http.Get(absl::StrCat("/v1/reports?from=", Today(), "&to=", Tomorrow(), "&format=csv"));
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  EXPECT_NE(csv->body.find("unit,330199.zfj,"), std::string::npos);

  ASSERT_TRUE(testing::WaitFor([&] {
    auto listed = http.Get(absl::StrCat("/v1/public/cases?area=", kTownship));
    return listed && listed->status == 200 && listed->body.find(id) != std::string::npos;
  }));
  auto listed = http.Get(absl::StrCat("/v1/public/cases?area=", kTownship));
  nlohmann::json cases = nlohmann::json::parse(listed->body)["cases"];
  ASSERT_EQ(cases.size(), 1u) << listed->body;
  // Residents are sealed at rest and the public list never opens them: no name or phone, not even masked.
  EXPECT_EQ(cases[0]["resident_name"], "");
  EXPECT_EQ(cases[0]["resident_phone"], "");
  EXPECT_EQ(cases[0]["satisfaction"], "SATISFACTION_BASICALLY");
  EXPECT_EQ(cases[0]["reply"], "已更换井盖，回访电话139****1111");
  EXPECT_EQ(listed->body.find("13712345678"), std::string::npos);
  EXPECT_EQ(listed->body.find("小明"), std::string::npos);
}

TEST_F(FeedbackE2eTest, NoRatingInTheWindowClosesAsNotRated) {
  StartFleet("feedback-not-rated", "4s");
  const std::string id = Resolved("滨江路窨井盖松动，踩上去晃");
  ASSERT_TRUE(testing::WaitFor([&] { return Get(id).status() == v1::CASE_STATUS_CLOSED; }, absl::Seconds(60)))
      << "the settle loop closes the case once the window passes";
  std::vector<v1::CaseEvent> timeline = Timeline(id);
  EXPECT_EQ(timeline.back().closed().reason(), v1::CaseClosed::REASON_NOT_RATED);
  EXPECT_EQ(timeline.back().actor().unit_code(), "feedback");
  for (const v1::CaseEvent& e : timeline) EXPECT_FALSE(e.has_resident_rated());
  ASSERT_TRUE(testing::WaitFor([&] { return Report(kTownship).totals().not_rated() == 1; }, absl::Seconds(60)));
  EXPECT_EQ(Report(kTownship).totals().rated(), 0);
}

TEST_F(FeedbackE2eTest, ThreeCasesOfOneItemInOneGridRaiseOneAlert) {
  StartFleet("feedback-hot-spot", "1h");
  const std::string topic = fleet_->prefix() + "gridcase.alerts.v1";
  auto alerts = [&] {
    std::vector<v1::HotSpotAlert> out;
    absl::Status s = kafka::ReadTopics(testing::TestInfra().kafka_brokers, {topic}, [&](const kafka::Message& m) {
      v1::HotSpotAlert alert;
      if (!alert.ParseFromString(m.value)) return absl::DataLossError("not an alert");
      EXPECT_EQ(m.key, kGrid);
      out.push_back(alert);
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  };
  std::vector<std::string> ids;
  for (const char* text : {"井盖翘起来了，很危险", "窨井盖松动，踩上去晃", "有个井盖缺了一角"}) {
    ids.push_back(SubmitAndVerify(text));
  }
  ASSERT_TRUE(testing::WaitFor([&] { return !alerts().empty(); }, absl::Seconds(60)));
  std::vector<v1::HotSpotAlert> raised = alerts();
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].grid_code(), kGrid);
  EXPECT_EQ(raised[0].catalogue_item(), kManholeCover);
  EXPECT_EQ(raised[0].case_count(), 3);
  EXPECT_EQ(std::vector<std::string>(raised[0].case_ids().begin(), raised[0].case_ids().end()), ids);
  // A fourth in the same window raises nothing more; the report lists the alert and the hot spot.
  SubmitAndVerify("又一个井盖坏了");
  ASSERT_TRUE(testing::WaitFor([&] { return Report(kGrid).submitted() == 4; }, absl::Seconds(60)));
  v1::Report report = Report(kGrid);
  EXPECT_EQ(report.alerts_size(), 1);
  ASSERT_GE(report.hot_spots_size(), 1);
  EXPECT_EQ(report.hot_spots(0).count(), 4);
  EXPECT_EQ(alerts().size(), 1u);
}

}  // namespace
}  // namespace gridcase
