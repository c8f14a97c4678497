#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "gridcase/v1/dispatch.pb.h"

namespace gridcase::gridctl {

// The handler commands dispatch's ExecuteCommand runs: the fields of CaseCommandRequest's `command` oneof
// ("verify_grid", "township_dispatch", …), read from the proto so that every command it gains is one here too.
std::vector<std::string> CommandNames();

// The command named `name` ("township_dispatch" or "township-dispatch") on `case_id` at `expected_version`, its fields
// set from `fields` (name → value, nested fields by path: "resident.name"). Values: strings as given; booleans
// true/false/yes/no/1/0; numbers; enums by full or short name, any case ("CATEGORY_SIMPLE", "simple"); durations as
// "2h", "90m", "3d". INVALID_ARGUMENT naming the command or field, and what is accepted, otherwise.
absl::StatusOr<v1::CaseCommandRequest> BuildCommandRequest(
    const std::string& name, const std::string& case_id, int64_t expected_version,
    const std::vector<std::pair<std::string, std::string>>& fields);

// The fields of command `name` as options ("--department_code STRING", "--satisfaction satisfied|basically|…"),
// one line each; "" for an unknown command.
std::string CommandFieldsHelp(const std::string& name);

// Sets the field at `path` of `message` from `value` as BuildCommandRequest does (shared with other requests built
// from options).
absl::Status SetFieldByPath(google::protobuf::Message* message, const std::string& path, const std::string& value);

// An enum value's short name: the value's name without the prefix its enum's values share
// ("CASE_STATUS_IN_PROGRESS" → "in_progress", "REASON_RATED" → "rated").
std::string ShortEnumName(const google::protobuf::EnumValueDescriptor* value);
// The short name of `number` in `type`, or the number when it has no name.
std::string ShortEnumName(const google::protobuf::EnumDescriptor* type, int number);
// The value of `type` named `text` (full or short name, any case); nullptr when none is.
const google::protobuf::EnumValueDescriptor* FindEnumValue(const google::protobuf::EnumDescriptor* type,
                                                           const std::string& text);

}  // namespace gridcase::gridctl
