#pragma once

#include "gridcase/v1/intake.grpc.pb.h"
#include "libs/server/blocking_pool.h"
#include "services/intake/core/intake.h"
#include "services/intake/intake_metrics.h"

namespace gridcase::intake {

// gRPC face of intake: converts between the wire and the core, nothing else. SubmitCase is a raw method so that
// residents' text with invalid UTF-8 gets INVALID_ARGUMENT naming the field (server::DecodeRequest). Every call is
// its authenticated caller's: SubmitCase records the caller as the submitter (intake::CheckSubmitter says who may
// submit on which channel), GetCase and ListCases return only what the read table lets the caller see, masked unless
// it must contact the resident.
class IntakeGrpc final : public v1::IntakeService::WithRawCallbackMethod_SubmitCase<v1::IntakeService::Service> {
 public:
  // `intake` and `pool` must outlive the service.
  // `personal_data` opens the sealed residents of the cases a caller may read (then masked as the read table says).
  IntakeGrpc(Intake* intake, server::BlockingPool* pool, privacy::PersonalData* personal_data)
      : intake_(intake), pool_(pool), personal_data_(personal_data) {}

  grpc::ServerUnaryReactor* SubmitCase(grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  grpc::Status GetCase(grpc::ServerContext* context, const v1::GetCaseRequest* request, v1::Case* response) override;
  grpc::Status ListCases(grpc::ServerContext* context, const v1::ListCasesRequest* request,
                         v1::ListCasesResponse* response) override;

 private:
  grpc::Status Submit(const v1::SubmitCaseRequest& request, const v1::Actor& submitter,
                      v1::SubmitCaseResponse* response);

  Intake* intake_;
  server::BlockingPool* pool_;
  privacy::PersonalData* personal_data_;
  IntakeMetrics& metrics_ = IntakeMetrics::Get();
};

}  // namespace gridcase::intake
