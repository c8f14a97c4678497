#include "tools/gridctl/core/replay_mapping.h"

#include <fstream>

#include "gtest/gtest.h"
#include "tools/gridctl/core/csv_reader.h"

namespace gridcase::gridctl {
namespace {

TEST(ReplayMappingTest, MapsAnNycRecord) {
  std::vector<std::string> header = {"Unique Key", "Created Date", "Complaint Type", "Descriptor",
                                     "Incident Address", "City", "Latitude", "Longitude"};
  auto mapping = ReplayMapping::ForHeader(header);
  ASSERT_TRUE(mapping.ok()) << mapping.status();
  EXPECT_EQ(mapping->layout(), "nyc311");
  auto request = mapping->ToRequest({"19937901", "03/01/2011", "Street Sign - Dangling", "Street Cleaning - ASP",
                                     "186 25 STREET", "BROOKLYN", "40.6608", "-73.9985"},
                                    2, v1::CHANNEL_HOTLINE_12345, "replay-");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->idempotency_key(), "replay-nyc311-19937901");
  EXPECT_EQ(request->channel(), v1::CHANNEL_HOTLINE_12345);
  EXPECT_EQ(request->title(), "Street Sign - Dangling");
  EXPECT_EQ(request->text(), "Street Sign - Dangling: Street Cleaning - ASP");
  EXPECT_EQ(request->address(), "186 25 STREET, BROOKLYN");
  EXPECT_DOUBLE_EQ(request->point().lat(), 40.6608);
  EXPECT_DOUBLE_EQ(request->point().lng(), -73.9985);
}

TEST(ReplayMappingTest, LeavesOutMissingOrInvalidPointsAndRefusesRecordsWithoutIdOrText) {
  auto mapping = ReplayMapping::ForHeader({"id", "text", "lat", "lng"});
  ASSERT_TRUE(mapping.ok());
  EXPECT_EQ(mapping->layout(), "generic");
  auto no_point = mapping->ToRequest({"7", "路灯不亮", "", ""}, 2, v1::CHANNEL_APP, "k-");
  ASSERT_TRUE(no_point.ok());
  EXPECT_FALSE(no_point->has_point());
  EXPECT_FALSE(mapping->ToRequest({"8", "x", "91", "0"}, 3, v1::CHANNEL_APP, "k-")->has_point());
  EXPECT_EQ(mapping->ToRequest({"", "x"}, 4, v1::CHANNEL_APP, "k-").status().message(), "row 4: has no id");
  EXPECT_EQ(mapping->ToRequest({"9", " "}, 5, v1::CHANNEL_APP, "k-").status().message(), "row 5 (9): has no text");
}

TEST(ReplayMappingTest, RefusesAnUnknownHeaderNamingTheLayouts) {
  auto mapping = ReplayMapping::ForHeader({"a", "b"});
  EXPECT_EQ(mapping.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(mapping.status().message().find("NYC 311"), std::string::npos);
}

// The shared samples, when present: every record maps.
TEST(ReplayMappingTest, MapsEveryRecordOfTheSharedSamples) {
  const char* source = std::getenv("GRIDCASE_SOURCE_DIR");
  for (const std::string name : {"nyc311-2000.csv", "boston311-100.csv"}) {
    std::ifstream file(std::string(source == nullptr ? "." : source) + "/../shared/data/" + name);
    if (!file) GTEST_SKIP() << "the 311 samples are missing (../shared/data)";
    CsvReader reader(&file);
    auto mapping = ReplayMapping::ForHeader(*reader.Next());
    ASSERT_TRUE(mapping.ok()) << name;
    int records = 0;
    while (auto record = reader.Next()) {
      ++records;
      EXPECT_TRUE(mapping->ToRequest(*record, records + 1, v1::CHANNEL_HOTLINE_12345, "r-").ok()) << name << records;
    }
    EXPECT_EQ(records, name == "nyc311-2000.csv" ? 2000 : 100);
  }
}

}  // namespace
}  // namespace gridcase::gridctl
