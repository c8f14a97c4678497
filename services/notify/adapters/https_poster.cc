#include "services/notify/adapters/https_poster.h"

#include <httplib.h>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"

namespace gridcase::notify {
namespace {

template <typename Call>
auto WithClient(const HttpsPoster::Options& options, const HttpUrl& url, Call call) {
  httplib::Client client(url.host_port);
  if (url.scheme == "https") {
    client.enable_server_certificate_verification(true);
    if (!options.ca_file.empty()) client.set_ca_cert_path(options.ca_file.c_str());
  }
  const auto seconds = absl::ToInt64Seconds(options.timeout);
  const auto micros = absl::ToInt64Microseconds(options.timeout) % 1000000;
  client.set_connection_timeout(seconds, micros);
  client.set_read_timeout(seconds, micros);
  client.set_write_timeout(seconds, micros);
  return call(client);
}

httplib::Headers ToHeaders(const std::map<std::string, std::string>& headers) {
  httplib::Headers out;
  for (const auto& [name, value] : headers) {
    if (name != "Content-Type") out.emplace(name, value);
  }
  return out;
}

}  // namespace

absl::StatusOr<HttpUrl> ParseHttpUrl(const std::string& url) {
  HttpUrl out;
  absl::string_view rest = url;
  if (absl::ConsumePrefix(&rest, "https://")) {
    out.scheme = "https";
  } else if (absl::ConsumePrefix(&rest, "http://")) {
    out.scheme = "http";
  } else {
    return absl::InvalidArgumentError(absl::StrCat("\"", url, "\" is not an http(s) URL"));
  }
  const size_t slash = rest.find('/');
  absl::string_view host = rest.substr(0, slash);
  if (host.empty()) return absl::InvalidArgumentError(absl::StrCat("\"", url, "\" has no host"));
  out.host_port = absl::StrCat(out.scheme, "://", host);
  out.path = slash == absl::string_view::npos ? "/" : std::string(rest.substr(slash));
  return out;
}

absl::StatusOr<int> HttpsPoster::Post(const std::string& url, const std::string& body,
                                      const std::map<std::string, std::string>& headers) {
  auto parsed = ParseHttpUrl(url);
  if (!parsed.ok()) return parsed.status();
  if (parsed->scheme != "https" && !options_.allow_http) {
    return absl::FailedPreconditionError(absl::StrCat("plain http is not allowed: ", parsed->host_port));
  }
  auto content_type = headers.find("Content-Type");
  const std::string type = content_type == headers.end() ? "application/json" : content_type->second;
  return WithClient(options_, *parsed, [&](httplib::Client& client) -> absl::StatusOr<int> {
    httplib::Result result = client.Post(parsed->path, ToHeaders(headers), body, type);
    if (!result) {
      return absl::UnavailableError(
          absl::StrCat("no answer from ", parsed->host_port, ": ", httplib::to_string(result.error())));
    }
    return result->status;
  });
}

absl::StatusOr<std::pair<int, std::string>> HttpsPoster::Get(const std::string& url,
                                                             const std::map<std::string, std::string>& headers) {
  auto parsed = ParseHttpUrl(url);
  if (!parsed.ok()) return parsed.status();
  if (parsed->scheme != "https" && !options_.allow_http) {
    return absl::FailedPreconditionError(absl::StrCat("plain http is not allowed: ", parsed->host_port));
  }
  return WithClient(options_, *parsed, [&](httplib::Client& client) -> absl::StatusOr<std::pair<int, std::string>> {
    httplib::Result result = client.Get(parsed->path, ToHeaders(headers));
    if (!result) {
      return absl::UnavailableError(
          absl::StrCat("no answer from ", parsed->host_port, ": ", httplib::to_string(result.error())));
    }
    return std::make_pair(result->status, result->body);
  });
}

}  // namespace gridcase::notify
