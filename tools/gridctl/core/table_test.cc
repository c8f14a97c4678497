#include "tools/gridctl/core/table.h"

#include "gtest/gtest.h"

namespace gridcase::gridctl {
namespace {

TEST(TableTest, AlignsColumnsByDisplayWidthWithChineseText) {
  Table table{.headers = {"case", "title"}};
  table.Add({"GC-1", "井盖丢失"});
  table.Add({"GC-10", "lamp"});
  EXPECT_EQ(table.Render(), "case   title\nGC-1   井盖丢失\nGC-10  lamp\n");
}

TEST(TableTest, CutsLongCellsWithAnEllipsisAndFlattensNewlines) {
  EXPECT_EQ(FitCell("abcdefgh", 5), "abcd…");
  EXPECT_EQ(FitCell("井盖丢失了", 5), "井盖…");
  EXPECT_EQ(FitCell("a\nb", 5), "a b");
  EXPECT_EQ(DisplayWidth("井a"), 3u);
  EXPECT_EQ(DisplayWidth("\xff"), 1u);
}

TEST(TableTest, RendersFieldsAligned) {
  EXPECT_EQ(RenderFields({{"case", "GC-1"}, {"状态", "closed"}}), "case  GC-1\n状态  closed\n");
}

}  // namespace
}  // namespace gridcase::gridctl
