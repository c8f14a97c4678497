#include "libs/case/category_label.h"

namespace gridcase::cases {

absl::string_view CategoryLabel(v1::Category category) {
  switch (category) {
    case v1::CATEGORY_SIMPLE:
      return "简单";
    case v1::CATEGORY_GENERAL:
      return "一般";
    case v1::CATEGORY_MAJOR:
      return "较大";
    case v1::CATEGORY_DIFFICULT:
      return "疑难";
    case v1::CATEGORY_CROSS_COUNTY:
      return "跨县市";
    default:
      return "未分类";
  }
}

}  // namespace gridcase::cases
