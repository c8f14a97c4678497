#include "services/dispatch/command_codec.h"

#include "absl/strings/str_cat.h"
#include "libs/validation/field_error.h"

namespace gridcase::dispatch {
namespace {

absl::StatusOr<absl::Duration> DurationFromProto(const google::protobuf::Duration& d, absl::string_view field) {
  if (d.seconds() < 0 || d.nanos() < 0 || d.nanos() >= 1000000000) {
    return validation::FieldError(field, "must be a non-negative duration");
  }
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

}  // namespace

absl::StatusOr<Command> CommandFromProto(const v1::CaseCommandRequest& request) {
  using R = v1::CaseCommandRequest;
  switch (request.command_case()) {
    case R::kVerifyGrid: {
      const auto& c = request.verify_grid();
      return VerifyGrid{c.grid_code(), c.category(), c.catalogue_item(), c.note()};
    }
    case R::kMarkInvalid:
      return MarkInvalid{request.mark_invalid().reason()};
    case R::kMarkDuplicate:
      return MarkDuplicate{request.mark_duplicate().duplicate_of(), request.mark_duplicate().note()};
    case R::kCommunityHandleLocally:
      return CommunityHandleLocally{request.community_handle_locally().note()};
    case R::kCommunityEscalate:
      return CommunityEscalate{request.community_escalate().reason()};
    case R::kTownshipDispatch: {
      const auto& c = request.township_dispatch();
      return TownshipDispatch{c.department_code(), c.catalogue_item(), c.note()};
    }
    case R::kDepartmentAccept:
      return DepartmentAccept{request.department_accept().handler_id()};
    case R::kDepartmentTransfer:
      return DepartmentTransfer{request.department_transfer().to_department_code(),
                                request.department_transfer().reason()};
    case R::kDepartmentReturn:
      return DepartmentReturn{request.department_return().reason()};
    case R::kRequestExtension: {
      auto extra = DurationFromProto(request.request_extension().extra(), "request_extension.extra");
      if (!extra.ok()) return extra.status();
      return RequestExtension{*extra, request.request_extension().reason()};
    }
    case R::kDecideExtension: {
      auto extra = DurationFromProto(request.decide_extension().extra(), "decide_extension.extra");
      if (!extra.ok()) return extra.status();
      return DecideExtension{request.decide_extension().approved(), *extra, request.decide_extension().note()};
    }
    case R::kPauseForResident:
      return PauseForResident{request.pause_for_resident().reason()};
    case R::kResumeHandling:
      return ResumeHandling{request.resume_handling().note()};
    case R::kResolve:
      return Resolve{request.resolve().reply(), request.resolve().contacted_resident()};
    case R::kClose:
      return Close{request.close().reason(), request.close().note()};
    case R::kReopen:
      return Reopen{request.reopen().reason()};
    case R::kEscalate:
      return Escalate{request.escalate().reason()};
    case R::kRate:
      return Rate{request.rate().satisfaction(), request.rate().problem_solved(), request.rate().comment()};
    case R::kAddCoRequester: {
      const auto& c = request.add_co_requester();
      return AddCoRequester{c.resident(), c.request_ref(), c.text()};
    }
    case R::COMMAND_NOT_SET:
      break;
  }
  return validation::FieldError("command", "one command (verify_grid, township_dispatch, resolve, …) must be set");
}

}  // namespace gridcase::dispatch
