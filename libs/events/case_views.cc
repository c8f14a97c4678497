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

absl::StatusOr<std::vector<v1::Case>> CaseViews::ListCreated(absl::Time from, absl::Time to, int64_t offset,
                                                              int64_t count) const {
  std::string min = from == absl::InfinitePast() ? "-inf" : absl::StrCat(absl::ToUnixSeconds(from));
  std::string max = to == absl::InfiniteFuture() ? "+inf" : absl::StrCat("(", absl::ToUnixSeconds(to));
  auto ids = redis_->Run({"ZRANGEBYSCORE", keys_.AllCases(), min, max, "LIMIT", absl::StrCat(offset),
                          absl::StrCat(count)});
  if (!ids.ok()) return ids.status();
  std::vector<std::string> case_ids;
  for (const redis::Reply& id : ids->elements) case_ids.push_back(id.str);
  return GetMany(case_ids);
}

absl::StatusOr<std::vector<v1::Case>> CaseViews::GetMany(const std::vector<std::string>& case_ids) const {
  std::vector<v1::Case> cases;
  if (case_ids.empty()) return cases;
  std::vector<redis::Command> reads;
  for (const std::string& id : case_ids) reads.push_back({"HGET", keys_.CaseView(id), "case"});
  auto views = redis_->Pipeline(reads);
  if (!views.ok()) return views.status();
  for (size_t i = 0; i < views->size(); ++i) {
    if ((*views)[i].is_nil()) continue;
    v1::Case c;
    if (!c.ParseFromString((*views)[i].str)) {
      return absl::DataLossError(absl::StrCat("case view ", case_ids[i], " is corrupt"));
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

absl::StatusOr<CaseViews::TimelinePage> CaseViews::Timeline(const std::string& case_id, int64_t offset,
                                                             int64_t count) const {
  if (offset < 0 || count < 1) return absl::InvalidArgumentError("timeline page: offset >= 0 and count >= 1");
  const std::string key = keys_.Timeline(case_id);
  auto replies = redis_->Pipeline(
      {{"LLEN", key}, {"LRANGE", key, absl::StrCat(offset), absl::StrCat(offset + count - 1)}});
  if (!replies.ok()) return replies.status();
  TimelinePage page;
  page.total = (*replies)[0].integer;
  page.events.reserve((*replies)[1].elements.size());
  for (const redis::Reply& element : (*replies)[1].elements) {
    v1::CaseEvent event;
    if (!event.ParseFromString(element.str)) {
      return absl::DataLossError(absl::StrCat("timeline of ", case_id, " is corrupt"));
    }
    page.events.push_back(std::move(event));
  }
  return page;
}

}  // namespace gridcase::events
