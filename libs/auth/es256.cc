#include "libs/auth/es256.h"

#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "openssl/bio.h"
#include "openssl/bn.h"
#include "openssl/core_names.h"
#include "openssl/ec.h"
#include "openssl/err.h"
#include "openssl/evp.h"
#include "openssl/param_build.h"
#include "openssl/pem.h"

namespace gridcase::auth {
namespace {

constexpr size_t kCoordinateBytes = 32;
constexpr char kCurve[] = "prime256v1";  // P-256 in OpenSSL's names.

// The oldest queued OpenSSL error, for a message; clears the queue.
std::string OpensslReason() {
  unsigned long code = ERR_get_error();
  const char* text = code == 0 ? "unknown OpenSSL error" : ERR_reason_error_string(code);
  std::string reason = text != nullptr ? text : "OpenSSL error";
  ERR_clear_error();
  return reason;
}

absl::Status OpensslError(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(what, ": ", OpensslReason()));
}

struct BioFree { void operator()(BIO* b) const { BIO_free(b); } };
struct PkeyCtxFree { void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); } };
struct MdCtxFree { void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); } };
struct BnFree { void operator()(BIGNUM* b) const { BN_free(b); } };
struct SigFree { void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); } };
struct ParamBldFree { void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); } };
struct ParamFree { void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); } };

}  // namespace

absl::StatusOr<Es256Key> Es256Key::Adopt(EVP_PKEY* pkey, bool has_private) {
  std::shared_ptr<EVP_PKEY> owned(pkey, EVP_PKEY_free);
  if (!EVP_PKEY_is_a(pkey, "EC")) return absl::InvalidArgumentError("key is not an EC key (ES256 needs P-256)");
  char group[64] = {0};
  size_t group_len = 0;
  if (!EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &group_len)) {
    return OpensslError("key has no named curve");
  }
  if (std::strcmp(group, kCurve) != 0) {
    return absl::InvalidArgumentError(absl::StrCat("key is on curve ", group, ", ES256 needs P-256"));
  }
  return Es256Key(std::move(owned), has_private);
}

absl::StatusOr<Es256Key> Es256Key::Generate() {
  EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", kCurve);
  if (pkey == nullptr) return OpensslError("generating a P-256 key");
  return Adopt(pkey, true);
}

absl::StatusOr<Es256Key> Es256Key::FromPrivatePem(absl::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return OpensslError("reading PEM");
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (pkey == nullptr) return OpensslError("not a PEM private key");
  return Adopt(pkey, true);
}

absl::StatusOr<Es256Key> Es256Key::FromPublicCoordinates(absl::string_view x, absl::string_view y) {
  if (x.size() != kCoordinateBytes || y.size() != kCoordinateBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("P-256 coordinates are 32 bytes each, got ", x.size(), " and ", y.size()));
  }
  std::string point = absl::StrCat("\x04", x, y);  // SEC 1 uncompressed point.
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> build(OSSL_PARAM_BLD_new());
  if (!build || !OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, kCurve, 0) ||
      !OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size())) {
    return OpensslError("building EC parameters");
  }
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(build.get()));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) {
    return OpensslError("not a point on P-256");
  }
  absl::StatusOr<Es256Key> key = Adopt(pkey, false);
  if (!key.ok()) return key.status();
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> check(EVP_PKEY_CTX_new_from_pkey(nullptr, key->pkey_.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) return OpensslError("not a point on P-256");
  return key;
}

absl::StatusOr<std::string> Es256Key::PrivatePem() const {
  if (!has_private_) return absl::FailedPreconditionError("public key only");
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio || !PEM_write_bio_PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0, nullptr, nullptr)) {
    return OpensslError("writing PEM");
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

absl::Status Es256Key::PublicCoordinates(std::string& x, std::string& y) const {
  const char* names[2] = {OSSL_PKEY_PARAM_EC_PUB_X, OSSL_PKEY_PARAM_EC_PUB_Y};
  std::string* outs[2] = {&x, &y};
  for (int i = 0; i < 2; ++i) {
    BIGNUM* raw = nullptr;
    if (!EVP_PKEY_get_bn_param(pkey_.get(), names[i], &raw)) return OpensslError("reading the public point");
    std::unique_ptr<BIGNUM, BnFree> bn(raw);
    outs[i]->assign(kCoordinateBytes, '\0');
    if (BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(outs[i]->data()), kCoordinateBytes) < 0) {
      return OpensslError("encoding the public point");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Es256Key::Sign(absl::string_view signing_input) const {
  if (!has_private_) return absl::FailedPreconditionError("signing needs a private key");
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
  size_t der_len = 0;
  if (!md || EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, pkey_.get()) != 1 ||
      EVP_DigestSign(md.get(), nullptr, &der_len, reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    return OpensslError("signing");
  }
  std::string der(der_len, '\0');
  if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(der.data()), &der_len,
                     reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) != 1) {
    return OpensslError("signing");
  }
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<ECDSA_SIG, SigFree> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_len)));
  if (!sig) return OpensslError("decoding the signature");
  std::string raw(2 * kCoordinateBytes, '\0');
  unsigned char* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out, kCoordinateBytes) < 0 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out + kCoordinateBytes, kCoordinateBytes) < 0) {
    return OpensslError("encoding the signature");
  }
  return raw;
}

bool Es256Key::Verify(absl::string_view signing_input, absl::string_view signature) const {
  if (signature.size() != 2 * kCoordinateBytes) return false;
  const unsigned char* raw = reinterpret_cast<const unsigned char*>(signature.data());
  std::unique_ptr<BIGNUM, BnFree> r(BN_bin2bn(raw, kCoordinateBytes, nullptr));
  std::unique_ptr<BIGNUM, BnFree> s(BN_bin2bn(raw + kCoordinateBytes, kCoordinateBytes, nullptr));
  std::unique_ptr<ECDSA_SIG, SigFree> sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    ERR_clear_error();
    return false;
  }
  r.release();  // Owned by sig now.
  s.release();
  unsigned char* der = nullptr;
  int der_len = i2d_ECDSA_SIG(sig.get(), &der);
  if (der_len <= 0) {
    ERR_clear_error();
    return false;
  }
  std::unique_ptr<unsigned char, void (*)(unsigned char*)> der_owner(der, [](unsigned char* d) { OPENSSL_free(d); });
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
  bool ok = md && EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, pkey_.get()) == 1 &&
            EVP_DigestVerify(md.get(), der, static_cast<size_t>(der_len),
                             reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace gridcase::auth
