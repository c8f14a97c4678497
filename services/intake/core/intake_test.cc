#include "services/intake/core/intake.h"

#include <map>

#include "gtest/gtest.h"

namespace gridcase::intake {
namespace {

class MemorySubmissionStore : public SubmissionStore {
 public:
  absl::StatusOr<Reservation> Reserve(v1::Channel channel, const std::string& key, const std::string& day) override {
    auto& entry = entries_[{channel, key}];
    Reservation r;
    if (entry.case_id.empty()) {
      entry.case_id = "GC-" + day + "-" + std::to_string(++sequence_);
      r.fresh = true;
    }
    r.case_id = entry.case_id;
    r.published = entry.published;
    r.saved_event = entry.event;
    return r;
  }
  absl::Status SaveEvent(v1::Channel channel, const std::string& key, const v1::CaseEvent& event) override {
    entries_[{channel, key}].event = event;
    return absl::OkStatus();
  }
  absl::Status MarkPublished(v1::Channel channel, const std::string& key) override {
    entries_[{channel, key}].published = true;
    return absl::OkStatus();
  }
  absl::StatusOr<std::optional<v1::Case>> SubmittedCase(const std::string& case_id) override {
    for (auto& [k, e] : entries_) {
      if (e.case_id == case_id && e.event) return e.event->submitted().initial();
    }
    return std::nullopt;
  }
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string case_id;
    bool published = false;
    std::optional<v1::CaseEvent> event;
  };
  std::map<std::pair<v1::Channel, std::string>, Entry> entries_;
  int sequence_ = 0;
};

class NoProjection : public CaseReader {
 public:
  absl::StatusOr<std::optional<v1::Case>> GetCase(const std::string&) override { return std::nullopt; }
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
  IntakeTest() : intake_(&store_, &reader_, &publisher_, [] { return absl::FromUnixSeconds(1795000000); }) {}

  static v1::SubmitCaseRequest Request(const std::string& key) {
    v1::SubmitCaseRequest r;
    r.set_idempotency_key(key);
    r.set_channel(v1::CHANNEL_HOTLINE_12345);
    r.set_text("小区东门井盖丢失，夜间很危险");
    r.mutable_resident()->set_phone("13812345678");
    r.mutable_point()->set_lat(30.27);
    r.mutable_point()->set_lng(120.15);
    return r;
  }

  MemorySubmissionStore store_;
  NoProjection reader_;
  RecordingPublisher publisher_;
  Intake intake_;
};

TEST_F(IntakeTest, SubmitPublishesOneVersionOneEvent) {
  auto response = intake_.Submit(Request("k1"));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_FALSE(response->duplicate_submit());
  ASSERT_EQ(publisher_.published.size(), 1u);
  const v1::CaseEvent& event = publisher_.published[0];
  EXPECT_EQ(event.case_id(), response->case_id());
  EXPECT_EQ(event.case_version(), 1);
  EXPECT_EQ(event.event_id(), response->case_id() + "/1");
  EXPECT_EQ(event.submitted().initial().status(), v1::CASE_STATUS_SUBMITTED);
  EXPECT_EQ(event.submitted().initial().text(), "小区东门井盖丢失，夜间很危险");
  EXPECT_EQ(response->case_id().substr(0, 12), "GC-20261118-");
}

TEST_F(IntakeTest, RepeatedKeyReturnsSameCaseAndPublishesNothing) {
  auto first = intake_.Submit(Request("k1"));
  auto second = intake_.Submit(Request("k1"));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->case_id(), second->case_id());
  EXPECT_TRUE(second->duplicate_submit());
  EXPECT_EQ(publisher_.published.size(), 1u);
  auto other_channel = Request("k1");
  other_channel.set_channel(v1::CHANNEL_APP);
  auto third = intake_.Submit(other_channel);
  ASSERT_TRUE(third.ok());
  EXPECT_NE(third->case_id(), first->case_id());
}

TEST_F(IntakeTest, FailedPublishIsRetryableAndRepublishesTheSameEvent) {
  publisher_.fail_next = true;
  auto first = intake_.Submit(Request("k1"));
  EXPECT_EQ(first.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(publisher_.published.empty());
  auto retry = intake_.Submit(Request("k1"));
  ASSERT_TRUE(retry.ok()) << retry.status();
  ASSERT_EQ(publisher_.published.size(), 1u);
  EXPECT_EQ(publisher_.published[0].event_id(), retry->case_id() + "/1");
}

TEST_F(IntakeTest, GetCaseFallsBackToTheSubmittedCase) {
  auto response = intake_.Submit(Request("k1"));
  ASSERT_TRUE(response.ok());
  auto got = intake_.GetCase(response->case_id());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->version(), 1);
  EXPECT_EQ(intake_.GetCase("GC-nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(intake_.GetCase("").status().code(), absl::StatusCode::kInvalidArgument);
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
  auto response = intake_.Submit(request);
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
        BadInput{"TitleUtf8", [](auto& r) { r.set_title("\xff"); }, "title: is not valid UTF-8"}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace gridcase::intake
