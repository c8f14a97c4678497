#pragma once

#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "services/notify/adapters/https_poster.h"
#include "services/notify/core/notice_sender.h"

namespace gridcase::notify {

// A county's SMS provider, or the app's push service, over HTTP(S) (docs/NOTIFY.md, "SMS and push gateways"):
//   send:    POST <url>  {"account": …, "message_id": …, "to": …, "text": …}, Authorization: Bearer <secret>;
//            2xx (or 409: that message id was accepted before) is accepted;
//   look-up: GET <url>?message_id=<id>; 200 accepted before, 404 never.
// `credentials_file` holds {"account": "…", "secret": "…"}, read at each call (a rotated secret applies at once).
class HttpMessageGateway : public MessageGateway {
 public:
  HttpMessageGateway(std::string url, std::string credentials_file, HttpsPoster* http)
      : url_(std::move(url)), credentials_file_(std::move(credentials_file)), http_(http) {}

  // INVALID_ARGUMENT naming the flag when the URL or the credentials file is unusable.
  static absl::Status Check(const std::string& flag, const std::string& url, const std::string& credentials_file);

  absl::Status Send(const Message& message) override;
  absl::StatusOr<bool> Accepted(const std::string& id) override;

 private:
  std::string url_;
  std::string credentials_file_;
  HttpsPoster* http_;
};

// The development sink: every accepted message is one JSON line appended (and flushed to disk) to a file —
// {"message_id": …, "to": <masked>, "text": …, "at": …} — which tests and the demo read. The recipient is written
// masked: the file is not a place for residents' phones.
class FileMessageGateway : public MessageGateway {
 public:
  explicit FileMessageGateway(std::string path) : path_(std::move(path)) {}

  absl::Status Send(const Message& message) override;
  absl::StatusOr<bool> Accepted(const std::string& id) override;

 private:
  std::mutex mu_;
  std::string path_;
};

}  // namespace gridcase::notify
