#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "prometheus/registry.h"

namespace prometheus {
class Exposer;
}

namespace gridcase::metrics {

// The process-wide registry that every component declares its metrics in, once.
std::shared_ptr<prometheus::Registry> Registry();

// Serves GET /metrics in the Prometheus text format. Owns the listening socket until destroyed.
class MetricsServer {
 public:
  // `address` is "host:port"; port 0 picks a free port (see port()).
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(const std::string& address);
  ~MetricsServer();

  int port() const { return port_; }

 private:
  MetricsServer(std::unique_ptr<prometheus::Exposer> exposer, int port);

  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_;
};

}  // namespace gridcase::metrics
