#include "libs/auth/jws.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/auth/base64url.h"

namespace gridcase::auth {
namespace {

// A JWT larger than this is not one gridcase minted; refusing it early bounds the work an unauthenticated caller
// causes.
constexpr size_t kMaxTokenBytes = 8192;

absl::StatusOr<nlohmann::json> DecodeJsonObject(absl::string_view part, absl::string_view name) {
  absl::StatusOr<std::string> bytes = Base64UrlDecode(part);
  if (!bytes.ok()) return absl::InvalidArgumentError(absl::StrCat(name, ": ", bytes.status().message()));
  nlohmann::json value = nlohmann::json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return absl::InvalidArgumentError(absl::StrCat(name, " is not valid JSON"));
  if (!value.is_object()) return absl::InvalidArgumentError(absl::StrCat(name, " is not a JSON object"));
  return value;
}

}  // namespace

absl::StatusOr<CompactJws> ParseCompactJws(absl::string_view token) {
  if (token.size() > kMaxTokenBytes) {
    return absl::InvalidArgumentError(absl::StrCat("token is ", token.size(), " bytes, more than ", kMaxTokenBytes));
  }
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected 3 dot-separated parts (header.payload.signature), got ", parts.size()));
  }
  CompactJws jws;
  absl::StatusOr<nlohmann::json> header = DecodeJsonObject(parts[0], "header");
  if (!header.ok()) return header.status();
  absl::StatusOr<nlohmann::json> payload = DecodeJsonObject(parts[1], "payload");
  if (!payload.ok()) return payload.status();
  absl::StatusOr<std::string> signature = Base64UrlDecode(parts[2]);
  if (!signature.ok()) return absl::InvalidArgumentError(absl::StrCat("signature: ", signature.status().message()));
  jws.header = *std::move(header);
  jws.payload = *std::move(payload);
  jws.signature = *std::move(signature);
  jws.signing_input = absl::StrCat(parts[0], ".", parts[1]);
  return jws;
}

absl::StatusOr<std::string> SignCompactJws(const nlohmann::json& header, const nlohmann::json& payload,
                                           const Es256Key& key) {
  auto alg = header.find("alg");
  if (alg == header.end() || *alg != "ES256") return absl::InvalidArgumentError("header must name alg ES256");
  std::string signing_input = absl::StrCat(Base64UrlEncode(header.dump()), ".", Base64UrlEncode(payload.dump()));
  absl::StatusOr<std::string> signature = key.Sign(signing_input);
  if (!signature.ok()) return signature.status();
  return absl::StrCat(signing_input, ".", Base64UrlEncode(*signature));
}

}  // namespace gridcase::auth
