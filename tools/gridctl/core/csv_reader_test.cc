#include "tools/gridctl/core/csv_reader.h"

#include <sstream>

#include "gtest/gtest.h"

namespace gridcase::gridctl {
namespace {

TEST(CsvReaderTest, ReadsQuotedFieldsWithCommasQuotesAndLineBreaks) {
  std::istringstream in("id,text\r\n1,\"a, \"\"b\"\"\nc\"\n2,plain\n\n3,");
  CsvReader reader(&in);
  EXPECT_EQ(*reader.Next(), (std::vector<std::string>{"id", "text"}));
  EXPECT_EQ(*reader.Next(), (std::vector<std::string>{"1", "a, \"b\"\nc"}));
  EXPECT_EQ(*reader.Next(), (std::vector<std::string>{"2", "plain"}));
  EXPECT_EQ(*reader.Next(), (std::vector<std::string>{""}));
  EXPECT_EQ(*reader.Next(), (std::vector<std::string>{"3", ""}));
  EXPECT_FALSE(reader.Next().has_value());
  EXPECT_EQ(reader.bytes_read(), static_cast<int64_t>(in.str().size()));
}

TEST(CsvReaderTest, KeepsAnUnterminatedQuoteToTheEnd) {
  std::istringstream in("1,\"open\nstill");
  CsvReader reader(&in);
  EXPECT_EQ(*reader.Next(), (std::vector<std::string>{"1", "open\nstill"}));
  EXPECT_FALSE(reader.Next().has_value());
}

}  // namespace
}  // namespace gridcase::gridctl
