#include "libs/registry/service_code_map.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace gridcase::registry {
namespace {

using nlohmann::json;

std::string Fold(absl::string_view text) { return absl::AsciiStrToLower(absl::StripAsciiWhitespace(text)); }

absl::Status CheckCode(absl::string_view path, const json& value, const OrgRegistry* registry) {
  if (!value.is_string() || value.get<std::string>().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": expected a service code string"));
  }
  const std::string code = value.get<std::string>();
  if (registry != nullptr && registry->FindByServiceCode(code) == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": unknown service code ", code));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ServiceCodeMap> ServiceCodeMap::FromJson(absl::string_view text, const OrgRegistry* registry) {
  json root;
  try {
    root = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("service code map is not valid JSON: ", e.what()));
  }
  if (!root.is_object()) return absl::InvalidArgumentError("service code map: expected an object");
  for (auto it = root.begin(); it != root.end(); ++it) {
    if (it.key() != "format" && it.key() != "source" && it.key() != "default" && it.key() != "complaint_types") {
      return absl::InvalidArgumentError(absl::StrCat("service code map: unknown field \"", it.key(), "\""));
    }
  }
  if (!root.contains("format") || root["format"] != "gridcase.service-codes.v1") {
    return absl::InvalidArgumentError("format: must be \"gridcase.service-codes.v1\"");
  }
  if (!root.contains("default")) return absl::InvalidArgumentError("default: missing");
  if (absl::Status s = CheckCode("default", root["default"], registry); !s.ok()) return s;
  if (!root.contains("complaint_types") || !root["complaint_types"].is_object()) {
    return absl::InvalidArgumentError("complaint_types: expected an object");
  }
  ServiceCodeMap map;
  map.default_ = root["default"].get<std::string>();
  const json& types = root["complaint_types"];
  for (auto it = types.begin(); it != types.end(); ++it) {
    const std::string path = absl::StrCat("complaint_types[\"", it.key(), "\"]");
    if (absl::Status s = CheckCode(path, it.value(), registry); !s.ok()) return s;
    const std::string code = it.value().get<std::string>();
    auto [folded, inserted] = map.folded_.try_emplace(Fold(it.key()), code);
    if (!inserted && folded->second != code) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": differs only in case or spacing from another type with a different code"));
    }
    map.exact_[it.key()] = code;
  }
  return map;
}

absl::StatusOr<ServiceCodeMap> ServiceCodeMap::Load(const std::string& path, const OrgRegistry* registry) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot be read"));
  std::ostringstream text;
  text << in.rdbuf();
  absl::StatusOr<ServiceCodeMap> map = FromJson(text.str(), registry);
  if (!map.ok()) return absl::Status(map.status().code(), absl::StrCat(path, ": ", map.status().message()));
  return map;
}

const std::string* ServiceCodeMap::FindEntry(absl::string_view request_type) const {
  if (auto it = exact_.find(request_type); it != exact_.end()) return &it->second;
  if (auto it = folded_.find(Fold(request_type)); it != folded_.end()) return &it->second;
  return nullptr;
}

const std::string& ServiceCodeMap::ServiceCodeFor(absl::string_view request_type) const {
  const std::string* code = FindEntry(request_type);
  return code != nullptr ? *code : default_;
}

bool ServiceCodeMap::Covers(absl::string_view request_type) const { return FindEntry(request_type) != nullptr; }

}  // namespace gridcase::registry
