#include "services/intake/open311/api_key_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/metrics/reload_report.h"

namespace gridcase::intake::open311 {

ApiKeyStore::ApiKeyStore(ApiKeys keys) : current_(std::make_shared<const ApiKeys>(std::move(keys))) {}

absl::Status ApiKeyStore::Reload(const std::string& path) {
  auto keys = ApiKeys::Load(path);
  if (!keys.ok()) return keys.status();
  if (keys->size() == 0) return absl::InvalidArgumentError(absl::StrCat(path, ": no keys"));
  Replace(*std::move(keys));
  return absl::OkStatus();
}

void ApiKeyStore::Replace(ApiKeys keys) {
  current_.store(std::make_shared<const ApiKeys>(std::move(keys)), std::memory_order_release);
}

std::unique_ptr<config::FileReloader> FollowKeyFile(ApiKeyStore* store, const std::string& path,
                                                    absl::Duration poll) {
  return std::make_unique<config::FileReloader>(config::FileReloader::Options{
      .path = path,
      .reload = [store](const std::string& file) { return store->Reload(file); },
      .poll_interval = poll,
      .on_result = [](const absl::Status& status) { metrics::ReportReload("open311_keys", status); },
  });
}

}  // namespace gridcase::intake::open311
