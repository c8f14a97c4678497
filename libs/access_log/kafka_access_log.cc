#include "libs/access_log/kafka_access_log.h"

#include "libs/log/log.h"
#include "libs/metrics/metrics.h"
#include "prometheus/counter.h"
#include "spdlog/spdlog.h"

namespace gridcase::access_log {
namespace {

prometheus::Counter& Records(const char* outcome) {
  static auto& family = prometheus::BuildCounter()
                            .Name("gridcase_access_records_total")
                            .Help("Access records for the audit topic, by outcome (written, failed)")
                            .Register(*metrics::Registry());
  return family.Add({{"outcome", outcome}});
}

void Failed(const v1::AccessRecord& record, const absl::Status& status) {
  Records("failed").Increment();
  spdlog::error("msg=access_record_not_written error={} record={}", log::Quote(status.ToString()),
                log::Quote(record.ShortDebugString()));
}

}  // namespace

void KafkaAccessLog::Record(v1::AccessRecord record) {
  std::string key = record.case_ids().empty() ? record.subject() : record.case_ids(0);
  std::string value = record.SerializeAsString();
  absl::Status enqueued = producer_->ProduceAsync(topic_, key, value, {}, [record](absl::Status delivered) {
    if (delivered.ok()) {
      Records("written").Increment();
    } else {
      Failed(record, delivered);
    }
  });
  if (!enqueued.ok()) Failed(record, enqueued);
}

}  // namespace gridcase::access_log
