#include "services/notify/notify_config.h"

#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "libs/config/config.h"
#include "services/notify/adapters/message_gateways.h"

ABSL_FLAG(std::string, feedback_addr, "127.0.0.1:8084", "feedback's gRPC address: rating codes for the invitations");
ABSL_FLAG(absl::Duration, feedback_timeout, absl::Seconds(5), "Deadline of each call to feedback");
ABSL_FLAG(std::string, secrets_dir, "/etc/gridcase/notify-secrets",
          "Directory of the integrations' HMAC secrets, one file per secret_ref (a mounted Secret)");
ABSL_FLAG(std::string, callback_ca, "",
          "PEM CA bundle that callback endpoints' certificates must chain to (empty: the system's trust store)");
ABSL_FLAG(absl::Duration, callback_timeout, absl::Seconds(5), "Connect and read timeout of each callback");
ABSL_FLAG(bool, allow_http_callbacks, false, "Accept http:// callback URLs (development only; never in production)");
ABSL_FLAG(absl::Duration, retry_initial, absl::Seconds(1), "Wait after a delivery's first failure; doubles after each");
ABSL_FLAG(absl::Duration, retry_max, absl::Minutes(5), "Longest wait between a delivery's attempts");
ABSL_FLAG(absl::Duration, park_after, absl::Hours(24),
          "A delivery failing this long after its first attempt is parked (with its case's later ones)");
ABSL_FLAG(absl::Duration, worker_poll, absl::Milliseconds(100), "How often an idle target's worker looks for work");
ABSL_FLAG(absl::Duration, worker_lease, absl::Seconds(30),
          "A target's worker lease; a crashed replica's targets move to another after it (must exceed the timeouts)");
ABSL_FLAG(absl::Duration, delivery_retention, absl::Hours(24 * 30),
          "How long delivered deliveries are kept (replay reaches this far back)");
ABSL_FLAG(absl::Duration, max_event_age, absl::Hours(72),
          "Case events older than this when read update notify's view and send nothing (a first start reading the "
          "whole log, or a return after a longer outage, does not notify about old steps)");
ABSL_FLAG(std::string, sms_sink, "", "Development: append SMS as JSON lines to this file instead of a provider");
ABSL_FLAG(std::string, sms_url, "", "The county's SMS provider endpoint (docs/NOTIFY.md)");
ABSL_FLAG(std::string, sms_credentials, "", "The SMS provider's credentials file: {\"account\", \"secret\"}");
ABSL_FLAG(std::string, push_sink, "", "Development: append app pushes as JSON lines to this file");
ABSL_FLAG(std::string, push_url, "", "The app's push service endpoint (docs/NOTIFY.md)");
ABSL_FLAG(std::string, push_credentials, "", "The push service's credentials file: {\"account\", \"secret\"}");
ABSL_FLAG(std::string, sms_signature, "清河县12345", "The signature in 【】 that opens every SMS");
ABSL_FLAG(std::string, quiet_hours, "22:00-08:00",
          "No SMS in these hours (China Standard Time) except for emergencies; 00:00-00:00: none");
ABSL_FLAG(int, sms_per_phone_limit, 5, "At most this many SMS to one phone per --sms_per_phone_window (0: no limit)");
ABSL_FLAG(absl::Duration, sms_per_phone_window, absl::Hours(1), "The window of --sms_per_phone_limit");
ABSL_FLAG(std::vector<std::string>, notify_operators, {"gridctl"},
          "Service identities with the operators' rights on NotificationService (besides supervisors)");

namespace gridcase::notify {
namespace {

absl::StatusOr<GatewayConfig> Gateway(const std::string& kind, const std::string& sink, const std::string& url,
                                      const std::string& credentials) {
  if (sink.empty() == url.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("exactly one of --", kind, "_sink (development) and --", kind, "_url is required"));
  }
  if (!url.empty()) {
    if (absl::Status s = HttpMessageGateway::Check(absl::StrCat(kind, "_url"), url, credentials); !s.ok()) return s;
  }
  return GatewayConfig{sink, url, credentials};
}

absl::Status Positive(const std::string& flag, absl::Duration d) {
  if (d > absl::ZeroDuration()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("--", flag, ": must be > 0"));
}

}  // namespace

