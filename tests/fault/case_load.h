#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "tests/support/service_fleet.h"

namespace gridcase::testing {

struct LoadOptions {
  int workers = 8;
  double cases_per_second = 25;
  // Every `open_every`-th case stops after the department accepted it, so that deadline clocks run out and the SLA
  // service fires warnings and breaches under the load; the others are resolved (and closed by feedback).
  int open_every = 4;
  // The intake replicas residents' submissions go to, in turn (a retry goes to the next one, as a client behind a
  // load balancer does).
  std::vector<std::string> intake_replicas = {"intake"};
};

// A case intake answered OK for, and the highest version a caller was told it has.
struct AcknowledgedCase {
  std::string case_id;
  int64_t version = 1;
};
// A command dispatch answered OK for: the event it said it wrote.
struct AcknowledgedCommand {
  std::string case_id;
  int64_t version = 0;
  std::string event;  // Serialised CaseEvent from the answer.
};

// Steady load through the whole chain, the way residents and handlers act: residents submit cases at a fixed rate
// (each with its own idempotency key, retried with the same key until answered), and a scripted handler takes each
// case through verify → escalate → township dispatch → accept → resolve over dispatch's gRPC API, re-reading the case
// and retrying (same request id) as a real client does when a call fails. Records what callers were told.
class CaseLoad {
 public:
  CaseLoad(ServiceFleet& fleet, std::vector<std::string> dispatch_replicas, LoadOptions options);
  ~CaseLoad();

  void Start();
  // Stops taking new cases and waits (up to `timeout`) until every worker finished the case it had; true if all did.
  bool Pause(absl::Duration timeout = absl::Seconds(90));
  void Resume();

  // Snapshots of everything so far. Indices are stable: a phase remembers the sizes at its start.
  int64_t submitted() const { return submitted_.load(); }
  std::vector<AcknowledgedCase> cases() const;
  std::vector<AcknowledgedCommand> commands() const;
  // The time of the latest acknowledged case or command.
  absl::Time last_acknowledged() const;
  // Calls that failed (all attempts) — not a loss: nobody was told OK.
  int64_t abandoned() const { return abandoned_.load(); }

 private:
  void Work(int worker);
  void DriveOne(int worker, int64_t n);
  bool WaitSlot();

  ServiceFleet& fleet_;
  LoadOptions options_;
  std::vector<std::unique_ptr<v1::IntakeService::Stub>> intake_;
  std::vector<std::unique_ptr<v1::DispatchService::Stub>> dispatch_;
  std::string run_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool paused_ = false;
  bool stopping_ = false;
  int busy_ = 0;
  absl::Time next_slot_ = absl::InfinitePast();
  std::vector<AcknowledgedCase> cases_;
  std::vector<AcknowledgedCommand> commands_;
  absl::Time last_acknowledged_ = absl::InfinitePast();

  std::atomic<int64_t> next_case_{0};
  std::atomic<int64_t> submitted_{0};
  std::atomic<int64_t> abandoned_{0};
  std::vector<std::thread> threads_;
};

}  // namespace gridcase::testing
