#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "libs/auth/es256.h"
#include "libs/auth/token_signer.h"
#include "nlohmann/json.hpp"

// Keys, JWKS files and hand-made tokens for this folder's tests.
namespace gridcase::auth::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it when destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A generated P-256 key pair with a signer for it. Aborts the test binary if OpenSSL fails.
struct TestKey {
  std::string kid;
  std::string private_pem;
  nlohmann::json public_jwk;
  Es256Key key;
  std::unique_ptr<TokenSigner> signer;
};
TestKey MakeKey(const std::string& kid);

// Replaces `path` with a JWKS of `keys`' public keys (through a rename, as an operator's tooling would).
void WriteJwks(const std::string& path, const std::vector<const TestKey*>& keys);
// Replaces `path` with `content` through a rename.
void WriteFile(const std::string& path, const std::string& content);
std::string ReadFile(const std::string& path);

// A compact JWS of `payload` under `header`, signed by `key` whatever the header says.
std::string SignRaw(const TestKey& key, const nlohmann::json& header, const nlohmann::json& payload);

// Succeeds when `text` contains `part`; the failure message shows both.
inline ::testing::AssertionResult Contains(absl::string_view text, absl::string_view part) {
  if (absl::StrContains(text, part)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

}  // namespace gridcase::auth::testing
