#include "services/notify/core/signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace gridcase::notify {

std::string SignCallback(absl::string_view secret, absl::string_view timestamp, absl::string_view body) {
  const std::string message = absl::StrCat(timestamp, ".", body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &length);
  return absl::StrCat("v1=", absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(mac), length)));
}

bool SignatureMatches(absl::string_view secret, absl::string_view timestamp, absl::string_view body,
                      absl::string_view signature) {
  const std::string expected = SignCallback(secret, timestamp, body);
  return expected.size() == signature.size() && CRYPTO_memcmp(expected.data(), signature.data(), expected.size()) == 0;
}

}  // namespace gridcase::notify
