#include "services/notify/adapters/message_gateways.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/log/log.h"
#include "nlohmann/json.hpp"
#include "services/notify/core/callback_body.h"

namespace gridcase::notify {
namespace {

struct Credentials {
  std::string account;
  std::string secret;
};

absl::StatusOr<Credentials> ReadCredentials(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read the gateway credentials file ", path));
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json json = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("account") || !json["account"].is_string() || !json.contains("secret") ||
      !json["secret"].is_string()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": must be {\"account\": \"…\", \"secret\": \"…\"}"));
  }
  return Credentials{json["account"].get<std::string>(), json["secret"].get<std::string>()};
}

std::string PercentEncode(const std::string& value) {
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&out, "%", absl::Hex(c, absl::kZeroPad2));
    }
  }
  return out;
}

std::string MaskRecipient(const std::string& recipient) {
  if (!recipient.empty() && recipient[0] >= '0' && recipient[0] <= '9') return log::MaskPhone(recipient);
  return absl::StrCat(recipient.substr(0, 3), "***");
}

}  // namespace

absl::Status HttpMessageGateway::Check(const std::string& flag, const std::string& url,
                                       const std::string& credentials_file) {
  if (auto parsed = ParseHttpUrl(url); !parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": ", parsed.status().message()));
  }
  if (auto c = ReadCredentials(credentials_file); !c.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, "_credentials: ", c.status().message()));
  }
  return absl::OkStatus();
}

absl::Status HttpMessageGateway::Send(const Message& message) {
  auto credentials = ReadCredentials(credentials_file_);
  if (!credentials.ok()) return absl::UnavailableError(credentials.status().message());
  nlohmann::json body = {
      {"account", credentials->account}, {"message_id", message.id}, {"to", message.recipient}, {"text", message.text}};
  auto status = http_->Post(url_, body.dump(),
                            {{"Content-Type", "application/json; charset=utf-8"},
                             {"Authorization", absl::StrCat("Bearer ", credentials->secret)}});
  if (!status.ok()) return absl::UnavailableError(status.status().message());
  if ((*status >= 200 && *status < 300) || *status == 409) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat("gateway answered HTTP ", *status));
}

absl::StatusOr<bool> HttpMessageGateway::Accepted(const std::string& id) {
  auto credentials = ReadCredentials(credentials_file_);
  if (!credentials.ok()) return absl::UnavailableError(credentials.status().message());
  auto answer = http_->Get(absl::StrCat(url_, "?message_id=", PercentEncode(id)),
                           {{"Authorization", absl::StrCat("Bearer ", credentials->secret)}});
  if (!answer.ok()) return absl::UnavailableError(answer.status().message());
  if (answer->first == 200) return true;
  if (answer->first == 404) return false;
  return absl::UnavailableError(absl::StrCat("gateway look-up answered HTTP ", answer->first));
}

absl::Status FileMessageGateway::Send(const Message& message) {
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json line = {{"message_id", message.id},
                         {"to", MaskRecipient(message.recipient)},
                         {"text", message.text},
                         {"at", CallbackTime(absl::Now())}};
  const std::string bytes = line.dump() + "\n";
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("cannot open the message sink ", path_));
  const bool written = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written) return absl::UnavailableError(absl::StrCat("cannot write the message sink ", path_));
  return absl::OkStatus();
}

absl::StatusOr<bool> FileMessageGateway::Accepted(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  std::ifstream in(path_);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) {
    nlohmann::json json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (json.is_object() && json.value("message_id", "") == id) return true;
  }
  return false;
}

}  // namespace gridcase::notify
