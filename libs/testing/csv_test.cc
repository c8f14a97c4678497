#include "libs/testing/csv.h"

#include "gtest/gtest.h"

namespace gridcase::testing {
namespace {

using Rows = std::vector<std::vector<std::string>>;

TEST(ParseCsvTest, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  EXPECT_EQ(ParseCsv("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",\n"),
            (Rows{{"a", "b"}, {"x, y", "say \"hi\""}, {"two\nlines", ""}}));
}

TEST(ParseCsvTest, LastRowWithoutNewline) {
  EXPECT_EQ(ParseCsv("a,b\n1,2"), (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(ParseCsv(""), Rows{});
}

TEST(ReadCsvFileTest, MissingFileIsNotFound) {
  EXPECT_EQ(ReadCsvFile("/nonexistent/file.csv").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace gridcase::testing
