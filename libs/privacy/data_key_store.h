#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace gridcase::privacy {

// A data key: 32 random bytes that seal one resident entry of one case.
struct DataKey {
  std::string id;
  std::string bytes;
};

enum class KeyState {
  kLive,    // The key is there: the data it sealed can be opened.
  kErased,  // The key was erased on purpose (request or retention): the data it sealed is gone for good.
  kMissing  // The store never had the key, or lost it (a store that lost data): the data cannot be opened.
};

struct KeyLookup {
  KeyState state = KeyState::kMissing;
  std::string bytes;  // kLive only.
};

// Which key of which case.
struct KeyRef {
  std::string case_id;
  std::string key_id;
};

// Where the data keys live: outside the log, so that deleting a key makes every copy of what it sealed unreadable
// (crypto-shredding). Keys are grouped by case and indexed by resident tokens (keyed hashes, never a phone or id in
// clear). An erased key leaves a tombstone so that readers tell erased data from a lost key. Thread-safe.
class DataKeyStore {
 public:
  virtual ~DataKeyStore() = default;

  // A fresh random key for `case_id`, stored durably before it is returned, indexed under every token given.
  virtual absl::StatusOr<DataKey> Create(const std::string& case_id,
                                         const std::vector<std::string>& resident_tokens) = 0;
  virtual absl::StatusOr<KeyLookup> Get(const std::string& case_id, const std::string& key_id) = 0;
  // Erases the keys `key_ids` of the case (every key of the case when empty); idempotent. Returns the ids of the
  // case's keys that are erased after the call among those asked (every erased key of the case when empty).
  virtual absl::StatusOr<std::vector<std::string>> Erase(const std::string& case_id,
                                                         const std::vector<std::string>& key_ids) = 0;
  // The keys indexed under `token`, in no particular order.
  virtual absl::StatusOr<std::vector<KeyRef>> KeysOfResident(const std::string& token) = 0;
};

}  // namespace gridcase::privacy
