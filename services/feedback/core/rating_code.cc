#include "services/feedback/core/rating_code.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace gridcase::feedback {
namespace {

constexpr absl::string_view kAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";  // 32 symbols, 5 bits each.

}  // namespace

std::string NewRatingCode() {
  std::array<unsigned char, kRatingCodeLength> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    std::random_device device;  // The kernel's CSPRNG on Linux; used only if OpenSSL's is not seeded.
    for (unsigned char& b : bytes) b = static_cast<unsigned char>(device());
  }
  std::string code;
  for (unsigned char b : bytes) code.push_back(kAlphabet[b % kAlphabet.size()]);
  return code;
}

std::string NormalizeRatingCode(absl::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == ' ' || c == '-' || c == '\t') continue;
    out.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string HashRatingCode(absl::string_view case_id, absl::string_view code) {
  std::string input = absl::StrCat(case_id, "\n", NormalizeRatingCode(code));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(), nullptr);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace gridcase::feedback
