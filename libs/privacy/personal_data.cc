#include "libs/privacy/personal_data.h"

#include "absl/strings/str_cat.h"
#include "libs/privacy/aead.h"
#include "spdlog/spdlog.h"

namespace gridcase::privacy {

std::string ResidentAad(absl::string_view case_id, absl::string_view key_id) {
  return absl::StrCat("gridcase.resident.v1;", case_id.size(), ":", case_id, ";", key_id.size(), ":", key_id);
}

bool HasClearFields(const v1::Resident& resident) {
  return !resident.name().empty() || !resident.phone().empty() || !resident.resident_id().empty();
}

absl::StatusOr<v1::Resident> SealResident(const std::string& case_id, const DataKey& key, const v1::Resident& clear) {
  v1::Resident fields;
  fields.set_name(clear.name());
  fields.set_phone(clear.phone());
  fields.set_resident_id(clear.resident_id());
  auto box = AeadSeal(key.bytes, ResidentAad(case_id, key.id), fields.SerializeAsString());
  if (!box.ok()) return box.status();
  v1::Resident sealed;
  sealed.mutable_sealed()->set_key_id(key.id);
  sealed.mutable_sealed()->set_ciphertext(*std::move(box));
  return sealed;
}

absl::StatusOr<v1::Resident> OpenResident(const std::string& case_id, absl::string_view key,
                                          const v1::Resident& sealed) {
  auto plain = AeadOpen(key, ResidentAad(case_id, sealed.sealed().key_id()), sealed.sealed().ciphertext());
  if (!plain.ok()) {
    return absl::DataLossError(absl::StrCat("case ", case_id, ": personal data sealed with key ",
                                            sealed.sealed().key_id(), " does not open: ", plain.status().message()));
  }
  v1::Resident fields;
  if (!fields.ParseFromString(*plain)) {
    return absl::DataLossError(absl::StrCat("case ", case_id, ": personal data sealed with key ",
                                            sealed.sealed().key_id(), " is not a resident"));
  }
  v1::Resident open;
  open.set_name(fields.name());
  open.set_phone(fields.phone());
  open.set_resident_id(fields.resident_id());
  return open;
}

std::string PersonalData::PhoneToken(absl::string_view phone) const {
  return HmacSha256Hex(index_key_, absl::StrCat("phone:", phone));
}

std::string PersonalData::ResidentIdToken(absl::string_view resident_id) const {
  return HmacSha256Hex(index_key_, absl::StrCat("resident_id:", resident_id));
}

std::string PersonalData::Fingerprint(absl::string_view canonical) const {
  std::string derived = HmacSha256Hex(index_key_, "gridcase.fingerprint-key.v1");
  return HmacSha256Hex(derived, canonical);
}

absl::StatusOr<v1::Resident> PersonalData::Seal(const std::string& case_id, const v1::Resident& clear) {
  if (!HasClearFields(clear)) return clear;
  std::vector<std::string> tokens;
  if (!clear.phone().empty()) tokens.push_back(PhoneToken(clear.phone()));
  if (!clear.resident_id().empty()) tokens.push_back(ResidentIdToken(clear.resident_id()));
  auto key = store_->Create(case_id, tokens);
  if (!key.ok()) return key.status();
  return SealResident(case_id, *key, clear);
}

absl::Status PersonalData::Open(const std::string& case_id, v1::Resident& resident) {
  if (!resident.has_sealed()) return absl::OkStatus();
  auto key = store_->Get(case_id, resident.sealed().key_id());
  if (!key.ok()) return key.status();
  switch (key->state) {
    case KeyState::kLive: {
      auto open = OpenResident(case_id, key->bytes, resident);
      if (!open.ok()) return open.status();
      resident = *std::move(open);
      return absl::OkStatus();
    }
    case KeyState::kErased:
      resident.Clear();
      resident.set_erased(true);
      return absl::OkStatus();
    case KeyState::kMissing:
      spdlog::warn("msg=data_key_missing case_id={} key_id={}", case_id, resident.sealed().key_id());
      resident.Clear();
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

absl::Status PersonalData::OpenCase(v1::Case& c) {
  if (c.has_resident()) {
    if (absl::Status s = Open(c.id(), *c.mutable_resident()); !s.ok()) return s;
  }
  for (v1::Resident& r : *c.mutable_co_requesters()) {
    if (absl::Status s = Open(c.id(), r); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status PersonalData::OpenEvent(v1::CaseEvent& event) {
  if (event.has_submitted()) return OpenCase(*event.mutable_submitted()->mutable_initial());
  if (event.has_co_requester_added() && event.co_requester_added().has_resident()) {
    return Open(event.case_id(), *event.mutable_co_requester_added()->mutable_resident());
  }
  return absl::OkStatus();
}

}  // namespace gridcase::privacy
