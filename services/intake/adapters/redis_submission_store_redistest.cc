// RedisSubmissionStore against the test run's redis-server: owners are fenced, the first saved event wins, a key
// reused for another request is a conflict, and a day's counter is reseeded from the ledger whenever the store's data
// may have been lost (simulated by deleting every key of the test's prefix).
#include "services/intake/adapters/redis_submission_store.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "libs/testing/infra.h"
#include "libs/testing/wait.h"
#include "services/intake/core/case_day.h"

namespace gridcase::intake {
namespace {

class FakeLedger : public SubmissionLedger {
 public:
  absl::StatusOr<DayOnRecord> ReadDay(const std::string& day) override {
    ++reads;
    days_read.push_back(day);
    return record;
  }
  DayOnRecord record;
  int reads = 0;
  std::vector<std::string> days_read;
};

class RedisSubmissionStoreTest : public ::testing::Test {
 protected:
  RedisSubmissionStoreTest() : prefix_(testing::UniqueName("store") + ".") {
    const auto& infra = testing::TestInfra();
    auto redis = redis::RedisClient::Create({.host = infra.redis.host, .port = infra.redis.port});
    EXPECT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
    store_ = std::make_unique<RedisSubmissionStore>(
        redis_.get(), RedisSubmissionStoreOptions{.prefix = prefix_, .ttl_seconds = 3600, .ledger = &ledger_,
                                                  .reseed_margin = 100});
  }

  SubmissionClaim Claim(const std::string& key, const std::string& owner,
                        absl::Duration lease = absl::Seconds(10)) const {
    return {.channel = v1::CHANNEL_APP,
            .idempotency_key = key,
            .day = today_,
            .fingerprint = "f-" + key,
            .owner = owner,
            .lease = lease};
  }

  // Loses every key of the test's prefix, as a wipe of the Redis data would.
  void WipePrefix() {
    std::string cursor = "0";
    do {
      auto page = redis_->Run({"SCAN", cursor, "MATCH", prefix_ + "*", "COUNT", "1000"});
      ASSERT_TRUE(page.ok()) << page.status();
      cursor = page->elements[0].str;
      for (const redis::Reply& key : page->elements[1].elements) ASSERT_TRUE(redis_->Run({"DEL", key.str}).ok());
    } while (cursor != "0");
  }

  static v1::CaseEvent Submitted(const std::string& case_id, const std::string& text) {
    v1::CaseEvent event;
    event.set_event_id(case_id + "/1");
    event.set_case_id(case_id);
    event.set_case_version(1);
    event.mutable_submitted()->mutable_initial()->set_id(case_id);
    event.mutable_submitted()->mutable_initial()->set_text(text);
    return event;
  }

