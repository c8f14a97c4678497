#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"
#include "gridcase/v1/event.pb.h"
#include "libs/testing/identity.h"
#include "libs/testing/infra.h"
#include "libs/testing/process.h"

namespace gridcase::testing {

// gridcase's service processes, started as real binaries against the test run's Kafka broker and redis-server,
// isolated from other tests by a unique topic and key prefix.
class ServiceFleet {
 public:
  // A service is named by its binary; "<binary>#<n>" names another replica of it (e.g. "dispatch#2").
  // `name` is used for the prefix and the log files (build/test-logs/<name>-<service>.log).
  explicit ServiceFleet(const std::string& name);
  // The same against another Kafka broker and redis-server than the test run's (a suite that stops its own).
  ServiceFleet(const std::string& name, const Infra& infra);
  ~ServiceFleet();

  // Puts the services' own links on TLS; call before the first Start. Every service then starts with
  // --tls_cert/--tls_key/--tls_ca of its name (certificates of a CA of the fleet's own, made by `scripts/certs` in
  // cert_dir(), re-read every second), so its gRPC port and HTTP front doors speak TLS only and its calls to other
  // services use mutual TLS. The fleet's channels verify the services against that CA and present the certificate of
  // the service they act as (Channel(): the harness service's; ChannelAs: the actor's, none for a person).
  absl::Status UseTls();
  bool tls() const { return !cert_dir_.empty(); }
  // Where the fleet's CA (ca.pem) and certificates (<name>.pem, <name>.key) are; empty without TLS.
  const std::string& cert_dir() const { return cert_dir_; }
  // Runs `scripts/certs <verb> cert_dir() <names>…` ("issue", or "renew" for new certificates while services run).
  absl::Status Certs(const std::string& verb, const std::vector<std::string>& names) const;
  // The transport of a client acting as the service `service` (its certificate when it has one in cert_dir()), or
  // as a person (`service` empty): TLS verifying the server against the fleet's CA; plaintext without TLS.
  std::shared_ptr<grpc::ChannelCredentials> ClientCredentials(const std::string& service = "") const;
  // From the next Start on, services reach Kafka and Redis only over the secured endpoints of the infrastructure
  // (SecureInfraFlags: SASL_SSL with SCRAM, Redis over the TLS tunnel as its ACL user).
  void set_secure_infra(bool secure) { secure_infra_ = secure; }

  // Starts services/<service>/<service> and waits until its gRPC health check answers SERVING. `extra_args` come
  // last (a flag given again wins); `extra_env` is added to the environment (e.g. GRIDCASE_CRASH_AT).
  absl::Status Start(const std::string& service, const std::vector<std::string>& extra_args = {},
                     const std::map<std::string, std::string>& extra_env = {});
  // Starts the service again after it stopped or died, on the same ports with the same arguments and environment as
  // its last Start, except that `env_overrides` replace variables of its added environment (an empty value drops one).
  absl::Status Restart(const std::string& service, const std::map<std::string, std::string>& env_overrides = {});
  // Whether the service's process is running (false after it died by itself, was killed or stopped).
  bool Running(const std::string& service);
  // Waits until the service's process has exited by itself (a crash point), up to `timeout`; true if it did.
  bool WaitExited(const std::string& service, absl::Duration timeout);
  // SIGTERM and wait; returns the exit status.
  int Stop(const std::string& service);
  // SIGKILL: a crash.
  void Kill(const std::string& service);
  // Sends `signal` to a running service (SIGHUP: reload files).
  void Signal(const std::string& service, int signal);

  // A channel whose calls carry real tokens of the fleet's issuers, chosen per call as the test acts
  // (TestIdentity::ActingChannel: a command as the actor it names, a submission as its channel's caller, anything
  // else as the harness service).
  std::shared_ptr<grpc::Channel> Channel(const std::string& service) const;
  // A channel whose every call carries a token for `actor` (ROLE_SYSTEM: a service named by its person_id).
  std::shared_ptr<grpc::Channel> ChannelAs(const std::string& service, const v1::Actor& actor) const;
  std::string address(const std::string& service) const;
  const TestIdentity& identity() const { return *identity_; }
  // The sum of the service's /metrics samples whose series starts with `series` (a metric name, optionally with the
  // opening of its labels, e.g. `gridcase_intake_registry_reloads_total{outcome="failed"`); -1 if /metrics does not
  // answer.
  double Metric(const std::string& service, const std::string& series) const;
  int grpc_port(const std::string& service) const { return ports_.at(service); }
  // The service's process id while it runs; -1 when it is not started.
  int pid(const std::string& service) const;
  int metrics_port(const std::string& service) const { return metrics_ports_.at(service); }
  const std::string& prefix() const { return prefix_; }
  // The data master key file intake and dispatch are started with (made for the fleet).
  const std::string& data_master_key_file() const { return data_master_key_file_; }
  std::string log_path(const std::string& service) const;

 private:
  std::shared_ptr<grpc::ChannelCredentials> NewClientCredentials(const std::string& service) const;
  absl::Status Launch(const std::string& service, int port, int metrics_port, const std::vector<std::string>& extra_args,
                      const std::map<std::string, std::string>& extra_env);

  std::string name_;
  std::string prefix_;
  std::string cert_dir_;
  mutable absl::Mutex credentials_mu_;
  mutable std::map<std::string, std::shared_ptr<grpc::ChannelCredentials>> client_credentials_
      ABSL_GUARDED_BY(credentials_mu_);
  std::string data_master_key_file_;
  std::unique_ptr<TestIdentity> identity_;
  Infra infra_;
  bool secure_infra_ = false;
  // What each service was last started with, for Restart.
  std::map<std::string, std::vector<std::string>> extra_args_;
  std::map<std::string, std::map<std::string, std::string>> extra_env_;
  std::map<std::string, std::unique_ptr<ChildProcess>> processes_;
  std::map<std::string, int> ports_;
  std::map<std::string, int> metrics_ports_;
};

// Waits until the server at `target` answers grpc.health.v1 Check with SERVING.
bool WaitServing(const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout);

}  // namespace gridcase::testing
