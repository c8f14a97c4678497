// Intake against the real Kafka broker and redis-server, with dispatch as a process: requests land on the right grid
// (polygon and address paths), get a category and the emergency flag, and duplicates are linked, not doubled.
#include "gridcase/v1/dispatch.grpc.pb.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/testing/infra.h"
#include "libs/testing/wait.h"
#include "tests/support/service_fleet.h"

namespace gridcase {
namespace {

class IntakeE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fleet_ = new testing::ServiceFleet("intake");
    ASSERT_TRUE(fleet_->Start("dispatch").ok());
    ASSERT_TRUE(fleet_->Start("intake").ok());
  }
  static void TearDownTestSuite() {
    delete fleet_;
    fleet_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(fleet_, nullptr);
    intake_ = v1::IntakeService::NewStub(fleet_->Channel("intake"));
    dispatch_ = v1::DispatchService::NewStub(fleet_->Channel("dispatch"));
  }

  v1::SubmitCaseResponse Submit(const std::string& text, double lat, double lng, const std::string& address,
                                const std::string& phone = "13612345678") {
    v1::SubmitCaseRequest request;
    request.set_idempotency_key(testing::UniqueName("e2e"));
    request.set_channel(v1::CHANNEL_APP);
    request.set_text(text);
    request.set_address(address);
    request.mutable_resident()->set_phone(phone);
    if (lat != 0) {
      request.mutable_point()->set_lat(lat);
      request.mutable_point()->set_lng(lng);
    }
    v1::SubmitCaseResponse response;
    grpc::ClientContext context;
    grpc::Status status = intake_->SubmitCase(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  v1::Case WaitCase(const std::string& id, int64_t version) {
    v1::Case c;
    EXPECT_TRUE(testing::WaitFor([&] {
      grpc::ClientContext context;
      v1::GetCaseRequest request;
      request.set_case_id(id);
      return dispatch_->GetCase(&context, request, &c).ok() && c.version() >= version;
    })) << id;
    return c;
  }

  static testing::ServiceFleet* fleet_;
  std::unique_ptr<v1::IntakeService::Stub> intake_;
  std::unique_ptr<v1::DispatchService::Stub> dispatch_;
};

testing::ServiceFleet* IntakeE2eTest::fleet_ = nullptr;

TEST_F(IntakeE2eTest, CoordinatesLandOnTheGridByPolygon) {
  v1::SubmitCaseResponse response = Submit("小区门口路灯不亮", 30.2525, 120.152, "");
  EXPECT_EQ(response.grid_code(), "330199001001001");
  EXPECT_EQ(response.suggested_category(), v1::CATEGORY_SIMPLE);
  EXPECT_TRUE(response.has_expected_at());
  v1::Case c = WaitCase(response.case_id(), 1);
  EXPECT_EQ(c.location().grid_code(), "330199001001001");
  EXPECT_EQ(c.location().community_code(), "330199001001");
  EXPECT_EQ(c.location().township_code(), "330199001");
  EXPECT_EQ(c.catalogue_item(), "municipal.street-light");
  EXPECT_EQ(c.holder_unit(), "330199001001001") << "the grid worker's queue holds a new case";
}

TEST_F(IntakeE2eTest, AddressLandsOnTheGridThroughTheGazetteer) {
  v1::SubmitCaseResponse response = Submit("楼下垃圾桶满了没人清运", 0, 0, "金色小区2幢楼下");
  EXPECT_EQ(response.grid_code(), "330199001001002");
  EXPECT_FALSE(response.needs_manual_grid());
}

TEST_F(IntakeE2eTest, UnlocatableRequestIsKeptForManualGridAssignment) {
  v1::SubmitCaseResponse response = Submit("路边有大坑", 40.71, -74.0, "somewhere in Queens");
  EXPECT_TRUE(response.needs_manual_grid());
  v1::Case c = WaitCase(response.case_id(), 1);
  EXPECT_TRUE(c.location().needs_manual_grid());
  EXPECT_EQ(c.status(), v1::CASE_STATUS_SUBMITTED);
}

TEST_F(IntakeE2eTest, EmergencyIsFlagged) {
  v1::SubmitCaseResponse response = Submit("3单元楼道闻到很重的煤气味，怀疑燃气泄漏", 30.2525, 120.152, "");
  EXPECT_TRUE(response.emergency());
  EXPECT_EQ(WaitCase(response.case_id(), 1).catalogue_item(), "gas.leak");
}

TEST_F(IntakeE2eTest, DuplicateIsLinkedAsCoRequesterNotDoubled) {
  v1::SubmitCaseResponse first = Submit("翠苑路口井盖松动，车开过去哐哐响", 30.2526, 120.1521, "", "13611112222");
  WaitCase(first.case_id(), 1);
  v1::SubmitCaseResponse second = Submit("翠苑路口的井盖松动了，车一开过就哐哐响！", 30.2524, 120.1519, "",
                                         "13833334444");
  EXPECT_EQ(second.case_id(), first.case_id());
  EXPECT_EQ(second.linked_to_case_id(), first.case_id());
  v1::Case c = WaitCase(first.case_id(), 2);
  ASSERT_EQ(c.co_requesters_size(), 1);
  EXPECT_EQ(c.co_requesters(0).phone(), "13833334444");

  grpc::ClientContext context;
  v1::ListCasesRequest list;
  list.set_grid_code("330199001001001");
  list.set_catalogue_item("municipal.manhole-cover");
  v1::ListCasesResponse listed;
  ASSERT_TRUE(intake_->ListCases(&context, list, &listed).ok());
  EXPECT_EQ(listed.cases_size(), 1) << "one case, not two";
}

}  // namespace
}  // namespace gridcase