  std::string prefix_;
  std::string today_ = ShanghaiDay(absl::Now());
  FakeLedger ledger_;
  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<RedisSubmissionStore> store_;
};

TEST_F(RedisSubmissionStoreTest, FirstIdOfAnUnseededDayComesAfterEverythingOnRecord) {
  ledger_.record.highest_case_number = 41;
  auto first = store_->Reserve(Claim("k1", "a"));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->case_id, absl::StrCat("GC-", today_, "-000142"));
  EXPECT_TRUE(first->fresh && first->owned);
  auto second = store_->Reserve(Claim("k2", "b"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->case_id, absl::StrCat("GC-", today_, "-000143"));
  EXPECT_EQ(ledger_.reads, 1) << "a seeded counter is trusted";
}

TEST_F(RedisSubmissionStoreTest, DayBegunAfterTheSeedingStartsAtOneWithoutAReseed) {
  ASSERT_TRUE(store_->Reserve(Claim("k1", "a")).ok());
  ASSERT_EQ(ledger_.reads, 1);
  SubmissionClaim later = Claim("k2", "b");
  later.day = ShanghaiDay(absl::Now() + absl::Hours(48));
  auto reserved = store_->Reserve(later);
  ASSERT_TRUE(reserved.ok()) << reserved.status();
  EXPECT_EQ(reserved->case_id, absl::StrCat("GC-", later.day, "-000001"));
  EXPECT_EQ(ledger_.reads, 1);
}

TEST_F(RedisSubmissionStoreTest, LostDataIsReseededAndRestoredFromTheLedger) {
  auto first = store_->Reserve(Claim("k1", "a"));
  ASSERT_TRUE(first.ok());
  v1::CaseEvent event = Submitted(first->case_id, "路灯不亮");
  ASSERT_TRUE(store_->SaveEvent(Claim("k1", "a"), event).ok());
  ASSERT_TRUE(store_->MarkPublished(Claim("k1", "a"), event).ok());
  WipePrefix();

  // The ledger has what Kafka would: k1's case and a request linked to it.
  ledger_.record.highest_case_number = 101;
  ledger_.record.submissions.push_back(
      {.channel = v1::CHANNEL_APP, .idempotency_key = "k1", .submitted = event});
  ledger_.record.submissions.push_back(
      {.channel = v1::CHANNEL_APP, .idempotency_key = "k9", .linked_to = first->case_id});
  auto fresh = store_->Reserve(Claim("k2", "b"));
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_EQ(fresh->case_id, absl::StrCat("GC-", today_, "-000202"));
  EXPECT_EQ(ledger_.reads, 2);

  auto retry = store_->Reserve(Claim("k1", "c"));
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(retry->state, Reservation::State::kPublished);
  EXPECT_EQ(retry->case_id, first->case_id);
  ASSERT_TRUE(retry->saved_event.has_value());
  EXPECT_EQ(retry->saved_event->SerializeAsString(), event.SerializeAsString());
  auto linked = store_->Reserve(Claim("k9", "d"));
  ASSERT_TRUE(linked.ok());
  EXPECT_EQ(linked->state, Reservation::State::kLinked);
  EXPECT_EQ(linked->linked_to, first->case_id);
}

TEST_F(RedisSubmissionStoreTest, OnlyTheOwnerDecidesAndTheFirstSavedEventWins) {
  auto a = store_->Reserve(Claim("k1", "a"));
  auto b = store_->Reserve(Claim("k1", "b"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(a->owned && a->fresh);
  EXPECT_FALSE(b->owned || b->fresh);
  EXPECT_EQ(b->case_id, a->case_id);
  EXPECT_EQ(store_->RecordLinkIntent(Claim("k1", "b"), "GC-x").code(), absl::StatusCode::kAborted);
  EXPECT_EQ(store_->SaveEvent(Claim("k1", "b"), Submitted(a->case_id, "b's")).status().code(),
            absl::StatusCode::kAborted);
  v1::CaseEvent mine = Submitted(a->case_id, "a's");
  auto saved = store_->SaveEvent(Claim("k1", "a"), mine);
  ASSERT_TRUE(saved.ok());
  // Once saved, anyone gets the saved event, never replaces it.
  auto again = store_->SaveEvent(Claim("k1", "b"), Submitted(a->case_id, "b's"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->SerializeAsString(), mine.SerializeAsString());
}

TEST_F(RedisSubmissionStoreTest, ExpiredOrReleasedLeaseIsTakenOver) {
  auto a = store_->Reserve(Claim("k1", "a", absl::Milliseconds(200)));
  ASSERT_TRUE(a.ok() && a->owned);
  EXPECT_TRUE(testing::WaitFor([&] {
    auto b = store_->Reserve(Claim("k1", "b"));
    return b.ok() && b->owned;
  }, absl::Seconds(5)));
  ASSERT_TRUE(store_->Release(Claim("k1", "b")).ok());
  auto c = store_->Reserve(Claim("k1", "c"));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->owned) << "a released lease is free at once";
}

TEST_F(RedisSubmissionStoreTest, KeyWithAnotherFingerprintIsAConflict) {
  auto a = store_->Reserve(Claim("k1", "a"));
  ASSERT_TRUE(a.ok());
  SubmissionClaim other = Claim("k1", "b");
  other.fingerprint = "something else";
  auto b = store_->Reserve(other);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->state, Reservation::State::kConflict);
  EXPECT_EQ(b->case_id, a->case_id);
}

TEST_F(RedisSubmissionStoreTest, RecentCasesComeNewestFirstWithTheirTextsAndLeaveWithTheWindow) {
  RedisRecentCases recent(redis_.get(), prefix_, absl::Hours(1));
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  // "<case id>:<text>" of the recent cases, newest first.
  auto seen = [&](const std::string& grid, const std::string& item, absl::Time since) {
    std::vector<std::string> out;
    auto entries = recent.Since(grid, item, since);
    EXPECT_TRUE(entries.ok()) << entries.status();
    if (entries.ok()) {
      for (const RecentCases::Entry& e : *entries) out.push_back(absl::StrCat(e.case_id, ":", e.text));
    }
    return out;
  };
  ASSERT_TRUE(recent.Remember("G1", "road", "C1", "3号楼井盖丢了", t0).ok());
  ASSERT_TRUE(recent.Remember("G1", "road", "C2", "路灯不亮", t0 + absl::Minutes(10)).ok());
  ASSERT_TRUE(recent.Remember("G1", "noise", "C3", "夜里施工噪声", t0 + absl::Minutes(20)).ok());
  ASSERT_TRUE(recent.Remember("G2", "road", "C4", "井盖丢了", t0 + absl::Minutes(20)).ok());

  EXPECT_EQ(seen("G1", "road", t0), (std::vector<std::string>{"C2:路灯不亮", "C1:3号楼井盖丢了"}));
  EXPECT_EQ(seen("G1", "road", t0 + absl::Minutes(5)), (std::vector<std::string>{"C2:路灯不亮"}));
  EXPECT_TRUE(seen("G9", "road", t0).empty());

  // Remembering a case 65 minutes on drops C1 (older than the hour kept); C2 stays, and the set expires with the hour.
  ASSERT_TRUE(recent.Remember("G1", "road", "C5", "井盖又丢了", t0 + absl::Minutes(65)).ok());
  EXPECT_EQ(seen("G1", "road", t0), (std::vector<std::string>{"C5:井盖又丢了", "C2:路灯不亮"}));
  auto stored = redis_->Run({"ZCARD", prefix_ + "intake:recent-cases:{G1}:road"});
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->integer, 2);
  auto ttl = redis_->Run({"PTTL", prefix_ + "intake:recent-cases:{G1}:road"});
  ASSERT_TRUE(ttl.ok()) << ttl.status();
  EXPECT_GT(ttl->integer, 0);
  EXPECT_LE(ttl->integer, 3'600'000);
}

}  // namespace
}  // namespace gridcase::intake
