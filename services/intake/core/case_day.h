#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace gridcase::intake {

// Case ids are numbered per day in Asia/Shanghai: "GC-<yyyymmdd>-<nnnnnn>".

// The day (yyyymmdd) of `t` in Asia/Shanghai.
std::string ShanghaiDay(absl::Time t);

// The start of a day "yyyymmdd" in Asia/Shanghai; INVALID_ARGUMENT for anything else.
absl::StatusOr<absl::Time> ShanghaiDayStart(const std::string& day);

}  // namespace gridcase::intake
