#include "libs/tls/pem.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "absl/strings/str_cat.h"

namespace gridcase::tls {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

absl::StatusOr<BioPtr> OpenFile(const std::string& path) {
  ERR_clear_error();
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (bio == nullptr) return absl::InvalidArgumentError(absl::StrCat(path, ": cannot be read"));
  return bio;
}

}  // namespace

std::string TakeOpenSslError(const char* when_none) {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return when_none;
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof(buffer));
  return buffer;
}

absl::StatusOr<CertifiedKey> ReadCertificateChain(const std::string& cert_path) {
  CertifiedKey out;
  absl::StatusOr<BioPtr> bio = OpenFile(cert_path);
  if (!bio.ok()) return bio.status();
  out.leaf.reset(PEM_read_bio_X509(bio->get(), nullptr, nullptr, nullptr));
  if (out.leaf == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(cert_path, ": no PEM certificate (", TakeOpenSslError("no PEM data"), ")"));
  }
  out.chain.reset(sk_X509_new_null());
  while (X509* next = PEM_read_bio_X509(bio->get(), nullptr, nullptr, nullptr)) sk_X509_push(out.chain.get(), next);
  ERR_clear_error();  // The end of the file.
  return out;
}

absl::StatusOr<PkeyPtr> ReadPrivateKey(const std::string& key_path) {
  absl::StatusOr<BioPtr> bio = OpenFile(key_path);
  if (!bio.ok()) return bio.status();
  PkeyPtr key(PEM_read_bio_PrivateKey(bio->get(), nullptr, nullptr, nullptr));
  if (key == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(key_path, ": no PEM private key (", TakeOpenSslError("no PEM data"), ")"));
  }
  return key;
}

absl::Status UseKey(CertifiedKey& certified, PkeyPtr key, const std::string& cert_path, const std::string& key_path) {
  if (X509_check_private_key(certified.leaf.get(), key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat(key_path, ": the key does not belong to the certificate of ", cert_path));
  }
  certified.key = std::move(key);
  return absl::OkStatus();
}

absl::StatusOr<CertifiedKey> ReadCertifiedKey(const std::string& cert_path, const std::string& key_path) {
  absl::StatusOr<CertifiedKey> certified = ReadCertificateChain(cert_path);
  if (!certified.ok()) return certified.status();
  absl::StatusOr<PkeyPtr> key = ReadPrivateKey(key_path);
  if (!key.ok()) return key.status();
  if (absl::Status used = UseKey(*certified, *std::move(key), cert_path, key_path); !used.ok()) return used;
  return certified;
}

absl::StatusOr<X509StorePtr> ReadTrustStore(const std::string& ca_path) {
  absl::StatusOr<BioPtr> bio = OpenFile(ca_path);
  if (!bio.ok()) return bio.status();
  X509StorePtr store(X509_STORE_new());
  int count = 0;
  while (X509* certificate = PEM_read_bio_X509(bio->get(), nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store.get(), certificate);
    X509_free(certificate);
    ++count;
  }
  ERR_clear_error();
  if (count == 0) return absl::InvalidArgumentError(absl::StrCat(ca_path, ": no PEM certificate"));
  return store;
}

absl::Status VerifyChain(const CertifiedKey& certified, X509_STORE* trust) {
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> context(X509_STORE_CTX_new(), X509_STORE_CTX_free);
  if (context == nullptr ||
      X509_STORE_CTX_init(context.get(), trust, certified.leaf.get(), certified.chain.get()) != 1) {
    return absl::InternalError(absl::StrCat("cannot verify a certificate: ", TakeOpenSslError("no PEM data")));
  }
  if (X509_verify_cert(context.get()) == 1) return absl::OkStatus();
  ERR_clear_error();
  return absl::InvalidArgumentError(
      X509_verify_cert_error_string(X509_STORE_CTX_get_error(context.get())));
}

std::string SerialHex(X509* certificate) {
  std::unique_ptr<BIGNUM, decltype(&BN_free)> number(ASN1_INTEGER_to_BN(X509_get_serialNumber(certificate), nullptr),
                                                    BN_free);
  if (number == nullptr) return "";
  char* hex = BN_bn2hex(number.get());
  std::string out = hex == nullptr ? "" : hex;
  OPENSSL_free(hex);
  return out;
}

std::string CommonName(X509* certificate) {
  char buffer[256] = {0};
  int length = X509_NAME_get_text_by_NID(X509_get_subject_name(certificate), NID_commonName, buffer, sizeof(buffer));
  return length > 0 ? std::string(buffer, length) : "";
}

std::vector<std::string> CertificateNames(X509* certificate) {
  std::vector<std::string> names;
  if (std::string common_name = CommonName(certificate); !common_name.empty()) names.push_back(common_name);
  auto* alternatives =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
  if (alternatives == nullptr) return names;
  for (int i = 0; i < sk_GENERAL_NAME_num(alternatives); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(alternatives, i);
    if (name->type != GEN_DNS) continue;
    const unsigned char* data = ASN1_STRING_get0_data(name->d.dNSName);
    names.emplace_back(reinterpret_cast<const char*>(data), ASN1_STRING_length(name->d.dNSName));
  }
  GENERAL_NAMES_free(alternatives);
  return names;
}

absl::StatusOr<X509Ptr> ParsePemCertificate(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (certificate == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError("no PEM certificate");
  }
  return certificate;
}

}  // namespace gridcase::tls
