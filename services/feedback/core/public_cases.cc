#include "services/feedback/core/public_cases.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/events/proto_time.h"
#include "libs/log/log.h"
#include "libs/validation/field_error.h"
#include "services/feedback/core/contribution.h"
#include "libs/access/masking.h"

namespace gridcase::feedback {
namespace {

constexpr int64_t kChunk = 100;

}  // namespace

v1::PublicCase ToPublicCase(const CaseFacts& facts, const UnitDirectory& units) {
  const v1::Case& c = facts.current;
  v1::PublicCase p;
  p.set_case_id(c.id());
  p.set_title(access::MaskNumbersInText(c.title()));
  p.set_category(c.category());
  p.set_catalogue_item(c.catalogue_item());
  p.set_item_name(c.catalogue_item().empty() ? "" : units.ItemName(c.catalogue_item()));
  p.set_grid_code(c.location().grid_code());
  p.set_community_code(c.location().community_code());
  p.set_township_code(c.location().township_code());
  p.set_resident_name(access::MaskName(c.resident().name()));
  p.set_resident_phone(c.resident().phone().empty() ? "" : log::MaskPhone(c.resident().phone()));
  p.set_reply(access::MaskNumbersInText(c.resolution_reply()));
  p.set_status(c.status());
  *p.mutable_submitted_at() = events::ToProto(facts.submitted_at);
  for (auto it = facts.cycles.rbegin(); it != facts.cycles.rend(); ++it) {
    if (!it->resolved_at.has_value()) continue;
    p.set_handled_by(it->resolver);
    p.set_handled_by_name(units.UnitName(it->resolver));
    *p.mutable_resolved_at() = events::ToProto(*it->resolved_at);
    if (it->rating.has_value()) {
      p.set_satisfaction(it->rating->satisfaction);
      p.set_problem_solved(it->rating->problem_solved);
    } else if (it->not_rated_at.has_value()) {
      p.set_satisfaction(v1::SATISFACTION_NOT_RATED);
    }
    break;
  }
  return p;
}

absl::StatusOr<v1::ListPublicCasesResponse> PublicCases::List(const v1::ListPublicCasesRequest& request) {
  if (!request.area().empty() && !units_->IsArea(request.area())) {
    return validation::FieldError(
        "area", absl::StrCat("unknown county, township, community or grid code \"", request.area(), "\""));
  }
  if (request.page_size() < 0 || request.page_size() > 100) {
    return validation::FieldError("page_size", "must be within 0..100");
  }
  int64_t offset = 0;
  if (!request.page_token().empty() && (!absl::SimpleAtoi(request.page_token(), &offset) || offset < 0)) {
    return validation::FieldError("page_token", "is not a token from a previous page");
  }
  const int size = request.page_size() == 0 ? 20 : request.page_size();
  v1::ListPublicCasesResponse response;
  while (response.cases_size() < size) {
    auto members = store_->RevRange(kPublicSet, offset, kChunk);
    if (!members.ok()) return members.status();
    if (members->empty()) return response;
    std::vector<std::string> ids;
    for (const ScoredMember& m : *members) ids.push_back(m.member);
    auto states = store_->LoadCases(ids);
    if (!states.ok()) return states.status();
    std::map<std::string, const v1::FeedbackCaseState*> by_id;
    for (const v1::FeedbackCaseState& s : *states) {
      if (!s.events().empty()) by_id[s.events(0).case_id()] = &s;
    }
    for (const std::string& id : ids) {
      ++offset;
      auto it = by_id.find(id);
      if (it == by_id.end()) continue;
      CaseFacts facts = ComputeFacts(*it->second, fallback_);
      std::vector<std::string> codes = AreaCodes(facts.current);
      if (!request.area().empty() && std::find(codes.begin(), codes.end(), request.area()) == codes.end()) continue;
      *response.add_cases() = ToPublicCase(facts, *units_);
      if (response.cases_size() == size) {
        response.set_next_page_token(absl::StrCat(offset));
        return response;
      }
    }
    if (static_cast<int64_t>(members->size()) < kChunk) return response;
  }
  return response;
}

}  // namespace gridcase::feedback
