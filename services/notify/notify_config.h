#pragma once

#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/notify/core/delivery_policy.h"

namespace gridcase::notify {

// Where one kind of resident notice goes: a development sink file, or a provider over HTTP(S).
struct GatewayConfig {
  std::string sink;         // A file (development): messages are appended to it.
  std::string url;          // The provider's endpoint.
  std::string credentials;  // Its credentials file ({"account", "secret"}).
};

// notify's flags (GRIDCASE_* environment fallbacks), validated.
struct NotifyConfig {
  std::string feedback_addr;
  absl::Duration feedback_timeout;
  std::string secrets_dir;
  std::string callback_ca;
  absl::Duration callback_timeout;
  bool allow_http_callbacks = false;
  RetryPolicy retry;
  absl::Duration worker_poll;
  absl::Duration worker_lease;
  absl::Duration retention;
  absl::Duration max_event_age;
  GatewayConfig sms;
  GatewayConfig push;
  std::string sms_signature;
  QuietHours quiet;
  PhoneLimit phone_limit;
  std::set<std::string> operators;
};

// INVALID_ARGUMENT naming the flag when one is malformed or they do not fit together.
absl::StatusOr<NotifyConfig> LoadNotifyConfig();

}  // namespace gridcase::notify
