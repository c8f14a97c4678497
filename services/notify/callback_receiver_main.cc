// gridcase-callback-receiver: a reference receiver of notify's callbacks (docs/NOTIFY.md, "Writing a receiver"), for
// the demo and for vendors to compare against. It verifies each callback's signature and timestamp, acknowledges a
// repeated event id without applying it again, and appends every applied callback to --log as one JSON line.
#include <httplib.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/config/config.h"
#include "nlohmann/json.hpp"
#include "services/notify/core/signature.h"

ABSL_FLAG(std::string, addr, "127.0.0.1:0", "Listen address host:port (port 0 picks one; printed as port=N)");
ABSL_FLAG(std::string, path, "/callbacks", "The callback path");
ABSL_FLAG(std::string, secret_file, "", "File holding the integration's HMAC secret");
ABSL_FLAG(std::string, log, "", "Applied callbacks are appended here, one JSON line each");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate to serve HTTPS with (with --tls_key); else plain HTTP");
ABSL_FLAG(std::string, tls_key, "", "PEM key of --tls_cert");
ABSL_FLAG(absl::Duration, max_skew, absl::Minutes(5), "Refuse timestamps further than this from the local clock");

namespace {

std::string ReadSecret(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string secret = text.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  return secret;
}

}  // namespace

int main(int argc, char** argv) {
  gridcase::config::ParseFlags(argc, argv, "gridcase-callback-receiver --secret_file=F --log=F [--addr=H:P]");
  const std::string secret = ReadSecret(absl::GetFlag(FLAGS_secret_file));
  auto hp = gridcase::config::ParseHostPort(absl::GetFlag(FLAGS_addr), "--addr");
  if (secret.empty() || !hp.ok() || absl::GetFlag(FLAGS_log).empty()) {
    std::fprintf(stderr, "gridcase-callback-receiver: --secret_file (non-empty), --log and a valid --addr are required\n");
    return 2;
  }
  std::unique_ptr<httplib::Server> server;
  if (!absl::GetFlag(FLAGS_tls_cert).empty()) {
    server = std::make_unique<httplib::SSLServer>(absl::GetFlag(FLAGS_tls_cert).c_str(),
                                                  absl::GetFlag(FLAGS_tls_key).c_str());
  } else {
    server = std::make_unique<httplib::Server>();
  }
  std::mutex mu;
  std::set<std::string> seen;
  std::map<std::string, int64_t> last_version;
  const std::string log_path = absl::GetFlag(FLAGS_log);
  const int64_t max_skew = absl::ToInt64Seconds(absl::GetFlag(FLAGS_max_skew));
  server->Post(absl::GetFlag(FLAGS_path), [&](const httplib::Request& request, httplib::Response& response) {
    const std::string timestamp = request.get_header_value("X-Gridcase-Timestamp");
    int64_t seconds = 0;
    if (!gridcase::notify::SignatureMatches(secret, timestamp, request.body,
                                            request.get_header_value("X-Gridcase-Signature")) ||
        !absl::SimpleAtoi(timestamp, &seconds) || std::abs(absl::ToUnixSeconds(absl::Now()) - seconds) > max_skew) {
      response.status = 401;
      return;
    }
    nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
    if (!body.is_object() || !body.contains("event_id") ||
        body["event_id"] != request.get_header_value("X-Gridcase-Event-Id")) {
      response.status = 400;
      return;
    }
    std::lock_guard<std::mutex> lock(mu);
    const std::string event_id = body["event_id"];
    if (seen.insert(event_id).second) {
      const std::string case_id = body.value("case_id", "");
      const int64_t version = body.value("case_version", int64_t{0});
      body["in_order"] = version == last_version[case_id] + 1;
      last_version[case_id] = std::max(last_version[case_id], version);
      std::ofstream(log_path, std::ios::app) << body.dump() << "\n";
    }
    response.status = 204;
  });
  const int port = hp->port == 0 ? server->bind_to_any_port(hp->host) : (server->bind_to_port(hp->host, hp->port) ? hp->port : -1);
  if (port <= 0) {
    std::fprintf(stderr, "gridcase-callback-receiver: cannot listen on %s\n", absl::GetFlag(FLAGS_addr).c_str());
    return 1;
  }
  std::printf("port=%d\n", port);
  std::fflush(stdout);
  server->listen_after_bind();  // Until SIGTERM.
  return 0;
}
