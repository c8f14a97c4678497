#pragma once

#include <memory>
#include <set>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "libs/access/access_log.h"
#include "libs/server/call_auth.h"
#include "libs/server/http_server_factory.h"
#include "services/console/console_api.h"
#include "services/console/overdue_stream.h"

namespace httplib {
class Server;
}

namespace gridcase::console {

struct ConsoleHttpOptions {
  std::string address = "127.0.0.1:0";  // host:port; port 0 picks a free port (see port()).
  std::string web_dir;                  // The pages (index.html, app.js, style.css, …).
  int threads = 32;                     // Each open live feed holds one.
  server::HttpServerFactory make_server;  // Empty: a plain server.
  server::Authenticator authenticate;     // Verifies the `Authorization: Bearer …` of every /api request.
  access::AccessLog* access_log = nullptr;  // Where refused requests are recorded; may be null.
};

// The console's HTTP face:
//   GET  /, /app.js, …                  the pages, from the web folder (no token needed: they hold no data)
//   GET  /api/me                         who the token is: role, unit
//   GET  /api/registry                   units, grid polygons, departments, catalogue
//   GET  /api/queue                      the caller's unit's work queue with allowed commands and clocks
//   GET  /api/cases?status=open&limit=N&clocks=1&allowed=1  the cases the caller may read (and the clocks and the
//                                        allowed commands of those due first)
//   GET  /api/cases/{id}                 one case: fields, timeline, clocks, allowed commands
//   POST /api/cases/{id}/commands        a command (CaseCommandRequest JSON); ABORTED (409) for a stale version
//   GET  /api/overdue                    overdue clocks in the caller's area
//   GET  /api/overdue/stream             live warnings and breaches (text/event-stream, see OverdueStream)
//   GET  /api/report?from&to&area&format=json|csv
// Every /api request needs `Authorization: Bearer <token>` (401 otherwise) and is made to the services with it.
class ConsoleHttp {
 public:
  // Binds and starts serving; UNAVAILABLE when the address cannot be bound. `api` and `backends` must outlive it.
  static absl::StatusOr<std::unique_ptr<ConsoleHttp>> Start(ConsoleHttpOptions options, ConsoleApi* api,
                                                            const Backends* backends);
  ~ConsoleHttp();

  int port() const { return port_; }
  // Ends every live feed (each browser gets its `end` event), so that shutdown does not wait for them.
  void EndStreams();
  // Stops accepting connections and waits for the requests in flight. Idempotent.
  void Shutdown();

 private:
  ConsoleHttp(ConsoleHttpOptions options, ConsoleApi* api, const Backends* backends);
  void Route();

  ConsoleHttpOptions options_;
  ConsoleApi* api_;
  const Backends* backends_;
  std::unique_ptr<httplib::Server> server_;
  std::thread listener_;
  int port_ = 0;
  bool shut_down_ = false;
  absl::Mutex streams_mu_;
  std::set<std::shared_ptr<OverdueStream>> streams_ ABSL_GUARDED_BY(streams_mu_);
};

}  // namespace gridcase::console
