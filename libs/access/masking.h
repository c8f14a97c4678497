#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "gridcase/v1/case.pb.h"
#include "gridcase/v1/event.pb.h"

namespace gridcase::access {

// A resident's name as shown to whoever need not contact them: the first character (the surname) and one * per
// further character, 王小明 → 王**, 欧阳娜娜 → 欧***, Li → L*. Empty stays empty.
std::string MaskName(absl::string_view name);

// Free text with every run of 7 or more digits (phone numbers, ids) masked like log::MaskPhone: the first three and
// last four digits kept for runs of 11 (13812345678 → 138****5678), all digits but the last four otherwise.
std::string MaskNumbersInText(absl::string_view text);

// An address without its house numbers: every digit becomes *, so 幸福小区3幢2单元501室 → 幸福小区*幢*单元***室.
std::string MaskAddress(absl::string_view address);

// The resident as shown masked: name and phone masked, the channel's resident id reduced to its last four
// characters.
v1::Resident MaskedResident(const v1::Resident& resident);

// A location as shown to whoever need not go to the resident's door: no exact point, no house numbers.
void MaskLocation(v1::Location& location);

// Masks, in place, everything in a case that identifies or locates its residents: the resident and co-requesters,
// the exact point (removed) and the address (house numbers), and numbers in the title and text.
void MaskCase(v1::Case& c);

// Masks the resident data an event carries (a submitted case, a co-requester), as MaskCase.
void MaskEvent(v1::CaseEvent& event);

}  // namespace gridcase::access
