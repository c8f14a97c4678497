#include "services/feedback/feedback_http.h"

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace gridcase::feedback {
namespace {

TEST(FeedbackHttpTest, FormFieldsInTheResidentsWords) {
  auto r = RatingFromFields({{"case_id", "GC-1"},
                             {"rating_code", "ab12"},
                             {"satisfaction", "基本满意"},
                             {"problem_solved", "是"},
                             {"comment", "还行"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->satisfaction(), v1::SATISFACTION_BASICALLY);
  EXPECT_TRUE(r->problem_solved());
  EXPECT_EQ(r->comment(), "还行");
  EXPECT_EQ(
      RatingFromFields({{"case_id", "GC-1"}, {"rating_code", "x"}, {"satisfaction", "3"}, {"problem_solved", "0"}})
          ->satisfaction(),
      v1::SATISFACTION_DISSATISFIED);
  EXPECT_EQ(RatingFromFields(
                {{"case_id", "GC-1"}, {"rating_code", "x"}, {"satisfaction", "satisfied"}, {"problem_solved", "true"}})
                ->satisfaction(),
            v1::SATISFACTION_SATISFIED);
}

TEST(FeedbackHttpTest, BadFieldsAreNamed) {
  std::map<std::string, std::string> ok = {
      {"case_id", "GC-1"}, {"rating_code", "x"}, {"satisfaction", "满意"}, {"problem_solved", "true"}};
  for (const char* field : {"case_id", "rating_code", "satisfaction", "problem_solved"}) {
    std::map<std::string, std::string> missing = ok;
    missing.erase(field);
    auto r = RatingFromFields(missing);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message().substr(0, std::string(field).size() + 1), std::string(field) + ":");
  }
  std::map<std::string, std::string> bad = ok;
  bad["satisfaction"] = "还行";
  EXPECT_EQ(nlohmann::json::parse(ErrorJson(RatingFromFields(bad).status()))["error"]["field"], "satisfaction");
  bad = ok;
  bad["problem_solved"] = "maybe";
  EXPECT_EQ(nlohmann::json::parse(ErrorJson(RatingFromFields(bad).status()))["error"]["field"], "problem_solved");
}

TEST(FeedbackHttpTest, JsonBodies) {
  auto r = RatingFromJson(
      R"({"case_id":"GC-1","rating_code":"AB12","satisfaction":"不满意","problem_solved":false,"comment":"没修好"})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->satisfaction(), v1::SATISFACTION_DISSATISFIED);
  EXPECT_FALSE(r->problem_solved());
  EXPECT_EQ(
      RatingFromJson(R"({"case_id":"GC-1","rating_code":"AB12","satisfaction":1,"problem_solved":1})")->satisfaction(),
      v1::SATISFACTION_SATISFIED);
  EXPECT_EQ(RatingFromJson("{not json").status().message().substr(0, 5), "body:");
  EXPECT_EQ(RatingFromJson("[1]").status().message().substr(0, 5), "body:");
  EXPECT_EQ(RatingFromJson(R"({"case_id":["GC-1"]})").status().message().substr(0, 8), "case_id:");
}

TEST(FeedbackHttpTest, ErrorBodies) {
  nlohmann::json body = nlohmann::json::parse(ErrorJson(absl::PermissionDeniedError("rating_code: not valid")));
  EXPECT_EQ(body["error"]["status"], "PERMISSION_DENIED");
  EXPECT_EQ(body["error"]["field"], "rating_code");
  EXPECT_FALSE(
      nlohmann::json::parse(ErrorJson(absl::FailedPreconditionError("case GC-1: rated")))["error"].contains("field"));
}

}  // namespace
}  // namespace gridcase::feedback
