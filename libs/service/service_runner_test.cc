#include "libs/service/service_runner.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/reflection.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "grpcpp/create_channel.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "libs/server/process_signals.h"
#include "libs/auth/test_keys.h"
#include "libs/testing/identity.h"
#include "libs/testing/process.h"
#include "libs/tls/grpc_credentials.h"

namespace gridcase::service {
namespace {

using Events = std::vector<std::string>;

class ServiceRunnerTest : public ::testing::Test {
 public:
  void Record(const std::string& event) {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(event);
  }

 protected:
  // Every thread the test starts inherits the blocked set, so the signals the test sends reach only Serve's wait.
  static void SetUpTestSuite() {
    server::BlockProcessSignals();
    static auth::testing::TempDir* dir = new auth::testing::TempDir();
    auto identity = gridcase::testing::TestIdentity::Create(dir->path());
    ASSERT_TRUE(identity.ok()) << identity.status();
    ASSERT_TRUE((*identity)->SetServiceFlags().ok());
  }

  ServiceRunner NewRunner(const std::string& grpc_addr = "127.0.0.1:0") {
    config::RuntimeConfig runtime;
    runtime.grpc_addr = grpc_addr;
    runtime.drain_timeout = absl::Seconds(1);
    auto security = ServerSecurity::FromFlags("test", runtime);
    EXPECT_TRUE(security.ok()) << security.status();
    return ServiceRunner("test", runtime, *security, 0);
  }

  std::vector<std::string> events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }

  std::mutex mu_;
  std::vector<std::string> events_;
};

TEST_F(ServiceRunnerTest, StopsComponentsInReverseOrderOfStartingOnSigterm) {
  ServiceRunner runner = NewRunner();
  ASSERT_TRUE(runner.Start("a", [&] { return Record("start a"), absl::OkStatus(); }, [&] { Record("stop a"); }).ok());
  absl::Notification stop_loop;
  runner.StartThread(
      "loop", [&] { stop_loop.WaitForNotification(); }, [&] { Record("stop loop"), stop_loop.Notify(); });
  runner.Started("c", [&] { Record("stop c"); });
  runner.OnDrain([&] { Record("drain"); });
  // Pending until Serve waits for it: the signal is blocked in every thread.
  ASSERT_EQ(kill(getpid(), SIGTERM), 0);
  EXPECT_EQ(runner.Serve({}), kExitStopped);
  EXPECT_EQ(events(), (Events{"start a", "drain", "stop c", "stop loop", "stop a"}));
}

TEST_F(ServiceRunnerTest, StopsTheGrpcServerBeforeEveryOtherComponent) {
  const int port = testing::FreePort();
  ServiceRunner runner = NewRunner(absl::StrCat("127.0.0.1:", port));
  auto connects = [port] {
    auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
    return channel->WaitForConnected(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  };
  runner.Started("probe", [&] { Record(connects() ? "probe: grpc up" : "probe: grpc stopped"); });
  runner.OnDrain([&] { Record(connects() ? "drain: grpc up" : "drain: grpc stopped"); });
  ASSERT_EQ(kill(getpid(), SIGTERM), 0);
  EXPECT_EQ(runner.Serve({}), kExitStopped);
  EXPECT_EQ(events(), (Events{"drain: grpc up", "probe: grpc stopped"}));
}

void SetFlag(const std::string& name, const std::string& value) {
  absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
  ASSERT_NE(flag, nullptr) << name;
  std::string error;
  ASSERT_TRUE(flag->ParseFrom(value, &error)) << name << ": " << error;
}

// "SERVING", or the status of the failed check.
std::string Health(const std::string& address, std::shared_ptr<grpc::ChannelCredentials> credentials) {
  auto stub = grpc::health::v1::Health::NewStub(grpc::CreateChannel(address, std::move(credentials)));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) return absl::StrCat("code ", status.error_code());
  return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status());
}

