#include "services/intake/core/intake.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "libs/registry/test_registry.h"
#include "services/intake/core/submission_fingerprint.h"

namespace gridcase::intake {
namespace {

// The caller that may submit `request`: a hotline operator for a 12345 call, a grid worker for a patrol report, the
// front end's service otherwise.
v1::Actor SubmitterFor(const v1::SubmitCaseRequest& request) {
  v1::Actor actor;
  switch (request.channel()) {
    case v1::CHANNEL_HOTLINE_12345:
      actor.set_role(v1::ROLE_HOTLINE_OPERATOR);
      actor.set_unit_code("330199.12345");
      actor.set_person_id("op1");
      break;
    case v1::CHANNEL_GRID_PATROL:
      actor.set_role(v1::ROLE_GRID_WORKER);
      actor.set_unit_code("330199001001001");
      actor.set_person_id("gw1");
      break;
    default:
      actor.set_role(v1::ROLE_SYSTEM);
      actor.set_person_id("app");
  }
  return actor;
}


// SubmissionStore in memory with the Redis store's rules: leases on `now`, fenced owners, the first saved event wins.
class MemorySubmissionStore : public SubmissionStore {
 public:
  absl::StatusOr<Reservation> Reserve(const SubmissionClaim& claim) override {
    auto [it, created] = entries_.try_emplace({claim.channel, claim.idempotency_key});
    Entry& entry = it->second;
    Reservation r;
    if (created) {
      entry.case_id = "GC-" + claim.day + "-" + std::to_string(++sequence_);
      entry.fingerprint = claim.fingerprint;
      entry.created_by = claim.owner;
    } else if (entry.fingerprint != claim.fingerprint) {
      r.state = Reservation::State::kConflict;
      r.case_id = entry.case_id;
      return r;
    }
    if (entry.state == Reservation::State::kPending && (entry.owner == claim.owner || entry.lease_until <= now)) {
      entry.owner = claim.owner;
      entry.lease_until = now + claim.lease;
      r.owned = true;
    }
    r.state = entry.state;
    r.case_id = entry.case_id;
    r.fresh = entry.created_by == claim.owner;
    r.saved_event = entry.event;
    r.linking_to = entry.linking_to;
    r.linked_to = entry.answer ? entry.answer->linked_to_case_id() : "";
    r.linked_answer = entry.answer;
    return r;
  }
  absl::Status RecordLinkIntent(const SubmissionClaim& claim, const std::string& case_id) override {
    Entry& entry = entries_.at({claim.channel, claim.idempotency_key});
    if (entry.owner != claim.owner || entry.event) return absl::AbortedError("lost");
    entry.linking_to = case_id;
    return absl::OkStatus();
  }
  absl::StatusOr<v1::CaseEvent> SaveEvent(const SubmissionClaim& claim, const v1::CaseEvent& event) override {
    Entry& entry = entries_.at({claim.channel, claim.idempotency_key});
    if (entry.event) return *entry.event;
    if (entry.owner != claim.owner) return absl::AbortedError("lost");
    entry.event = event;
    entry.linking_to.clear();
    return event;
  }
  absl::Status MarkPublished(const SubmissionClaim& claim, const v1::CaseEvent&) override {
    entries_.at({claim.channel, claim.idempotency_key}).state = Reservation::State::kPublished;
    return absl::OkStatus();
  }
  absl::Status MarkLinked(const SubmissionClaim& claim, const v1::SubmitCaseResponse& answer) override {
    Entry& entry = entries_.at({claim.channel, claim.idempotency_key});
    entry.state = Reservation::State::kLinked;
    entry.answer = answer;
    return absl::OkStatus();
  }
  absl::Status Release(const SubmissionClaim& claim) override {
    Entry& entry = entries_.at({claim.channel, claim.idempotency_key});
    if (entry.owner == claim.owner) entry.lease_until = absl::InfinitePast();
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<v1::Case>> SubmittedCase(const std::string& case_id) override {
    for (auto& [k, e] : entries_) {
      if (e.case_id == case_id && e.event) return e.event->submitted().initial();
    }
    return std::nullopt;
  }
  size_t size() const { return entries_.size(); }

  absl::Time now = absl::FromUnixSeconds(1795000000);

 private:
  struct Entry {
    std::string case_id;
    std::string fingerprint;
    std::string created_by;
    std::string owner;
    absl::Time lease_until = absl::InfinitePast();
    Reservation::State state = Reservation::State::kPending;
    std::string linking_to;
    std::optional<v1::CaseEvent> event;
    std::optional<v1::SubmitCaseResponse> answer;
  };
  std::map<std::pair<v1::Channel, std::string>, Entry> entries_;
  int sequence_ = 0;
};

// The projection as dispatch would keep it: whatever the test put there.
class FakeProjection : public CaseReader {
 public:
  absl::StatusOr<std::optional<v1::Case>> GetCase(const std::string& id) override {
    auto it = cases.find(id);
    if (it == cases.end()) return std::nullopt;
    return it->second;
  }
  absl::StatusOr<std::vector<v1::Case>> ListCreated(absl::Time, absl::Time, int64_t offset, int64_t count) override {
    std::vector<v1::Case> out;
    int64_t i = 0;
    for (const auto& [id, c] : cases) {
      if (i++ >= offset && static_cast<int64_t>(out.size()) < count) out.push_back(c);
    }
    return out;
  }
  absl::StatusOr<std::vector<v1::Case>> GetMany(const std::vector<std::string>& ids) override {
    std::vector<v1::Case> out;
    for (const auto& id : ids) {
      if (cases.contains(id)) out.push_back(cases[id]);
    }
    return out;
  }
  std::map<std::string, v1::Case> cases;
};

class MemoryRecentCases : public RecentCases {
 public:
  absl::StatusOr<std::vector<Entry>> Since(const std::string& grid, const std::string& item, absl::Time) override {
    return entries[grid + "|" + item];
  }
  absl::Status Remember(const std::string& grid, const std::string& item, const std::string& case_id,
                        absl::string_view text, absl::Time) override {
    entries[grid + "|" + item].insert(entries[grid + "|" + item].begin(), Entry{case_id, std::string(text)});
    return absl::OkStatus();
  }
  std::map<std::string, std::vector<Entry>> entries;
};

class RecordingLinker : public CaseLinker {
 public:
  absl::StatusOr<v1::Case> AddCoRequester(const std::string& case_id, const v1::Resident& resident,
                                          const std::string& request_ref, const std::string&) override {
    if (!fail_next.ok()) {
      absl::Status failure = fail_next;
      fail_next = absl::OkStatus();
      return failure;
    }
    links.push_back({case_id, request_ref});
    v1::Case c;
    c.set_id(case_id);
    return c;
  }
  std::vector<std::pair<std::string, std::string>> links;
  absl::Status fail_next;
};

class RecordingPublisher : public events::EventPublisher {
 public:
  absl::Status Publish(const v1::CaseEvent& event) override {
    if (fail_next) {
      fail_next = false;
      return absl::UnavailableError("broker down");
    }
    published.push_back(event);
    return absl::OkStatus();
  }
  bool fail_next = false;
  std::vector<v1::CaseEvent> published;
};

class IntakeTest : public ::testing::Test {
 protected:
  IntakeTest()
      : registry_(registry::testing::SmallRegistry()),
        classifier_(ClassificationRules{.emergency_keywords = {"燃气泄漏"},
                                        .category_keywords = {{"多次反映", v1::CATEGORY_DIFFICULT}}}),
        intake_({.store = &store_,
                 .reader = &reader_,
                 .publisher = &publisher_,
                 .registry = &registry_,
                 .classifier = &classifier_,
                 .recent = &recent_,
                 .linker = &linker_,
                 .planner = [](v1::Category, bool emergency, absl::Time at) -> std::optional<absl::Time> {
                   return at + (emergency ? absl::Hours(4) : absl::Hours(72));
                 },
                 .clock = [this] { return store_.now; },
                 .sleep = [this](absl::Duration d) { store_.now += d; }}) {}

