#pragma once

#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/notify.pb.h"
#include "libs/access/caller.h"
#include "services/notify/core/stores.h"

namespace gridcase::notify {

// The NotificationService's decisions, free of gRPC. Who may do what:
// - a supervisor, and the operators' service identities (`operators`, e.g. gridctl's): everything;
// - a service identity: register, list and remove the integration whose source is itself (source.service), and list
//   and replay that integration's parked deliveries;
// - anyone else: PERMISSION_DENIED naming the scope.
class NotifyFront {
 public:
  struct Options {
    std::set<std::string> operators;  // Service identities with the operators' rights.
    bool allow_http = false;          // Accept http:// callback URLs (development only).
  };
  // Pointers must outlive the front.
  NotifyFront(Options options, IntegrationStore* integrations, DeliveryQueue* queue, std::function<absl::Time()> now)
      : options_(std::move(options)), integrations_(integrations), queue_(queue), now_(std::move(now)) {}

  absl::StatusOr<v1::RegisterIntegrationResponse> Register(const access::Caller& caller,
                                                           const v1::RegisterIntegrationRequest& request);
  absl::StatusOr<v1::ListIntegrationsResponse> List(const access::Caller& caller);
  absl::Status Unregister(const access::Caller& caller, const std::string& name);
  absl::StatusOr<v1::ListParkedResponse> ListParked(const access::Caller& caller, const v1::ListParkedRequest& request);
  absl::StatusOr<v1::ReplayResponse> Replay(const access::Caller& caller, const v1::ReplayRequest& request);

 private:
  bool IsOperator(const access::Caller& caller) const;
  // The integration of that name, or NOT_FOUND.
  absl::StatusOr<v1::Integration> Find(const std::string& name);
  // OK when the caller may act on `target` (an integration's name, resident-sms, resident-push).
  absl::Status CheckTarget(const access::Caller& caller, const std::string& target);

  Options options_;
  IntegrationStore* integrations_;
  DeliveryQueue* queue_;
  std::function<absl::Time()> now_;
};

}  // namespace gridcase::notify
