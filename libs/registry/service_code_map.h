#pragma once

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/registry/org_registry.h"

namespace gridcase::registry {

// Maps another city's 311 request types (e.g. NYC 311 "Complaint Type") onto our Open311 service codes, so that
// replayed or bridged requests arrive with a code of our catalogue. File format
// (data/registry/nyc311-service-codes.json):
//
//   {"format": "gridcase.service-codes.v1", "source": "...", "default": "general-inquiry",
//    "complaint_types": {"Street Condition": "pothole", "Noise - Residential": "noise", ...}}
//
// Immutable after creation; concurrent reads are safe.
class ServiceCodeMap {
 public:
  // Parses the map. When `registry` is given, every service code (and the default) must be the
  // open311_service_code of one of its catalogue items: INVALID_ARGUMENT "complaint_types[\"X\"]: unknown service
  // code y" otherwise.
  static absl::StatusOr<ServiceCodeMap> FromJson(absl::string_view text, const OrgRegistry* registry);
  // Reads `path` and parses it as FromJson does; errors are prefixed with the path.
  static absl::StatusOr<ServiceCodeMap> Load(const std::string& path, const OrgRegistry* registry);

  // The service code for a request type: an exact match, else a match ignoring ASCII case and surrounding
  // whitespace, else the default.
  const std::string& ServiceCodeFor(absl::string_view request_type) const;
  // True when `request_type` has its own entry (exactly or ignoring case and surrounding whitespace).
  bool Covers(absl::string_view request_type) const;

  const std::string& default_service_code() const { return default_; }
  size_t size() const { return exact_.size(); }

 private:
  ServiceCodeMap() = default;

  const std::string* FindEntry(absl::string_view request_type) const;

  std::string default_;
  absl::flat_hash_map<std::string, std::string> exact_;
  absl::flat_hash_map<std::string, std::string> folded_;  // Lower-cased, trimmed key → service code.
};

}  // namespace gridcase::registry
