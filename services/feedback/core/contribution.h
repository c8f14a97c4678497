#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "google/protobuf/repeated_field.h"
#include "gridcase/v1/feedback.pb.h"
#include "services/feedback/core/case_facts.h"

namespace gridcase::feedback {

// Row names of the statistics. A row is a hash of counters per period.
//   area:*                   every case
//   area:<code>              cases located in a county, township, community or grid
//   unit:<code>              a unit's own work: its sign-offs, receipts, resolutions and the ratings of them
//   unit:<dept>@<area code>  a department's work on the cases located in one area
//   worker:<grid>|<person>   a grid worker's verifications and the 满意 ratings of the cases verified
inline constexpr char kAllAreas[] = "area:*";
std::string AreaRow(const std::string& code);
std::string UnitRow(const std::string& code);
std::string ScopedUnitRow(const std::string& department, const std::string& area_code);
std::string WorkerRow(const std::string& grid_code, const std::string& person_id);

// Counter fields. cat:<Category name>, ch:<Channel name> and item:<catalogue item> count submissions too.
namespace field {
inline constexpr char kSubmitted[] = "submitted";
inline constexpr char kInvalid[] = "invalid";
inline constexpr char kDuplicate[] = "duplicate";
inline constexpr char kClosed[] = "closed";
inline constexpr char kReceived[] = "received";
inline constexpr char kSignOffsDue[] = "so_due";
inline constexpr char kSignOffsOnTime[] = "so_on_time";
inline constexpr char kResolved[] = "resolved";
inline constexpr char kResolvedOnTime[] = "resolved_on_time";
inline constexpr char kOverdue[] = "overdue";
inline constexpr char kRated[] = "rated";
inline constexpr char kSolved[] = "solved";
inline constexpr char kSatisfied[] = "sat:SATISFIED";
inline constexpr char kBasically[] = "sat:BASICALLY";
inline constexpr char kDissatisfied[] = "sat:DISSATISFIED";
inline constexpr char kNotRated[] = "not_rated";
inline constexpr char kReopened[] = "reopened";
inline constexpr char kVerified[] = "verified";
inline constexpr char kVerifiedOnTime[] = "verified_on_time";
inline constexpr char kWorkerSatisfied[] = "satisfied";  // worker rows: 满意 ratings of the cases verified
inline constexpr char kCategoryPrefix[] = "cat:";
inline constexpr char kChannelPrefix[] = "ch:";
inline constexpr char kItemPrefix[] = "item:";
}  // namespace field

// Sorted sets kept from the statistics.
inline constexpr char kOverdueSet[] = "overdue";  // "<case>|<cycle>" by due time (unix seconds)
inline constexpr char kPublicSet[] = "public";    // case id by the time it was last resolved
std::string HotSpotSet(const std::string& grid_code, const std::string& item);  // case ids by submission time
std::string OverdueMember(const std::string& case_id, int cycle);

// What one case adds to the statistics.
struct Contribution {
  std::vector<v1::StatFact> facts;
  std::vector<v1::StatMember> members;
};
Contribution Contribute(const CaseFacts& facts);

// Counter changes: (period, row) → field → delta, zeros left out.
using CounterDelta = std::map<std::pair<std::string, std::string>, std::map<std::string, int64_t>>;

// The change from one contribution of a case to the next.
struct StatDelta {
  CounterDelta counters;
  std::vector<v1::StatMember> add;     // Added, or with a new score.
  std::vector<v1::StatMember> remove;  // No longer a member.
  bool empty() const { return counters.empty() && add.empty() && remove.empty(); }
};
StatDelta Diff(const google::protobuf::RepeatedPtrField<v1::StatFact>& old_facts,
               const google::protobuf::RepeatedPtrField<v1::StatMember>& old_members, const Contribution& next);

// Every counter the facts add: (period, row) → field → value.
CounterDelta Expand(const google::protobuf::RepeatedPtrField<v1::StatFact>& facts);

}  // namespace gridcase::feedback
