#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gridcase/v1/sla.grpc.pb.h"
#include "grpcpp/client_context.h"

namespace gridcase::console {

// One browser's live feed of overdue alerts: the SLA service's WatchOverdue stream for the person's area, read on a
// thread of its own and rendered as server-sent events:
//   event: ready   the SLA service answered: every alert fired from now on follows (a refused watch's `end`
//                  follows at once)
//   event: alert   data: one SlaAlert as JSON
//   event: end     data: {"status": "…", "message": "…"}: the stream ended (the server stopped, the token was
//                  refused); the browser reconnects
// Thread-safe; Cancel ends the stream from any thread.
class OverdueStream {
 public:
  // Starts the watch; `context` carries the person's token and no deadline. `stub` must outlive the stream.
  OverdueStream(v1::SlaService::StubInterface* stub, std::unique_ptr<grpc::ClientContext> context,
                v1::WatchOverdueRequest request);
  ~OverdueStream();

  OverdueStream(const OverdueStream&) = delete;
  OverdueStream& operator=(const OverdueStream&) = delete;

  // The next piece of the event stream: an event, or a keep-alive comment when none came within `wait`; nullopt
  // once the `end` event was handed out.
  std::optional<std::string> Next(absl::Duration wait);
  // Ends the watch (the gRPC call is cancelled); Next then hands out the `end` event. Idempotent.
  void Cancel();

 private:
  void Pump(v1::SlaService::StubInterface* stub, v1::WatchOverdueRequest request);
  void Push(std::string chunk);

  std::unique_ptr<grpc::ClientContext> context_;
  absl::Mutex mu_;
  std::deque<std::string> chunks_ ABSL_GUARDED_BY(mu_);
  bool ended_ ABSL_GUARDED_BY(mu_) = false;     // The pump pushed its last chunk.
  bool finished_ ABSL_GUARDED_BY(mu_) = false;  // Next handed out the last chunk.
  std::thread pump_;
};

}  // namespace gridcase::console
