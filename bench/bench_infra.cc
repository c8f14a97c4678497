#include "bench/bench_infra.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/events/codec.h"
#include "libs/kafka/topic_reader.h"
#include "libs/testing/process.h"

namespace gridcase::bench {

BenchInfra::~BenchInfra() {
  if (started_) {
    std::string stop = absl::StrCat(testing::SourcePath("scripts/infra"), " stop '", dir_, "' >/dev/null 2>&1");
    (void)std::system(stop.c_str());
  }
}

absl::Status BenchInfra::Prepare(std::string brokers, std::string redis, const std::string& infra_dir) {
  if (brokers.empty() && redis.empty()) {
    if (const char* b = std::getenv("GRIDCASE_KAFKA_BROKERS")) brokers = b;
    if (const char* r = std::getenv("GRIDCASE_REDIS_ADDR")) redis = r;
    if (const char* d = std::getenv("GRIDCASE_INFRA_DIR")) dir_ = d;
  }
  if (brokers.empty() != redis.empty()) {
    return absl::InvalidArgumentError("--kafka_brokers and --redis_addr: give both or neither");
  }
  if (brokers.empty()) {
    std::string dir = infra_dir;
    if (dir.empty()) {
      char tmpl[] = "/tmp/gridcase-bench-XXXXXX";
      if (mkdtemp(tmpl) == nullptr) return absl::InternalError("mkdtemp failed");
      dir = tmpl;
    }
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) return absl::InternalError(absl::StrCat("--infra_dir ", dir, ": ", error.message()));
    std::fprintf(stderr, "starting Kafka and Redis in %s ...\n", dir.c_str());
    std::string start =
        absl::StrCat(testing::SourcePath("scripts/infra"), " start '", dir, "' >'", dir, "/infra-start.log' 2>&1");
    dir_ = dir;
    started_ = true;
    if (std::system(start.c_str()) != 0) {
      return absl::UnavailableError(absl::StrCat("scripts/infra start failed; see ", dir, "/infra-start.log"));
    }
    std::ifstream env(absl::StrCat(dir, "/env"));
    std::string line;
    while (std::getline(env, line)) {
      std::pair<std::string, std::string> kv = absl::StrSplit(line, absl::MaxSplits('=', 1));
      if (kv.first == "GRIDCASE_KAFKA_BROKERS") brokers = kv.second;
      if (kv.first == "GRIDCASE_REDIS_ADDR") redis = kv.second;
    }
    if (brokers.empty() || redis.empty()) return absl::InternalError(absl::StrCat(dir, "/env: incomplete"));
  }
  setenv("GRIDCASE_KAFKA_BROKERS", brokers.c_str(), 1);
  setenv("GRIDCASE_REDIS_ADDR", redis.c_str(), 1);
  return absl::OkStatus();
}

absl::StatusOr<kafka::Message> SampleRecord(const std::string& brokers, const std::string& topic) {
  std::optional<kafka::Message> sample;
  absl::Status s = kafka::ReadTopics(brokers, {topic}, [&](const kafka::Message& m) {
    sample = m;
    return absl::CancelledError("enough");
  });
  if (!sample.has_value()) return s.ok() ? absl::NotFoundError(absl::StrCat(topic, " is empty")) : s;
  auto event = events::ParseEvent(sample->value);
  if (!event.ok()) return event.status();
  sample->headers = events::EventHeaders(*event);
  return *sample;
}

double ProcessCpuSeconds(int pid) {
  if (pid <= 0) return -1;
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::vector<std::string> fields = absl::StrSplit(stat.substr(close + 2), ' ');
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
  int64_t utime = 0;
  int64_t stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) || !absl::SimpleAtoi(fields[12], &stime)) return -1;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double ProcessRssMb(int pid) {
  if (pid <= 0) return -1;
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("VmRSS:")) continue;
    std::istringstream fields(line.substr(6));
    double kb = 0;
    fields >> kb;
    return kb / 1024;
  }
  return -1;
}

MachineCpu MachineCpuSeconds() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  in >> cpu;
  MachineCpu result;
  // user nice system idle iowait irq softirq steal
  for (int i = 0; i < 8; ++i) {
    double ticks = 0;
    if (!(in >> ticks)) break;
    result.total += ticks;
    if (i != 3 && i != 4) result.busy += ticks;
  }
  double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
  result.busy /= hz;
  result.total /= hz;
  return result;
}

int PidFromFile(const std::string& path) {
  std::ifstream in(path);
  int pid = -1;
  if (!(in >> pid)) return -1;
  return pid;
}

}  // namespace gridcase::bench
