#include "libs/privacy/aead.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace gridcase::privacy {
namespace {

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

const unsigned char* Bytes(absl::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

absl::Status CheckKey(absl::string_view key) {
  if (key.size() != kAeadKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat("AES-256-GCM key must be ", kAeadKeyBytes, " bytes"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    return absl::InternalError("the random generator failed");
  }
  return out;
}

absl::StatusOr<std::string> AeadSeal(absl::string_view key, absl::string_view aad, absl::string_view plaintext) {
  if (absl::Status s = CheckKey(key); !s.ok()) return s;
  auto nonce = RandomBytes(kAeadNonceBytes);
  if (!nonce.ok()) return nonce.status();
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  std::string box = *nonce;
  box.resize(kAeadNonceBytes + plaintext.size() + kAeadTagBytes);
  auto* out = reinterpret_cast<unsigned char*>(box.data()) + kAeadNonceBytes;
  int len = 0;
  int total = 0;
  if (ctx == nullptr || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kAeadNonceBytes, nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, Bytes(key), Bytes(*nonce)) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out, &len, Bytes(plaintext), static_cast<int>(plaintext.size())) != 1) {
    return absl::InternalError("AES-256-GCM encryption failed");
  }
  total = len;
  if (EVP_EncryptFinal_ex(ctx.get(), out + total, &len) != 1) return absl::InternalError("AES-256-GCM final failed");
  total += len;
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kAeadTagBytes, out + total) != 1) {
    return absl::InternalError("AES-256-GCM tag failed");
  }
  box.resize(kAeadNonceBytes + total + kAeadTagBytes);
  return box;
}

absl::StatusOr<std::string> AeadOpen(absl::string_view key, absl::string_view aad, absl::string_view box) {
  if (absl::Status s = CheckKey(key); !s.ok()) return s;
  if (box.size() < kAeadNonceBytes + kAeadTagBytes) return absl::DataLossError("sealed data is truncated");
  absl::string_view nonce = box.substr(0, kAeadNonceBytes);
  absl::string_view body = box.substr(kAeadNonceBytes, box.size() - kAeadNonceBytes - kAeadTagBytes);
  std::string tag(box.substr(box.size() - kAeadTagBytes));
  std::string plain(body.size(), '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (ctx == nullptr || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kAeadNonceBytes, nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, Bytes(key), Bytes(nonce)) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len, Bytes(body),
                        static_cast<int>(body.size())) != 1) {
    return absl::InternalError("AES-256-GCM decryption failed");
  }
  int total = len;
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kAeadTagBytes, tag.data()) != 1) {
    return absl::InternalError("AES-256-GCM tag failed");
  }
  if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + total, &len) != 1) {
    return absl::DataLossError("sealed data failed authentication (changed, or another key or context)");
  }
  plain.resize(total + len);
  return plain;
}

std::string HmacSha256Hex(absl::string_view key, absl::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), Bytes(message), message.size(), digest, &len);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), len));
}

}  // namespace gridcase::privacy
