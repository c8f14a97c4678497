#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/notify/core/callback_sender.h"

namespace gridcase::notify {

// "https://host[:port]/path" split for cpp-httplib; INVALID_ARGUMENT when it is not such a URL.
struct HttpUrl {
  std::string scheme;       // "https" or "http"
  std::string host_port;    // "scheme://host:port", as httplib::Client takes it
  std::string path;         // "/…", "/" when absent
};
absl::StatusOr<HttpUrl> ParseHttpUrl(const std::string& url);

// HTTP(S) POSTs with cpp-httplib over OpenSSL: the server's certificate is verified against the system's CAs or
// `ca_file`; each call has `timeout` to connect and as much to read the answer. Plain http:// only when
// `allow_http` (development). Thread-safe: each call uses its own client.
class HttpsPoster : public HttpPoster {
 public:
  struct Options {
    std::string ca_file;  // Empty: the system's trust store.
    absl::Duration timeout = absl::Seconds(5);
    bool allow_http = false;
  };
  explicit HttpsPoster(Options options) : options_(std::move(options)) {}

  absl::StatusOr<int> Post(const std::string& url, const std::string& body,
                           const std::map<std::string, std::string>& headers) override;
  // GET, for gateways' look-ups; returns the status and body.
  absl::StatusOr<std::pair<int, std::string>> Get(const std::string& url,
                                                  const std::map<std::string, std::string>& headers);

 private:
  Options options_;
};

}  // namespace gridcase::notify
