#include "libs/access/masking.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/log/log.h"

namespace gridcase::access {
namespace {

bool IsUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::string MaskName(absl::string_view name) {
  name = absl::StripAsciiWhitespace(name);
  std::string out;
  size_t code_points = 0;
  for (char c : name) {
    if (IsUtf8Continuation(c)) {
      if (code_points == 1) out.push_back(c);  // The rest of the first character.
      continue;
    }
    ++code_points;
    out.push_back(code_points == 1 ? c : '*');
  }
  return out;
}

std::string MaskNumbersInText(absl::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) {
      out.push_back(text[i++]);
      continue;
    }
    size_t j = i;
    while (j < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[j]))) ++j;
    absl::string_view run = text.substr(i, j - i);
    if (run.size() == 11) {
      out += log::MaskPhone(run);
    } else if (run.size() >= 7) {
      absl::StrAppend(&out, std::string(run.size() - 4, '*'), run.substr(run.size() - 4));
    } else {
      absl::StrAppend(&out, run);
    }
    i = j;
  }
  return out;
}

std::string MaskAddress(absl::string_view address) {
  std::string out(address);
  for (char& c : out) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) c = '*';
  }
  return out;
}

v1::Resident MaskedResident(const v1::Resident& resident) {
  v1::Resident masked;
  // Erased stays erased; a box nobody opened is not shown at all.
  masked.set_erased(resident.erased());
  masked.set_name(MaskName(resident.name()));
  if (!resident.phone().empty()) masked.set_phone(log::MaskPhone(resident.phone()));
  const std::string& id = resident.resident_id();
  if (!id.empty()) masked.set_resident_id(id.size() <= 4 ? std::string(id.size(), '*') : "****" + id.substr(id.size() - 4));
  return masked;
}

void MaskLocation(v1::Location& location) {
  location.clear_point();
  location.set_address(MaskAddress(location.address()));
}

void MaskCase(v1::Case& c) {
  if (c.has_resident()) *c.mutable_resident() = MaskedResident(c.resident());
  for (v1::Resident& r : *c.mutable_co_requesters()) r = MaskedResident(r);
  if (c.has_location()) MaskLocation(*c.mutable_location());
  c.set_title(MaskNumbersInText(c.title()));
  c.set_text(MaskNumbersInText(c.text()));
}

void MaskEvent(v1::CaseEvent& event) {
  switch (event.payload_case()) {
    case v1::CaseEvent::kSubmitted:
      MaskCase(*event.mutable_submitted()->mutable_initial());
      break;
    case v1::CaseEvent::kCoRequesterAdded: {
      v1::CoRequesterAdded* added = event.mutable_co_requester_added();
      *added->mutable_resident() = MaskedResident(added->resident());
      added->set_text(MaskNumbersInText(added->text()));
      break;
    }
    default:
      break;
  }
}

}  // namespace gridcase::access
