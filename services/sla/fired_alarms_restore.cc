#include "services/sla/fired_alarms_restore.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/events/codec.h"
#include "libs/kafka/topic_reader.h"

namespace gridcase::sla {
namespace {

// KEYS: marker. Returns {1} when the marker holds this server's run_id, else {0, run_id}.
const redis::Script& CheckMarkerScript() {
  static const auto* script = new redis::Script(R"lua(
local run_id = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)')
if redis.call('GET', KEYS[1]) == run_id then return {1} end
return {0, run_id}
)lua");
  return *script;
}

// "<case>/sla/<clock>/<cycle>/<alarm>" → (case, "<clock>|<cycle>|<alarm>").
std::optional<std::pair<std::string, std::string>> FiredEntry(const std::string& event_id) {
  std::pair<std::string, std::string> parts = absl::StrSplit(event_id, absl::MaxSplits("/sla/", 1));
  std::vector<std::string> alarm = absl::StrSplit(parts.second, '/');
  if (parts.first.empty() || alarm.size() != 3) return std::nullopt;
  return std::make_pair(parts.first, absl::StrCat(alarm[0], "|", alarm[1], "|", alarm[2]));
}

}  // namespace

absl::StatusOr<int64_t> RestoreFiredAlarms(redis::RedisClient* redis, const SlaKeys& keys, CaseClockStore* cases,
                                           const kafka::Cluster& kafka_brokers, const std::string& sla_topic) {
  auto marker = redis->Eval(CheckMarkerScript(), {keys.FiredRestored()}, {});
  if (!marker.ok()) return marker.status();
  if (marker->elements.empty()) return absl::InternalError("fired-alarms marker script: unexpected reply");
  if (marker->elements[0].integer == 1) return 0;
  const std::string run_id = marker->elements.size() > 1 ? marker->elements[1].str : "";

  int64_t restored = 0;
  std::vector<std::pair<std::string, std::string>> batch;
  auto flush = [&]() -> absl::Status {
    if (batch.empty()) return absl::OkStatus();
    absl::Status s = cases->MarkFired(batch);
    restored += batch.size();
    batch.clear();
    return s;
  };
  absl::Status read = kafka::ReadTopics(kafka_brokers, {sla_topic}, [&](const kafka::Message& message) {
    auto event = events::ParseEvent(message.value);
    if (!event.ok() || (!event->has_sla_warned() && !event->has_sla_breached())) return absl::OkStatus();
    if (auto entry = FiredEntry(event->event_id()); entry.has_value()) batch.push_back(*std::move(entry));
    return batch.size() >= 500 ? flush() : absl::OkStatus();
  });
  if (!read.ok()) return read;
  if (absl::Status s = flush(); !s.ok()) return s;
  if (auto set = redis->Run({"SET", keys.FiredRestored(), run_id}); !set.ok()) return set.status();
  return restored;
}

}  // namespace gridcase::sla
