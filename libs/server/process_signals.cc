#include "libs/server/process_signals.h"

#include <pthread.h>

#include <csignal>

#include "spdlog/spdlog.h"

namespace gridcase::server {
namespace {

sigset_t ProcessSignalSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void BlockProcessSignals() {
  sigset_t set = ProcessSignalSet();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForShutdownSignal(const std::function<void()>& on_reload) {
  sigset_t set = ProcessSignalSet();
  for (;;) {
    int signal = 0;
    if (sigwait(&set, &signal) != 0) continue;
    if (signal != SIGHUP) return signal;
    if (on_reload) {
      on_reload();
    } else {
      spdlog::info("msg=sighup_ignored reason={}", "\"nothing to reload\"");
    }
  }
}

}  // namespace gridcase::server
