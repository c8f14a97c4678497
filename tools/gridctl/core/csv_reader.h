#pragma once

#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace gridcase::gridctl {

// Reads RFC 4180 CSV records one at a time from a stream (a file of any size): quoted fields may hold commas,
// doubled quotes and line breaks; CRLF and LF both end a record. A record is never split between two reads.
class CsvReader {
 public:
  explicit CsvReader(std::istream* in) : in_(in) {}

  // The next record's fields; nullopt at the end of the stream. An unterminated quote runs to the end of the
  // stream (its text is kept).
  std::optional<std::vector<std::string>> Next();
  // Bytes consumed so far (for progress over a file's size).
  int64_t bytes_read() const { return bytes_read_; }

 private:
  std::istream* in_;
  int64_t bytes_read_ = 0;
};

}  // namespace gridcase::gridctl
