#include "services/notify/core/callback_sender.h"

#include "absl/strings/str_cat.h"
#include "services/notify/core/signature.h"

namespace gridcase::notify {

SendOutcome CallbackSender::Send(const Attempt& attempt) {
  const Outbound& out = attempt.outbound;
  auto integration = lookup_(out.target);
  if (!integration.ok()) return SendOutcome::Failed(integration.status().ToString());
  if (!integration->has_value()) return SendOutcome::Failed("the integration is no longer registered");
  auto secret = secrets_->Secret((*integration)->secret_ref());
  if (!secret.ok()) return SendOutcome::Failed(std::string(secret.status().message()));
  const std::string timestamp = absl::StrCat(absl::ToUnixSeconds(now_()));
  std::map<std::string, std::string> headers = {
      {"Content-Type", "application/json; charset=utf-8"},
      {"X-Gridcase-Event-Id", out.delivery_id},
      {"X-Gridcase-Timestamp", timestamp},
      {"X-Gridcase-Signature", SignCallback(*secret, timestamp, out.body)},
      {"X-Gridcase-Attempt", absl::StrCat(attempt.attempts + 1)}};
  auto status = http_->Post((*integration)->callback_url(), out.body, headers);
  if (!status.ok()) return SendOutcome::Failed(std::string(status.status().message()));
  if (*status >= 200 && *status < 300) return SendOutcome::Delivered();
  return SendOutcome::Failed(absl::StrCat("HTTP ", *status));
}

}  // namespace gridcase::notify
