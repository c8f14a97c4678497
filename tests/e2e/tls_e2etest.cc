// Transport security end to end, every link on TLS: the four services as processes, each with a certificate of a
// local CA (scripts/certs) on its gRPC port and HTTP front doors, reaching the real Kafka broker only over SASL_SSL
// (SCRAM) and the real redis-server only through its TLS tunnel as its ACL user (the secured endpoints of
// scripts/infra). The whole chain runs over TLS
// (a submission over gRPC, verification, dispatch, acceptance, resolution, the resident's rating over HTTPS, which
// feedback carries to dispatch over mutual TLS); a plaintext client and a client certificate of another CA are
// refused; a service token counts only on a connection whose client certificate names that service (gRPC and
// HTTPS); certificates renewed while the services run are served on new connections without a restart.
#include <httplib.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/feedback.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gridcase/v1/sla.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "libs/server/service_channel.h"
#include "libs/testing/infra.h"
#include "libs/testing/process.h"
#include "libs/testing/wait.h"
#include "libs/tls/grpc_credentials.h"
#include "libs/tls/pem.h"
#include "libs/tls/probe.h"
#include "nlohmann/json.hpp"
#include "services/intake/open311/api_keys.h"
#include "tests/support/case_calls.h"
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

constexpr char kOpen311Key[] = "tls-e2e-open311-key-0123456789abcdefghijk";
constexpr char kNoSuchCase[] = "GC-20260101-999999";

