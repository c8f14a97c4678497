#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gridcase/v1/intake.pb.h"

namespace gridcase::gridctl {

// How the columns of a 311 export become a SubmitCase request. Known layouts: NYC 311 ("Unique Key", "Complaint
// Type", "Descriptor", "Incident Address", "City", "Latitude", "Longitude") and Boston 311 ("case_enquiry_id",
// "case_title", "type", "location", "latitude", "longitude"); a generic layout names its columns "id", "text" and
// optionally "title", "address", "lat", "lng".
class ReplayMapping {
 public:
  // The mapping for a file whose first record is `header`; INVALID_ARGUMENT naming the columns it looked for when
  // the header matches no layout.
  static absl::StatusOr<ReplayMapping> ForHeader(const std::vector<std::string>& header);

  // "nyc311", "boston311" or "generic".
  const std::string& layout() const { return layout_; }

  // The request for one record: idempotency key "<key_prefix><layout>-<id>" (so that a replay run again submits
  // nothing new), `channel`, title and text from the request type and description, address, and the point when the
  // record has a valid latitude and longitude. INVALID_ARGUMENT "row N: …" for a record without an id or text.
  absl::StatusOr<v1::SubmitCaseRequest> ToRequest(const std::vector<std::string>& record, int64_t row,
                                                  v1::Channel channel, const std::string& key_prefix) const;

 private:
  ReplayMapping() = default;
  std::string layout_;
  int id_ = -1;
  std::vector<int> text_;   // Joined with ": ".
  int title_ = -1;
  std::vector<int> address_;  // Joined with ", ".
  int lat_ = -1;
  int lng_ = -1;
};

}  // namespace gridcase::gridctl
