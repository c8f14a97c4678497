#include "tests/fault/private_infra.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/testing/process.h"

namespace gridcase::testing {

absl::StatusOr<std::string> RunCommand(const std::string& command) {
  FILE* pipe = popen(absl::StrCat(command, " 2>&1").c_str(), "r");
  if (pipe == nullptr) return absl::InternalError(absl::StrCat("cannot run: ", command));
  std::string output;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
  int status = pclose(pipe);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat("`", command, "` failed (status ", status, "): ", output));
  }
  return output;
}

absl::StatusOr<std::unique_ptr<PrivateInfra>> PrivateInfra::Start(const std::string& state_dir, int brokers) {
  auto output = RunCommand(absl::StrCat(SourcePath("scripts/infra"), " start '", state_dir, "'",
                                        brokers > 1 ? absl::StrCat(" --brokers ", brokers) : ""));
  if (!output.ok()) return output.status();
  Infra infra;
  for (absl::string_view line : absl::StrSplit(*output, '\n')) {
    if (absl::ConsumePrefix(&line, "GRIDCASE_KAFKA_BROKERS=")) infra.kafka_brokers = std::string(line);
    if (absl::ConsumePrefix(&line, "GRIDCASE_REDIS_ADDR=")) infra.redis_addr = std::string(line);
  }
  auto redis = config::ParseHostPort(infra.redis_addr, "GRIDCASE_REDIS_ADDR");
  if (infra.kafka_brokers.empty() || !redis.ok()) {
    return absl::InternalError(absl::StrCat("scripts/infra printed no addresses: ", *output));
  }
  infra.redis = *redis;
  return std::unique_ptr<PrivateInfra>(new PrivateInfra(state_dir, std::move(infra)));
}

PrivateInfra::~PrivateInfra() {
  (void)RunCommand(absl::StrCat(SourcePath("scripts/infra"), " stop '", state_dir_, "'"));
}

absl::Status PrivateInfra::Script(const std::string& script, const std::string& command) {
  return RunCommand(absl::StrCat(SourcePath("scripts/" + script), " ", command, " '", state_dir_, "'")).status();
}

absl::Status PrivateInfra::StopKafka() { return Script("kafka", "stop"); }
absl::Status PrivateInfra::RestartKafka() { return Script("kafka", "restart"); }
absl::Status PrivateInfra::KillKafkaNode(int node) {
  return RunCommand(absl::StrCat(SourcePath("scripts/kafka"), " kill-node '", state_dir_, "' ", node)).status();
}
absl::Status PrivateInfra::StartKafkaNode(int node) {
  return RunCommand(absl::StrCat(SourcePath("scripts/kafka"), " start-node '", state_dir_, "' ", node)).status();
}
absl::Status PrivateInfra::RestartRedis() { return Script("redis", "restart"); }

absl::Status PrivateInfra::CrashAndRestartRedis() {
  std::ifstream pid_file(absl::StrCat(state_dir_, "/redis/pid"));
  pid_t pid = 0;
  if (!(pid_file >> pid) || pid <= 0) return absl::FailedPreconditionError("no redis-server pid recorded");
  if (kill(pid, SIGKILL) != 0) return absl::InternalError("cannot SIGKILL redis-server");
  // redis-server daemonized: it is not our child; wait until the pid is gone.
  for (int i = 0; i < 500 && kill(pid, 0) == 0; ++i) usleep(10'000);
  return RestartRedis();
}

absl::Status PrivateInfra::WipeRedis() {
  return RunCommand(absl::StrCat("redis-cli -h ", infra_.redis.host, " -p ", infra_.redis.port, " FLUSHALL")).status();
}

}  // namespace gridcase::testing
