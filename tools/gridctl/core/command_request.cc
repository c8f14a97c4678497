#include "tools/gridctl/core/command_request.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/util/time_util.h"
#include "tools/gridctl/core/args.h"

namespace gridcase::gridctl {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

const google::protobuf::OneofDescriptor* CommandOneof() {
  return v1::CaseCommandRequest::descriptor()->FindOneofByName("command");
}

const FieldDescriptor* FindCommand(const std::string& name) {
  const std::string normalized = absl::StrReplaceAll(absl::AsciiStrToLower(name), {{"-", "_"}});
  const auto* oneof = CommandOneof();
  for (int i = 0; i < oneof->field_count(); ++i) {
    if (oneof->field(i)->name() == normalized) return oneof->field(i);
  }
  return nullptr;
}

std::string EnumPrefix(const EnumDescriptor* type) {
  // Values share the prefix of their zero value, "<PREFIX>UNSPECIFIED".
  const std::string& zero = type->value(0)->name();
  if (absl::EndsWith(zero, "UNSPECIFIED")) return zero.substr(0, zero.size() - std::string("UNSPECIFIED").size());
  return "";
}

std::string TypeHelp(const FieldDescriptor* field) {
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return "TEXT";
    case FieldDescriptor::CPPTYPE_BOOL:
      return "true|false";
    case FieldDescriptor::CPPTYPE_ENUM: {
      std::vector<std::string> names;
      for (int i = 1; i < field->enum_type()->value_count(); ++i) {
        names.push_back(ShortEnumName(field->enum_type()->value(i)));
      }
      return absl::StrJoin(names, "|");
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return field->message_type()->full_name() == "google.protobuf.Duration" ? "DURATION (e.g. 2h, 3d)" : "";
    default:
      return "NUMBER";
  }
}

void AppendFieldsHelp(const Descriptor* type, const std::string& prefix, std::string* out) {
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    const std::string path = absl::StrCat(prefix, field->name());
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
        field->message_type()->full_name() != "google.protobuf.Duration") {
      AppendFieldsHelp(field->message_type(), path + ".", out);
      continue;
    }
    absl::StrAppend(out, "  --", path, " ", TypeHelp(field), field->is_repeated() ? " (repeatable)" : "", "\n");
  }
}

}  // namespace

std::vector<std::string> CommandNames() {
  std::vector<std::string> names;
  const auto* oneof = CommandOneof();
  for (int i = 0; i < oneof->field_count(); ++i) names.push_back(oneof->field(i)->name());
  return names;
}

std::string ShortEnumName(const EnumValueDescriptor* value) {
  const std::string prefix = EnumPrefix(value->type());
  std::string name = value->name();
  if (!prefix.empty() && absl::StartsWith(name, prefix)) name = name.substr(prefix.size());
  return absl::AsciiStrToLower(name);
}

std::string ShortEnumName(const EnumDescriptor* type, int number) {
  const EnumValueDescriptor* value = type->FindValueByNumber(number);
  return value == nullptr ? absl::StrCat(number) : ShortEnumName(value);
}

const EnumValueDescriptor* FindEnumValue(const EnumDescriptor* type, const std::string& text) {
  const std::string upper = absl::AsciiStrToUpper(absl::StrReplaceAll(text, {{"-", "_"}}));
  const std::string prefix = EnumPrefix(type);
  for (int i = 0; i < type->value_count(); ++i) {
    const EnumValueDescriptor* value = type->value(i);
    if (value->name() == upper || value->name() == prefix + upper) return value;
  }
  return nullptr;
}

