#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gridcase::kafka {

struct Header {
  std::string key;
  std::string value;
};

// One consumed record, copied out of librdkafka.
struct Message {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string value;
  std::vector<Header> headers;
  int64_t timestamp_ms = 0;
};

}  // namespace gridcase::kafka
