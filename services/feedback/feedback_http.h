#pragma once

#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "gridcase/v1/feedback.pb.h"
#include "libs/server/call_auth.h"
#include "libs/server/http_server_factory.h"
#include "services/feedback/feedback_front.h"
#include "services/feedback/rating_form.h"  // RatingFromFields, RatingFromJson: the POST /v1/ratings body.

namespace httplib {
class Server;
}

namespace gridcase::feedback {

struct FeedbackHttpOptions {
  std::string address = "127.0.0.1:0";  // host:port; port 0 picks a free port (see port()).
  int threads = 4;
  size_t max_body_bytes = 16 * 1024;
  server::HttpServerFactory make_server;  // Empty: a plain server.
  // Verifies the `Authorization: Bearer …` of the report and public-list requests (required).
  server::Authenticator authenticate;
  access::AccessLog* access_log = nullptr;  // Where refused requests are recorded; may be null.
};

// The HTTP face of feedback, for SMS/app callbacks, supervisors' browsers and the public site:
//
//   POST /v1/ratings        a resident's rating: form (application/x-www-form-urlencoded) or JSON, fields case_id,
//                           rating_code, satisfaction (满意 | 基本满意 | 不满意, SATISFIED | BASICALLY | DISSATISFIED,
//                           or 1 | 2 | 3), problem_solved (true/false, 1/0, 是/否), comment (optional)
//   GET  /v1/reports        ?from=YYYY-MM-DD&to=YYYY-MM-DD[&area=<code>][&format=json|csv|html]
//   GET  /v1/public/cases   ?[area=<code>][&page_size=N][&page_token=T]  晒单, resident data masked
//
// The rating needs only the resident's one-time code; the report and the public list need a bearer token (401
// without a valid one), and a report covers only the caller's area (403 outside it, access::ReportArea).
//
// Errors are JSON {"error": {"status": "INVALID_ARGUMENT", "field": "satisfaction", "message": "…"}} with HTTP 400
// (a bad field, named), 403 (wrong rating code), 404 (unknown case or path), 409 (rated already, window over, not
// awaiting a rating), 401 (no valid token), 413 (body too large), 415 (not form or JSON), 503 (dispatch or Redis
// unavailable: retry).
class FeedbackHttp {
 public:
  // Binds and starts serving; UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<FeedbackHttp>> Start(FeedbackHttpOptions options, FeedbackFront* front);
  ~FeedbackHttp();

  int port() const { return port_; }
  // Stops accepting connections and waits for the requests in flight. Idempotent.
  void Shutdown();

 private:
  FeedbackHttp(FeedbackHttpOptions options, FeedbackFront* front);
  void Route();

  FeedbackHttpOptions options_;
  FeedbackFront* front_;
  std::unique_ptr<httplib::Server> server_;
  std::thread listener_;
  int port_ = 0;
  bool shut_down_ = false;
};

// An error's JSON body (the field named when the message starts with "<field>: "); its HTTP status is
// server::ToHttpStatus.
std::string ErrorJson(const absl::Status& status);

}  // namespace gridcase::feedback
