#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_interceptor.h"
#include "libs/access/access_log.h"
#include "libs/access/caller.h"
#include "libs/ratelimit/rate_limiter.h"

namespace gridcase::server {

// Turns the `authorization` header of a call into its caller; UNAUTHENTICATED with the reason otherwise (a missing
// header arrives as an empty string).
using Authenticator = std::function<absl::StatusOr<access::Caller>(absl::string_view authorization)>;

struct CallAuthOptions {
  std::string service;          // "dispatch": recorded on every access record.
  Authenticator authenticate;   // Required.
  access::AccessLog* log = nullptr;  // Where access records go; must outlive the server. Null: none are written.
  // The calls each person may make (a token bucket per token subject); one beyond it is answered
  // RESOURCE_EXHAUSTED saying when to retry, before its handler acts. Services are not limited. Zero rate: no limit.
  ratelimit::RateLimit person_limit = {.rate_per_second = 50, .burst = 100};
  // Mutual TLS is on: a service token counts only on a connection whose client certificate (verified against the CA
  // by the transport) names the token's service (CheckServiceCertificate, libs/server/peer_certificate.h); otherwise
  // the call is UNAUTHENTICATED, saying what the connection presented. Persons' tokens need no certificate.
  bool service_certificates = false;
  // Methods that need no token: health, so that probes work, and server reflection, which only describes the API
  // and is switched off in production (--grpc_reflection=false).
  std::set<std::string> public_methods = {"/grpc.health.v1.Health/Check", "/grpc.health.v1.Health/Watch",
                                          "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"};
};

// One call as its handler sees it: who called (verified by the interceptor before the handler runs) and what the
// access record will say. Thread-safe.
class Call {
 public:
  Call(std::string service, std::string method) : service_(std::move(service)), method_(std::move(method)) {}

  // The verified caller, or UNAUTHENTICATED with the reason. Every handler asks before it acts or reads: a call
  // that never asked is answered UNAUTHENTICATED / INTERNAL by the interceptor, whatever the handler did.
  absl::StatusOr<access::Caller> caller();

  // What the access record says about the call.
  void SetCommand(std::string command);   // Makes it a command; recorded accepted or refused.
  void AddCase(std::string case_id);
  void MarkUnmasked();                    // The answer carried resident data unmasked: recorded.
  void SetRequestId(std::string request_id);

  // For the interceptor.
  // `caller`: what the handler gets; `identity`: who the token proved, recorded even when the call is refused (a
  // person over its rate).
  void SetCaller(absl::StatusOr<access::Caller> caller, std::optional<access::Caller> identity, std::string peer);
  bool asked() const;
  v1::AccessRecord Record(const grpc::Status& status) const;
  bool ShouldRecord(const grpc::Status& status) const;

 private:
  const std::string service_;
  const std::string method_;
  mutable absl::Mutex mu_;
  std::string peer_ ABSL_GUARDED_BY(mu_);
  std::optional<access::Caller> identity_ ABSL_GUARDED_BY(mu_);
  absl::StatusOr<access::Caller> caller_ ABSL_GUARDED_BY(mu_) = absl::UnauthenticatedError("missing bearer token");
  bool asked_ ABSL_GUARDED_BY(mu_) = false;
  std::string command_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> cases_ ABSL_GUARDED_BY(mu_);
  bool unmasked_ ABSL_GUARDED_BY(mu_) = false;
  std::string request_id_ ABSL_GUARDED_BY(mu_);
};

// The call being served on `context`; a call on a server without the interceptor gets one whose caller() is
// UNAUTHENTICATED ("this server does not authenticate"), so a handler never runs unauthenticated by mistake.
std::shared_ptr<Call> CallOf(const grpc::ServerContextBase* context);

// An HTTP request as a Call: its `Authorization` header verified by `authenticate`. The handler asks for the caller
// and annotates the call as a gRPC handler does, then hands its outcome to FinishHttpCall.
std::shared_ptr<Call> StartHttpCall(const Authenticator& authenticate, std::string service, std::string method,
                                    const std::string& authorization, std::string peer);
// Writes the call's access record to `log` (when not null) as the interceptor would for `outcome`.
void FinishHttpCall(access::AccessLog* log, const Call& call, const absl::Status& outcome);

// The interceptor every gridcase server installs (libs/service): verifies the bearer token of every call before its
// handler runs, refuses a non-public call whose handler did not ask for its caller, and writes the access record.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> CallAuthInterceptor(CallAuthOptions options);

}  // namespace gridcase::server
