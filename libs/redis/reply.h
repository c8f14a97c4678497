#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gridcase::redis {

// A Redis reply copied out of hiredis. Error replies never appear here: they become a non-OK status.
struct Reply {
  enum class Type { kNil, kInteger, kString, kStatus, kArray };
  Type type = Type::kNil;
  int64_t integer = 0;
  std::string str;             // kString and kStatus.
  std::vector<Reply> elements;  // kArray.

  bool is_nil() const { return type == Type::kNil; }
};

}  // namespace gridcase::redis
