#include "services/intake/core/submission_fingerprint.h"

#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace gridcase::intake {
namespace {

// name, length, value: no two different field lists encode alike.
void Append(std::string* out, absl::string_view name, absl::string_view value) {
  absl::StrAppend(out, name, ":", value.size(), ":", value, ";");
}

}  // namespace

std::string SubmissionFingerprint(const v1::SubmitCaseRequest& request, const privacy::PersonalData* personal_data) {
  std::string canonical = "gridcase.submission.v1;";
  Append(&canonical, "channel", v1::Channel_Name(request.channel()));
  Append(&canonical, "idempotency_key", request.idempotency_key());
  Append(&canonical, "resident.name", request.resident().name());
  Append(&canonical, "resident.phone", request.resident().phone());
  Append(&canonical, "resident.resident_id", request.resident().resident_id());
  Append(&canonical, "title", request.title());
  Append(&canonical, "text", request.text());
  if (request.has_point()) {
    // Hexadecimal floating point: exact, so two points that differ in the last bit differ here too.
    Append(&canonical, "point", absl::StrFormat("%a,%a", request.point().lat(), request.point().lng()));
  }
  Append(&canonical, "address", request.address());
  Append(&canonical, "catalogue_item", request.catalogue_item());
  Append(&canonical, "media_urls", absl::StrCat(request.media_urls_size()));
  for (const std::string& url : request.media_urls()) Append(&canonical, "media_url", url);

  if (personal_data != nullptr) return personal_data->Fingerprint(canonical);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size(), digest);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

}  // namespace gridcase::intake
