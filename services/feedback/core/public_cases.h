#pragma once

#include "absl/status/statusor.h"
#include "gridcase/v1/feedback.pb.h"
#include "services/feedback/core/case_facts.h"
#include "services/feedback/core/feedback_policy.h"
#include "services/feedback/core/stats_store.h"
#include "services/feedback/core/unit_directory.h"

namespace gridcase::feedback {

// A handled case as the public sees it (晒单): the resident's name masked (王**), the phone masked (138****5678),
// no resident id, digit runs in the title and reply masked; the reply and the rating of the last closure.
v1::PublicCase ToPublicCase(const CaseFacts& facts, const UnitDirectory& units);

// 晒单: handled cases (resolved, or closed after a rating or its window), most recently resolved first.
class PublicCases {
 public:
  // Pointers must outlive this object.
  PublicCases(StatsStore* store, const UnitDirectory* units, FallbackDeadlines fallback)
      : store_(store), units_(units), fallback_(fallback) {}

  // INVALID_ARGUMENT names the field (area, page_size, page_token).
  absl::StatusOr<v1::ListPublicCasesResponse> List(const v1::ListPublicCasesRequest& request);

 private:
  StatsStore* store_;
  const UnitDirectory* units_;
  FallbackDeadlines fallback_;
};

}  // namespace gridcase::feedback
