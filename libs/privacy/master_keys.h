#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gridcase::privacy {

// The keys that protect the data keys, read from a file outside the log and the key store (a Kubernetes Secret
// mounted as a file, `--data_master_key_file`):
//
//   {"master_keys": [{"id": "m1", "key": "<base64 of 32 random bytes>"}, ...],
//    "index_key": "<base64 of 32 random bytes>"}
//
// Data keys are wrapped with the last master key of the list (the newest) and unwrapped with the one named in their
// wrapping, so a master key rotates by appending a new one and keeping the old ones until every data key wrapped with
// them has been rewrapped or erased. The index key keys the HMAC that indexes data keys by resident (phone, resident
// id) and the submissions' fingerprints; it must not change while such an index is in use. No key byte appears in a
// message, log line or metric.
class MasterKeys {
 public:
  struct Key {
    std::string id;
    std::string bytes;  // 32 bytes.
  };

  // INVALID_ARGUMENT naming the file and the problem (never a key's value) when it is missing or malformed.
  static absl::StatusOr<MasterKeys> Load(const std::string& path);
  static absl::StatusOr<MasterKeys> Parse(absl::string_view json);

  const Key& newest() const { return keys_.back(); }
  // NOT_FOUND naming the id when the file holds no such key (it was removed before every wrap under it was redone).
  absl::StatusOr<std::string> Find(absl::string_view id) const;
  const std::string& index_key() const { return index_key_; }

  // A new file's content with one fresh master key `id` and a fresh index key (for `gridcase-data-keys new`).
  static absl::StatusOr<std::string> NewFile(const std::string& id);

 private:
  std::vector<Key> keys_;
  std::string index_key_;
};

}  // namespace gridcase::privacy
