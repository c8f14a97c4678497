#include "tools/gridctl/core/replay_mapping.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace gridcase::gridctl {
namespace {

int Column(const std::vector<std::string>& header, const std::string& name) {
  for (size_t i = 0; i < header.size(); ++i) {
    std::string cell(absl::StripAsciiWhitespace(header[i]));
    // A UTF-8 byte order mark may open the first cell.
    if (i == 0 && cell.rfind("\xEF\xBB\xBF", 0) == 0) cell = cell.substr(3);
    if (absl::EqualsIgnoreCase(cell, name)) return static_cast<int>(i);
  }
  return -1;
}

std::string Cell(const std::vector<std::string>& record, int column) {
  if (column < 0 || static_cast<size_t>(column) >= record.size()) return "";
  return std::string(absl::StripAsciiWhitespace(record[column]));
}

std::string Join(const std::vector<std::string>& record, const std::vector<int>& columns, const char* separator) {
  std::vector<std::string> parts;
  for (int column : columns) {
    std::string cell = Cell(record, column);
    if (!cell.empty() && (parts.empty() || parts.back() != cell)) parts.push_back(std::move(cell));
  }
  return absl::StrJoin(parts, separator);
}

}  // namespace

absl::StatusOr<ReplayMapping> ReplayMapping::ForHeader(const std::vector<std::string>& header) {
  ReplayMapping m;
  if (Column(header, "Unique Key") >= 0 && Column(header, "Complaint Type") >= 0) {
    m.layout_ = "nyc311";
    m.id_ = Column(header, "Unique Key");
    m.title_ = Column(header, "Complaint Type");
    m.text_ = {Column(header, "Complaint Type"), Column(header, "Descriptor")};
    m.address_ = {Column(header, "Incident Address"), Column(header, "City")};
    m.lat_ = Column(header, "Latitude");
    m.lng_ = Column(header, "Longitude");
  } else if (Column(header, "case_enquiry_id") >= 0 && Column(header, "case_title") >= 0) {
    m.layout_ = "boston311";
    m.id_ = Column(header, "case_enquiry_id");
    m.title_ = Column(header, "case_title");
    m.text_ = {Column(header, "case_title"), Column(header, "type")};
    m.address_ = {Column(header, "location")};
    m.lat_ = Column(header, "latitude");
    m.lng_ = Column(header, "longitude");
  } else if (Column(header, "id") >= 0 && Column(header, "text") >= 0) {
    m.layout_ = "generic";
    m.id_ = Column(header, "id");
    m.title_ = Column(header, "title");
    m.text_ = {Column(header, "text")};
    m.address_ = {Column(header, "address")};
    m.lat_ = Column(header, "lat");
    m.lng_ = Column(header, "lng");
  } else {
    return absl::InvalidArgumentError(
        "the header matches no known layout: expected NYC 311 (\"Unique Key\", \"Complaint Type\", …), Boston 311 "
        "(\"case_enquiry_id\", \"case_title\", …) or columns \"id\" and \"text\"");
  }
  return m;
}

absl::StatusOr<v1::SubmitCaseRequest> ReplayMapping::ToRequest(const std::vector<std::string>& record, int64_t row,
                                                               v1::Channel channel,
                                                               const std::string& key_prefix) const {
  const std::string id = Cell(record, id_);
  if (id.empty()) return absl::InvalidArgumentError(absl::StrCat("row ", row, ": has no id"));
  const std::string text = Join(record, text_, ": ");
  if (text.empty()) return absl::InvalidArgumentError(absl::StrCat("row ", row, " (", id, "): has no text"));
  v1::SubmitCaseRequest request;
  request.set_idempotency_key(absl::StrCat(key_prefix, layout_, "-", id));
  request.set_channel(channel);
  request.set_text(text);
  request.set_title(Cell(record, title_));
  request.set_address(Join(record, address_, ", "));
  double lat = 0, lng = 0;
  if (absl::SimpleAtod(Cell(record, lat_), &lat) && absl::SimpleAtod(Cell(record, lng_), &lng) && lat >= -90 &&
      lat <= 90 && lng >= -180 && lng <= 180 && !(lat == 0 && lng == 0)) {
    request.mutable_point()->set_lat(lat);
    request.mutable_point()->set_lng(lng);
  }
  return request;
}

}  // namespace gridcase::gridctl
