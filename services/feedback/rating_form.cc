#include "services/feedback/rating_form.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/validation/field_error.h"
#include "nlohmann/json.hpp"

namespace gridcase::feedback {
namespace {

absl::StatusOr<v1::Satisfaction> ParseSatisfaction(const std::string& raw) {
  std::string v(absl::StripAsciiWhitespace(raw));
  std::string upper = absl::AsciiStrToUpper(v);
  if (v == "满意" || upper == "SATISFIED" || upper == "SATISFACTION_SATISFIED" || v == "1") {
    return v1::SATISFACTION_SATISFIED;
  }
  if (v == "基本满意" || upper == "BASICALLY" || upper == "SATISFACTION_BASICALLY" || v == "2") {
    return v1::SATISFACTION_BASICALLY;
  }
  if (v == "不满意" || upper == "DISSATISFIED" || upper == "SATISFACTION_DISSATISFIED" || v == "3") {
    return v1::SATISFACTION_DISSATISFIED;
  }
  return validation::FieldError("satisfaction",
                            "must be 满意, 基本满意 or 不满意 (SATISFIED, BASICALLY, DISSATISFIED; 1, 2, 3)");
}

absl::StatusOr<bool> ParseBool(const std::string& raw) {
  std::string v = absl::AsciiStrToLower(absl::StripAsciiWhitespace(raw));
  if (v == "true" || v == "1" || v == "yes" || raw == "是") return true;
  if (v == "false" || v == "0" || v == "no" || raw == "否") return false;
  return validation::FieldError("problem_solved", "must be true or false (1/0, 是/否)");
}

}  // namespace

absl::StatusOr<v1::RateCaseRequest> RatingFromFields(const std::map<std::string, std::string>& fields) {
  v1::RateCaseRequest request;
  auto get = [&](const std::string& name) -> const std::string* {
    auto it = fields.find(name);
    return it == fields.end() ? nullptr : &it->second;
  };
  const std::string* case_id = get("case_id");
  if (case_id == nullptr || case_id->empty()) return validation::FieldError("case_id", "required");
  request.set_case_id(*case_id);
  const std::string* code = get("rating_code");
  if (code == nullptr || code->empty()) return validation::FieldError("rating_code", "required");
  request.set_rating_code(*code);
  const std::string* satisfaction = get("satisfaction");
  if (satisfaction == nullptr) return validation::FieldError("satisfaction", "required");
  auto parsed = ParseSatisfaction(*satisfaction);
  if (!parsed.ok()) return parsed.status();
  request.set_satisfaction(*parsed);
  const std::string* solved = get("problem_solved");
  if (solved == nullptr) return validation::FieldError("problem_solved", "required");
  auto solved_value = ParseBool(*solved);
  if (!solved_value.ok()) return solved_value.status();
  request.set_problem_solved(*solved_value);
  if (const std::string* comment = get("comment"); comment != nullptr) request.set_comment(*comment);
  return request;
}

absl::StatusOr<v1::RateCaseRequest> RatingFromJson(const std::string& body) {
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return validation::FieldError("body", "must be a JSON object");
  std::map<std::string, std::string> fields;
  for (const char* name : {"case_id", "rating_code", "satisfaction", "problem_solved", "comment"}) {
    auto it = doc.find(name);
    if (it == doc.end() || it->is_null()) continue;
    if (it->is_string()) {
      fields[name] = it->get<std::string>();
    } else if (it->is_boolean()) {
      fields[name] = it->get<bool>() ? "true" : "false";
    } else if (it->is_number_integer()) {
      fields[name] = absl::StrCat(it->get<int64_t>());
    } else {
      return validation::FieldError(name, "must be a string");
    }
  }
  return RatingFromFields(fields);
}

}  // namespace gridcase::feedback
