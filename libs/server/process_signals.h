#pragma once

#include <functional>

namespace gridcase::server {

// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread and every thread started after it, so that only
// WaitForShutdownSignal receives them; call first thing in main.
void BlockProcessSignals();

// Waits until SIGTERM or SIGINT arrives (the signals must have been blocked) and returns the signal number. Each SIGHUP
// meanwhile runs `on_reload` on the calling thread (an operator's "reload your files"); without one it is logged and
// ignored, never fatal.
int WaitForShutdownSignal(const std::function<void()>& on_reload = {});

}  // namespace gridcase::server
