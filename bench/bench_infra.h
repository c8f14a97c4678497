#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/kafka/message.h"

namespace gridcase::bench {

// The Kafka broker and redis-server a benchmark runs against: given (flags, or GRIDCASE_KAFKA_BROKERS and
// GRIDCASE_REDIS_ADDR as scripts/bench sets them), or started with scripts/infra in a directory of the bench's own and
// stopped by the destructor. Prepare exports both addresses for testing::TestInfra and testing::ServiceFleet.
class BenchInfra {
 public:
  BenchInfra() = default;
  BenchInfra(const BenchInfra&) = delete;
  BenchInfra& operator=(const BenchInfra&) = delete;
  ~BenchInfra();

  // `brokers` and `redis_addr`: both or neither (then the environment, else a new infrastructure in `infra_dir`, a
  // fresh temporary directory when empty).
  absl::Status Prepare(std::string brokers, std::string redis_addr, const std::string& infra_dir);
  // The scripts/infra directory in use: the one started here, else $GRIDCASE_INFRA_DIR; empty when unknown.
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  bool started_ = false;
};

// The first record on `topic`, with the headers the event publisher gives it (rebuilt from the event, as the topic
// reader does not copy them): a real record to copy for raw runs.
absl::StatusOr<kafka::Message> SampleRecord(const std::string& brokers, const std::string& topic);

// The process's CPU time so far (user + system, from /proc/<pid>/stat), in seconds; -1 when it cannot be read.
double ProcessCpuSeconds(int pid);
// The process's resident set (VmRSS from /proc/<pid>/status), in MiB; -1 when it cannot be read.
double ProcessRssMb(int pid);
// CPU time spent by the whole machine so far, busy and total (all CPUs, from /proc/stat), in seconds.
struct MachineCpu {
  double busy = 0;
  double total = 0;
};
MachineCpu MachineCpuSeconds();
// The pid written in a pid file; -1 when absent.
int PidFromFile(const std::string& path);

}  // namespace gridcase::bench