absl::StatusOr<NotifyConfig> LoadNotifyConfig() {
  NotifyConfig c;
  c.feedback_addr = absl::GetFlag(FLAGS_feedback_addr);
  if (auto hp = config::ParseHostPort(c.feedback_addr, "--feedback_addr"); !hp.ok()) return hp.status();
  c.feedback_timeout = absl::GetFlag(FLAGS_feedback_timeout);
  c.secrets_dir = absl::GetFlag(FLAGS_secrets_dir);
  c.callback_ca = absl::GetFlag(FLAGS_callback_ca);
  c.callback_timeout = absl::GetFlag(FLAGS_callback_timeout);
  c.allow_http_callbacks = absl::GetFlag(FLAGS_allow_http_callbacks);
  c.retry = {.initial = absl::GetFlag(FLAGS_retry_initial),
             .max = absl::GetFlag(FLAGS_retry_max),
             .park_after = absl::GetFlag(FLAGS_park_after)};
  c.worker_poll = absl::GetFlag(FLAGS_worker_poll);
  c.worker_lease = absl::GetFlag(FLAGS_worker_lease);
  c.retention = absl::GetFlag(FLAGS_delivery_retention);
  c.max_event_age = absl::GetFlag(FLAGS_max_event_age);
  for (const auto& [flag, d] : std::vector<std::pair<std::string, absl::Duration>>{
           {"feedback_timeout", c.feedback_timeout}, {"callback_timeout", c.callback_timeout},
           {"retry_initial", c.retry.initial}, {"retry_max", c.retry.max}, {"park_after", c.retry.park_after},
           {"worker_poll", c.worker_poll}, {"worker_lease", c.worker_lease}, {"delivery_retention", c.retention},
           {"max_event_age", c.max_event_age},
           {"sms_per_phone_window", absl::GetFlag(FLAGS_sms_per_phone_window)}}) {
    if (absl::Status s = Positive(flag, d); !s.ok()) return s;
  }
  if (c.worker_lease <= c.callback_timeout * 2 || c.worker_lease <= c.feedback_timeout * 2) {
    return absl::InvalidArgumentError(
        "--worker_lease: must exceed twice --callback_timeout and --feedback_timeout (an attempt must end within it)");
  }
  if (c.secrets_dir.empty()) return absl::InvalidArgumentError("--secrets_dir: required");
  auto sms = Gateway("sms", absl::GetFlag(FLAGS_sms_sink), absl::GetFlag(FLAGS_sms_url),
                     absl::GetFlag(FLAGS_sms_credentials));
  if (!sms.ok()) return sms.status();
  c.sms = *sms;
  auto push = Gateway("push", absl::GetFlag(FLAGS_push_sink), absl::GetFlag(FLAGS_push_url),
                      absl::GetFlag(FLAGS_push_credentials));
  if (!push.ok()) return push.status();
  c.push = *push;
  c.sms_signature = absl::GetFlag(FLAGS_sms_signature);
  if (c.sms_signature.empty()) return absl::InvalidArgumentError("--sms_signature: required");
  auto quiet = QuietHours::Parse(absl::GetFlag(FLAGS_quiet_hours));
  if (!quiet.ok()) return quiet.status();
  c.quiet = *quiet;
  c.phone_limit = {.max = absl::GetFlag(FLAGS_sms_per_phone_limit), .window = absl::GetFlag(FLAGS_sms_per_phone_window)};
  if (c.phone_limit.max < 0) return absl::InvalidArgumentError("--sms_per_phone_limit: must be >= 0");
  for (const std::string& name : absl::GetFlag(FLAGS_notify_operators)) {
    if (!name.empty()) c.operators.insert(name);
  }
  return c;
}

}  // namespace gridcase::notify
