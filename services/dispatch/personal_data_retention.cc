#include "services/dispatch/personal_data_retention.h"

#include "absl/strings/str_cat.h"
#include "libs/events/proto_time.h"
#include "libs/log/log.h"
#include "libs/metrics/metrics.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "spdlog/spdlog.h"

namespace gridcase::dispatch {
namespace {

bool Ended(v1::CaseStatus status) {
  return status == v1::CASE_STATUS_CLOSED || status == v1::CASE_STATUS_INVALID ||
         status == v1::CASE_STATUS_DUPLICATE;
}

bool HasSealed(const v1::Case& c) {
  if (c.resident().has_sealed()) return true;
  for (const v1::Resident& r : c.co_requesters()) {
    if (r.has_sealed()) return true;
  }
  return false;
}

// KEYS: the lease. ARGV: owner, ttl ms. Replies 1 when the caller holds the lease now.
const redis::Script kTakeLease(R"lua(
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
)lua");

// KEYS: the lease. ARGV: owner. Gives the lease back if the caller still holds it.
const redis::Script kDropLease(R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
)lua");

}  // namespace

void CountErasure(const std::string& reason) {
  static auto& family = prometheus::BuildCounter()
                            .Name("gridcase_personal_data_erased_total")
                            .Help("Cases whose residents' personal data was erased, by reason")
                            .Register(*metrics::Registry());
  family.Add({{"reason", reason}}).Increment();
}

bool PersonalDataRetention::Due(const v1::Case& c, absl::Time cutoff) const {
  return Ended(c.status()) && c.has_updated_at() && events::FromProto(c.updated_at()) <= cutoff && HasSealed(c);
}

void PersonalDataRetention::Record(const ErasureResult& erased) {
  CountErasure("retention");
  spdlog::info("msg=personal_data_erased case_id={} keys={} version={} reason=RETENTION", erased.case_id,
               erased.key_ids.size(), erased.version);
  if (access_log_ == nullptr) return;
  v1::AccessRecord record;
  record.set_record_id(absl::StrCat("dispatch/retention/", erased.case_id, "/", erased.version));
  *record.mutable_at() = events::ToProto(clock_());
  record.set_subject("dispatch");
  record.set_role(v1::ROLE_SYSTEM);
  record.set_service("dispatch");
  record.set_method("personal_data_retention");
  record.set_kind(v1::AccessRecord::KIND_COMMAND);
  record.set_command("ErasePersonalData");
  record.add_case_ids(erased.case_id);
  record.set_outcome("OK");
  record.set_reason(absl::StrCat("retention period of ", absl::FormatDuration(options_.retention), " after closure"));
  access_log_->Record(std::move(record));
}

absl::StatusOr<int> PersonalDataRetention::RunOnce() {
  auto lease = redis_->Eval(kTakeLease, {options_.lease_key},
                            {options_.owner, absl::StrCat(absl::ToInt64Milliseconds(options_.lease))});
  if (!lease.ok()) return lease.status();
  if (lease->integer != 1) return 0;
  const absl::Time cutoff = clock_() - options_.retention;
  v1::Actor actor;
  actor.set_role(v1::ROLE_SYSTEM);
  actor.set_person_id("dispatch");
  int erased = 0;
  absl::Status failed;
  // A case ends after it is created, so only cases created before the cutoff can be due.
  for (int64_t offset = 0;; offset += options_.batch) {
    auto batch = views_->ListCreated(absl::InfinitePast(), cutoff, offset, options_.batch);
    if (!batch.ok()) {
      failed = batch.status();
      break;
    }
    for (const v1::Case& c : *batch) {
      if (!Due(c, cutoff)) continue;
      auto done = commands_->ErasePersonalData(c.id(), {}, v1::PersonalDataErased::REASON_RETENTION, "", actor, "");
      if (!done.ok()) {
        spdlog::warn("msg=retention_erasure_failed case_id={} error={}", c.id(), log::Quote(done.status().ToString()));
        failed = done.status();
        continue;
      }
      if (done->version > 0) {
        Record(*done);
        ++erased;
      }
    }
    if (static_cast<int64_t>(batch->size()) < options_.batch) break;
    // Keep the lease while the pass goes on.
    if (auto kept = redis_->Eval(kTakeLease, {options_.lease_key},
                                 {options_.owner, absl::StrCat(absl::ToInt64Milliseconds(options_.lease))});
        !kept.ok() || kept->integer != 1) {
      break;
    }
  }
  (void)redis_->Eval(kDropLease, {options_.lease_key}, {options_.owner});
  if (!failed.ok() && erased == 0) return failed;
  return erased;
}

}  // namespace gridcase::dispatch
