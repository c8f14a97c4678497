#include "tools/gridctl/client/connection.h"

#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "libs/tls/grpc_credentials.h"
#include "libs/tls/tls_files.h"

namespace gridcase::gridctl {

std::vector<OptionSpec> Connection::Options() {
  std::vector<OptionSpec> specs;
  for (const std::string& service : KnownServices()) {
    specs.push_back({absl::StrCat(service, "_addr"), "HOST:PORT", absl::StrCat(service, "'s gRPC address"),
                     absl::StrCat("GRIDCASE_", absl::AsciiStrToUpper(service), "_ADDR")});
  }
  specs.push_back({"token", "JWT", "the caller's token (development: gridctl token ROLE UNIT)", "GRIDCASE_TOKEN"});
  specs.push_back({"tls_ca", "FILE", "speak TLS, verifying the services against this CA", "GRIDCASE_TLS_CA"});
  specs.push_back({"tls_cert", "FILE", "with --tls_ca: present this client certificate (a service's token)",
                   "GRIDCASE_TLS_CERT"});
  specs.push_back({"tls_key", "FILE", "the key of --tls_cert", "GRIDCASE_TLS_KEY"});
  specs.push_back({"timeout", "DURATION", "deadline of each call (default 10s)", "GRIDCASE_TIMEOUT"});
  return specs;
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::FromArgs(const Args& args) {
  std::unique_ptr<Connection> c(new Connection());
  for (const std::string& service : KnownServices()) {
    std::string address = args.Get(absl::StrCat(service, "_addr"));
    if (!address.empty()) c->addresses_[service] = address;
  }
  std::string token(absl::StripAsciiWhitespace(args.Get("token")));
  if (absl::StartsWithIgnoreCase(token, "bearer ")) token = std::string(absl::StripAsciiWhitespace(token.substr(7)));
  c->token_ = token;
  c->tls_ca_ = args.Get("tls_ca");
  c->tls_cert_ = args.Get("tls_cert");
  c->tls_key_ = args.Get("tls_key");
  if (c->tls_cert_.empty() != c->tls_key_.empty()) {
    return absl::InvalidArgumentError("--tls_cert and --tls_key go together");
  }
  if (!c->tls_cert_.empty() && c->tls_ca_.empty()) {
    return absl::InvalidArgumentError("--tls_cert needs --tls_ca (the CA the services' certificates chain to)");
  }
  for (const std::string* file : {&c->tls_ca_, &c->tls_cert_, &c->tls_key_}) {
    if (!file->empty() && !std::filesystem::exists(*file)) {
      return absl::InvalidArgumentError(absl::StrCat("TLS file ", *file, " does not exist"));
    }
  }
  auto timeout = args.Duration("timeout");
  if (!timeout.ok()) return timeout.status();
  if (timeout->has_value()) {
    if (**timeout <= absl::ZeroDuration()) return absl::InvalidArgumentError("--timeout: must be positive");
    c->timeout_ = **timeout;
  }
  return c;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> Connection::Channel(const std::string& service) {
  if (auto it = channels_.find(service); it != channels_.end()) return it->second;
  auto address = addresses_.find(service);
  if (address == addresses_.end()) {
    return absl::InvalidArgumentError(absl::StrCat("the address of ", service, " is not set: pass --", service,
                                                   "_addr=HOST:PORT or set GRIDCASE_",
                                                   absl::AsciiStrToUpper(service), "_ADDR"));
  }
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (tls_ca_.empty()) {
    credentials = grpc::InsecureChannelCredentials();
  } else if (tls_cert_.empty()) {
    credentials = tls::ServerVerifyingChannelCredentials(tls_ca_, absl::Minutes(10));
  } else {
    credentials = tls::ChannelCredentials(
        tls::TlsFiles{.cert = tls_cert_, .key = tls_key_, .ca = tls_ca_, .reload_poll = absl::Minutes(10)});
  }
  auto channel = grpc::CreateChannel(address->second, credentials);
  channels_[service] = channel;
  return channel;
}

std::unique_ptr<grpc::ClientContext> Connection::Context(absl::Duration timeout) const {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!token_.empty()) context->AddMetadata("authorization", absl::StrCat("Bearer ", token_));
  absl::Duration deadline = timeout == absl::ZeroDuration() ? timeout_ : timeout;
  if (deadline != absl::InfiniteDuration()) context->set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  return context;
}

absl::Status FromGrpc(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

}  // namespace gridcase::gridctl
