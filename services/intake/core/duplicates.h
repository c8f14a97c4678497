#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gridcase/v1/case.pb.h"

namespace gridcase::intake {

// Similarity of two requests' texts in [0, 1]: the Dice coefficient of their character bigrams, ignoring spaces and
// punctuation (so "3号楼井盖丢了" and "3号楼的井盖丢了！" are close). Works for Chinese without word segmentation.
double TextSimilarity(absl::string_view a, absl::string_view b);

// Recently opened cases per (grid, catalogue item), for duplicate detection (重复件).
class RecentCases {
 public:
  struct Entry {
    std::string case_id;
    std::string text;
  };
  virtual ~RecentCases() = default;
  // Cases opened at the grid for the item since `since`, newest first.
  virtual absl::StatusOr<std::vector<Entry>> Since(const std::string& grid_code, const std::string& catalogue_item,
                                                   absl::Time since) = 0;
  virtual absl::Status Remember(const std::string& grid_code, const std::string& catalogue_item,
                                const std::string& case_id, absl::string_view text, absl::Time at) = 0;
};

// Links a later request to an open case as a co-requester; implemented by a client of dispatch, the single writer
// of case versions. FAILED_PRECONDITION / ABORTED when the case can no longer take it.
class CaseLinker {
 public:
  virtual ~CaseLinker() = default;
  virtual absl::StatusOr<v1::Case> AddCoRequester(const std::string& case_id, const v1::Resident& resident,
                                                  const std::string& request_ref, const std::string& text) = 0;
};

struct DuplicatePolicy {
  absl::Duration window = absl::Hours(72);
  double min_similarity = 0.5;
};

}  // namespace gridcase::intake
