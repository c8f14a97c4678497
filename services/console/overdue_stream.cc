#include "services/console/overdue_stream.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "services/console/console_api.h"

namespace gridcase::console {

OverdueStream::OverdueStream(v1::SlaService::StubInterface* stub, std::unique_ptr<grpc::ClientContext> context,
                             v1::WatchOverdueRequest request)
    : context_(std::move(context)) {
  pump_ = std::thread([this, stub, request = std::move(request)] { Pump(stub, request); });
}

OverdueStream::~OverdueStream() {
  Cancel();
  if (pump_.joinable()) pump_.join();
}

void OverdueStream::Push(std::string chunk) {
  absl::MutexLock lock(&mu_);
  chunks_.push_back(std::move(chunk));
}

void OverdueStream::Pump(v1::SlaService::StubInterface* stub, v1::WatchOverdueRequest request) {
  std::unique_ptr<grpc::ClientReaderInterface<v1::SlaAlert>> reader = stub->WatchOverdue(context_.get(), request);
  // The server sends its initial metadata once the watch is registered (or ends the call when it refuses it).
  reader->WaitForInitialMetadata();
  Push("event: ready\ndata: {}\n\n");
  v1::SlaAlert alert;
  while (reader->Read(&alert)) {
    Push(absl::StrCat("event: alert\ndata: ", ToJson(alert), "\n\n"));
  }
  grpc::Status status = reader->Finish();
  nlohmann::json end;
  end["status"] = absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code()));
  end["message"] = status.error_message();
  absl::MutexLock lock(&mu_);
  chunks_.push_back(absl::StrCat("event: end\ndata: ", end.dump(), "\n\n"));
  ended_ = true;
}

std::optional<std::string> OverdueStream::Next(absl::Duration wait) {
  absl::MutexLock lock(&mu_);
  auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !chunks_.empty() || finished_; };
  mu_.AwaitWithTimeout(absl::Condition(&ready), wait);
  if (chunks_.empty()) {
    if (finished_) return std::nullopt;
    return std::string(": keep-alive\n\n");
  }
  std::string chunk = std::move(chunks_.front());
  chunks_.pop_front();
  if (chunks_.empty() && ended_) finished_ = true;
  return chunk;
}

void OverdueStream::Cancel() { context_->TryCancel(); }

}  // namespace gridcase::console