absl::Status SetFieldByPath(Message* message, const std::string& path, const std::string& value) {
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  Message* target = message;
  for (size_t i = 0; i < parts.size(); ++i) {
    const Descriptor* type = target->GetDescriptor();
    const FieldDescriptor* field = type->FindFieldByName(parts[i]);
    if (field == nullptr) {
      std::vector<std::string> names;
      for (int k = 0; k < type->field_count(); ++k) names.push_back(type->field(k)->name());
      return absl::InvalidArgumentError(
          absl::StrCat("--", path, ": ", type->name(), " has no field '", parts[i], "' (it has ",
                       absl::StrJoin(names, ", "), ")"));
    }
    const Reflection* reflection = target->GetReflection();
    const bool last = i + 1 == parts.size();
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->message_type()->full_name() == "google.protobuf.Duration") {
        if (!last) return absl::InvalidArgumentError(absl::StrCat("--", path, ": a duration has no fields"));
        auto duration = ParseDurationText(value);
        if (!duration.ok()) {
          return absl::InvalidArgumentError(absl::StrCat("--", path, ": ", duration.status().message()));
        }
        google::protobuf::Duration proto =
            google::protobuf::util::TimeUtil::NanosecondsToDuration(absl::ToInt64Nanoseconds(*duration));
        reflection->MutableMessage(target, field)->CopyFrom(proto);
        return absl::OkStatus();
      }
      if (last || field->is_repeated()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", path, ": is a message; set its fields (--", path, ".<field>)"));
      }
      target = reflection->MutableMessage(target, field);
      continue;
    }
    if (!last) return absl::InvalidArgumentError(absl::StrCat("--", path, ": '", parts[i], "' has no fields"));
    auto bad = [&](const std::string& what) {
      return absl::InvalidArgumentError(absl::StrCat("--", path, ": '", value, "' is not ", what));
    };
    const bool repeated = field->is_repeated();
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        repeated ? reflection->AddString(target, field, value) : reflection->SetString(target, field, value);
        return absl::OkStatus();
      case FieldDescriptor::CPPTYPE_BOOL: {
        std::string lower = absl::AsciiStrToLower(value);
        bool b;
        if (lower == "true" || lower == "yes" || lower == "1") {
          b = true;
        } else if (lower == "false" || lower == "no" || lower == "0") {
          b = false;
        } else {
          return bad("true or false");
        }
        repeated ? reflection->AddBool(target, field, b) : reflection->SetBool(target, field, b);
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_ENUM: {
        const EnumValueDescriptor* e = FindEnumValue(field->enum_type(), value);
        if (e == nullptr || e->number() == 0) return bad(absl::StrCat("one of ", TypeHelp(field)));
        repeated ? reflection->AddEnum(target, field, e) : reflection->SetEnum(target, field, e);
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_INT64: {
        int64_t n;
        if (!absl::SimpleAtoi(value, &n)) return bad("a whole number");
        if (field->cpp_type() == FieldDescriptor::CPPTYPE_INT32) {
          repeated ? reflection->AddInt32(target, field, static_cast<int32_t>(n))
                   : reflection->SetInt32(target, field, static_cast<int32_t>(n));
        } else {
          repeated ? reflection->AddInt64(target, field, n) : reflection->SetInt64(target, field, n);
        }
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_DOUBLE: {
        double d;
        if (!absl::SimpleAtod(value, &d)) return bad("a number");
        repeated ? reflection->AddDouble(target, field, d) : reflection->SetDouble(target, field, d);
        return absl::OkStatus();
      }
      default:
        return absl::InvalidArgumentError(absl::StrCat("--", path, ": this field cannot be set from the command line"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::CaseCommandRequest> BuildCommandRequest(
    const std::string& name, const std::string& case_id, int64_t expected_version,
    const std::vector<std::pair<std::string, std::string>>& fields) {
  const FieldDescriptor* command = FindCommand(name);
  if (command == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("unknown command '", name, "'; the commands are: ",
                                                   absl::StrJoin(CommandNames(), ", ")));
  }
  if (case_id.empty()) return absl::InvalidArgumentError("a case id is needed (gridctl act COMMAND CASE_ID …)");
  v1::CaseCommandRequest request;
  request.set_case_id(case_id);
  request.set_expected_version(expected_version);
  Message* body = request.GetReflection()->MutableMessage(&request, command);
  for (const auto& [path, value] : fields) {
    if (absl::Status s = SetFieldByPath(body, path, value); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(command->name(), " ", s.message()));
    }
  }
  return request;
}

std::string CommandFieldsHelp(const std::string& name) {
  const FieldDescriptor* command = FindCommand(name);
  if (command == nullptr) return "";
  std::string out;
  AppendFieldsHelp(command->message_type(), "", &out);
  return out.empty() ? "  (no fields)\n" : out;
}

}  // namespace gridcase::gridctl
