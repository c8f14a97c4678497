#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/notify.pb.h"
#include "services/notify/core/delivery_worker.h"

namespace gridcase::notify {

// POSTs a body to a URL; returns the HTTP status, or UNAVAILABLE when no answer came (refused, timed out, TLS).
class HttpPoster {
 public:
  virtual ~HttpPoster() = default;
  virtual absl::StatusOr<int> Post(const std::string& url, const std::string& body,
                                   const std::map<std::string, std::string>& headers) = 0;
};

// The integrations' HMAC secrets by reference (files under --secrets_dir, read at each use so a rotated secret
// applies at once).
class SecretSource {
 public:
  virtual ~SecretSource() = default;
  virtual absl::StatusOr<std::string> Secret(const std::string& ref) = 0;
};

// Sends an integration's callbacks: the body fixed at planning, headers X-Gridcase-Event-Id, X-Gridcase-Timestamp
// (now, Unix seconds), X-Gridcase-Signature (SignCallback), X-Gridcase-Attempt. A 2xx answer is delivered; anything
// else, or no answer, failed. A retry after an attempt in doubt sends the same event id and body (the receiver keeps
// the first and acknowledges the copy).
class CallbackSender : public Sender {
 public:
  using IntegrationLookup = std::function<absl::StatusOr<std::optional<v1::Integration>>(const std::string& name)>;
  // Pointers must outlive the sender.
  CallbackSender(IntegrationLookup lookup, HttpPoster* http, SecretSource* secrets, std::function<absl::Time()> now)
      : lookup_(std::move(lookup)), http_(http), secrets_(secrets), now_(std::move(now)) {}

  SendOutcome Send(const Attempt& attempt) override;

 private:
  IntegrationLookup lookup_;
  HttpPoster* http_;
  SecretSource* secrets_;
  std::function<absl::Time()> now_;
};

}  // namespace gridcase::notify
