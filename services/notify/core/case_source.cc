#include "services/notify/core/case_source.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace gridcase::notify {

std::string SourceOfSubmission(const v1::CaseEvent& submitted) {
  const v1::Case& c = submitted.submitted().initial();
  if (c.channel() == v1::CHANNEL_OPEN311) {
    std::vector<std::string> parts = absl::StrSplit(c.idempotency_key(), ':');
    if (parts.size() >= 2 && parts[0] == "o311" && !parts[1].empty()) return absl::StrCat("open311:", parts[1]);
    return "";
  }
  if (c.channel() == v1::CHANNEL_HOTLINE_12345 && !c.intake_unit().empty()) {
    return absl::StrCat("hotline:", c.intake_unit());
  }
  if (submitted.actor().role() == v1::ROLE_SYSTEM && !submitted.actor().person_id().empty()) {
    return absl::StrCat("service:", submitted.actor().person_id());
  }
  return "";
}

std::string SourceKey(const v1::IntegrationSource& source) {
  switch (source.source_case()) {
    case v1::IntegrationSource::kOpen311Client:
      return source.open311_client().empty() ? "" : absl::StrCat("open311:", source.open311_client());
    case v1::IntegrationSource::kService:
      return source.service().empty() ? "" : absl::StrCat("service:", source.service());
    case v1::IntegrationSource::kHotlineUnit:
      return source.hotline_unit().empty() ? "" : absl::StrCat("hotline:", source.hotline_unit());
    default:
      return "";
  }
}

std::string RequestRef(const v1::Case& c) { return c.idempotency_key(); }

}  // namespace gridcase::notify
