#include "services/sla/alert_broadcaster.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/validation/field_error.h"

namespace gridcase::sla {
namespace {

constexpr size_t kMaxUnitCodes = 100;
constexpr size_t kMaxCodeLength = 64;

absl::Status ValidateCode(absl::string_view code, const std::string& field) {
  if (code.empty() || code.size() > kMaxCodeLength) {
    return validation::FieldError(field, absl::StrCat("must be 1..", kMaxCodeLength, " characters"));
  }
  for (char ch : code) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-' && ch != '_') {
      return validation::FieldError(field, "may contain only letters, digits, '.', '-' and '_'");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateArea(const v1::AreaFilter& area, const std::string& field) {
  if (!area.code_prefix().empty()) {
    if (absl::Status status = ValidateCode(area.code_prefix(), absl::StrCat(field, ".code_prefix")); !status.ok()) {
      return status;
    }
  }
  if (static_cast<size_t>(area.unit_codes_size()) > kMaxUnitCodes) {
    return validation::FieldError(absl::StrCat(field, ".unit_codes"),
                                  absl::StrCat("at most ", kMaxUnitCodes, " codes"));
  }
  for (int i = 0; i < area.unit_codes_size(); ++i) {
    if (absl::Status status = ValidateCode(area.unit_codes(i), absl::StrCat(field, ".unit_codes[", i, "]"));
        !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

bool InArea(const v1::AreaFilter& area, const v1::Case& c) {
  if (area.code_prefix().empty() && area.unit_codes().empty()) return true;
  const v1::Location& loc = c.location();
  for (const std::string* code :
       {&c.holder_unit(), &loc.grid_code(), &loc.community_code(), &loc.township_code(), &loc.county_code()}) {
    if (code->empty()) continue;
    if (!area.code_prefix().empty() && absl::StartsWith(*code, area.code_prefix())) return true;
    for (const std::string& unit : area.unit_codes()) {
      if (*code == unit) return true;
    }
  }
  return false;
}

v1::SlaAlert MakeAlert(const v1::CaseEvent& event, const v1::Case& c) {
  v1::SlaAlert alert;
  *alert.mutable_event() = event;
  alert.set_case_id(event.case_id());
  alert.set_category(c.category());
  alert.set_level(c.level());
  alert.set_holder_unit(c.holder_unit());
  *alert.mutable_location() = c.location();
  alert.set_title(c.title());
  alert.set_emergency(c.emergency());
  return alert;
}

std::optional<v1::SlaAlert> AlertBroadcaster::Subscription::Next(absl::Duration timeout) {
  std::unique_lock lock(mu_);
  changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] { return closed_ || !queue_.empty(); });
  if (closed_ || queue_.empty()) return std::nullopt;
  v1::SlaAlert alert = std::move(queue_.front());
  queue_.pop_front();
  return alert;
}

absl::Status AlertBroadcaster::Subscription::status() {
  std::lock_guard lock(mu_);
  return status_;
}

void AlertBroadcaster::Subscription::Offer(const v1::SlaAlert& alert) {
  if (breaches_only_ && !alert.event().has_sla_breached()) return;
  v1::Case located;
  located.set_holder_unit(alert.holder_unit());
  *located.mutable_location() = alert.location();
  if (!InArea(area_, located)) return;
  std::lock_guard lock(mu_);
  if (closed_) return;
  if (queue_.size() >= capacity_) {
    closed_ = true;
    status_ = absl::ResourceExhaustedError(
        absl::StrCat("the watcher fell more than ", capacity_, " alerts behind; watch again and list what was missed"));
    queue_.clear();
  } else {
    queue_.push_back(alert);
  }
  changed_.notify_all();
}

void AlertBroadcaster::Subscription::Close(absl::Status status) {
  std::lock_guard lock(mu_);
  if (closed_) return;
  closed_ = true;
  status_ = std::move(status);
  changed_.notify_all();
}

std::shared_ptr<AlertBroadcaster::Subscription> AlertBroadcaster::Subscribe(const v1::AreaFilter& area,
                                                                            bool breaches_only, size_t capacity) {
  auto subscription = std::make_shared<Subscription>(area, breaches_only, capacity);
  std::lock_guard lock(mu_);
  if (closed_) {
    subscription->Close(absl::UnavailableError("the SLA service is shutting down"));
    return subscription;
  }
  subscriptions_.push_back(subscription);
  return subscription;
}

void AlertBroadcaster::Publish(const v1::SlaAlert& alert) {
  std::vector<std::shared_ptr<Subscription>> live;
  {
    std::lock_guard lock(mu_);
    const std::string& id = alert.event().event_id();
    if (!recent_ids_.insert(id).second) return;
    recent_order_.push_back(id);
    if (recent_order_.size() > dedupe_window_) {
      recent_ids_.erase(recent_order_.front());
      recent_order_.pop_front();
    }
    std::vector<std::weak_ptr<Subscription>> kept;
    for (const std::weak_ptr<Subscription>& weak : subscriptions_) {
      if (std::shared_ptr<Subscription> subscription = weak.lock()) {
        live.push_back(subscription);
        kept.push_back(weak);
      }
    }
    subscriptions_ = std::move(kept);
  }
  for (const std::shared_ptr<Subscription>& subscription : live) subscription->Offer(alert);
}

bool AlertBroadcaster::has_subscribers() {
  std::lock_guard lock(mu_);
  for (const std::weak_ptr<Subscription>& weak : subscriptions_) {
    if (!weak.expired()) return true;
  }
  return false;
}

void AlertBroadcaster::Close() {
  std::vector<std::shared_ptr<Subscription>> live;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    for (const std::weak_ptr<Subscription>& weak : subscriptions_) {
      if (std::shared_ptr<Subscription> subscription = weak.lock()) live.push_back(subscription);
    }
    subscriptions_.clear();
  }
  for (const std::shared_ptr<Subscription>& subscription : live) {
    subscription->Close(absl::UnavailableError("the SLA service is shutting down"));
  }
}

}  // namespace gridcase::sla
