#include "libs/events/case_views.h"

#include "absl/strings/str_cat.h"

namespace gridcase::events {

absl::StatusOr<std::optional<v1::Case>> CaseViews::Get(const std::string& case_id) const {
  auto reply = redis_->Run({"HGET", keys_.CaseView(case_id), "case"});
  if (!reply.ok()) return reply.status();
  if (reply->is_nil()) return std::nullopt;
  v1::Case c;
  if (!c.ParseFromString(reply->str)) return absl::DataLossError(absl::StrCat("case view ", case_id, " is corrupt"));
  return c;
}

absl::StatusOr<std::vector<v1::CaseEvent>> CaseViews::Timeline(const std::string& case_id) const {
  auto reply = redis_->Run({"LRANGE", keys_.Timeline(case_id), "0", "-1"});
  if (!reply.ok()) return reply.status();
  std::vector<v1::CaseEvent> events;
  events.reserve(reply->elements.size());
  for (const redis::Reply& element : reply->elements) {
    v1::CaseEvent event;
    if (!event.ParseFromString(element.str)) {
      return absl::DataLossError(absl::StrCat("timeline of ", case_id, " is corrupt"));
    }
    events.push_back(std::move(event));
  }
  return events;
}

}  // namespace gridcase::events
