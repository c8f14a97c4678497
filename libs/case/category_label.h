#pragma once

#include "absl/strings/string_view.h"
#include "gridcase/v1/case.pb.h"

namespace gridcase::cases {

// The Chinese name of a case category, as residents, handlers and reports read it: 简单, 一般, 较大, 疑难, 跨县市;
// 未分类 for a category not set.
absl::string_view CategoryLabel(v1::Category category);

}  // namespace gridcase::cases
