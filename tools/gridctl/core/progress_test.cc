#include "tools/gridctl/core/progress.h"

#include <sstream>

#include "gtest/gtest.h"

namespace gridcase::gridctl {
namespace {

TEST(ProgressTest, ShowsBarPercentRateAndEta) {
  EXPECT_EQ(FormatProgress({.done = 250, .total = 1000, .elapsed = absl::Seconds(5)}, 8),
            "[##------]  250/1000  25%  50.0/s  ETA 0:15");
  EXPECT_EQ(FormatProgress({.done = 1000, .total = 1000, .failed = 2, .elapsed = absl::Seconds(20)}, 4),
            "[####]  1000/1000  100%  50.0/s  took 0:20  (2 failed)");
  EXPECT_EQ(FormatProgress({.done = 0, .total = 10, .elapsed = absl::Seconds(1)}, 2),
            "[--]  0/10  0%  0.0/s  ETA --:--");
  EXPECT_EQ(FormatProgress({.done = 300, .elapsed = absl::Seconds(2)}), "300 done  150.0/s");
}

TEST(ProgressTest, FormatsClocks) {
  EXPECT_EQ(FormatClock(absl::Seconds(5)), "0:05");
  EXPECT_EQ(FormatClock(absl::Seconds(754)), "12:34");
  EXPECT_EQ(FormatClock(absl::Seconds(3723)), "1:02:03");
}

TEST(ProgressTest, DrawsAtMostOncePerIntervalAndAlwaysTheEnd) {
  absl::Time now = absl::FromUnixSeconds(1000);
  std::ostringstream out;
  ProgressBar bar(&out, /*terminal=*/false, "replay", 100, absl::Seconds(1), [&] { return now; });
  bar.Update(1);
  now += absl::Milliseconds(300);
  bar.Update(2);  // Within the interval: not drawn.
  now += absl::Seconds(1);
  bar.Update(50);
  now += absl::Seconds(1);
  bar.Update(100);
  bar.Finish();
  bar.Finish();
  EXPECT_EQ(out.str(),
            "replay [------------------------]  1/100  1%  0.0/s  ETA --:--\n"
            "replay [############------------]  50/100  50%  38.5/s  ETA 0:02\n"
            "replay [########################]  100/100  100%  43.5/s  took 0:03\n");
}

TEST(ProgressTest, RedrawsInPlaceOnATerminal) {
  absl::Time now = absl::FromUnixSeconds(1000);
  std::ostringstream out;
  ProgressBar bar(&out, /*terminal=*/true, "", 2, absl::ZeroDuration(), [&] { return now; });
  now += absl::Seconds(1);
  bar.Update(1);
  bar.Finish();
  EXPECT_EQ(out.str(), "\r\033[K[############------------]  1/2  50%  1.0/s  ETA 0:01\r\033[K"
                       "[############------------]  1/2  50%  1.0/s  ETA 0:01\n");
}

}  // namespace
}  // namespace gridcase::gridctl
