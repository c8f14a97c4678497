#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "libs/testing/infra.h"

namespace gridcase::testing {

// A Kafka broker and a redis-server of one test's own, under one state directory, started by scripts/infra, that the
// test may stop, restart, crash and wipe without disturbing other tests. Stopped on destruction (data kept for
// inspection).
class PrivateInfra {
 public:
  // Starts both in `state_dir` (wiped first): one broker, or a KRaft cluster of `brokers` nodes (scripts/infra
  // --brokers; topics get 3 replicas and min.insync.replicas 2 by default).
  static absl::StatusOr<std::unique_ptr<PrivateInfra>> Start(const std::string& state_dir, int brokers = 1);
  ~PrivateInfra();

  const Infra& infra() const { return infra_; }
  const std::string& state_dir() const { return state_dir_; }

  // scripts/kafka stop: the broker shuts down (SIGTERM), its data stays.
  absl::Status StopKafka();
  // scripts/kafka restart: the broker starts again on its port from its data; returns when it answers metadata.
  absl::Status RestartKafka();
  // scripts/redis restart: SIGTERM (the server syncs its append-only file), then start again on its port from its data.
  absl::Status RestartRedis();
  // SIGKILL of redis-server (a crash: what was not yet fsynced is lost), then scripts/redis restart.
  absl::Status CrashAndRestartRedis();
  // Node `node` (1-based) of a cluster: SIGKILL (a crash; its data stays), and started again from its data (returns
  // when it answers metadata and sees the whole cluster).
  absl::Status KillKafkaNode(int node);
  absl::Status StartKafkaNode(int node);
  // FLUSHALL: every key of the server is gone.
  absl::Status WipeRedis();

 private:
  PrivateInfra(std::string state_dir, Infra infra) : state_dir_(std::move(state_dir)), infra_(std::move(infra)) {}
  absl::Status Script(const std::string& script, const std::string& command);

  std::string state_dir_;
  Infra infra_;
};

// Runs `command` through /bin/sh; returns its stdout, or an error with its exit status and output.
absl::StatusOr<std::string> RunCommand(const std::string& command);

}  // namespace gridcase::testing
