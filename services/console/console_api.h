#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/feedback.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gridcase/v1/sla.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "libs/access/caller.h"
#include "libs/registry/org_registry.h"

namespace gridcase::console {

// What the console answers one API request with.
struct ApiReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
  std::map<std::string, std::string> headers;
};

// The gRPC services the console calls, each call carrying the person's own token (`authorization`, "Bearer …"): what
// a person sees and may do is decided by the services, never by the console.
struct Backends {
  std::unique_ptr<v1::IntakeService::StubInterface> intake;
  std::unique_ptr<v1::DispatchService::StubInterface> dispatch;
  std::unique_ptr<v1::SlaService::StubInterface> sla;
  std::unique_ptr<v1::FeedbackService::StubInterface> feedback;
  absl::Duration call_timeout = absl::Seconds(10);

  // A client context with the person's token and the call deadline.
  std::unique_ptr<grpc::ClientContext> Context(const std::string& authorization) const;
};

// The console's JSON API (docs: services/console/README.md): each method takes the verified caller and its
// authorization, calls the services as that person and renders their answers as JSON (protobuf's JSON mapping,
// field names as in the .proto files). Errors are {"error": {"status": "ABORTED", "message": "…"}} with the HTTP
// status of server::ToHttpStatus. No business rule lives here: scope, masking, allowed commands and clocks all come
// from the services. Thread-safe.
class ConsoleApi {
 public:
  // `backends` must outlive the API.
  ConsoleApi(const Backends* backends, std::shared_ptr<const registry::OrgRegistry> registry);

  // Replaces the registry (names, grid polygons) after a reload.
  void ReplaceRegistry(std::shared_ptr<const registry::OrgRegistry> registry);

  // GET /api/me: role, unit and the unit's name and level.
  ApiReply Me(const access::Caller& caller) const;
  // GET /api/registry: counties, townships, communities, grids (polygons, no members), departments, catalogue.
  ApiReply Registry() const;
  // GET /api/queue: the caller's unit's work queue (up to 500 cases), each case with its allowed commands and, for
  // the 80 most urgent, its clocks (null when sla cannot tell).
  ApiReply Queue(const access::Caller& caller, const std::string& authorization) const;
  // GET /api/cases/{id}: the case, its timeline, clocks and allowed commands.
  ApiReply Case(const std::string& authorization, const std::string& case_id) const;
  // POST /api/cases/{id}/commands: `body` is a CaseCommandRequest in JSON (its case_id is the path's).
  ApiReply Command(const std::string& authorization, const std::string& case_id, const std::string& body) const;
  // GET /api/cases: the cases the caller may read (intake ListCases, every page up to `limit` cases), with
  // `status` ("open": every state but CLOSED, INVALID, DUPLICATE) applied; `with_clocks`: also the clocks of the 80
  // unresolved cases due first, by case id; `with_allowed`: also the commands the caller may issue on the first 100
  // unresolved cases (dispatch ListAllowedCommands), by case id.
  ApiReply Cases(const std::string& authorization, const std::string& status, int limit, bool with_clocks,
                 bool with_allowed) const;
  // GET /api/overdue: the running clocks past their due time in the caller's area.
  ApiReply Overdue(const access::Caller& caller, const std::string& authorization) const;
  // GET /api/report?from&to&area&format: the statistical report; format "csv" is the CSV document as a download.
  ApiReply Report(const std::string& authorization, const std::string& from, const std::string& to,
                  const std::string& area, const std::string& format) const;

  // The area a supervisor or dispatcher watches: its own unit and everything under it.
  static v1::AreaFilter AreaOf(const access::Caller& caller);

 private:
  std::shared_ptr<const registry::OrgRegistry> registry() const;
  std::string UnitName(const std::string& code) const;

  const Backends* backends_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const registry::OrgRegistry> registry_ ABSL_GUARDED_BY(mu_);
  std::string registry_json_ ABSL_GUARDED_BY(mu_);
};

// {"error": {...}} with the HTTP status of `status`.
ApiReply ErrorReply(const absl::Status& status);
// The absl::Status of a gRPC answer: same code, same message.
absl::Status FromGrpc(const grpc::Status& status);
// protobuf's JSON of `message`, field names as in the .proto file.
std::string ToJson(const google::protobuf::Message& message);

}  // namespace gridcase::console
