#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gridcase::privacy {

// AES-256-GCM (OpenSSL EVP). A sealed box is nonce (12 bytes) || ciphertext || tag (16 bytes); the nonce is random
// per seal. `aad` is authenticated, not stored: opening with another aad fails, which binds a box to its context.
inline constexpr size_t kAeadKeyBytes = 32;
inline constexpr size_t kAeadNonceBytes = 12;
inline constexpr size_t kAeadTagBytes = 16;

// INVALID_ARGUMENT when the key is not 32 bytes; INTERNAL when OpenSSL fails.
absl::StatusOr<std::string> AeadSeal(absl::string_view key, absl::string_view aad, absl::string_view plaintext);
// DATA_LOSS when the box is too short, was changed, or is opened with another key or aad. Messages never carry key
// or plaintext bytes.
absl::StatusOr<std::string> AeadOpen(absl::string_view key, absl::string_view aad, absl::string_view box);

// `n` cryptographically random bytes (OpenSSL RAND_bytes). INTERNAL when the generator fails.
absl::StatusOr<std::string> RandomBytes(size_t n);

// HMAC-SHA-256 of `message` under `key`, as 64 lowercase hex digits.
std::string HmacSha256Hex(absl::string_view key, absl::string_view message);

}  // namespace gridcase::privacy
