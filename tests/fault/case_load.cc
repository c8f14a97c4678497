#include "tests/fault/case_load.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/testing/infra.h"
#include "tests/support/sample_county.h"

namespace gridcase::testing {
namespace {

using sample::Actor;

constexpr absl::Duration kCallTimeout = absl::Seconds(5);
// How long a caller keeps retrying one call (a resident redialling, a handler's app retrying) before giving up.
constexpr absl::Duration kPersistence = absl::Seconds(45);

bool Transient(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::CANCELLED:
      return true;
    default:
      return false;
  }
}

}  // namespace

CaseLoad::CaseLoad(ServiceFleet& fleet, std::vector<std::string> dispatch_replicas, LoadOptions options)
    : fleet_(fleet), options_(options), run_(UniqueName("load")) {
  for (const std::string& replica : options_.intake_replicas) {
    intake_.push_back(v1::IntakeService::NewStub(fleet_.Channel(replica)));
  }
  for (const std::string& replica : dispatch_replicas) {
    dispatch_.push_back(v1::DispatchService::NewStub(fleet_.Channel(replica)));
  }
}

CaseLoad::~CaseLoad() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void CaseLoad::Start() {
  for (int w = 0; w < options_.workers; ++w) threads_.emplace_back([this, w] { Work(w); });
}

bool CaseLoad::Pause(absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  paused_ = true;
  return cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] { return busy_ == 0; });
}

void CaseLoad::Resume() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    paused_ = false;
    next_slot_ = absl::Now();
  }
  cv_.notify_all();
}

std::vector<AcknowledgedCase> CaseLoad::cases() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cases_;
}

std::vector<AcknowledgedCommand> CaseLoad::commands() const {
  std::lock_guard<std::mutex> lock(mu_);
  return commands_;
}

absl::Time CaseLoad::last_acknowledged() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_acknowledged_;
}

// Takes the next submission slot of the fixed rate; false when stopping. Waiting for the slot paces the load, it
// decides nothing.
bool CaseLoad::WaitSlot() {
  absl::Time slot;
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return stopping_ || !paused_; });
    if (stopping_) return false;
    const absl::Time now = absl::Now();
    next_slot_ = std::max(next_slot_, now) + absl::Seconds(1.0 / options_.cases_per_second);
    slot = next_slot_;
    ++busy_;
  }
  absl::SleepFor(slot - absl::Now());
  return true;
}

void CaseLoad::Work(int worker) {
  while (WaitSlot()) {
    DriveOne(worker, next_case_++);
    {
      std::lock_guard<std::mutex> lock(mu_);
      --busy_;
    }
    cv_.notify_all();
  }
}

