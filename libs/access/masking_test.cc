#include "libs/access/masking.h"

#include "gtest/gtest.h"

namespace gridcase::access {
namespace {

TEST(MaskingTest, NamesKeepTheSurname) {
  EXPECT_EQ(MaskName("王小明"), "王**");
  EXPECT_EQ(MaskName("欧阳娜娜"), "欧***");
  EXPECT_EQ(MaskName("李"), "李");
  EXPECT_EQ(MaskName("Li Lei"), "L*****");
  EXPECT_EQ(MaskName("  "), "");
}

TEST(MaskingTest, NumbersInTextAreMasked) {
  EXPECT_EQ(MaskNumbersInText("请致电13812345678联系"), "请致电138****5678联系");
  EXPECT_EQ(MaskNumbersInText("身份证330199199001011234"), "身份证**************1234");
  EXPECT_EQ(MaskNumbersInText("人民路12号3单元"), "人民路12号3单元") << "short numbers stay";
  EXPECT_EQ(MaskNumbersInText("座机 0571-8888666"), "座机 0571-***8666");
}

TEST(MaskingTest, AddressesLoseTheirHouseNumbers) {
  EXPECT_EQ(MaskAddress("幸福小区3幢2单元501室"), "幸福小区*幢*单元***室");
  EXPECT_EQ(MaskAddress(""), "");
}

v1::Case ResidentCase() {
  v1::Case c;
  c.set_id("GC-20261130-000001");
  c.mutable_resident()->set_name("王小明");
  c.mutable_resident()->set_phone("13812348000");
  c.mutable_resident()->set_resident_id("app-user-778899");
  c.add_co_requesters()->set_name("李四");
  c.mutable_co_requesters(0)->set_phone("13900001111");
  c.mutable_location()->mutable_point()->set_lat(30.1);
  c.mutable_location()->set_address("幸福小区3幢501室");
  c.mutable_location()->set_grid_code("330199001001001");
  c.set_title("漏水");
  c.set_text("楼上漏水，请打13812348000");
  return c;
}

TEST(MaskingTest, AMaskedCaseKeepsNoNamePhoneOrExactLocation) {
  v1::Case c = ResidentCase();
  MaskCase(c);
  EXPECT_EQ(c.resident().name(), "王**");
  EXPECT_EQ(c.resident().phone(), "138****8000");
  EXPECT_EQ(c.resident().resident_id(), "****8899");
  EXPECT_EQ(c.co_requesters(0).name(), "李*");
  EXPECT_EQ(c.co_requesters(0).phone(), "139****1111");
  EXPECT_FALSE(c.location().has_point());
  EXPECT_EQ(c.location().address(), "幸福小区*幢***室");
  EXPECT_EQ(c.location().grid_code(), "330199001001001") << "the grid is not resident data";
  EXPECT_EQ(c.text(), "楼上漏水，请打138****8000");
  EXPECT_EQ(c.DebugString().find("13812348000"), std::string::npos);
  EXPECT_EQ(c.DebugString().find("王小明"), std::string::npos);
}

TEST(MaskingTest, EventsCarryingResidentsAreMasked) {
  v1::CaseEvent submitted;
  *submitted.mutable_submitted()->mutable_initial() = ResidentCase();
  MaskEvent(submitted);
  EXPECT_EQ(submitted.submitted().initial().resident().phone(), "138****8000");

  v1::CaseEvent added;
  added.mutable_co_requester_added()->mutable_resident()->set_name("赵六");
  added.mutable_co_requester_added()->mutable_resident()->set_phone("13700002222");
  added.mutable_co_requester_added()->set_text("同一处漏水 13700002222");
  MaskEvent(added);
  EXPECT_EQ(added.co_requester_added().resident().name(), "赵*");
  EXPECT_EQ(added.co_requester_added().text(), "同一处漏水 137****2222");

  v1::CaseEvent resolved;
  resolved.mutable_resolved()->set_reply("已修复");
  MaskEvent(resolved);
  EXPECT_EQ(resolved.resolved().reply(), "已修复");
}

}  // namespace
TEST(MaskingTest, AnErasedResidentStaysErasedAndAnUnopenedBoxIsNotShown) {
  v1::Case c;
  c.mutable_resident()->set_erased(true);
  v1::Resident* sealed = c.add_co_requesters();
  sealed->mutable_sealed()->set_key_id("k1");
  sealed->mutable_sealed()->set_ciphertext("box");
  MaskCase(c);
  EXPECT_TRUE(c.resident().erased());
  EXPECT_FALSE(c.co_requesters(0).has_sealed());
  EXPECT_FALSE(c.co_requesters(0).erased());
}

}  // namespace gridcase::access
