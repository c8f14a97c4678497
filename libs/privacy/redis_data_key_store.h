#pragma once

#include <string>
#include <vector>

#include "libs/privacy/data_key_store.h"
#include "libs/privacy/master_keys.h"
#include "libs/redis/redis_client.h"

namespace gridcase::privacy {

// Data keys in Redis (run it with AOF, `appendfsync everysec` or `always`: a key lost is data lost), each wrapped
// with AES-256-GCM under the newest master key, bound to its case and key id:
//
//   <prefix>privacy:keys:{<case id>}     hash: key id → "<master key id>:<base64 box>", or "erased" once erased
//   <prefix>privacy:resident:<token>     set: "<case id>|<key id>" of the keys sealed for that resident token
//
// An erased key's value is overwritten in place by one script (the tombstone), so the wrapped bytes are gone from
// the data set; Redis frees the old value (an AOF rewrite drops it from the file too).
class RedisDataKeyStore final : public DataKeyStore {
 public:
  // `redis` must outlive this object.
  RedisDataKeyStore(redis::RedisClient* redis, MasterKeys master_keys, std::string prefix)
      : redis_(redis), master_keys_(std::move(master_keys)), prefix_(std::move(prefix)) {}

  absl::StatusOr<DataKey> Create(const std::string& case_id, const std::vector<std::string>& resident_tokens) override;
  absl::StatusOr<KeyLookup> Get(const std::string& case_id, const std::string& key_id) override;
  absl::StatusOr<std::vector<std::string>> Erase(const std::string& case_id,
                                                 const std::vector<std::string>& key_ids) override;
  absl::StatusOr<std::vector<KeyRef>> KeysOfResident(const std::string& token) override;

  std::string CaseKeysKey(const std::string& case_id) const;
  std::string ResidentKey(const std::string& token) const;

 private:
  redis::RedisClient* redis_;
  MasterKeys master_keys_;
  std::string prefix_;
};

}  // namespace gridcase::privacy
