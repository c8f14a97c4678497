#include "libs/kafka/case_lanes.h"

#include <algorithm>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace gridcase::kafka {

CaseLanes::CaseLanes(Handler handler, int lanes) : handler_(std::move(handler)) {
  // The calling thread is one lane; the others wait for batches.
  for (int i = 1; i < lanes; ++i) threads_.emplace_back([this] { Lane(); });
}

CaseLanes::~CaseLanes() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : threads_) t.join();
}

std::vector<absl::Status> CaseLanes::Handle(absl::Span<const Message> batch) {
  std::vector<absl::Status> statuses(batch.size());
  cases_.clear();
  absl::flat_hash_map<std::string_view, size_t> case_of_key;
  for (size_t i = 0; i < batch.size(); ++i) {
    const std::string& key = batch[i].key;
    if (key.empty()) {
      cases_.push_back({i});
      continue;
    }
    auto [it, inserted] = case_of_key.try_emplace(key, cases_.size());
    if (inserted) cases_.emplace_back();
    cases_[it->second].push_back(i);
  }
  batch_ = batch;
  statuses_ = &statuses;
  next_case_ = 0;
  // As many other lanes as there are cases beyond the one this thread takes.
  const int helpers = static_cast<int>(std::min(threads_.size(), cases_.size() > 0 ? cases_.size() - 1 : 0));
  if (helpers > 0) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      tickets_ = helpers;
      busy_ = helpers;
    }
    for (int i = 0; i < helpers; ++i) wake_.notify_one();
  }
  Work();
  if (helpers > 0) {
    std::unique_lock<std::mutex> lock(mu_);
    done_.wait(lock, [this] { return busy_ == 0; });
  }
  statuses_ = nullptr;
  return statuses;
}

void CaseLanes::Work() {
  for (size_t c = next_case_.fetch_add(1); c < cases_.size(); c = next_case_.fetch_add(1)) {
    bool failed = false;
    for (size_t i : cases_[c]) {
      if (failed) {
        (*statuses_)[i] = absl::UnavailableError(
            absl::StrCat("not attempted: an earlier record of case ", batch_[i].key, " did not apply"));
        continue;
      }
      absl::Status status = handler_(batch_[i]);
      failed = !status.ok();
      (*statuses_)[i] = std::move(status);
    }
  }
}

void CaseLanes::Lane() {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || tickets_ > 0; });
      if (stopping_) return;
      --tickets_;
    }
    Work();
    bool last;
    {
      std::lock_guard<std::mutex> lock(mu_);
      last = --busy_ == 0;
    }
    if (last) done_.notify_one();
  }
}

}  // namespace gridcase::kafka
