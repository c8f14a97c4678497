#include "tests/support/service_fleet.h"

#include <httplib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "libs/privacy/master_keys.h"
#include "libs/testing/identity.h"
#include "libs/testing/infra.h"
#include "libs/tls/grpc_credentials.h"

namespace gridcase::testing {

bool WaitServing(const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  grpc::GenericStub stub(channel);
  while (absl::Now() < deadline) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
    grpc::CompletionQueue cq;
    grpc::Slice empty("");
    grpc::ByteBuffer request(&empty, 1);  // grpc.health.v1.HealthCheckRequest{service: ""}
    auto call = stub.PrepareUnaryCall(&context, "/grpc.health.v1.Health/Check", request, &cq);
    call->StartCall();
    grpc::ByteBuffer response;
    grpc::Status status;
    call->Finish(&response, &status, reinterpret_cast<void*>(1));
    void* tag = nullptr;
    bool ok = false;
    cq.Next(&tag, &ok);
    cq.Shutdown();
    while (cq.Next(&tag, &ok)) {
    }
    if (status.ok()) {
      std::vector<grpc::Slice> slices;
      (void)response.Dump(&slices);
      std::string bytes;
      for (const grpc::Slice& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
      if (bytes == std::string("\x08\x01", 2)) return true;  // HealthCheckResponse{status: SERVING}
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

ServiceFleet::ServiceFleet(const std::string& name) : ServiceFleet(name, TestInfra()) {}

ServiceFleet::ServiceFleet(const std::string& name, const Infra& infra)
    : name_(name), prefix_(UniqueName(name) + "."), infra_(infra) {
  std::filesystem::create_directories(BinaryPath("test-logs"));
  // The fleet's own issuers and keys: every service trusts them, every call of the test carries a token of them.
  std::string keys = BinaryPath(absl::StrCat("test-logs/", prefix_, "keys"));
  std::filesystem::create_directories(keys);
  auto identity = TestIdentity::Create(keys);
  if (!identity.ok()) {
    std::fprintf(stderr, "ServiceFleet: cannot create the test identity: %s\n", identity.status().ToString().c_str());
    std::abort();
  }
  identity_ = *std::move(identity);
  // The fleet's own data master keys (resident data at rest).
  data_master_key_file_ = absl::StrCat(keys, "/data-master-keys.json");
  auto master_keys = privacy::MasterKeys::NewFile("m1");
  std::ofstream out(data_master_key_file_, std::ios::trunc);
  if (!master_keys.ok() || !(out << *master_keys) || !out.flush()) {
    std::fprintf(stderr, "ServiceFleet: cannot write the data master key file\n");
    std::abort();
  }
}

ServiceFleet::~ServiceFleet() {
  for (auto& [service, process] : processes_) process->Terminate();
}

std::string ServiceFleet::log_path(const std::string& service) const {
  return BinaryPath(absl::StrCat("test-logs/", name_, "-", service, ".log"));
}

// The certificates a TLS fleet issues: the services', the harness service's and the front ends' that submit.
constexpr const char* kCertificateNames[] = {"dispatch", "intake", "sla", "feedback", TestIdentity::kHarnessService,
                                             "app", "open311"};

absl::Status ServiceFleet::UseTls() {
  if (!ports_.empty()) return absl::FailedPreconditionError("UseTls before the first Start");
  cert_dir_ = BinaryPath(absl::StrCat("test-logs/", prefix_, "certs"));
  if (absl::Status issued = Certs("issue", {std::begin(kCertificateNames), std::end(kCertificateNames)});
      !issued.ok()) {
    cert_dir_.clear();
    return issued;
  }
  identity_->SetTransport([this](const std::string& service) { return ClientCredentials(service); });
  return absl::OkStatus();
}

absl::Status ServiceFleet::Certs(const std::string& verb, const std::vector<std::string>& names) const {
  if (cert_dir_.empty()) return absl::FailedPreconditionError("the fleet has no TLS (UseTls)");
  std::string command = absl::StrCat(SourcePath("scripts/certs"), " ", verb, " ", cert_dir_);
  for (const std::string& name : names) absl::StrAppend(&command, " ", name);
  absl::StrAppend(&command, " >>", BinaryPath(absl::StrCat("test-logs/", name_, "-certs.log")), " 2>&1");
  if (int status = std::system(command.c_str()); status != 0) {
    return absl::InternalError(absl::StrCat(command, " exited with ", status));
  }
  return absl::OkStatus();
}

std::shared_ptr<grpc::ChannelCredentials> ServiceFleet::ClientCredentials(const std::string& service) const {
  if (cert_dir_.empty()) return grpc::InsecureChannelCredentials();
  // One per identity: each watches its files with a thread of its own.
  absl::MutexLock lock(&credentials_mu_);
  std::shared_ptr<grpc::ChannelCredentials>& credentials = client_credentials_[service];
  if (credentials == nullptr) credentials = NewClientCredentials(service);
  return credentials;
}

std::shared_ptr<grpc::ChannelCredentials> ServiceFleet::NewClientCredentials(const std::string& service) const {
  const std::string ca = absl::StrCat(cert_dir_, "/ca.pem");
  const std::string cert = absl::StrCat(cert_dir_, "/", service, ".pem");
  if (service.empty() || !std::filesystem::exists(cert)) {
    return tls::ServerVerifyingChannelCredentials(ca, absl::Seconds(1));
  }
  return tls::ChannelCredentials(
      tls::TlsFiles{.cert = cert, .key = absl::StrCat(cert_dir_, "/", service, ".key"), .ca = ca,
                    .reload_poll = absl::Seconds(1)});
}

absl::Status ServiceFleet::Start(const std::string& service, const std::vector<std::string>& extra_args,
                                 const std::map<std::string, std::string>& extra_env) {
  return Launch(service, FreePort(), FreePort(), extra_args, extra_env);
}

absl::Status ServiceFleet::Restart(const std::string& service,
                                   const std::map<std::string, std::string>& env_overrides) {
  if (!ports_.contains(service)) return absl::FailedPreconditionError(absl::StrCat(service, " was never started"));
  if (Running(service)) return absl::FailedPreconditionError(absl::StrCat(service, " is running"));
  processes_.erase(service);
  std::map<std::string, std::string> env = extra_env_[service];
  for (const auto& [key, value] : env_overrides) {
    if (value.empty()) {
      env.erase(key);
    } else {
      env[key] = value;
    }
  }
  std::vector<std::string> args = extra_args_[service];
  return Launch(service, ports_.at(service), metrics_ports_.at(service), args, env);
}

int ServiceFleet::pid(const std::string& service) const {
  auto it = processes_.find(service);
  return it == processes_.end() ? -1 : static_cast<int>(it->second->pid());
}

bool ServiceFleet::Running(const std::string& service) {
  auto it = processes_.find(service);
  return it != processes_.end() && it->second->running();
}

absl::Status ServiceFleet::Launch(const std::string& service, int port, int metrics_port,
                                  const std::vector<std::string>& extra_args,
                                  const std::map<std::string, std::string>& extra_env) {
  const Infra& infra = infra_;
  extra_args_[service] = extra_args;
  extra_env_[service] = extra_env;
  std::vector<std::string> args = {
      absl::StrCat("--grpc_addr=127.0.0.1:", port),       absl::StrCat("--metrics_addr=127.0.0.1:", metrics_port),
      absl::StrCat("--kafka_brokers=", infra.kafka_brokers), absl::StrCat("--redis_addr=", infra.redis_addr),
      absl::StrCat("--topic_prefix=", prefix_),            absl::StrCat("--redis_prefix=", prefix_),
      "--partitions=3",                                    "--drain_timeout=2s"};
  // "dispatch#2" is a second replica of dispatch: same binary, same topics and keys, its own ports and log.
  const std::string binary = service.substr(0, service.find('#'));
  if (binary == "dispatch" || binary == "intake" || binary == "feedback") {
    args.push_back("--registry=" + SourcePath("data/registry/sample-county.json"));
  }
  if (binary == "dispatch" || binary == "intake" || binary == "notify") {
    args.push_back("--data_master_key_file=" + data_master_key_file_);
  }
  if (binary == "notify" && ports_.contains("feedback")) {
    args.push_back(absl::StrCat("--feedback_addr=127.0.0.1:", ports_.at("feedback")));
  }
  if (binary == "intake") {
    args.push_back("--classification_rules=" + SourcePath("services/intake/classification-rules.json"));
    args.push_back("--classification_examples=" + SourcePath("services/intake/classification-examples.tsv"));
    args.push_back("--sla_policy=" + SourcePath("services/sla/sla-policy.json"));
    args.push_back("--holiday_files=" + SourcePath("services/sla/data/cn-holidays-2026.tsv"));
    if (ports_.contains("dispatch")) args.push_back(absl::StrCat("--dispatch_addr=127.0.0.1:", ports_.at("dispatch")));
  }
  if (tls()) {
    args.push_back(absl::StrCat("--tls_cert=", cert_dir_, "/", binary, ".pem"));
    args.push_back(absl::StrCat("--tls_key=", cert_dir_, "/", binary, ".key"));
    args.push_back(absl::StrCat("--tls_ca=", cert_dir_, "/ca.pem"));
    args.push_back("--tls_reload_poll=1s");
  }
  if (secure_infra_) {
    std::vector<std::string> secure = SecureInfraFlags(infra);
    args.insert(args.end(), secure.begin(), secure.end());
  }
  std::vector<std::string> identity_flags = identity_->ServiceFlags();
  args.insert(args.end(), identity_flags.begin(), identity_flags.end());
  // Load and race tests act as a few persons at hundreds of calls a second; the per-person limit is tested on its own.
  args.push_back("--person_rate_limit=0");
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  auto process = ChildProcess::Start(BinaryPath(absl::StrCat("services/", binary, "/", binary)), args, extra_env,
                                     log_path(service));
  if (!process.ok()) return process.status();
  processes_[service] = *std::move(process);
  ports_[service] = port;
  metrics_ports_[service] = metrics_port;
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (!WaitServing(Channel(service), absl::Milliseconds(500))) {
    // A process that died while starting (a crash point reached during start-up) will not serve: say so at once.
    if (!processes_.at(service)->running()) {
      return absl::AbortedError(absl::StrCat(service, " exited before it became SERVING; see ", log_path(service)));
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(absl::StrCat(service, " did not become SERVING; see ", log_path(service)));
    }
  }
  return absl::OkStatus();
}

int ServiceFleet::Stop(const std::string& service) {
  auto it = processes_.find(service);
  if (it == processes_.end()) return -1;
  int status = it->second->Terminate();
  processes_.erase(it);
  return status;
}

bool ServiceFleet::WaitExited(const std::string& service, absl::Duration timeout) {
  auto it = processes_.find(service);
  if (it == processes_.end()) return true;
  const absl::Time deadline = absl::Now() + timeout;
  while (it->second->running()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(20));
  }
  processes_.erase(it);
  return true;
}

void ServiceFleet::Kill(const std::string& service) {
  auto it = processes_.find(service);
  if (it == processes_.end()) return;
  it->second->Kill();
  processes_.erase(it);
}

void ServiceFleet::Signal(const std::string& service, int signal) {
  auto it = processes_.find(service);
  if (it != processes_.end()) it->second->Signal(signal);
}

double ServiceFleet::Metric(const std::string& service, const std::string& series) const {
  httplib::Client client("127.0.0.1", metrics_ports_.at(service));
  client.set_connection_timeout(5);
  client.set_read_timeout(5);
  httplib::Result response = client.Get("/metrics");
  if (!response || response->status != 200) return -1;
  double sum = 0;
  std::istringstream lines(response->body);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#' || !line.starts_with(series)) continue;
    size_t space = line.rfind(' ');
    if (space != std::string::npos) sum += std::strtod(line.c_str() + space + 1, nullptr);
  }
  return sum;
}

std::shared_ptr<grpc::Channel> ServiceFleet::Channel(const std::string& service) const {
  return identity_->ActingChannel(address(service));
}

std::shared_ptr<grpc::Channel> ServiceFleet::ChannelAs(const std::string& service, const v1::Actor& actor) const {
  return identity_->ChannelAs(address(service), actor);
}

std::string ServiceFleet::address(const std::string& service) const {
  return absl::StrCat("127.0.0.1:", ports_.at(service));
}

}  // namespace gridcase::testing
