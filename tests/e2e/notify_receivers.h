#pragma once

// The far ends of notify's deliveries, as real HTTP servers in the test process: a hotline's callback endpoint
// (HTTPS, verifying signatures, timestamps and case order; it can go down and come back on its port) and an SMS
// provider (the look-up included). Both record everything they accepted.
#include <httplib.h>

#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"
#include "services/notify/core/signature.h"

namespace gridcase::testing {

// A hotline's receiver, as docs/NOTIFY.md tells a vendor to build it: verify the signature over timestamp and body,
// refuse a timestamp more than 5 minutes off, acknowledge a repeated event id without applying it again, and apply a
// case's events in version order.
class FakeHotline {
 public:
  struct Received {
    std::string event_id;
    std::string case_id;
    int64_t version = 0;
    nlohmann::json body;
  };

  FakeHotline(std::string cert, std::string key, std::string secret, int port)
      : cert_(std::move(cert)), key_(std::move(key)), secret_(std::move(secret)), port_(port) {}
  ~FakeHotline() { Down(); }

  bool Up() {
    server_ = std::make_unique<httplib::SSLServer>(cert_.c_str(), key_.c_str());
    server_->Post("/callbacks", [this](const httplib::Request& request, httplib::Response& response) {
      Handle(request, response);
    });
    if (!server_->bind_to_port("127.0.0.1", port_)) return false;
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    return server_->is_valid();
  }
  void Down() {
    if (server_ != nullptr) server_->stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
  }
  void set_delay(absl::Duration delay) {
    absl::MutexLock lock(&mu_);
    delay_ = delay;
  }

  // Every event applied, in the order applied.
  std::vector<Received> applied() const {
    absl::MutexLock lock(&mu_);
    return applied_;
  }
  // Event ids received again (acknowledged, not applied), with their counts.
  std::map<std::string, int> repeats() const {
    absl::MutexLock lock(&mu_);
    return repeats_;
  }
  // What the receiver refused: bad signatures, stale timestamps, events out of case order, a repeat with other bytes.
  std::vector<std::string> violations() const {
    absl::MutexLock lock(&mu_);
    return violations_;
  }
  int attempts() const {
    absl::MutexLock lock(&mu_);
    return attempts_;
  }

 private:
  void Handle(const httplib::Request& request, httplib::Response& response) {
    absl::Duration delay;
    {
      absl::MutexLock lock(&mu_);
      delay = delay_;
      ++attempts_;
    }
    absl::SleepFor(delay);
    const std::string timestamp = request.get_header_value("X-Gridcase-Timestamp");
    const std::string signature = request.get_header_value("X-Gridcase-Signature");
    int64_t seconds = 0;
    absl::MutexLock lock(&mu_);
    if (!notify::SignatureMatches(secret_, timestamp, request.body, signature)) {
      violations_.push_back("bad signature on " + request.get_header_value("X-Gridcase-Event-Id"));
      response.status = 401;
      return;
    }
    if (!absl::SimpleAtoi(timestamp, &seconds) || std::abs(absl::ToUnixSeconds(absl::Now()) - seconds) > 300) {
      violations_.push_back("stale timestamp " + timestamp);
      response.status = 401;
      return;
    }
    nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
    if (!body.is_object() || body.value("event_id", "") != request.get_header_value("X-Gridcase-Event-Id")) {
      violations_.push_back("malformed body " + request.body);
      response.status = 400;
      return;
    }
    Received r{body["event_id"], body["case_id"], body["case_version"].get<int64_t>(), body};
    if (auto seen = bodies_.find(r.event_id); seen != bodies_.end()) {
      if (seen->second != request.body) violations_.push_back("event " + r.event_id + " repeated with other bytes");
      ++repeats_[r.event_id];
      response.status = 200;
      return;
    }
    const int64_t last = last_version_[r.case_id];
    if (r.version != last + 1) {
      violations_.push_back(absl::StrCat("case ", r.case_id, ": version ", r.version, " after ", last));
    }
    last_version_[r.case_id] = std::max(last, r.version);
    bodies_[r.event_id] = request.body;
    applied_.push_back(std::move(r));
    response.status = 204;
  }

  const std::string cert_, key_, secret_;
  const int port_;
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
  mutable absl::Mutex mu_;
  absl::Duration delay_ ABSL_GUARDED_BY(mu_);
  int attempts_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<Received> applied_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> bodies_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> last_version_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> repeats_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> violations_ ABSL_GUARDED_BY(mu_);
};

// An SMS provider speaking notify's gateway protocol (docs/NOTIFY.md): it delivers every message it accepts — a
// resident would get each one — so a message id accepted twice is a second SMS on the resident's phone.
class FakeSmsProvider {
 public:
  struct Sms {
    std::string id;
    std::string to;
    std::string text;
  };
  explicit FakeSmsProvider(std::string secret) : secret_(std::move(secret)) {}
  ~FakeSmsProvider() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  int Start() {
    server_.Post("/sms", [this](const httplib::Request& request, httplib::Response& response) {
      absl::Duration delay;
      {
        absl::MutexLock lock(&mu_);
        delay = delay_;
      }
      absl::SleepFor(delay);
      if (request.get_header_value("Authorization") != "Bearer " + secret_) {
        response.status = 401;
        return;
      }
      nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
      absl::MutexLock lock(&mu_);
      received_.push_back({body.value("message_id", ""), body.value("to", ""), body.value("text", "")});
      response.status = 200;
    });
    server_.Get("/sms", [this](const httplib::Request& request, httplib::Response& response) {
      const std::string id = request.get_param_value("message_id");
      absl::MutexLock lock(&mu_);
      ++lookups_;
      response.status = 404;
      for (const Sms& sms : received_) {
        if (sms.id == id) response.status = 200;
      }
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    return port_;
  }
  void set_delay(absl::Duration delay) {
    absl::MutexLock lock(&mu_);
    delay_ = delay;
  }
  std::vector<Sms> received() const {
    absl::MutexLock lock(&mu_);
    return received_;
  }
  int lookups() const {
    absl::MutexLock lock(&mu_);
    return lookups_;
  }
  std::map<std::string, int> CountById() const {
    std::map<std::string, int> counts;
    for (const Sms& sms : received()) ++counts[sms.id];
    return counts;
  }

 private:
  const std::string secret_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable absl::Mutex mu_;
  absl::Duration delay_ ABSL_GUARDED_BY(mu_);
  std::vector<Sms> received_ ABSL_GUARDED_BY(mu_);
  int lookups_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace gridcase::testing
