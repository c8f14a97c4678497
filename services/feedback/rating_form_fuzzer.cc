// Fuzz target for the resident's rating callback (POST /v1/ratings): the body as an urlencoded form (decoded by the
// HTTP server's own form parser, the first of repeated fields kept, as the server does) or as JSON. An accepted
// rating has its required fields, a real satisfaction, and reads back the same from its own fields and from its
// JSON; a refusal names a field.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include <httplib.h>

#include "fuzz/fuzz_check.h"
#include "google/protobuf/util/message_differencer.h"
#include "libs/validation/utf8.h"
#include "nlohmann/json.hpp"
#include "services/feedback/rating_form.h"

namespace {

using gridcase::v1::RateCaseRequest;

const char* SatisfactionWord(gridcase::v1::Satisfaction s) {
  switch (s) {
    case gridcase::v1::SATISFACTION_SATISFIED: return "满意";
    case gridcase::v1::SATISFACTION_BASICALLY: return "基本满意";
    case gridcase::v1::SATISFACTION_DISSATISFIED: return "不满意";
    default: return nullptr;
  }
}

void CheckAccepted(const RateCaseRequest& rating) {
  FUZZ_CHECK(!rating.case_id().empty() && !rating.rating_code().empty(), rating.ShortDebugString());
  const char* word = SatisfactionWord(rating.satisfaction());
  FUZZ_CHECK(word != nullptr, rating.ShortDebugString());

  std::map<std::string, std::string> fields = {{"case_id", rating.case_id()},
                                               {"rating_code", rating.rating_code()},
                                               {"satisfaction", word},
                                               {"problem_solved", rating.problem_solved() ? "是" : "否"}};
  if (!rating.comment().empty()) fields["comment"] = rating.comment();
  auto again = gridcase::feedback::RatingFromFields(fields);
  FUZZ_CHECK(again.ok(), again.status().ToString());
  FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(rating, *again), "fields round trip");

  // JSON text carries only UTF-8; a rating with other bytes came from a form and has no JSON form.
  for (const std::string* text : {&rating.case_id(), &rating.rating_code(), &rating.comment()}) {
    if (!gridcase::validation::Utf8Length(*text).has_value()) return;
  }
  nlohmann::json body = {{"case_id", rating.case_id()},
                         {"rating_code", rating.rating_code()},
                         {"satisfaction", word},
                         {"problem_solved", rating.problem_solved()},
                         {"comment", rating.comment()}};
  auto from_json = gridcase::feedback::RatingFromJson(body.dump());
  FUZZ_CHECK(from_json.ok(), from_json.status().ToString());
  FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(rating, *from_json), "json round trip");
}

void CheckRefused(const absl::Status& status) {
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument, status.ToString());
  FUZZ_CHECK(status.message().find(": ") != absl::string_view::npos, status.ToString());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  absl::StatusOr<RateCaseRequest> rating;
  if (data[0] & 1) {
    rating = gridcase::feedback::RatingFromJson(body);
  } else {
    httplib::Params params;
    httplib::detail::parse_query_text(body, params);
    std::map<std::string, std::string> fields;
    for (const auto& [key, value] : params) fields.emplace(key, value);
    rating = gridcase::feedback::RatingFromFields(fields);
  }
  if (rating.ok()) {
    CheckAccepted(*rating);
  } else {
    CheckRefused(rating.status());
  }
  return 0;
}
