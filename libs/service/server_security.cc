#include "libs/service/server_security.h"

#include <httplib.h>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/security/server_credentials.h"
#include "libs/access_log/kafka_access_log.h"
#include "libs/events/topics.h"
#include "libs/kafka/producer.h"
#include "libs/server/peer_certificate.h"
#include "libs/server/service_auth.h"
#include "libs/tls/grpc_credentials.h"
#include "libs/tls/https_server.h"
#include "libs/tls/tls_files.h"
#include "nlohmann/json.hpp"

ABSL_FLAG(double, person_rate_limit, 50,
          "gRPC calls a second each person (token subject) may make; more are RESOURCE_EXHAUSTED (0: no limit)");
ABSL_FLAG(double, person_burst, 100, "Calls a person may make at once above --person_rate_limit");

namespace gridcase::service {
namespace {

// Mutual TLS proves a service identity on HTTP as on gRPC: a request whose bearer token is a service's is answered
// 401 unless its connection's client certificate names that service. Other requests go on to the front door, which
// authenticates them itself.
httplib::Server::HandlerResponse CheckHttpServiceCertificate(const std::string& service,
                                                             const server::Authenticator& authenticate,
                                                             access::AccessLog* log, const httplib::Request& req,
                                                             httplib::Response& res) {
  const std::string authorization = req.get_header_value("Authorization");
  if (authorization.empty()) return httplib::Server::HandlerResponse::Unhandled;
  absl::StatusOr<access::Caller> caller = authenticate(authorization);
  if (!caller.ok() || !caller->service) return httplib::Server::HandlerResponse::Unhandled;
  absl::Status proven = server::CheckServiceCertificate(tls::ClientCertificateNames(req.ssl), caller->person_id);
  if (proven.ok()) return httplib::Server::HandlerResponse::Unhandled;
  std::shared_ptr<server::Call> call =
      server::StartHttpCall(authenticate, service, absl::StrCat(req.method, " ", req.path), authorization,
                            absl::StrCat("ipv4:", req.remote_addr));
  server::FinishHttpCall(log, *call, proven);
  res.status = 401;
  res.set_header("WWW-Authenticate", "Bearer");
  const nlohmann::json body = {
      {"error", {{"status", "UNAUTHENTICATED"}, {"message", std::string(proven.message())}}}};
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
  return httplib::Server::HandlerResponse::Handled;
}

}  // namespace

struct ServerSecurity::Parts {
  std::unique_ptr<server::ServiceAuth> auth;
  server::Authenticator authenticate;
  // Declared before the log: the log goes first, then the producer flushes what it wrote.
  std::unique_ptr<kafka::Producer> audit_producer;
  std::unique_ptr<access_log::KafkaAccessLog> log;
  std::shared_ptr<grpc::experimental::ServerInterceptorFactoryInterface> interceptor;
  std::optional<tls::TlsFiles> tls;  // nullopt: plaintext.
  std::shared_ptr<grpc::ServerCredentials> server_credentials;
  std::shared_ptr<grpc::ChannelCredentials> channel_credentials;
  server::HttpServerFactory http_servers;
};

absl::StatusOr<ServerSecurity> ServerSecurity::FromFlags(const std::string& service,
                                                         const config::RuntimeConfig& runtime) {
  auto parts = std::make_shared<Parts>();
  absl::StatusOr<std::optional<tls::TlsFiles>> tls = tls::TlsFilesFromFlags();
  if (!tls.ok()) return tls.status();
  parts->tls = *std::move(tls);
  parts->server_credentials = tls::ServerCredentials(parts->tls);
  parts->channel_credentials = tls::ChannelCredentials(parts->tls);
  auto auth = server::ServiceAuth::FromFlags(service, /*needs_own_token=*/false);
  if (!auth.ok()) return auth.status();
  parts->auth = *std::move(auth);
  parts->authenticate = parts->auth->authenticator();
  // Access records carry their record_id and their readers show each id once: written at least once (see
  // kafka::ProducerOptions::idempotent).
  auto producer = kafka::Producer::Create({.brokers = kafka::Cluster(runtime.kafka_brokers, runtime.kafka_client_props),
                                           .client_id = "gridcase-" + service + "-audit",
                                           .idempotent = false,
                                           .topics = {events::Topics(runtime.topic_prefix).audit()}});
  if (!producer.ok()) return producer.status();
  parts->audit_producer = *std::move(producer);
  parts->log = std::make_unique<access_log::KafkaAccessLog>(parts->audit_producer.get(),
                                                            events::Topics(runtime.topic_prefix).audit());
  const double rate = absl::GetFlag(FLAGS_person_rate_limit);
  const double burst = absl::GetFlag(FLAGS_person_burst);
  if (rate < 0 || (rate > 0 && burst < 1)) {
    return absl::InvalidArgumentError("--person_rate_limit must be >= 0 and --person_burst >= 1");
  }
  parts->interceptor = server::CallAuthInterceptor({.service = service,
                                                    .authenticate = parts->authenticate,
                                                    .log = parts->log.get(),
                                                    .person_limit = {.rate_per_second = rate, .burst = burst},
                                                    .service_certificates = parts->tls.has_value()});
  if (parts->tls.has_value()) {
    absl::StatusOr<server::HttpServerFactory> https = tls::HttpsServers(*parts->tls);
    if (!https.ok()) return https.status();
    // The parts outlive every server (the runner owns the security and stops its front doors first).
    const Parts* raw = parts.get();
    parts->http_servers = [https = *std::move(https), service, raw]() {
      std::unique_ptr<httplib::Server> server = https();
      server->set_pre_routing_handler([service, raw](const httplib::Request& req, httplib::Response& res) {
        return CheckHttpServiceCertificate(service, raw->authenticate, raw->log.get(), req, res);
      });
      return server;
    };
  } else {
    parts->http_servers = server::PlainHttpServer;
  }
  return ServerSecurity(std::move(parts));
}

void ServerSecurity::ApplyTo(server::GrpcServerOptions& options) const {
  options.credentials = parts_->server_credentials;
  options.interceptors.push_back(parts_->interceptor);
}

server::HttpServerFactory ServerSecurity::HttpServers() const { return parts_->http_servers; }

std::shared_ptr<grpc::ChannelCredentials> ServerSecurity::ChannelCredentials() const {
  return parts_->channel_credentials;
}

bool ServerSecurity::tls() const { return parts_->tls.has_value(); }

const server::Authenticator& ServerSecurity::authenticator() const { return parts_->authenticate; }

access::AccessLog* ServerSecurity::access_log() const { return parts_->log.get(); }

absl::StatusOr<server::CredentialSource> ServerSecurity::OwnCredential() const {
  server::ServiceAuth* auth = parts_->auth.get();
  if (absl::StatusOr<std::string> first = auth->OwnAuthorization(); !first.ok()) return first.status();
  std::shared_ptr<Parts> keep = parts_;
  return server::CredentialSource([keep] { return keep->auth->OwnAuthorization(); });
}

absl::Status ServerSecurity::ReloadKeys() const { return parts_->auth->Reload(); }

}  // namespace gridcase::service
