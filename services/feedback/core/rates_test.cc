#include "gtest/gtest.h"
#include "services/feedback/core/contribution.h"
#include "services/feedback/core/report.h"

namespace gridcase::feedback {
namespace {

TEST(RatesTest, ThreeRatesAndScoreFromCounters) {
  // 40 sign-offs settled, 30 on time; 20 ratings: 12 满意, 5 基本满意, 3 不满意, 14 solved; 25 resolved, 20 on time.
  std::map<std::string, int64_t> f = {
      {field::kSignOffsDue, 40}, {field::kSignOffsOnTime, 30}, {field::kRated, 20},
      {field::kSatisfied, 12},   {field::kBasically, 5},       {field::kDissatisfied, 3},
      {field::kSolved, 14},      {field::kResolved, 25},       {field::kResolvedOnTime, 20}};
  FeedbackPolicy policy;
  v1::UnitStats s;
  FillRates(f, policy, &s);
  EXPECT_DOUBLE_EQ(s.response_rate(), 0.75);
  EXPECT_DOUBLE_EQ(s.resolution_rate(), 0.7);
  EXPECT_DOUBLE_EQ(s.satisfaction_rate(), (12 + 5 * 0.8) / 20);  // 0.8
  EXPECT_DOUBLE_EQ(s.on_time_rate(), 0.8);
  EXPECT_NEAR(s.score(), 0.3 * 0.75 + 0.3 * 0.7 + 0.4 * 0.8, 1e-12);  // 0.755

  // Configured weights: 基本满意 counts half, 不满意 a tenth; the score only by satisfaction.
  policy.satisfaction = {.satisfied = 1.0, .basically = 0.5, .dissatisfied = 0.1};
  policy.score = {.response = 0, .resolution = 0, .satisfaction = 1};
  FillRates(f, policy, &s);
  EXPECT_DOUBLE_EQ(s.satisfaction_rate(), (12 + 2.5 + 0.3) / 20);
  EXPECT_DOUBLE_EQ(s.score(), s.satisfaction_rate());
}

TEST(RatesTest, RatesWithoutDataAreAbsentAndLeftOutOfTheScore) {
  v1::UnitStats s;
  FillRates({{field::kSignOffsDue, 3}, {field::kSignOffsOnTime, 2}, {field::kNotRated, 4}}, FeedbackPolicy(), &s);
  EXPECT_TRUE(s.has_response_rate());
  EXPECT_FALSE(s.has_resolution_rate());
  EXPECT_FALSE(s.has_satisfaction_rate()) << "not-rated closures are not ratings";
  EXPECT_FALSE(s.has_on_time_rate());
  EXPECT_NEAR(s.score(), 2.0 / 3, 1e-12);
  v1::UnitStats empty;
  FillRates({}, FeedbackPolicy(), &empty);
  EXPECT_FALSE(empty.has_score());
  EXPECT_EQ(empty.rank(), 0);
}

TEST(RatesTest, PolicyIsValidated) {
  FeedbackPolicy policy;
  EXPECT_TRUE(ValidatePolicy(policy).ok());
  policy.satisfaction.basically = 1.2;
  EXPECT_EQ(ValidatePolicy(policy).message().substr(0, 22), "--satisfaction_weights");
  policy = FeedbackPolicy();
  policy.score = {.response = 0, .resolution = 0, .satisfaction = 0};
  EXPECT_FALSE(ValidatePolicy(policy).ok());
  policy = FeedbackPolicy();
  policy.hot_spot.threshold = 1;
  EXPECT_FALSE(ValidatePolicy(policy).ok());
}

}  // namespace
}  // namespace gridcase::feedback