  static v1::SubmitCaseRequest Request(const std::string& key) {
    v1::SubmitCaseRequest r;
    r.set_idempotency_key(key);
    r.set_channel(v1::CHANNEL_HOTLINE_12345);
    r.set_text("小区东门路灯不亮，夜间很危险");
    r.mutable_resident()->set_phone("13812345678");
    r.mutable_point()->set_lat(30.3025);  // 翠苑社区 grid 001 of the small test registry.
    r.mutable_point()->set_lng(120.1025);
    return r;
  }
  // A request like Request(...)'s at the same place: a duplicate of it.
  static v1::SubmitCaseRequest Similar(const std::string& key) {
    v1::SubmitCaseRequest r = Request(key);
    r.set_text("小区东门的路灯不亮了，晚上很危险！");
    return r;
  }
  // Another attempt's claim on Request(key), as the store sees it.
  static SubmissionClaim OtherClaim(const std::string& key, absl::Duration lease) {
    return {.channel = v1::CHANNEL_HOTLINE_12345,
            .idempotency_key = key,
            .day = "20261123",
            .fingerprint = SubmissionFingerprint(Request(key)),
            .owner = "other",
            .lease = lease};
  }

  MemorySubmissionStore store_;
  FakeProjection reader_;
  RecordingPublisher publisher_;
  registry::RegistryHolder registry_;
  Classifier classifier_;
  MemoryRecentCases recent_;
  RecordingLinker linker_;
  Intake intake_;
};

TEST_F(IntakeTest, SubmitPublishesOneVersionOneEvent) {
  auto response = intake_.Submit(Request("k1"), SubmitterFor(Request("k1")));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_FALSE(response->duplicate_submit());
  ASSERT_EQ(publisher_.published.size(), 1u);
  const v1::CaseEvent& event = publisher_.published[0];
  EXPECT_EQ(event.case_id(), response->case_id());
  EXPECT_EQ(event.case_version(), 1);
  EXPECT_EQ(event.event_id(), response->case_id() + "/1");
  EXPECT_EQ(event.submitted().initial().status(), v1::CASE_STATUS_SUBMITTED);
  EXPECT_EQ(event.submitted().initial().text(), "小区东门路灯不亮，夜间很危险");
  EXPECT_EQ(response->case_id().substr(0, 12), "GC-20261118-");
}

TEST_F(IntakeTest, MediaUrlsTravelWithTheCase) {
  v1::SubmitCaseRequest request = Request("with-photos");
  request.add_media_urls("https://img.example.cn/a/1.jpg");
  request.add_media_urls("http://img.example.cn/a/2.mp4");
  ASSERT_TRUE(intake_.Submit(request, SubmitterFor(request)).ok());
  ASSERT_EQ(publisher_.published.size(), 1u);
  const v1::Case& c = publisher_.published[0].submitted().initial();
  ASSERT_EQ(c.media_urls_size(), 2);
  EXPECT_EQ(c.media_urls(1), "http://img.example.cn/a/2.mp4");
}

TEST_F(IntakeTest, LocatesClassifiesAndPlansTheDeadline) {
  auto response = intake_.Submit(Request("k1"), SubmitterFor(Request("k1")));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->grid_code(), "330199001001001");
  EXPECT_FALSE(response->needs_manual_grid());
  EXPECT_EQ(response->suggested_category(), v1::CATEGORY_SIMPLE);
  EXPECT_FALSE(response->emergency());
  EXPECT_EQ(response->expected_at().seconds(), 1795000000 + 72 * 3600);
  const v1::Case& c = publisher_.published[0].submitted().initial();
  EXPECT_EQ(c.catalogue_item(), "municipal.street-light");
  EXPECT_EQ(c.location().community_code(), "330199001001");
  EXPECT_EQ(c.location().township_code(), "330199001");
  EXPECT_TRUE(c.category_suggested());
}

TEST_F(IntakeTest, UnlocatedRequestIsKeptAndFlagged) {
  auto request = Request("k1");
  request.mutable_point()->set_lat(40.7);  // New York: outside the county.
  request.mutable_point()->set_lng(-74.0);
  request.set_address("");
  auto response = intake_.Submit(request, SubmitterFor(request));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_TRUE(response->needs_manual_grid());
  EXPECT_EQ(response->suggested_category(), v1::CATEGORY_CROSS_COUNTY);
  EXPECT_EQ(publisher_.published.size(), 1u);
}

TEST_F(IntakeTest, AddressLocatesThroughTheGazetteer) {
  auto request = Request("k1");
  request.clear_point();
  request.set_address("翠苑小区3幢东侧");
  auto response = intake_.Submit(request, SubmitterFor(request));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->grid_code(), "330199001001002");
  // What the gazetteer matched is reported, in the answer and in the case.
  EXPECT_EQ(response->locate_method(), "gazetteer_grid");
  EXPECT_EQ(response->matched_place(), "翠苑小区3幢");
  const v1::Location& located = publisher_.published[0].submitted().initial().location();
  EXPECT_EQ(located.locate_method(), "gazetteer_grid");
  EXPECT_EQ(located.matched_place(), "翠苑小区3幢");
}

TEST_F(IntakeTest, TheSuggestionIsExplainedInTheAnswerAndTheCase) {
  auto request = Request("k1");
  request.set_text("路灯不亮已经多次反映，一直没人修");
  auto response = intake_.Submit(request, SubmitterFor(request));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->suggested_catalogue_item(), "municipal.street-light");
  EXPECT_EQ(response->locate_method(), "polygon");
  const v1::ClassificationExplanation& why = response->classification();
  ASSERT_EQ(why.hits_size(), 2) << why.DebugString();
  EXPECT_EQ(why.hits(0).rule(), "item:municipal.street-light");
  EXPECT_EQ(why.hits(0).matched(0), "路灯");
  EXPECT_EQ(why.hits(1).rule(), "category_keywords");
  EXPECT_EQ(why.hits(1).effect(), "category:CATEGORY_DIFFICULT");
  EXPECT_EQ(why.hits(1).matched(0), "多次反映");
  // The CaseSubmitted event carries the same explanation, so the timeline shows it to the grid worker.
  EXPECT_EQ(publisher_.published[0].submitted().initial().classification().SerializeAsString(),
            why.SerializeAsString());
}

