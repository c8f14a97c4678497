#include "libs/metrics/reload_report.h"

#include "libs/log/log.h"
#include "libs/metrics/metrics.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "spdlog/spdlog.h"

namespace gridcase::metrics {

void ReportReload(const std::string& file, const absl::Status& status) {
  static auto& reloads = prometheus::BuildCounter()
                             .Name("gridcase_file_reloads_total")
                             .Help("Reloads of data files without restart, by file and outcome (a failed reload "
                                   "keeps the data already loaded)")
                             .Register(*Registry());
  reloads.Add({{"file", file}, {"outcome", status.ok() ? "reloaded" : "failed"}}).Increment();
  if (status.ok()) {
    spdlog::info("msg=file_reloaded file={}", file);
  } else {
    spdlog::error("msg=file_reload_failed file={} kept=previous error={}", file, log::Quote(status.ToString()));
  }
}

}  // namespace gridcase::metrics
