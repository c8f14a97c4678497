#include "libs/testing/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

extern char** environ;

namespace gridcase::testing {

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Start(const std::string& binary,
                                                                  const std::vector<std::string>& args,
                                                                  const std::map<std::string, std::string>& env,
                                                                  const std::string& log_path) {
  if (access(binary.c_str(), X_OK) != 0) return absl::NotFoundError(absl::StrCat("not executable: ", binary));
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry = *e;
    std::string name = entry.substr(0, entry.find('='));
    if (!env.contains(name)) env_strings.push_back(entry);
  }
  for (const auto& [k, v] : env) env_strings.push_back(absl::StrCat(k, "=", v));
  std::vector<char*> argv = {const_cast<char*>(binary.c_str())};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(binary.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid));
}

ChildProcess::~ChildProcess() {
  if (!reaped_) Terminate();
}

bool ChildProcess::running() {
  if (reaped_) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    reaped_ = true;
    exit_status_ = status;
    return false;
  }
  return true;
}

int ChildProcess::Terminate() {
  if (reaped_) return exit_status_;
  kill(pid_, SIGTERM);
  absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (absl::Now() < deadline) {
    if (!running()) return exit_status_;
    absl::SleepFor(absl::Milliseconds(20));
  }
  Kill();
  return exit_status_;
}

void ChildProcess::Kill() {
  if (reaped_) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, &exit_status_, 0);
  reaped_ = true;
}

void ChildProcess::Signal(int signal) {
  if (!reaped_) kill(pid_, signal);
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

std::string BinaryPath(const std::string& relative) {
  const char* dir = std::getenv("GRIDCASE_BINARY_DIR");
  return absl::StrCat(dir ? dir : ".", "/", relative);
}

std::string SourcePath(const std::string& relative) {
  const char* dir = std::getenv("GRIDCASE_SOURCE_DIR");
  return absl::StrCat(dir ? dir : ".", "/", relative);
}

}  // namespace gridcase::testing
