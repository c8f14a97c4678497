#include "services/dispatch/command_codec.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "libs/validation/field_error.h"
#include "libs/validation/key_part.h"

namespace gridcase::dispatch {
namespace {

absl::StatusOr<absl::Duration> DurationFromProto(const google::protobuf::Duration& d, absl::string_view field) {
  if (d.seconds() < 0 || d.nanos() < 0 || d.nanos() >= 1000000000) {
    return validation::FieldError(field, "must be a non-negative duration");
  }
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

size_t Characters(absl::string_view text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// The longest value a string field of a command may carry, in characters: codes and ids, a name, free text.
size_t MaxCharacters(const std::string& field) {
  static const auto* codes = new absl::flat_hash_set<std::string>{
      "grid_code", "catalogue_item", "duplicate_of", "department_code", "handler_id", "to_department_code",
      "request_ref", "phone", "resident_id", "case_id", "request_id", "person_id", "unit_code"};
  if (codes->contains(field)) return kMaxCodeCharacters;
  if (field == "name") return kMaxNameCharacters;
  return kMaxTextCharacters;
}

// Fields naming a case or an org unit, which become part of Redis keys when looked up.
bool NamesKey(const std::string& field) {
  static const auto* keys = new absl::flat_hash_set<std::string>{
      "grid_code", "duplicate_of", "department_code", "to_department_code", "case_id", "unit_code"};
  return keys->contains(field);
}

// INVALID_ARGUMENT naming the first string field of `message` (and of the messages in it) longer than it may be.
absl::Status CheckBounds(const google::protobuf::Message& message, const std::string& path) {
  const google::protobuf::Descriptor* descriptor = message.GetDescriptor();
  const google::protobuf::Reflection* reflection = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = descriptor->field(i);
    if (field->is_repeated() || !reflection->HasField(message, field)) continue;
    const std::string name = path.empty() ? field->name() : absl::StrCat(path, ".", field->name());
    if (field->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
      const std::string& value = reflection->GetString(message, field);
      const size_t most = MaxCharacters(field->name());
      if (Characters(value) > most) {
        return validation::FieldError(name, absl::StrCat("must be at most ", most, " characters"));
      }
      if (NamesKey(field->name()) && !value.empty()) {
        if (absl::Status s = validation::CheckKeyPart(name, value); !s.ok()) return s;
      }
    } else if (field->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE) {
      if (absl::Status s = CheckBounds(reflection->GetMessage(message, field), name); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Command> CommandFromProto(const v1::CaseCommandRequest& request) {
  if (absl::Status s = CheckBounds(request, ""); !s.ok()) return s;
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
