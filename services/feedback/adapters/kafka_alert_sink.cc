#include "services/feedback/adapters/kafka_alert_sink.h"

namespace gridcase::feedback {

std::string AlertsTopic(const std::string& prefix) { return prefix + "gridcase.alerts.v1"; }

absl::Status KafkaAlertSink::Publish(const v1::HotSpotAlert& alert) {
  return producer_->Produce(topic_, alert.grid_code(), alert.SerializeAsString(),
                            {{"gridcase-alert-id", alert.alert_id()}, {"gridcase-alert-type", "hot_spot"}});
}

}  // namespace gridcase::feedback
