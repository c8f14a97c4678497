#include "libs/auth/es256.h"

#include <string>

#include "gtest/gtest.h"
#include "libs/auth/base64url.h"
#include "openssl/bio.h"
#include "openssl/evp.h"
#include "openssl/pem.h"

namespace gridcase::auth {
namespace {

TEST(Es256Key, SignsRawSignaturesThatItsPublicHalfVerifies) {
  absl::StatusOr<Es256Key> key = Es256Key::Generate();
  ASSERT_TRUE(key.ok()) << key.status();
  std::string x, y;
  ASSERT_TRUE(key->PublicCoordinates(x, y).ok());
  absl::StatusOr<Es256Key> pub = Es256Key::FromPublicCoordinates(x, y);
  ASSERT_TRUE(pub.ok()) << pub.status();
  EXPECT_FALSE(pub->has_private_key());
  for (int i = 0; i < 20; ++i) {  // r or s with leading zero bytes must still give 64 bytes.
    std::string input = "header.payload" + std::to_string(i);
    absl::StatusOr<std::string> sig = key->Sign(input);
    ASSERT_TRUE(sig.ok()) << sig.status();
    ASSERT_EQ(sig->size(), 64u);
    EXPECT_TRUE(pub->Verify(input, *sig));
    EXPECT_FALSE(pub->Verify(input + "x", *sig));
    std::string flipped = *sig;
    flipped[40] ^= 1;
    EXPECT_FALSE(pub->Verify(input, flipped));
    EXPECT_FALSE(pub->Verify(input, sig->substr(0, 63)));
  }
  EXPECT_FALSE(pub->Sign("x").ok());
}

// RFC 7515 Appendix A.3: the ES256 example JWS and its public key.
TEST(Es256Key, VerifiesTheRfc7515Example) {
  absl::StatusOr<std::string> x = Base64UrlDecode("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU");
  absl::StatusOr<std::string> y = Base64UrlDecode("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0");
  ASSERT_TRUE(x.ok() && y.ok());
  absl::StatusOr<Es256Key> key = Es256Key::FromPublicCoordinates(*x, *y);
  ASSERT_TRUE(key.ok()) << key.status();
  const std::string input =
      "eyJhbGciOiJFUzI1NiJ9."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
  absl::StatusOr<std::string> signature = Base64UrlDecode(
      "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q");
  ASSERT_TRUE(signature.ok());
  EXPECT_TRUE(key->Verify(input, *signature));
  EXPECT_FALSE(key->Verify(input + "x", *signature));
}

TEST(Es256Key, PemRoundTripKeepsTheKey) {
  absl::StatusOr<Es256Key> key = Es256Key::Generate();
  ASSERT_TRUE(key.ok());
  absl::StatusOr<std::string> pem = key->PrivatePem();
  ASSERT_TRUE(pem.ok());
  EXPECT_NE(pem->find("BEGIN PRIVATE KEY"), std::string::npos);
  absl::StatusOr<Es256Key> back = Es256Key::FromPrivatePem(*pem);
  ASSERT_TRUE(back.ok()) << back.status();
  absl::StatusOr<std::string> sig = back->Sign("input");
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(key->Verify("input", *sig));
}

TEST(Es256Key, RejectsOtherKeysAndPointsOffTheCurve) {
  EXPECT_FALSE(Es256Key::FromPrivatePem("not a pem").ok());
  // A P-384 key: an EC key, but not the curve ES256 names.
  EVP_PKEY* other = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "secp384r1");
  ASSERT_NE(other, nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  ASSERT_EQ(PEM_write_bio_PrivateKey(bio, other, nullptr, nullptr, 0, nullptr, nullptr), 1);
  char* data = nullptr;
  std::string kP384;
  long len = BIO_get_mem_data(bio, &data);
  kP384.assign(data, static_cast<size_t>(len));
  BIO_free(bio);
  EVP_PKEY_free(other);
  absl::StatusOr<Es256Key> p384 = Es256Key::FromPrivatePem(kP384);
  ASSERT_FALSE(p384.ok());
  EXPECT_NE(p384.status().message().find("P-256"), std::string::npos) << p384.status();

  std::string x(32, '\x01'), y(32, '\x02');
  EXPECT_FALSE(Es256Key::FromPublicCoordinates(x, y).ok());
  EXPECT_FALSE(Es256Key::FromPublicCoordinates(x, y.substr(1)).ok());
}

}  // namespace
}  // namespace gridcase::auth