class TlsE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fleet_ = new testing::ServiceFleet("tls");
    ASSERT_TRUE(fleet_->UseTls().ok());
    fleet_->set_secure_infra(true);
    const std::string keys = testing::BinaryPath(absl::StrCat("test-logs/", fleet_->prefix(), "open311-keys.json"));
    std::ofstream(keys) << "["
                        << intake::open311::HashedKeyEntry("tls-e2e", kOpen311Key, "salt-tls-e2e-0123",
                                                           {.rate_per_second = 100, .burst = 100})
                        << "]";
    http_port_ = testing::FreePort();
    open311_port_ = testing::FreePort();
    ASSERT_TRUE(fleet_->Start("dispatch").ok());
    const std::string dispatch = absl::StrCat("--dispatch_addr=", fleet_->address("dispatch"));
    ASSERT_TRUE(fleet_->Start("intake", {dispatch, absl::StrCat("--open311_addr=127.0.0.1:", open311_port_),
                                         absl::StrCat("--open311_keys=", keys)})
                    .ok());
    ASSERT_TRUE(fleet_->Start("sla").ok());
    ASSERT_TRUE(fleet_->Start("feedback", {dispatch, absl::StrCat("--http_addr=127.0.0.1:", http_port_),
                                           "--rating_window=1h", "--settle_poll=200ms", "--settle_retry=2s"})
                    .ok());
  }
  static void TearDownTestSuite() {
    delete fleet_;
    fleet_ = nullptr;
  }

  static std::string Ca() { return fleet_->cert_dir() + "/ca.pem"; }

  // A channel of its own connection (not shared with the fleet's other channels) whose calls carry `authorization`
  // over `transport`.
  static std::shared_ptr<grpc::Channel> FreshChannel(const std::string& service, const std::string& authorization,
                                                     std::shared_ptr<grpc::ChannelCredentials> transport) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    if (authorization.empty()) return grpc::CreateCustomChannel(fleet_->address(service), transport, args);
    return server::AuthorizedChannel(
        fleet_->address(service), [authorization] { return absl::StatusOr<std::string>(authorization); },
        std::move(transport));
  }

  // Dispatch's answer to GetCase of a case that does not exist, called with `authorization` over `transport`.
  static grpc::Status GetMissingCase(const std::string& authorization,
                                     std::shared_ptr<grpc::ChannelCredentials> transport) {
    auto dispatch = v1::DispatchService::NewStub(FreshChannel("dispatch", authorization, std::move(transport)));
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    v1::GetCaseRequest request;
    request.set_case_id(kNoSuchCase);
    v1::Case answer;
    return dispatch->GetCase(&context, request, &answer);
  }

  // The serial of the certificate dispatch's gRPC port presents on a new connection, as gRPC's own client saw it.
  static std::string DispatchSerial() {
    auto channel = FreshChannel("dispatch", "", fleet_->ClientCredentials());
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    v1::GetCaseRequest request;
    request.set_case_id(kNoSuchCase);
    v1::Case answer;
    grpc::Status status = v1::DispatchService::NewStub(channel)->GetCase(&context, request, &answer);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
    std::shared_ptr<const grpc::AuthContext> peer = context.auth_context();
    if (peer == nullptr) return "";
    std::vector<grpc::string_ref> pem = peer->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
    if (pem.empty()) return "";
    absl::StatusOr<tls::X509Ptr> certificate = tls::ParsePemCertificate(std::string(pem[0].data(), pem[0].size()));
    return certificate.ok() ? tls::SerialHex(certificate->get()) : "";
  }

  static httplib::Client Https(int port) {
    httplib::Client client(absl::StrCat("https://127.0.0.1:", port));
    client.set_ca_cert_path(Ca().c_str());
    client.enable_server_certificate_verification(true);
    client.set_read_timeout(30, 0);
    return client;
  }

  void Run(v1::DispatchService::Stub& dispatch, const std::string& case_id, const v1::Actor& actor,
           v1::CaseCommandRequest request) {
    request.set_case_id(case_id);
    request.set_expected_version(testing::DispatchedCase(dispatch, case_id).version());
    *request.mutable_actor() = actor;
    request.set_request_id(testing::UniqueName("req"));
    v1::CaseCommandResponse response;
    grpc::ClientContext context;
    grpc::Status status = dispatch.ExecuteCommand(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // A hotline case submitted over gRPC and taken through the chain to resolved by the urban management bureau.
  std::string Resolved(const std::string& text) {
    auto intake = v1::IntakeService::NewStub(fleet_->Channel("intake"));
    auto dispatch = v1::DispatchService::NewStub(fleet_->Channel("dispatch"));
    const std::string id = testing::SubmitHotlineCase(*intake, *dispatch, "tls", text).id();
    if (id.empty()) return "";
    v1::CaseCommandRequest verify;
    verify.mutable_verify_grid()->set_grid_code(kGrid);
    verify.mutable_verify_grid()->set_category(v1::CATEGORY_SIMPLE);
    verify.mutable_verify_grid()->set_catalogue_item(kManholeCover);
    Run(*dispatch, id, Actor(v1::ROLE_GRID_WORKER, kGrid, "p0003"), verify);
    v1::CaseCommandRequest escalate;
    escalate.mutable_community_escalate()->set_reason("需要城管处置");
    Run(*dispatch, id, Actor(v1::ROLE_COMMUNITY, kCommunity, "c-staff-1"), escalate);
    v1::CaseCommandRequest township;
    township.mutable_township_dispatch();
    Run(*dispatch, id, Actor(v1::ROLE_TOWNSHIP_DISPATCHER, kTownship, "t-dispatcher-1"), township);
    const v1::Actor urban = Actor(v1::ROLE_DEPARTMENT_HANDLER, kUrbanManagement, "zfj-handler-1");
    v1::CaseCommandRequest accept;
    accept.mutable_department_accept();
    Run(*dispatch, id, urban, accept);
    v1::CaseCommandRequest resolve;
    resolve.mutable_resolve()->set_reply("已更换井盖");
    resolve.mutable_resolve()->set_contacted_resident(true);
    Run(*dispatch, id, urban, resolve);
    EXPECT_EQ(testing::DispatchedCase(*dispatch, id).status(), v1::CASE_STATUS_RESOLVED);
    return id;
  }

  // The resident's one-time code, as the notifier (the harness service, over its own certificate) asks for it.
  std::string RatingCode(const std::string& case_id) {
    auto feedback = v1::FeedbackService::NewStub(fleet_->Channel("feedback"));
    v1::IssueRatingCodeResponse response;
    grpc::Status status;
    EXPECT_TRUE(testing::WaitFor([&] {
      grpc::ClientContext context;
      v1::IssueRatingCodeRequest request;
      request.set_case_id(case_id);
      status = feedback->IssueRatingCode(&context, request, &response);
      return status.ok();
    })) << case_id << ": " << status.error_message();
    return response.rating_code();
  }

  static testing::ServiceFleet* fleet_;
  static int http_port_;
  static int open311_port_;
};

testing::ServiceFleet* TlsE2eTest::fleet_ = nullptr;
int TlsE2eTest::http_port_ = 0;
int TlsE2eTest::open311_port_ = 0;

TEST_F(TlsE2eTest, TheChainRunsOverTls) {
  const std::string id = Resolved("学院路5号井盖松动，走过会响");
  ASSERT_FALSE(id.empty());
  const std::string code = RatingCode(id);
  ASSERT_FALSE(code.empty());

  // The resident rates over HTTPS (no client certificate); feedback closes the case in dispatch over mutual TLS.
  httplib::Client http = Https(http_port_);
  auto rated = http.Post("/v1/ratings", httplib::Params{{"case_id", id},
                                                        {"rating_code", code},
                                                        {"satisfaction", "满意"},
                                                        {"problem_solved", "是"}});
  ASSERT_TRUE(rated) << httplib::to_string(rated.error());
  ASSERT_EQ(rated->status, 200) << rated->body;
  EXPECT_EQ(nlohmann::json::parse(rated->body)["status"], "CASE_STATUS_CLOSED") << rated->body;
  auto dispatch = v1::DispatchService::NewStub(fleet_->Channel("dispatch"));
  EXPECT_EQ(testing::DispatchedCase(*dispatch, id).status(), v1::CASE_STATUS_CLOSED);

  // SLA keeps its clocks of the case and answers over TLS.
  auto sla = v1::SlaService::NewStub(
      fleet_->ChannelAs("sla", Actor(v1::ROLE_TOWNSHIP_DISPATCHER, kTownship, "t-dispatcher-1")));
  grpc::Status clocks_status;
  EXPECT_TRUE(testing::WaitFor([&] {
    grpc::ClientContext context;
    v1::GetCaseClocksRequest request;
    request.set_case_id(id);
    v1::CaseClocks clocks;
    clocks_status = sla->GetCaseClocks(&context, request, &clocks);
    return clocks_status.ok() && clocks.case_id() == id;
  })) << clocks_status.error_message();

  // Intake's Open311 front door is HTTPS too.
  httplib::Client open311 = Https(open311_port_);
  auto services = open311.Get(absl::StrCat("/services.json?api_key=", kOpen311Key));
  ASSERT_TRUE(services) << httplib::to_string(services.error());
  EXPECT_EQ(services->status, 200) << services->body;
}

TEST_F(TlsE2eTest, PlaintextClientsAndCertificatesOfAnotherCaAreRefused) {
  for (const std::string service : {"dispatch", "intake", "sla", "feedback"}) {
    EXPECT_FALSE(testing::WaitServing(grpc::CreateChannel(fleet_->address(service), grpc::InsecureChannelCredentials()),
                                      absl::Seconds(2)))
        << service << " answered a plaintext client";
    EXPECT_TRUE(testing::WaitServing(grpc::CreateChannel(fleet_->address(service), fleet_->ClientCredentials()),
                                     absl::Seconds(10)))
        << service << " did not answer over TLS";
  }
  const std::string person = fleet_->identity().Authorization(v1::ROLE_TOWNSHIP_DISPATCHER, kTownship, "t-1");
  grpc::Status plaintext = GetMissingCase(person, grpc::InsecureChannelCredentials());
  EXPECT_EQ(plaintext.error_code(), grpc::StatusCode::UNAVAILABLE) << plaintext.error_message();

  // A client certificate of another CA, even with the right name, fails the handshake.
  const std::string other = testing::BinaryPath(absl::StrCat("test-logs/", fleet_->prefix(), "other-ca"));
  ASSERT_EQ(std::system(absl::StrCat(testing::SourcePath("scripts/certs"), " issue ", other,
                                     " notifier >/dev/null 2>&1")
                            .c_str()),
            0);
  grpc::Status foreign = GetMissingCase(
      fleet_->identity().ServiceAuthorization(TestIdentity::kHarnessService),
      tls::ChannelCredentials(
          tls::TlsFiles{.cert = other + "/notifier.pem", .key = other + "/notifier.key", .ca = Ca()}));
  EXPECT_EQ(foreign.error_code(), grpc::StatusCode::UNAVAILABLE) << foreign.error_message();

  // Plain HTTP to the HTTPS front doors gets no answer.
  for (int port : {http_port_, open311_port_}) {
    httplib::Client plain("127.0.0.1", port);
    plain.set_read_timeout(5, 0);
    auto answer = plain.Get(absl::StrCat("/services.json?api_key=", kOpen311Key));
    EXPECT_TRUE(!answer || answer->status >= 400) << port << " answered plain HTTP with " << answer->status;
  }
}

TEST_F(TlsE2eTest, AServiceTokenCountsOnlyWithThatServicesCertificate) {
  const std::string notifier = fleet_->identity().ServiceAuthorization(TestIdentity::kHarnessService);

  grpc::Status without = GetMissingCase(notifier, fleet_->ClientCredentials());
  EXPECT_EQ(without.error_code(), grpc::StatusCode::UNAUTHENTICATED) << without.error_message();
  EXPECT_TRUE(absl::StrContains(without.error_message(), "needs the client certificate of 'notifier'"))
      << without.error_message();

  grpc::Status other = GetMissingCase(notifier, fleet_->ClientCredentials("feedback"));
  EXPECT_EQ(other.error_code(), grpc::StatusCode::UNAUTHENTICATED) << other.error_message();
  EXPECT_TRUE(absl::StrContains(other.error_message(), "presented one of 'feedback'")) << other.error_message();

  // A rating code is a service's to ask for: without the notifier's certificate its token is refused.
  auto feedback =
      v1::FeedbackService::NewStub(FreshChannel("feedback", notifier, fleet_->ClientCredentials("intake")));
  grpc::ClientContext context;
  v1::IssueRatingCodeRequest request;
  request.set_case_id(kNoSuchCase);
  v1::IssueRatingCodeResponse response;
  grpc::Status code = feedback->IssueRatingCode(&context, request, &response);
  EXPECT_EQ(code.error_code(), grpc::StatusCode::UNAUTHENTICATED) << code.error_message();

  // So on HTTPS: feedback's report API refuses the notifier's token without the notifier's certificate.
  const std::string report = "/v1/reports?from=2026-01-01&to=2026-01-02";
  httplib::Client anonymous_tls = Https(http_port_);
  anonymous_tls.set_bearer_token_auth(notifier.substr(std::string("Bearer ").size()));
  auto refused = anonymous_tls.Get(report);
  ASSERT_TRUE(refused) << httplib::to_string(refused.error());
  EXPECT_EQ(refused->status, 401) << refused->body;
  EXPECT_TRUE(absl::StrContains(refused->body, "needs the client certificate of 'notifier'")) << refused->body;
  httplib::Client with_certificate(absl::StrCat("https://127.0.0.1:", http_port_),
                                   fleet_->cert_dir() + "/notifier.pem", fleet_->cert_dir() + "/notifier.key");
  with_certificate.set_ca_cert_path(Ca().c_str());
  with_certificate.set_bearer_token_auth(notifier.substr(std::string("Bearer ").size()));
  auto accepted = with_certificate.Get(report);
  ASSERT_TRUE(accepted) << httplib::to_string(accepted.error());
  EXPECT_EQ(accepted->status, 200) << accepted->body;

  // With its own certificate the service is who its token says; a person needs no certificate.
  grpc::Status own = GetMissingCase(notifier, fleet_->ClientCredentials(TestIdentity::kHarnessService));
  EXPECT_EQ(own.error_code(), grpc::StatusCode::NOT_FOUND) << own.error_message();
  const std::string person = fleet_->identity().Authorization(v1::ROLE_TOWNSHIP_DISPATCHER, kTownship, "t-1");
  grpc::Status as_person = GetMissingCase(person, fleet_->ClientCredentials());
  EXPECT_EQ(as_person.error_code(), grpc::StatusCode::NOT_FOUND) << as_person.error_message();
}

TEST_F(TlsE2eTest, AServiceWithPartOfTheTlsSettingsDoesNotStart) {
  // The fleet's --tls_key given again, empty: a certificate and a CA without a key.
  absl::Status started = fleet_->Start("sla#partial", {"--tls_key="});
  EXPECT_FALSE(started.ok());
  EXPECT_EQ(WEXITSTATUS(fleet_->Stop("sla#partial")), 2);  // Misconfigured: a restart will not help.
  std::ifstream log(fleet_->log_path("sla#partial"));
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(absl::StrContains(text, "--tls_key is required")) << text;
}

TEST_F(TlsE2eTest, RenewedCertificatesAreServedWithoutARestart) {
  const std::string grpc_before = DispatchSerial();
  ASSERT_FALSE(grpc_before.empty());
  absl::StatusOr<tls::PresentedCertificate> http_before = tls::ProbeCertificate("127.0.0.1", http_port_, Ca());
  ASSERT_TRUE(http_before.ok()) << http_before.status();
  EXPECT_EQ(http_before->common_name, "feedback");

  ASSERT_TRUE(fleet_->Certs("renew", {"dispatch", "feedback", "intake", TestIdentity::kHarnessService}).ok());

  // HTTPS: the next handshake already serves the new certificate.
  absl::StatusOr<tls::PresentedCertificate> http_after = tls::ProbeCertificate("127.0.0.1", http_port_, Ca());
  ASSERT_TRUE(http_after.ok()) << http_after.status();
  EXPECT_NE(http_after->serial, http_before->serial);
  EXPECT_EQ(http_after->common_name, "feedback");
  // gRPC: from the next check of the files (--tls_reload_poll=1s) on.
  std::string grpc_after;
  EXPECT_TRUE(testing::WaitFor([&] { return (grpc_after = DispatchSerial()) != grpc_before; },
                               absl::Seconds(20)))
      << "dispatch still serves " << grpc_before;

  // The same processes, and the chain still runs: the renewed client certificates prove the services to each other.
  for (const std::string service : {"dispatch", "intake", "sla", "feedback"}) EXPECT_TRUE(fleet_->Running(service));
  const std::string id = Resolved("学院路7号窨井盖松动，踩上去晃");
  ASSERT_FALSE(id.empty());
  const std::string code = RatingCode(id);
  auto feedback = v1::FeedbackService::NewStub(fleet_->Channel("feedback"));
  v1::RateCaseRequest rate;
  rate.set_case_id(id);
  rate.set_rating_code(code);
  rate.set_satisfaction(v1::SATISFACTION_SATISFIED);
  rate.set_problem_solved(true);
  v1::RateCaseResponse rated;
  grpc::ClientContext context;
  grpc::Status status = feedback->RateCase(&context, rate, &rated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  auto dispatch = v1::DispatchService::NewStub(fleet_->Channel("dispatch"));
  EXPECT_EQ(testing::DispatchedCase(*dispatch, id).status(), v1::CASE_STATUS_CLOSED);
}

}  // namespace
}  // namespace gridcase
