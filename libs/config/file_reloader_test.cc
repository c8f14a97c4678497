#include "libs/config/file_reloader.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace gridcase::config {
namespace {

// The state under reload: a number read from the file, replaced only by a valid one.
class Setting {
 public:
  absl::Status Load(const std::string& path) {
    std::ifstream in(path);
    if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
    std::stringstream text;
    text << in.rdbuf();
    int value = 0;
    if (!absl::SimpleAtoi(text.str(), &value)) return absl::InvalidArgumentError(absl::StrCat(path, ": not a number"));
    absl::MutexLock lock(&mu_);
    value_ = value;
    return absl::OkStatus();
  }
  int value() {
    absl::MutexLock lock(&mu_);
    return value_;
  }

 private:
  absl::Mutex mu_;
  int value_ = 0;
};

class FileReloaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "/file_reloader_test." + std::to_string(::getpid()) + "." +
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    Write("1");
    ASSERT_TRUE(setting_.Load(path_).ok());
  }
  void TearDown() override { std::remove(path_.c_str()); }

  // In place: same inode.
  void Write(const std::string& text) { std::ofstream(path_, std::ios::trunc) << text; }
  // Save-by-rename, as editors and ConfigMap updates do: a new inode.
  void Swap(const std::string& text) {
    std::ofstream(path_ + ".next", std::ios::trunc) << text;
    ASSERT_EQ(std::rename((path_ + ".next").c_str(), path_.c_str()), 0);
  }
  FileReloader::Options Options() {
    return {.path = path_,
            .reload = [this](const std::string& path) { return setting_.Load(path); },
            .on_result = [this](const absl::Status& status) { results_.push_back(status); }};
  }

  std::string path_;
  Setting setting_;
  std::vector<absl::Status> results_;
};

TEST_F(FileReloaderTest, PollReloadsOnlyWhenTheFileChanged) {
  FileReloader reloader(Options());
  EXPECT_FALSE(reloader.PollOnce());
  Swap("2");
  EXPECT_TRUE(reloader.PollOnce());
  EXPECT_EQ(setting_.value(), 2);
  EXPECT_FALSE(reloader.PollOnce());
  ASSERT_EQ(results_.size(), 1u);
  EXPECT_TRUE(results_[0].ok());
}

TEST_F(FileReloaderTest, AnInvalidFileIsReportedOnceAndTheCurrentStateStays) {
  FileReloader reloader(Options());
  Swap("two");
  EXPECT_TRUE(reloader.PollOnce());
  EXPECT_FALSE(reloader.PollOnce()) << "not retried until the file changes again";
  ASSERT_EQ(results_.size(), 1u);
  EXPECT_EQ(results_[0].code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(setting_.value(), 1);

  Write("3");  // Fixed in place.
  EXPECT_TRUE(reloader.PollOnce());
  EXPECT_EQ(setting_.value(), 3);
  ASSERT_EQ(results_.size(), 2u);
  EXPECT_TRUE(results_[1].ok());
}

TEST_F(FileReloaderTest, AMissingFileKeepsTheStateUntilItReturns) {
  FileReloader reloader(Options());
  std::remove(path_.c_str());
  EXPECT_TRUE(reloader.PollOnce());
  EXPECT_EQ(reloader.ReloadNow().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(setting_.value(), 1);
  Write("4");
  EXPECT_TRUE(reloader.PollOnce());
  EXPECT_EQ(setting_.value(), 4);
}

TEST_F(FileReloaderTest, ReloadNowReloadsAnUnchangedFile) {
  int calls = 0;
  FileReloader::Options options = Options();
  options.reload = [&](const std::string& path) {
    ++calls;
    return setting_.Load(path);
  };
  FileReloader reloader(options);
  EXPECT_TRUE(reloader.ReloadNow().ok());
  EXPECT_EQ(calls, 1);
}

TEST_F(FileReloaderTest, PollingThreadPicksUpAChange) {
  absl::Notification reloaded;
  FileReloader::Options options = Options();
  options.poll_interval = absl::Milliseconds(10);
  options.on_result = [&](const absl::Status& status) {
    if (status.ok() && !reloaded.HasBeenNotified()) reloaded.Notify();
  };
  FileReloader reloader(options);
  Swap("5");
  ASSERT_TRUE(reloaded.WaitForNotificationWithTimeout(absl::Seconds(30)));
  EXPECT_EQ(setting_.value(), 5);
}

}  // namespace
}  // namespace gridcase::config
