#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace gridcase::testing {

// A service binary run as a child process for end-to-end tests. Its stderr goes to `log_path`. The destructor
// sends SIGTERM and waits; Kill() simulates a crash.
class ChildProcess {
 public:
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(const std::string& binary,
                                                             const std::vector<std::string>& args,
                                                             const std::map<std::string, std::string>& env,
                                                             const std::string& log_path);
  ~ChildProcess();

  // SIGTERM, then wait for exit; returns the exit status (as from waitpid).
  int Terminate();
  // SIGKILL, then wait.
  void Kill();
  // Sends `signal` (e.g. SIGHUP) to a running child; no wait.
  void Signal(int signal);
  bool running();
  pid_t pid() const { return pid_; }

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_;
  bool reaped_ = false;
  int exit_status_ = 0;
};

// A port that was free on 127.0.0.1 a moment ago.
int FreePort();

// Path to a built binary of the project: $GRIDCASE_BINARY_DIR/<relative>.
std::string BinaryPath(const std::string& relative);
// Path inside the source tree: $GRIDCASE_SOURCE_DIR/<relative>.
std::string SourcePath(const std::string& relative);

}  // namespace gridcase::testing
