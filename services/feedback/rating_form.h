#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "gridcase/v1/feedback.pb.h"

namespace gridcase::feedback {

// A resident's rating (POST /v1/ratings) from the fields of a form or of a JSON object: case_id and rating_code
// (required, non-empty), satisfaction (满意 | 基本满意 | 不满意, SATISFIED | BASICALLY | DISSATISFIED, their
// SATISFACTION_ names, or 1 | 2 | 3; any case, blanks around ignored), problem_solved (true/false, 1/0, yes/no, 是/否),
// comment (optional; its length is the rating desk's rule). INVALID_ARGUMENT "<field>: <reason>" otherwise.
absl::StatusOr<v1::RateCaseRequest> RatingFromFields(const std::map<std::string, std::string>& fields);
// The same from a JSON object body; a field may be a string, a boolean or an integer (null: absent).
absl::StatusOr<v1::RateCaseRequest> RatingFromJson(const std::string& body);

}  // namespace gridcase::feedback
