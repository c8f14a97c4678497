#include "services/notify/core/event_router.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/events/proto_time.h"

namespace gridcase::notify {
namespace {

class MemoryStores : public CaseStateStore, public IntegrationStore, public DeliveryQueue {
 public:
  absl::StatusOr<CaseState> Load(const std::string& id) override { return cases[id]; }
  absl::StatusOr<bool> Save(const CaseState& s) override {
    if (fail_save) return absl::UnavailableError("redis down");
    CaseState& stored = cases[s.case_view.id()];
    if (stored.version != s.version - 1) return false;
    stored = s;
    return true;
  }
  absl::Status SetDue(const std::string&, int, absl::Time) override { return absl::OkStatus(); }
  absl::StatusOr<std::vector<v1::Integration>> List() override { return integrations; }
  absl::StatusOr<bool> Put(const v1::Integration&) override { return false; }
  absl::Status Remove(const std::string&) override { return absl::OkStatus(); }
  absl::StatusOr<bool> Enqueue(const Outbound& o, absl::Time) override {
    const std::string key = o.target + "|" + o.delivery_id;
    if (!enqueued.insert(key).second) return false;
    order.push_back(key);
    return true;
  }
  absl::StatusOr<bool> Lease(const std::string&, const std::string&, absl::Duration) override { return true; }
  absl::StatusOr<std::vector<std::string>> Due(const std::string&, absl::Time, int) override {
    return std::vector<std::string>{};
  }
  absl::StatusOr<Attempt> Begin(const std::string&, const std::string&, const std::string&, absl::Time) override {
    return absl::UnimplementedError("");
  }
  absl::Status Delivered(const std::string&, const std::string&, const std::string&, absl::Time) override {
    return absl::OkStatus();
  }
  absl::Status Failed(const std::string&, const std::string&, const std::string&, const std::string&, absl::Time, bool,
                      absl::Time) override {
    return absl::OkStatus();
  }
  absl::Status Deferred(const std::string&, const std::string&, const std::string&, absl::Time) override {
    return absl::OkStatus();
  }
  absl::StatusOr<Page> ListParked(const std::string&, int, const std::string&) override { return Page(); }
  absl::StatusOr<int> Replay(const std::string&, absl::Time, bool, absl::Time) override { return 0; }
  absl::StatusOr<int64_t> ParkedCount(const std::string&) override { return 0; }

  std::map<std::string, CaseState> cases;
  std::vector<v1::Integration> integrations;
  std::set<std::string> enqueued;
  std::vector<std::string> order;
  bool fail_save = false;
};

class EventRouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    v1::Integration hotline;
    hotline.set_name("hotline");
    hotline.mutable_source()->set_hotline_unit("330199.12345");
    stores_.integrations = {hotline};
  }
  v1::CaseEvent Event(int version, absl::Time at) {
    v1::CaseEvent e;
    e.set_case_id("GC-1");
    e.set_case_version(version);
    e.set_event_id(absl::StrCat("GC-1/", version));
    *e.mutable_occurred_at() = events::ToProto(at);
    if (version == 1) {
      v1::Case* c = e.mutable_submitted()->mutable_initial();
      c->set_id("GC-1");
      c->set_channel(v1::CHANNEL_HOTLINE_12345);
      c->set_intake_unit("330199.12345");
      c->set_status(v1::CASE_STATUS_SUBMITTED);
      c->set_version(1);
      c->mutable_resident()->set_phone("13712345678");
    } else {
      e.mutable_paused()->set_reason("等居民在家");
    }
    return e;
  }
  EventRouter Router(absl::Duration max_age = absl::Hours(72)) {
    return EventRouter(&stores_, &stores_, &stores_, [this] { return now_; }, max_age);
  }

  MemoryStores stores_;
  absl::Time now_ = absl::FromUnixSeconds(1764500000);
};

TEST_F(EventRouterTest, RedeliveryAfterACrashBeforeTheSaveQueuesNothingNew) {
  EventRouter router = Router();
  stores_.fail_save = true;  // Queued, then the process "dies" before its state is saved.
  EXPECT_FALSE(router.Route(Event(1, now_)).ok());
  EXPECT_EQ(stores_.order, (std::vector<std::string>{"hotline|GC-1/1", "resident-sms|GC-1/1/accepted"}));
  stores_.fail_save = false;
  EXPECT_EQ(*router.Route(Event(1, now_)), EventRouter::Outcome::kApplied);
  EXPECT_EQ(*router.Route(Event(1, now_)), EventRouter::Outcome::kDuplicate);
  EXPECT_EQ(stores_.order.size(), 2u);
}

TEST_F(EventRouterTest, VersionsApplyInOrder) {
  EventRouter router = Router();
  EXPECT_EQ(*router.Route(Event(2, now_)), EventRouter::Outcome::kWaitForEarlier);
  EXPECT_EQ(*router.Route(Event(1, now_)), EventRouter::Outcome::kApplied);
  EXPECT_EQ(*router.Route(Event(2, now_)), EventRouter::Outcome::kApplied);
  EXPECT_EQ(stores_.order.back(), "hotline|GC-1/2");
}

TEST_F(EventRouterTest, OldEventsUpdateTheCaseAndSendNothing) {
  EventRouter router = Router(absl::Hours(72));
  EXPECT_EQ(*router.Route(Event(1, now_ - absl::Hours(100))), EventRouter::Outcome::kApplied);
  EXPECT_TRUE(stores_.order.empty());
  EXPECT_EQ(stores_.cases["GC-1"].version, 1);
  EXPECT_EQ(*router.Route(Event(2, now_)), EventRouter::Outcome::kApplied);
  EXPECT_EQ(stores_.order, (std::vector<std::string>{"hotline|GC-1/2"}));
}

}  // namespace
}  // namespace gridcase::notify
