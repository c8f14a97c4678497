#include "libs/kafka/case_lanes.h"

#include <atomic>
#include <map>
#include <mutex>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace gridcase::kafka {
namespace {

Message Record(const std::string& key, int version) {
  Message m;
  m.key = key;
  m.value = std::to_string(version);
  m.offset = version;
  return m;
}

TEST(CaseLanesTest, EachCaseRunsInOrderOnOneLaneAtATime) {
  std::mutex mu;
  std::map<std::string, int> last;
  std::map<std::string, int> running;
  std::atomic<int> overlaps{0};
  std::atomic<int> out_of_order{0};
  CaseLanes lanes(
      [&](const Message& m) {
        {
          std::lock_guard<std::mutex> lock(mu);
          if (running[m.key]++ > 0) ++overlaps;
          if (std::stoi(m.value) != last[m.key] + 1) ++out_of_order;
          last[m.key] = std::stoi(m.value);
        }
        std::this_thread::yield();
        std::lock_guard<std::mutex> lock(mu);
        --running[m.key];
        return absl::OkStatus();
      },
      8);
  std::vector<Message> batch;
  for (int v = 1; v <= 30; ++v) {
    for (int c = 0; c < 20; ++c) batch.push_back(Record(absl::StrCat("case-", c), v));
  }
  for (const absl::Status& s : lanes.Handle(batch)) EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(overlaps, 0);
  EXPECT_EQ(out_of_order, 0);
  for (int c = 0; c < 20; ++c) EXPECT_EQ(last[absl::StrCat("case-", c)], 30);
}

TEST(CaseLanesTest, RecordsAfterAFailureOfTheirCaseAreNotAttempted) {
  std::mutex mu;
  std::vector<std::string> called;
  CaseLanes lanes(
      [&](const Message& m) {
        std::lock_guard<std::mutex> lock(mu);
        called.push_back(m.key + "/" + m.value);
        if (m.key == "a" && m.value == "2") return absl::UnavailableError("redis down");
        return absl::OkStatus();
      },
      4);
  std::vector<Message> batch = {Record("a", 1), Record("b", 1), Record("a", 2), Record("b", 2), Record("a", 3)};
  std::vector<absl::Status> answers = lanes.Handle(batch);
  ASSERT_EQ(answers.size(), 5u);
  EXPECT_TRUE(answers[0].ok());
  EXPECT_TRUE(answers[1].ok());
  EXPECT_EQ(answers[2].message(), "redis down");
  EXPECT_TRUE(answers[3].ok());
  EXPECT_TRUE(absl::IsUnavailable(answers[4]));
  EXPECT_NE(answers[4].message().find("not attempted"), std::string::npos) << answers[4];
  EXPECT_EQ(std::count(called.begin(), called.end(), "a/3"), 0);
}

TEST(CaseLanesTest, OneLaneAndEmptyBatchesWork) {
  int calls = 0;
  CaseLanes lanes(
      [&](const Message&) {
        ++calls;
        return absl::OkStatus();
      },
      1);
  EXPECT_TRUE(lanes.Handle({}).empty());
  std::vector<Message> batch = {Record("", 1), Record("", 2), Record("x", 1)};
  EXPECT_EQ(lanes.Handle(batch).size(), 3u);
  EXPECT_EQ(calls, 3);
}

}  // namespace
}  // namespace gridcase::kafka