TEST_F(IntakeTest, EmergencyKeywordFlagsTheEmergencyPath) {
  auto request = Request("k1");
  request.set_text("楼道里闻到很重的味道，疑似燃气泄漏");
  auto response = intake_.Submit(request, SubmitterFor(request));
  ASSERT_TRUE(response.ok());
  EXPECT_TRUE(response->emergency());
  EXPECT_EQ(response->expected_at().seconds(), 1795000000 + 4 * 3600);
}

TEST_F(IntakeTest, CategoryKeywordRaisesTheCategory) {
  auto request = Request("k1");
  request.set_text("路灯不亮已经多次反映，一直没人修");
  auto response = intake_.Submit(request, SubmitterFor(request));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->suggested_category(), v1::CATEGORY_DIFFICULT);
}

TEST_F(IntakeTest, UnknownCatalogueItemIsRefusedNamingTheField) {
  auto request = Request("k1");
  request.set_catalogue_item("no.such-item");
  auto response = intake_.Submit(request, SubmitterFor(request));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(response.status().message().rfind("catalogue_item:", 0), 0u);
  EXPECT_EQ(store_.size(), 0u);
}

TEST_F(IntakeTest, SimilarRequestIsLinkedToTheOpenCaseNotDoubled) {
  auto first = intake_.Submit(Request("k1"), SubmitterFor(Request("k1")));
  ASSERT_TRUE(first.ok());
  auto again = Similar("k2");
  again.mutable_resident()->set_phone("13900001111");
  auto second = intake_.Submit(again, SubmitterFor(again));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->case_id(), first->case_id());
  EXPECT_EQ(second->linked_to_case_id(), first->case_id());
  EXPECT_EQ(publisher_.published.size(), 1u) << "a duplicate must not open a second case";
  ASSERT_EQ(linker_.links.size(), 1u);
  EXPECT_EQ(linker_.links[0].second, "CHANNEL_HOTLINE_12345:k2");
  // A repeat of the linked request answers the same without linking twice.
  auto repeat = intake_.Submit(again, SubmitterFor(again));
  ASSERT_TRUE(repeat.ok());
  EXPECT_EQ(repeat->linked_to_case_id(), first->case_id());
  EXPECT_TRUE(repeat->duplicate_submit());
  EXPECT_EQ(linker_.links.size(), 1u);
}

