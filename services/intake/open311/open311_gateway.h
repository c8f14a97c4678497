#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/registry/registry_holder.h"
#include "libs/server/http_server_factory.h"
#include "services/intake/open311/api_key_store.h"
#include "services/intake/open311/open311_backend.h"
#include "services/intake/open311/open311_mapping.h"
#include "libs/ratelimit/rate_limiter.h"

namespace httplib {
class ContentReader;
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace gridcase::intake::open311 {

struct Open311GatewayOptions {
  std::string address = "127.0.0.1:0";  // host:port; port 0 picks a free port (see port()).
  // Larger bodies are refused with 413 before they are read to the end.
  size_t max_body_bytes = 64 * 1024;
  int threads = 8;  // HTTP worker threads (each serves one connection at a time).
  // The shared budget of reads without an api_key (GeoReport GETs are public); reads with a key use the key's own.
  RateLimit anonymous = {.rate_per_second = 20, .burst = 40};
  absl::TimeZone zone = CountyTimeZone();  // Offset of the datetimes written.
  std::function<absl::Time()> clock;       // Empty: absl::Now.
  server::HttpServerFactory make_server;   // Empty: a plain server.
};

// Open311 GeoReport v2 (JSON) gateway for hotline and app integrations, inside the intake process:
//
//   GET  /services.json                 the catalogue items that have an Open311 service code
//   GET  /services/{service_code}.json  a service definition (no attributes: metadata is false for every service)
//   POST /requests.json                 a new service request (application/x-www-form-urlencoded; api_key required)
//   GET  /requests.json                 requests by id list, or by service_code / status / start_date / end_date
//   GET  /requests/{id}.json            one request
//
// Errors are GeoReport lists, [{"code": 400, "description": "lat: must be within [-90, 90]"}], with the HTTP status
// of the same code: 400 (field and reason), 403 (missing or unknown api_key), 404 (unknown service, request,
// jurisdiction or endpoint), 413 (body over max_body_bytes), 415 (POST not form-encoded), 429 (rate limit, with
// Retry-After), 503 (intake unavailable: retry with the same external_id / Idempotency-Key). A refused request
// leaves nothing stored or published: authentication, the rate limit and every field check come before the one
// call into intake, which validates before it stores.
//
// Every request is charged to a token bucket: its API key's when it carries one, else the shared anonymous one.
// Each request authenticates against the key store's current keys, so keys replaced in the store (rotated) take
// effect from the next request. No key presented to the gateway appears in a reply, a log line or a metric.
// Thread-safe; the key store, the backend and the registry holder must outlive the gateway.
class Open311Gateway {
 public:
  // Binds and starts serving; UNAVAILABLE when the address cannot be bound, INVALID_ARGUMENT for bad options.
  static absl::StatusOr<std::unique_ptr<Open311Gateway>> Start(Open311GatewayOptions options, ApiKeyStore* keys,
                                                               Open311Backend* backend,
                                                               registry::RegistryHolder* registry);
  // Shuts down if not done yet.
  ~Open311Gateway();

  Open311Gateway(const Open311Gateway&) = delete;
  Open311Gateway& operator=(const Open311Gateway&) = delete;

  int port() const { return port_; }
  // Stops accepting connections and waits for the requests in flight. Idempotent.
  void Shutdown();

 private:
  // What a handler answers; the body is JSON.
  struct Reply {
    int http_status = 200;
    std::string body;
    std::string client;   // API key name, for the log; empty when anonymous.
    std::string case_id;  // For the log.
    absl::Duration retry_after = absl::ZeroDuration();
  };

  Open311Gateway(Open311GatewayOptions options, ApiKeyStore* keys, Open311Backend* backend,
                 registry::RegistryHolder* registry);

  void Route();
  // Runs a handler, writes its reply, and counts, times and logs the request.
  void Serve(const char* endpoint, httplib::Response& http_response, const std::function<Reply()>& handler);
  absl::Time Now() const;

  static Reply Failed(const absl::Status& status, std::string client = {},
                      absl::Duration retry_after = absl::ZeroDuration());
  // Authenticates (when the params carry an api_key, or always when `required`) and charges the rate limit; the
  // refusal to answer with, if any. `client` is set to the key's name, or left empty for an anonymous read.
  std::optional<Reply> Admit(const Params& params, bool required, std::string* client);
  // For reads: the query parameters (a repeat of a single-valued one is refused), then Admit.
  std::optional<Reply> AdmitRead(const httplib::Request& request, Params* params, std::string* client);

  Reply ListServices(const httplib::Request& request);
  Reply DescribeService(const httplib::Request& request);
  Reply ReceiveRequest(const httplib::Request& request, httplib::Response& response,
                       const httplib::ContentReader& content_reader);
  Reply SubmitRequest(const httplib::Request& request, const std::string& body);
  Reply ListRequests(const httplib::Request& request);
  Reply GetRequest(const httplib::Request& request);

  absl::StatusOr<std::vector<v1::Case>> CasesById(const std::vector<std::string>& case_ids);
  absl::StatusOr<std::vector<v1::Case>> CasesInWindow(const RequestQuery& query);

  Open311GatewayOptions options_;
  ApiKeyStore* keys_;
  Open311Backend* backend_;
  registry::RegistryHolder* registry_;
  ratelimit::RateLimiter limiter_;
  std::unique_ptr<httplib::Server> server_;
  std::thread listener_;
  int port_ = 0;
  bool shut_down_ = false;
};

}  // namespace gridcase::intake::open311
