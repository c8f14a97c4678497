#include "libs/privacy/redis_data_key_store.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/privacy/aead.h"

namespace gridcase::privacy {
namespace {

constexpr absl::string_view kErased = "erased";

std::string WrapAad(absl::string_view case_id, absl::string_view key_id) {
  return absl::StrCat("gridcase.data-key.v1;", case_id.size(), ":", case_id, ";", key_id.size(), ":", key_id);
}

// KEYS: the case's key hash. ARGV: key ids (none: every key of the case). Tombstones each key there; replies the
// ids that are erased now.
const redis::Script kErase(R"lua(
local ids = ARGV
if #ids == 0 then ids = redis.call('HKEYS', KEYS[1]) end
local erased = {}
for _, id in ipairs(ids) do
  local v = redis.call('HGET', KEYS[1], id)
  if v then
    if v ~= 'erased' then redis.call('HSET', KEYS[1], id, 'erased') end
    table.insert(erased, id)
  end
end
return erased
)lua");

}  // namespace

std::string RedisDataKeyStore::CaseKeysKey(const std::string& case_id) const {
  return absl::StrCat(prefix_, "privacy:keys:{", case_id, "}");
}

std::string RedisDataKeyStore::ResidentKey(const std::string& token) const {
  return absl::StrCat(prefix_, "privacy:resident:", token);
}

absl::StatusOr<DataKey> RedisDataKeyStore::Create(const std::string& case_id,
                                                  const std::vector<std::string>& resident_tokens) {
  auto id = RandomBytes(16);
  if (!id.ok()) return id.status();
  auto bytes = RandomBytes(kAeadKeyBytes);
  if (!bytes.ok()) return bytes.status();
  DataKey key{absl::StrCat("dk-", absl::BytesToHexString(*id)), *std::move(bytes)};
  const MasterKeys::Key& master = master_keys_.newest();
  auto wrapped = AeadSeal(master.bytes, WrapAad(case_id, key.id), key.bytes);
  if (!wrapped.ok()) return wrapped.status();
  // The index first: an index entry whose key never got stored points at nothing and is harmless; a key stored
  // without its index entry could escape an erasure by resident.
  for (const std::string& token : resident_tokens) {
    auto added = redis_->Run({"SADD", ResidentKey(token), absl::StrCat(case_id, "|", key.id)});
    if (!added.ok()) return added.status();
  }
  auto stored = redis_->Run({"HSET", CaseKeysKey(case_id), key.id,
                             absl::StrCat(master.id, ":", absl::Base64Escape(*wrapped))});
  if (!stored.ok()) return stored.status();
  return key;
}

absl::StatusOr<KeyLookup> RedisDataKeyStore::Get(const std::string& case_id, const std::string& key_id) {
  auto reply = redis_->Run({"HGET", CaseKeysKey(case_id), key_id});
  if (!reply.ok()) return reply.status();
  KeyLookup lookup;
  if (reply->is_nil()) return lookup;
  if (reply->str == kErased) {
    lookup.state = KeyState::kErased;
    return lookup;
  }
  std::pair<std::string, std::string> parts = absl::StrSplit(reply->str, absl::MaxSplits(':', 1));
  std::string box;
  if (parts.second.empty() || !absl::Base64Unescape(parts.second, &box)) {
    return absl::DataLossError(absl::StrCat("data key ", key_id, " of case ", case_id, " is malformed in Redis"));
  }
  auto master = master_keys_.Find(parts.first);
  if (!master.ok()) return master.status();
  auto bytes = AeadOpen(*master, WrapAad(case_id, key_id), box);
  if (!bytes.ok()) {
    return absl::DataLossError(absl::StrCat("data key ", key_id, " of case ", case_id,
                                            " does not unwrap with master key '", parts.first, "'"));
  }
  lookup.state = KeyState::kLive;
  lookup.bytes = *std::move(bytes);
  return lookup;
}

absl::StatusOr<std::vector<std::string>> RedisDataKeyStore::Erase(const std::string& case_id,
                                                                  const std::vector<std::string>& key_ids) {
  auto reply = redis_->Eval(kErase, {CaseKeysKey(case_id)}, key_ids);
  if (!reply.ok()) return reply.status();
  std::vector<std::string> erased;
  for (const redis::Reply& e : reply->elements) erased.push_back(e.str);
  return erased;
}

absl::StatusOr<std::vector<KeyRef>> RedisDataKeyStore::KeysOfResident(const std::string& token) {
  auto reply = redis_->Run({"SMEMBERS", ResidentKey(token)});
  if (!reply.ok()) return reply.status();
  std::vector<KeyRef> refs;
  for (const redis::Reply& e : reply->elements) {
    std::pair<std::string, std::string> parts = absl::StrSplit(e.str, absl::MaxSplits('|', 1));
    if (parts.first.empty() || parts.second.empty()) continue;
    refs.push_back({parts.first, parts.second});
  }
  return refs;
}

}  // namespace gridcase::privacy