TEST_F(IntakeTest, DifferentTextOrClosedCaseOpensItsOwnCase) {
  auto first = intake_.Submit(Request("k1"), SubmitterFor(Request("k1")));
  ASSERT_TRUE(first.ok());
  auto unrelated = Request("k2");
  unrelated.set_text("路灯杆被车撞歪了");
  auto second = intake_.Submit(unrelated, SubmitterFor(unrelated));
  ASSERT_TRUE(second.ok());
  EXPECT_NE(second->case_id(), first->case_id());

  v1::Case closed;
  closed.set_id(first->case_id());
  closed.set_status(v1::CASE_STATUS_CLOSED);
  reader_.cases[first->case_id()] = closed;
  auto third = intake_.Submit(Request("k3"), SubmitterFor(Request("k3")));
  ASSERT_TRUE(third.ok());
  EXPECT_NE(third->case_id(), first->case_id());
  EXPECT_TRUE(linker_.links.empty());
}

TEST(TextSimilarityTest, IgnoresPunctuationAndSpaces) {
  EXPECT_GT(TextSimilarity("3号楼井盖丢了", "3号楼的井盖丢了！"), 0.7);
  EXPECT_LT(TextSimilarity("3号楼井盖丢了", "广场舞噪音扰民"), 0.1);
  EXPECT_DOUBLE_EQ(TextSimilarity("", ""), 0.0);
}

