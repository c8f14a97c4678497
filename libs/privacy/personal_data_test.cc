#include "libs/privacy/personal_data.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/privacy/aead.h"

namespace gridcase::privacy {
namespace {

// Keys in memory, erased ones as tombstones.
class MemoryKeyStore final : public DataKeyStore {
 public:
  absl::StatusOr<DataKey> Create(const std::string& case_id, const std::vector<std::string>& tokens) override {
    DataKey key{absl::StrCat("dk-", ++next_), *RandomBytes(32)};
    keys_[{case_id, key.id}] = key.bytes;
    for (const std::string& t : tokens) index_[t].push_back({case_id, key.id});
    return key;
  }
  absl::StatusOr<KeyLookup> Get(const std::string& case_id, const std::string& key_id) override {
    auto it = keys_.find({case_id, key_id});
    if (it == keys_.end()) return KeyLookup{};
    if (it->second.empty()) return KeyLookup{KeyState::kErased, ""};
    return KeyLookup{KeyState::kLive, it->second};
  }
  absl::StatusOr<std::vector<std::string>> Erase(const std::string& case_id,
                                                 const std::vector<std::string>& ids) override {
    std::vector<std::string> erased;
    for (auto& [k, v] : keys_) {
      if (k.first != case_id) continue;
      if (!ids.empty() && std::find(ids.begin(), ids.end(), k.second) == ids.end()) continue;
      v.clear();
      erased.push_back(k.second);
    }
    return erased;
  }
  absl::StatusOr<std::vector<KeyRef>> KeysOfResident(const std::string& token) override { return index_[token]; }
  void Forget(const std::string& case_id, const std::string& key_id) { keys_.erase({case_id, key_id}); }

 private:
  int next_ = 0;
  std::map<std::pair<std::string, std::string>, std::string> keys_;
  std::map<std::string, std::vector<KeyRef>> index_;
};

v1::Resident Wang() {
  v1::Resident r;
  r.set_name("王小明");
  r.set_phone("13712345678");
  r.set_resident_id("app:user-42");
  return r;
}

TEST(PersonalDataTest, SealedResidentsHoldNothingInClearAndOpenForTheirCase) {
  MemoryKeyStore store;
  PersonalData data(&store, std::string(32, 'i'));
  auto sealed = data.Seal("GC-1", Wang());
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_FALSE(HasClearFields(*sealed));
  std::string bytes = sealed->SerializeAsString();
  EXPECT_EQ(bytes.find("13712345678"), std::string::npos);
  EXPECT_EQ(bytes.find("王小明"), std::string::npos);
  EXPECT_EQ(bytes.find("user-42"), std::string::npos);

  v1::Resident opened = *sealed;
  ASSERT_TRUE(data.Open("GC-1", opened).ok());
  EXPECT_EQ(opened.name(), "王小明");
  EXPECT_EQ(opened.phone(), "13712345678");
  EXPECT_EQ(opened.resident_id(), "app:user-42");
  EXPECT_FALSE(opened.has_sealed());
  EXPECT_FALSE(opened.erased());
}

TEST(PersonalDataTest, ATamperedBoxOrABoxMovedToAnotherCaseDoesNotOpen) {
  MemoryKeyStore store;
  PersonalData data(&store, std::string(32, 'i'));
  auto sealed = data.Seal("GC-1", Wang());
  ASSERT_TRUE(sealed.ok());
  v1::Resident tampered = *sealed;
  std::string* box = tampered.mutable_sealed()->mutable_ciphertext();
  (*box)[box->size() / 2] ^= 0x20;
  EXPECT_EQ(data.Open("GC-1", tampered).code(), absl::StatusCode::kDataLoss);

  auto key = store.Get("GC-1", sealed->sealed().key_id());
  ASSERT_TRUE(key.ok());
  // The same key bytes under another case: the associated data differs.
  EXPECT_EQ(OpenResident("GC-2", key->bytes, *sealed).status().code(), absl::StatusCode::kDataLoss);
  v1::Resident relabelled = *sealed;
  relabelled.mutable_sealed()->set_key_id("dk-other");
  EXPECT_EQ(OpenResident("GC-1", key->bytes, relabelled).status().code(), absl::StatusCode::kDataLoss);
}

TEST(PersonalDataTest, AnErasedKeyReadsAsErasedAndLeavesTheOtherResidents) {
  MemoryKeyStore store;
  PersonalData data(&store, std::string(32, 'i'));
  v1::Case c;
  c.set_id("GC-1");
  c.set_title("路灯不亮");
  *c.mutable_resident() = *data.Seal("GC-1", Wang());
  v1::Resident li;
  li.set_name("李四");
  li.set_phone("13900001111");
  *c.add_co_requesters() = *data.Seal("GC-1", li);

  ASSERT_TRUE(store.Erase("GC-1", {c.resident().sealed().key_id()}).ok());
  v1::Case view = c;
  ASSERT_TRUE(data.OpenCase(view).ok());
  EXPECT_TRUE(view.resident().erased());
  EXPECT_TRUE(view.resident().name().empty());
  EXPECT_TRUE(view.resident().phone().empty());
  EXPECT_FALSE(view.resident().has_sealed());
  EXPECT_FALSE(view.co_requesters(0).erased());
  EXPECT_EQ(view.co_requesters(0).phone(), "13900001111");
  EXPECT_EQ(view.title(), "路灯不亮");
}

TEST(PersonalDataTest, AMissingKeyShowsNothingAndIsNotCalledErased) {
  MemoryKeyStore store;
  PersonalData data(&store, std::string(32, 'i'));
  auto sealed = data.Seal("GC-1", Wang());
  ASSERT_TRUE(sealed.ok());
  store.Forget("GC-1", sealed->sealed().key_id());
  v1::Resident r = *sealed;
  ASSERT_TRUE(data.Open("GC-1", r).ok());
  EXPECT_FALSE(r.erased());
  EXPECT_FALSE(r.has_sealed());
  EXPECT_FALSE(HasClearFields(r));
}

TEST(PersonalDataTest, ResidentsAreIndexedByKeyedTokensOnly) {
  MemoryKeyStore store;
  PersonalData data(&store, std::string(32, 'i'));
  PersonalData other_key(&store, std::string(32, 'j'));
  ASSERT_TRUE(data.Seal("GC-1", Wang()).ok());
  ASSERT_TRUE(data.Seal("GC-2", Wang()).ok());
  std::string token = data.PhoneToken("13712345678");
  EXPECT_EQ(token.find("13712345678"), std::string::npos);
  EXPECT_NE(token, other_key.PhoneToken("13712345678"));
  EXPECT_NE(token, data.ResidentIdToken("13712345678"));
  auto refs = store.KeysOfResident(token);
  ASSERT_TRUE(refs.ok());
  EXPECT_EQ(refs->size(), 2u);
  EXPECT_EQ(store.KeysOfResident(data.ResidentIdToken("app:user-42"))->size(), 2u);
  EXPECT_NE(data.Fingerprint("x"), other_key.Fingerprint("x"));
}

TEST(PersonalDataTest, AResidentWithoutPersonalFieldsNeedsNoKey) {
  MemoryKeyStore store;
  PersonalData data(&store, std::string(32, 'i'));
  auto sealed = data.Seal("GC-1", v1::Resident());
  ASSERT_TRUE(sealed.ok());
  EXPECT_FALSE(sealed->has_sealed());
}

}  // namespace
}  // namespace gridcase::privacy
