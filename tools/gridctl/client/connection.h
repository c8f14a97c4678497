#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "tools/gridctl/core/args.h"

namespace gridcase::gridctl {

// The gRPC services gridctl calls, by the name their address option and variable use (--dispatch_addr,
// GRIDCASE_DISPATCH_ADDR). A new service's subcommands add its name here.
inline const std::vector<std::string>& KnownServices() {
  static const std::vector<std::string> services = {"intake", "dispatch", "sla", "feedback", "notify"};
  return services;
}

// How gridctl reaches the services: their addresses, the caller's token, TLS as the services use it, a deadline.
// Options: --<service>_addr (GRIDCASE_<SERVICE>_ADDR), --token (GRIDCASE_TOKEN; "Bearer " optional), --tls_ca
// (GRIDCASE_TLS_CA: speak TLS and verify the services against this CA), --tls_cert/--tls_key (GRIDCASE_TLS_CERT,
// _KEY: present this certificate, for a service's token under mutual TLS), --timeout (per call, default 10s).
class Connection {
 public:
  static std::vector<OptionSpec> Options();
  // INVALID_ARGUMENT naming the option when one is malformed.
  static absl::StatusOr<std::unique_ptr<Connection>> FromArgs(const Args& args);

  // A channel to `service`; INVALID_ARGUMENT saying which option or variable to set when its address is missing.
  absl::StatusOr<std::shared_ptr<grpc::Channel>> Channel(const std::string& service);
  // A context carrying the token and a deadline of --timeout (or `timeout` when given; InfiniteDuration: none).
  std::unique_ptr<grpc::ClientContext> Context(absl::Duration timeout = absl::ZeroDuration()) const;
  bool has_token() const { return !token_.empty(); }
  absl::Duration timeout() const { return timeout_; }

 private:
  Connection() = default;
  std::map<std::string, std::string> addresses_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
  std::string token_;
  std::string tls_ca_;
  std::string tls_cert_;
  std::string tls_key_;
  absl::Duration timeout_ = absl::Seconds(10);
};

// A gRPC status as an absl::Status (same code and message).
absl::Status FromGrpc(const grpc::Status& status);

}  // namespace gridcase::gridctl
