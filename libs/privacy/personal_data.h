#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gridcase/v1/case.pb.h"
#include "gridcase/v1/event.pb.h"
#include "libs/privacy/data_key_store.h"

namespace gridcase::privacy {

// Seals residents' personal fields (name, phone, resident id) so that the log and the projections hold them only
// encrypted, and opens them for the readers entitled to them.
//
// A sealed resident has empty name, phone and resident_id and a `sealed` part: the id of its own data key and the
// AES-256-GCM box of those three fields, whose associated data binds it to the case id and the key id (a box moved
// to another case or key does not open). Each resident entry of a case (the submitter, each co-requester) has its
// own data key, so one resident's erasure leaves the others.
class PersonalData {
 public:
  // `store` must outlive this object; `index_key` (MasterKeys::index_key) keys the resident tokens.
  PersonalData(DataKeyStore* store, std::string index_key) : store_(store), index_key_(std::move(index_key)) {}

  // `clear` sealed under a new data key of `case_id`, indexed by its phone and resident id tokens. A resident with no
  // personal field is returned as it is (nothing to seal, no key made).
  absl::StatusOr<v1::Resident> Seal(const std::string& case_id, const v1::Resident& clear);

  // Opens a sealed resident in place: the fields back and `sealed` removed when its key is live; `erased` set and
  // `sealed` removed when its key was erased; `sealed` removed (fields empty) when the key is missing. Residents that
  // are not sealed are left as they are. UNAVAILABLE when the key store cannot be reached; DATA_LOSS when the box
  // does not open with its key (changed or moved).
  absl::Status Open(const std::string& case_id, v1::Resident& resident);
  // Every resident of the case, or of the event's payload (submitted, co_requester_added).
  absl::Status OpenCase(v1::Case& c);
  absl::Status OpenEvent(v1::CaseEvent& event);

  // The index tokens of a phone and of a channel's resident id: HMAC-SHA-256 under the index key, so the index does
  // not reveal them (an unkeyed hash of an 11-digit phone is found by trying them all).
  std::string PhoneToken(absl::string_view phone) const;
  std::string ResidentIdToken(absl::string_view resident_id) const;
  // HMAC-SHA-256 of `canonical` under a key derived from the index key, hex: fingerprints of requests that hold
  // personal data.
  std::string Fingerprint(absl::string_view canonical) const;

  DataKeyStore* store() const { return store_; }

 private:
  DataKeyStore* store_;
  std::string index_key_;
};

// The associated data of a resident's box: the case id and the key id, length-prefixed.
std::string ResidentAad(absl::string_view case_id, absl::string_view key_id);
// Seals/opens with a given key (no store): the primitives of PersonalData, for tests and tools.
absl::StatusOr<v1::Resident> SealResident(const std::string& case_id, const DataKey& key, const v1::Resident& clear);
absl::StatusOr<v1::Resident> OpenResident(const std::string& case_id, absl::string_view key,
                                          const v1::Resident& sealed);

// True when the resident has a personal field in clear.
bool HasClearFields(const v1::Resident& resident);
}  // namespace gridcase::privacy
