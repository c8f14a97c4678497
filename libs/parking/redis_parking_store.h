#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "libs/kafka/parking_store.h"
#include "libs/redis/redis_client.h"

namespace gridcase::parking {

// The parking store in Redis. Keys, hash-tagged by consumer group so that one script touches one slot:
//   <prefix>parking:cases:{<group>}               sorted set of parked case ids, scored by parked time (ms)
//   <prefix>parking:replay:{<group>}              set of case ids the consumer has to replay (waiting, release, skip)
//   <prefix>parking:case:{<group>}:<case id>      hash: state, reason, parked_at_ms, dead_lettered (record id)
//   <prefix>parking:records:{<group>}:<case id>   list of parked records, oldest first
//   <prefix>parking:seen:{<group>}:<case id>      set of the ids of records parked, so a redelivery is kept once
//   <prefix>parking:lease:{<group>}:<case id>     the member replaying the case
// Every change to a case is one Lua script. Thread-safe as the RedisClient is.
class RedisParkingStore : public kafka::ParkingStore {
 public:
  // `redis` must outlive the store.
  RedisParkingStore(redis::RedisClient* redis, std::string prefix) : redis_(redis), prefix_(std::move(prefix)) {}

  absl::StatusOr<ParkOutcome> ParkIfParked(const std::string& group, const kafka::Message& message) override;
  absl::StatusOr<ParkOutcome> ParkCase(const std::string& group, const kafka::Message& message,
                                       kafka::ParkedState state, const std::string& reason,
                                       bool dead_lettered) override;
  absl::StatusOr<std::optional<kafka::ParkedCase>> Find(const std::string& group, const std::string& case_id) override;
  absl::StatusOr<std::vector<kafka::ParkedCase>> List(const std::string& group) override;
  absl::StatusOr<std::vector<std::string>> Groups() override;
  absl::StatusOr<std::vector<std::string>> ParkedCaseIds(const std::string& group) override;
  absl::StatusOr<std::vector<std::string>> CasesToReplay(const std::string& group) override;
  absl::Status Request(const std::string& group, const std::string& case_id, kafka::ParkedState request) override;
  absl::StatusOr<bool> RemoveHead(const std::string& group, const std::string& case_id, const std::string& record_id,
                                  std::optional<kafka::ParkedState> next_state) override;
  absl::Status Hold(const std::string& group, const std::string& case_id, kafka::ParkedState state,
                    const std::string& reason, bool head_dead_lettered) override;
  absl::StatusOr<bool> Claim(const std::string& group, const std::string& case_id, const std::string& owner,
                             absl::Duration lease) override;
  absl::Status Unclaim(const std::string& group, const std::string& case_id, const std::string& owner) override;

 private:
  std::string GroupKey(const std::string& kind, const std::string& group) const;
  std::string CaseKey(const std::string& kind, const std::string& group, const std::string& case_id) const;
  absl::StatusOr<ParkOutcome> Park(const std::string& mode, const std::string& group, const kafka::Message& message,
                                   kafka::ParkedState state, const std::string& reason, bool dead_lettered);

  redis::RedisClient* redis_;
  std::string prefix_;
};

// A parked record as stored: "<record id>|" then its fields as netstrings. Exposed for tests.
std::string EncodeParkedRecord(const kafka::Message& message);
absl::StatusOr<kafka::Message> DecodeParkedRecord(absl::string_view entry);

}  // namespace gridcase::parking