TEST_F(ServiceRunnerTest, WithTlsTheGrpcPortIsTlsOnlyAndTheHealthPortAnswersPlaintextProbes) {
  absl::FlagSaver restore;
  const std::string dir = absl::StrCat(::testing::TempDir(), "/runner-tls");
  const std::string issue = absl::StrCat(testing::SourcePath("scripts/certs"), " issue ", dir, " test >/dev/null 2>&1");
  ASSERT_EQ(std::system(issue.c_str()), 0);
  SetFlag("tls_cert", dir + "/test.pem");
  SetFlag("tls_key", dir + "/test.key");
  SetFlag("tls_ca", dir + "/ca.pem");
  const std::string health = absl::StrCat("127.0.0.1:", testing::FreePort());
  SetFlag("health_addr", health);
  const std::string grpc = absl::StrCat("127.0.0.1:", testing::FreePort());
  ServiceRunner runner = NewRunner(grpc);
  ASSERT_TRUE(runner.security().tls());
  runner.OnDrain([&] {
    Record("grpc plaintext: " + Health(grpc, grpc::InsecureChannelCredentials()));
    Record("grpc tls: " + Health(grpc, tls::ServerVerifyingChannelCredentials(dir + "/ca.pem", absl::Seconds(1))));
    Record("health plaintext: " + Health(health, grpc::InsecureChannelCredentials()));
  });
  ASSERT_EQ(kill(getpid(), SIGTERM), 0);
  EXPECT_EQ(runner.Serve({}), kExitStopped);
  EXPECT_EQ(events(), (Events{"grpc plaintext: code 14", "grpc tls: SERVING", "health plaintext: SERVING"}));
  EXPECT_EQ(Health(health, grpc::InsecureChannelCredentials()), "code 14");  // Stopped with the service.
}

TEST_F(ServiceRunnerTest, AGrpcServerThatCannotListenIsAStartupFailure) {
  ServiceRunner runner = NewRunner("256.0.0.1:1");
  runner.Started("a", [&] { Record("stop a"); });
  EXPECT_EQ(runner.Serve({}), kExitStartupFailed);
  EXPECT_EQ(events(), (Events{"stop a"}));
}

TEST_F(ServiceRunnerTest, StartupFailureStopsWhatStartedAndNamesTheExitCode) {
  {
    ServiceRunner runner = NewRunner();
    runner.Started("a", [&] { Record("stop a"); });
    runner.Started("b", [&] { Record("stop b"); });
    EXPECT_EQ(runner.StartupFailed("consumer", absl::UnavailableError("no broker")), kExitStartupFailed);
    EXPECT_EQ(events(), (Events{"stop b", "stop a"}));
  }
  ServiceRunner runner = NewRunner();
  runner.Started("c", [&] { Record("stop c"); });
  EXPECT_EQ(runner.BadConfig("parking", absl::InvalidArgumentError("--parking_poll: must be > 0")), kExitBadConfig);
  EXPECT_EQ(events(), (Events{"stop b", "stop a", "stop c"}));
}

TEST_F(ServiceRunnerTest, AFailedStartRegistersNothing) {
  ServiceRunner runner = NewRunner();
  absl::Status s = runner.Start("consumer", [] { return absl::UnavailableError("no broker"); }, [&] { Record("x"); });
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), "consumer: no broker");
  EXPECT_EQ(runner.StartupFailed("consumer", s), kExitStartupFailed);
  EXPECT_TRUE(events().empty());
}

TEST_F(ServiceRunnerTest, SighupReloadsTheRegistryAndServingContinues) {
  ServiceRunner runner = NewRunner();
  absl::Notification reloaded;
  std::atomic<int> reloads{0};
  runner.ReloadRegistry([&](const std::string& path) {
    Record("reload " + path);
    if (++reloads == 1) reloaded.Notify();
    return absl::OkStatus();
  });
  runner.Started("a", [&] { Record("stop a"); });
  std::thread signaller([&] {
    kill(getpid(), SIGHUP);
    if (reloaded.WaitForNotificationWithTimeout(absl::Seconds(30))) Record("reloaded");
    kill(getpid(), SIGTERM);
  });
  EXPECT_EQ(runner.Serve({}), kExitStopped);
  signaller.join();
  EXPECT_EQ(events(), (Events{"reload data/registry/sample-county.json", "reloaded", "stop a"}));
}

TEST_F(ServiceRunnerTest, AStartedHttpFrontDoorIsShutDownAtStop) {
  struct FrontDoor {
    ServiceRunnerTest* test;
    bool got_factory;
    void Shutdown() { test->Record(got_factory ? "front door shut down" : "no factory"); }
  };
  ServiceRunner runner = NewRunner();
  auto door = runner.StartHttp<FrontDoor>(
      "http", [this](server::HttpServerFactory factory) -> absl::StatusOr<std::unique_ptr<FrontDoor>> {
        return std::make_unique<FrontDoor>(FrontDoor{this, factory != nullptr});
      });
  ASSERT_TRUE(door.ok());
  ASSERT_EQ(kill(getpid(), SIGTERM), 0);
  EXPECT_EQ(runner.Serve({}), kExitStopped);
  EXPECT_EQ(events(), (Events{"front door shut down"}));
}

}  // namespace
}  // namespace gridcase::service
