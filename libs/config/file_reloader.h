#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace gridcase::config {

// Keeps a service's state in step with a data file (the registry, a policy) without a restart: on request (an
// operator's SIGHUP) and, when a poll interval is set, whenever the file's identity changes (modification time, size or
// inode, following symlinks, so an editor's save-by-rename and a Kubernetes ConfigMap's symlink swap both count).
// `reload` must validate the whole file before it replaces anything, so an invalid file leaves the current state
// serving; its error goes to `on_result` and is not retried until the file changes again.
//
// Thread-safe; attempts are serialised. `reload` and `on_result` run on the caller's thread for ReloadNow() and
// PollOnce(), and on the polling thread otherwise.
class FileReloader {
 public:
  struct Options {
    std::string path;
    // Loads `path` and, only if it is valid, makes it current.
    std::function<absl::Status(const std::string& path)> reload;
    // Zero: no polling thread; reloads happen only through ReloadNow() / PollOnce().
    absl::Duration poll_interval = absl::ZeroDuration();
    // Called after every attempt with its outcome.
    std::function<void(const absl::Status& status)> on_result;
  };

  // The file is taken to be the one the current state was loaded from.
  explicit FileReloader(Options options);
  // Stops the polling thread.
  ~FileReloader();

  FileReloader(const FileReloader&) = delete;
  FileReloader& operator=(const FileReloader&) = delete;

  // Reloads now, whether or not the file changed.
  absl::Status ReloadNow();

  // Reloads when the file changed since the last attempt (or since construction). Returns whether it tried.
  bool PollOnce();

 private:
  struct FileStamp {
    int64_t mtime_ns = 0;
    off_t size = 0;
    ino_t inode = 0;
    bool exists = false;
    bool operator==(const FileStamp&) const = default;
  };
  static FileStamp Stat(const std::string& path);
  absl::Status AttemptLocked(const FileStamp& stamp) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void PollLoop();

  const Options options_;
  absl::Mutex mu_;
  FileStamp last_ ABSL_GUARDED_BY(mu_);
  absl::Notification stop_;
  std::thread poller_;
};

}  // namespace gridcase::config