void CaseLoad::DriveOne(int worker, int64_t n) {
  ++submitted_;
  v1::SubmitCaseRequest submit;
  submit.set_idempotency_key(absl::StrCat(run_, "-", n));
  submit.set_channel(v1::CHANNEL_HOTLINE_12345);
  submit.set_text(absl::StrCat("翠苑", n, "幢门口井盖松动（", n % 97, "号）"));
  submit.mutable_resident()->set_name("王小明");
  submit.mutable_resident()->set_phone("13712345678");
  submit.mutable_point()->set_lat(30.2525);
  submit.mutable_point()->set_lng(120.152);
  v1::SubmitCaseResponse submitted;
  const absl::Time give_up = absl::Now() + kPersistence;
  bool ok = false;
  for (size_t attempt = static_cast<size_t>(n); absl::Now() < give_up; ++attempt) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + kCallTimeout));
    grpc::Status status = intake_[attempt % intake_.size()]->SubmitCase(&context, submit, &submitted);
    if (status.ok()) {
      ok = true;
      break;
    }
    if (!Transient(status)) break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  if (!ok) {
    ++abandoned_;
    return;
  }
  const std::string id = submitted.case_id();
  {
    std::lock_guard<std::mutex> lock(mu_);
    cases_.push_back({id, 1});
    last_acknowledged_ = absl::Now();
  }

  const std::string grid = sample::kGrid;
  std::vector<std::pair<v1::Actor, v1::CaseCommandRequest>> steps(5);
  steps[0].first = Actor(v1::ROLE_GRID_WORKER, grid, "p0001");
  steps[0].second.mutable_verify_grid()->set_grid_code(grid);
  steps[0].second.mutable_verify_grid()->set_category(v1::CATEGORY_SIMPLE);
  steps[0].second.mutable_verify_grid()->set_catalogue_item("municipal.manhole-cover");
  steps[1].first = Actor(v1::ROLE_COMMUNITY, sample::kCommunity, "c1");
  steps[1].second.mutable_community_escalate()->set_reason("需城管维修");
  steps[2].first = Actor(v1::ROLE_TOWNSHIP_DISPATCHER, sample::kTownship, "t1");
  steps[2].second.mutable_township_dispatch();
  steps[3].first = Actor(v1::ROLE_DEPARTMENT_HANDLER, sample::kUrbanManagement, "h1");
  steps[3].second.mutable_department_accept();
  steps[4].first = Actor(v1::ROLE_DEPARTMENT_HANDLER, sample::kUrbanManagement, "h1");
  steps[4].second.mutable_resolve()->set_reply("已更换井盖");
  if (n % options_.open_every == 0) steps.pop_back();

  size_t replica = static_cast<size_t>(worker);
  auto stub = [&]() -> v1::DispatchService::Stub& { return *dispatch_[replica++ % dispatch_.size()]; };
  for (auto& [actor, request] : steps) {
    const absl::Time step_give_up = absl::Now() + kPersistence;
    bool done = false;
    int64_t seen = 0;  // The version the handler read last.
    while (!done && absl::Now() < step_give_up) {
      // The handler reads the case (dispatch projects it from Kafka) before acting on the version it sees.
      v1::Case c;
      {
        grpc::ClientContext context;
        context.set_deadline(absl::ToChronoTime(absl::Now() + kCallTimeout));
        v1::GetCaseRequest get;
        get.set_case_id(id);
        grpc::Status status = stub().GetCase(&context, get, &c);
        if (!status.ok() || c.version() <= seen) {
          absl::SleepFor(absl::Milliseconds(status.ok() ? 20 : 200));
          continue;
        }
      }
      seen = c.version();
      request.set_case_id(id);
      request.set_expected_version(c.version());
      *request.mutable_actor() = actor;
      request.set_request_id(UniqueName(absl::StrCat(run_, "-cmd")));
      // The same request (same id) is sent again after a failure whose outcome is unknown.
      while (absl::Now() < step_give_up) {
        v1::CaseCommandResponse response;
        grpc::ClientContext context;
        context.set_deadline(absl::ToChronoTime(absl::Now() + kCallTimeout));
        grpc::Status status = stub().ExecuteCommand(&context, request, &response);
        if (status.ok()) {
          std::lock_guard<std::mutex> lock(mu_);
          commands_.push_back({id, response.event().case_version(), response.event().SerializeAsString()});
          for (auto it = cases_.rbegin(); it != cases_.rend(); ++it) {
            if (it->case_id == id) {
              it->version = std::max(it->version, response.case_().version());
              break;
            }
          }
          last_acknowledged_ = absl::Now();
          done = true;
          break;
        }
        if (Transient(status)) {
          absl::SleepFor(absl::Milliseconds(200));
          continue;
        }
        // ABORTED: another writer (the SLA's escalation, feedback) took the version: read again and act on the new
        // one. Anything else ends this case's script.
        if (status.error_code() != grpc::StatusCode::ABORTED) {
          ++abandoned_;
          return;
        }
        break;
      }
    }
    if (!done) {
      ++abandoned_;
      return;
    }
  }
}

}  // namespace gridcase::testing
