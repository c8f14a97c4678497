#include "libs/config/file_reloader.h"

#include <sys/stat.h>

#include <utility>

namespace gridcase::config {

FileReloader::FileReloader(Options options) : options_(std::move(options)) {
  {
    absl::MutexLock lock(&mu_);
    last_ = Stat(options_.path);
  }
  if (options_.poll_interval > absl::ZeroDuration()) poller_ = std::thread([this] { PollLoop(); });
}

FileReloader::~FileReloader() {
  stop_.Notify();
  if (poller_.joinable()) poller_.join();
}

absl::Status FileReloader::ReloadNow() {
  absl::MutexLock lock(&mu_);
  return AttemptLocked(Stat(options_.path));
}

bool FileReloader::PollOnce() {
  absl::MutexLock lock(&mu_);
  FileStamp stamp = Stat(options_.path);
  if (stamp == last_) return false;
  // A vanished file is a change worth one report (the loader names the missing file); its return is another.
  AttemptLocked(stamp).IgnoreError();  // Reported through on_result.
  return true;
}

absl::Status FileReloader::AttemptLocked(const FileStamp& stamp) {
  last_ = stamp;
  absl::Status status = options_.reload(options_.path);
  if (options_.on_result) options_.on_result(status);
  return status;
}

FileReloader::FileStamp FileReloader::Stat(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return FileStamp{};
  return FileStamp{.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
                   .size = st.st_size,
                   .inode = st.st_ino,
                   .exists = true};
}

void FileReloader::PollLoop() {
  while (!stop_.WaitForNotificationWithTimeout(options_.poll_interval)) PollOnce();
}

}  // namespace gridcase::config