TEST_F(IntakeTest, RepeatedKeyReturnsSameCaseAndPublishesNothing) {
  auto first = intake_.Submit(Request("k1"), SubmitterFor(Request("k1")));
  auto second = intake_.Submit(Request("k1"), SubmitterFor(Request("k1")));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->case_id(), second->case_id());
  EXPECT_TRUE(second->duplicate_submit());
  EXPECT_EQ(publisher_.published.size(), 1u);
  auto other_channel = Request("k1");
  other_channel.set_channel(v1::CHANNEL_APP);
  other_channel.set_text("路灯杆被风吹歪了");  // Not a duplicate of the first either.
  auto third = intake_.Submit(other_channel, SubmitterFor(other_channel));
  ASSERT_TRUE(third.ok());
  EXPECT_NE(third->case_id(), first->case_id());
}

TEST_F(IntakeTest, FailedPublishIsRetryableAndRepublishesTheSameEvent) {
  publisher_.fail_next = true;
  auto first = intake_.Submit(Request("k1"), SubmitterFor(Request("k1")));
  EXPECT_EQ(first.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(publisher_.published.empty());
  auto retry = intake_.Submit(Request("k1"), SubmitterFor(Request("k1")));
  ASSERT_TRUE(retry.ok()) << retry.status();
  ASSERT_EQ(publisher_.published.size(), 1u);
  EXPECT_EQ(publisher_.published[0].event_id(), retry->case_id() + "/1");
}

TEST_F(IntakeTest, GetCaseFallsBackToTheSubmittedCase) {
  auto response = intake_.Submit(Request("k1"), SubmitterFor(Request("k1")));
  ASSERT_TRUE(response.ok());
  auto got = intake_.GetCase(response->case_id());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->version(), 1);
  EXPECT_EQ(intake_.GetCase("GC-nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(intake_.GetCase("").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(IntakeTest, SameKeyForADifferentRequestIsRefusedNamingTheKeyAndCase) {
  auto first = intake_.Submit(Request("k1"), SubmitterFor(Request("k1")));
  ASSERT_TRUE(first.ok());
  auto changed = Request("k1");
  changed.set_text("路灯杆被车撞歪了");
  auto second = intake_.Submit(changed, SubmitterFor(changed));
  EXPECT_EQ(second.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(second.status().message(),
            "idempotency_key: k1 was already used for a different request (case " + first->case_id() + ")");
  EXPECT_EQ(publisher_.published.size(), 1u);
}

TEST(SubmissionFingerprintTest, DependsOnEveryMeaningfulFieldAndNothingElse) {
  v1::SubmitCaseRequest base;
  base.set_idempotency_key("k");
  base.set_channel(v1::CHANNEL_APP);
  base.set_text("路灯不亮");
  base.mutable_point()->set_lat(30.1);
  base.mutable_point()->set_lng(120.2);
  const std::string fingerprint = SubmissionFingerprint(base);
  EXPECT_EQ(fingerprint.size(), 64u);
  EXPECT_EQ(SubmissionFingerprint(base), fingerprint);
  std::vector<std::function<void(v1::SubmitCaseRequest&)>> changes = {
      [](auto& r) { r.set_idempotency_key("k2"); },
      [](auto& r) { r.set_channel(v1::CHANNEL_HOTLINE_12345); },
      [](auto& r) { r.set_text("路灯不亮了"); },
      [](auto& r) { r.set_title("路灯"); },
      [](auto& r) { r.set_address("幸福里"); },
      [](auto& r) { r.set_catalogue_item("street-light"); },
      [](auto& r) { r.mutable_resident()->set_phone("13812345678"); },
      [](auto& r) { r.mutable_resident()->set_name("王"); },
      [](auto& r) { r.mutable_resident()->set_resident_id("u1"); },
      [](auto& r) { r.mutable_point()->set_lng(120.20000000000002); },
      [](auto& r) { r.clear_point(); },
      [](auto& r) { r.add_media_urls("https://img.example.cn/1.jpg"); },
      // Moving text between fields changes the fingerprint too.
      [](auto& r) {
        r.set_title("路灯");
        r.set_text("不亮");
      },
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    v1::SubmitCaseRequest changed = base;
    changes[i](changed);
    EXPECT_NE(SubmissionFingerprint(changed), fingerprint) << "change " << i;
  }
}

TEST_F(IntakeTest, ConcurrentAttemptWaitsForTheOwnerThenTakesOverWithTheSavedEvent) {
  // Another attempt owns the key and saved its event, then went silent (it died before publishing).
  SubmissionClaim other = OtherClaim("k1", absl::Seconds(10));
  auto reserved = store_.Reserve(other);
  ASSERT_TRUE(reserved.ok() && reserved->owned);
  v1::CaseEvent saved;
  saved.set_event_id(reserved->case_id + "/1");
  saved.set_case_id(reserved->case_id);
  saved.set_case_version(1);
  saved.mutable_submitted()->mutable_initial()->set_id(reserved->case_id);
  saved.mutable_submitted()->mutable_initial()->set_text("saved first");
  ASSERT_TRUE(store_.SaveEvent(other, saved).ok());

  absl::Time started = store_.now;
  auto response = intake_.Submit(Request("k1"), SubmitterFor(Request("k1")));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_GE(store_.now - started, absl::Seconds(10)) << "took over before the owner's lease ran out";
  EXPECT_EQ(response->case_id(), reserved->case_id);
  EXPECT_TRUE(response->duplicate_submit());
  ASSERT_EQ(publisher_.published.size(), 1u);
  EXPECT_EQ(publisher_.published[0].SerializeAsString(), saved.SerializeAsString()) << "the saved event wins";
}

TEST_F(IntakeTest, AttemptGivesUpWithUnavailableWhileTheOwnerHoldsTheLease) {
  ASSERT_TRUE(store_.Reserve(OtherClaim("k1", absl::Hours(1))).ok());
  auto response = intake_.Submit(Request("k1"), SubmitterFor(Request("k1")));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(publisher_.published.empty());
}

TEST_F(IntakeTest, UnknownLinkOutcomeIsRetriedWithTheSameRequestRefNotOpenedAsACase) {
  auto first = intake_.Submit(Request("k1"), SubmitterFor(Request("k1")));
  ASSERT_TRUE(first.ok());
  auto again = Similar("k2");
  linker_.fail_next = absl::DeadlineExceededError("dispatch did not answer");
  auto timed_out = intake_.Submit(again, SubmitterFor(again));
  EXPECT_EQ(timed_out.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(publisher_.published.size(), 1u) << "an unknown link outcome must not open a case";
  // Even if the similar case closes meanwhile, the retry follows the recorded decision.
  v1::Case closed;
  closed.set_id(first->case_id());
  closed.set_status(v1::CASE_STATUS_CLOSED);
  reader_.cases[first->case_id()] = closed;
  auto retry = intake_.Submit(again, SubmitterFor(again));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->linked_to_case_id(), first->case_id());
  ASSERT_EQ(linker_.links.size(), 1u);
  EXPECT_EQ(linker_.links[0].second, "CHANNEL_HOTLINE_12345:k2");
  EXPECT_EQ(publisher_.published.size(), 1u);
}

TEST_F(IntakeTest, RefusedLinkOpensACaseOfItsOwn) {
  auto first = intake_.Submit(Request("k1"), SubmitterFor(Request("k1")));
  ASSERT_TRUE(first.ok());
  auto again = Similar("k2");
  linker_.fail_next = absl::FailedPreconditionError("case is RESOLVED");
  auto second = intake_.Submit(again, SubmitterFor(again));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_NE(second->case_id(), first->case_id());
  EXPECT_TRUE(second->linked_to_case_id().empty());
  EXPECT_EQ(publisher_.published.size(), 2u);
}

TEST_F(IntakeTest, RepeatOfALinkedRequestGetsTheFirstAnswer) {
  auto first = intake_.Submit(Request("k1"), SubmitterFor(Request("k1")));
  ASSERT_TRUE(first.ok());
  auto again = Similar("k2");
  auto linked = intake_.Submit(again, SubmitterFor(again));
  auto repeat = intake_.Submit(again, SubmitterFor(again));
  ASSERT_TRUE(linked.ok() && repeat.ok());
  v1::SubmitCaseResponse expected = *linked;
  expected.set_duplicate_submit(true);
  EXPECT_EQ(repeat->SerializeAsString(), expected.SerializeAsString());
}

struct BadInput {
  std::string name;
  std::function<void(v1::SubmitCaseRequest&)> spoil;
  std::string message;
};

class ValidationTest : public IntakeTest, public ::testing::WithParamInterface<BadInput> {};

TEST_P(ValidationTest, RejectsNamingTheFieldAndStoresNothing) {
  auto request = Request("bad");
  GetParam().spoil(request);
  auto response = intake_.Submit(request, SubmitterFor(request));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(response.status().message(), GetParam().message);
  EXPECT_EQ(store_.size(), 0u);
  EXPECT_TRUE(publisher_.published.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Fields, ValidationTest,
    ::testing::Values(
        BadInput{"EmptyText", [](auto& r) { r.set_text(""); }, "text: must not be empty"},
        BadInput{"InvalidUtf8", [](auto& r) { r.set_text("bad \xC3\x28"); }, "text: is not valid UTF-8"},
        BadInput{"LongText", [](auto& r) { r.set_text(std::string(4001, 'a')); },
                 "text: must have at most 4000 characters, has 4001"},
        BadInput{"LatitudeRange", [](auto& r) { r.mutable_point()->set_lat(91); }, "point.lat: must be within [-90, 90]"},
        BadInput{"LongitudeRange", [](auto& r) { r.mutable_point()->set_lng(-180.5); },
                 "point.lng: must be within [-180, 180]"},
        BadInput{"NaN", [](auto& r) { r.mutable_point()->set_lat(std::nan("")); },
                 "point.lat: must be within [-90, 90]"},
        BadInput{"NoKey", [](auto& r) { r.set_idempotency_key(""); }, "idempotency_key: must not be empty"},
        BadInput{"NoChannel", [](auto& r) { r.set_channel(v1::CHANNEL_UNSPECIFIED); },
                 "channel: must be one of HOTLINE_12345, APP, GRID_PATROL, OPEN311"},
        BadInput{"Phone", [](auto& r) { r.mutable_resident()->set_phone("555-0100"); },
                 "resident.phone: is not a mainland China mobile or landline number"},
        BadInput{"TitleUtf8", [](auto& r) { r.set_title("\xff"); }, "title: is not valid UTF-8"},
        BadInput{"MediaScheme", [](auto& r) { r.add_media_urls("ftp://example.cn/x"); },
                 "media_urls[0]: must be an http(s) URL of at most 1024 printable ASCII characters"},
        BadInput{"MediaEmptyHost",
                 [](auto& r) {
                   r.add_media_urls("https://img.example.cn/1.jpg");
                   r.add_media_urls("https://");
                 },
                 "media_urls[1]: must be an http(s) URL of at most 1024 printable ASCII characters"},
        BadInput{"MediaSpace", [](auto& r) { r.add_media_urls("https://img.example.cn/a b.jpg"); },
                 "media_urls[0]: must be an http(s) URL of at most 1024 printable ASCII characters"},
        BadInput{"MediaTooMany",
                 [](auto& r) {
                   for (int i = 0; i < 6; ++i) r.add_media_urls("https://img.example.cn/" + std::to_string(i));
                 },
                 "media_urls: at most 5 URLs"}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace gridcase::intake

namespace gridcase::intake {
namespace {

// A filter that matches nothing must not make one call read the whole case index: each call reads at most
// kMaxCasesScanned entries and hands back a token to go on from.
TEST_F(IntakeTest, ListingReadsABoundedPartOfTheIndexPerCall) {
  const int64_t total = Intake::kMaxCasesScanned * 2 + 7;
  for (int64_t i = 0; i < total; ++i) {
    v1::Case c;
    c.set_id(absl::StrFormat("GC-20261130-%06d", i));
    c.set_status(i == total - 1 ? v1::CASE_STATUS_CLOSED : v1::CASE_STATUS_SUBMITTED);
    reader_.cases[c.id()] = c;
  }
  v1::ListCasesRequest request;
  request.set_status(v1::CASE_STATUS_CLOSED);
  int calls = 0;
  std::vector<std::string> found;
  while (true) {
    absl::StatusOr<v1::ListCasesResponse> page = intake_.ListCases(request);
    ASSERT_TRUE(page.ok()) << page.status();
    ++calls;
    for (const v1::Case& c : page->cases()) found.push_back(c.id());
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
    ASSERT_LT(calls, 10);
  }
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(found, std::vector<std::string>{absl::StrFormat("GC-20261130-%06d", total - 1)});
}

TEST_F(IntakeTest, ListingFillsPagesWithCasesTheCallerMaySee) {
  for (int i = 0; i < 10; ++i) {
    v1::Case c;
    c.set_id(absl::StrFormat("GC-20261130-%06d", i));
    c.mutable_location()->set_grid_code(i % 2 == 0 ? "even" : "odd");
    reader_.cases[c.id()] = c;
  }
  v1::ListCasesRequest request;
  request.set_page_size(3);
  absl::StatusOr<v1::ListCasesResponse> page =
      intake_.ListCases(request, [](const v1::Case& c) { return c.location().grid_code() == "odd"; });
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->cases_size(), 3) << "invisible cases do not use up the page";
  EXPECT_EQ(page->cases(2).id(), "GC-20261130-000005");
  EXPECT_FALSE(page->next_page_token().empty());

  request.add_case_ids("GC-{x}");
  EXPECT_EQ(intake_.ListCases(request).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace gridcase::intake
