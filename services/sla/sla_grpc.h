#pragma once

#include <functional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gridcase/v1/sla.grpc.pb.h"
#include "libs/access/caller.h"
#include "services/sla/alert_broadcaster.h"
#include "services/sla/core/case_clocks.h"
#include "services/sla/sla_stores.h"

namespace gridcase::sla {

// gRPC face of the SLA service: converts between the wire and the stores and planner. Field-level INVALID_ARGUMENT
// for bad requests ("page_size: must be within 0..500"). Every call reads as its authenticated caller, scoped by the
// read table (libs/access/read_scope.h).
class SlaGrpc final : public v1::SlaService::Service {
 public:
  static constexpr int kDefaultPageSize = 50;
  static constexpr int kMaxPageSize = 500;

  // All pointers must outlive the service.
  SlaGrpc(const ClockPlanner* planner, CaseClockStore* cases, DueIndex* due, AlertBroadcaster* broadcaster,
          std::function<absl::Time()> now)
      : planner_(planner), cases_(cases), due_(due), broadcaster_(broadcaster), now_(std::move(now)) {}

  grpc::Status GetCaseClocks(grpc::ServerContext* context, const v1::GetCaseClocksRequest* request,
                             v1::CaseClocks* response) override;
  grpc::Status ListOverdue(grpc::ServerContext* context, const v1::ListOverdueRequest* request,
                           v1::ListOverdueResponse* response) override;
  grpc::Status WatchOverdue(grpc::ServerContext* context, const v1::WatchOverdueRequest* request,
                            grpc::ServerWriter<v1::SlaAlert>* writer) override;

  // The reads as `caller` may make them: a case outside its scope is PERMISSION_DENIED (clocks) or left out
  // (overdue lists); what it may see but need not contact about is masked (location, title).
  absl::StatusOr<v1::CaseClocks> ReadCaseClocks(const access::Caller& caller, const v1::GetCaseClocksRequest& request);
  absl::StatusOr<v1::ListOverdueResponse> ReadOverdue(const access::Caller& caller,
                                                      const v1::ListOverdueRequest& request);

 private:
  const ClockPlanner* planner_;
  CaseClockStore* cases_;
  DueIndex* due_;
  AlertBroadcaster* broadcaster_;
  std::function<absl::Time()> now_;
};

}  // namespace gridcase::sla
