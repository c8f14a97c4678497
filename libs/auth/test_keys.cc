#include "libs/auth/test_keys.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "libs/auth/base64url.h"

namespace gridcase::auth::testing {
namespace {

template <typename T>
T OrDie(absl::StatusOr<T> value, const char* what) {
  if (!value.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, value.status().ToString().c_str());
    std::abort();
  }
  return *std::move(value);
}

}  // namespace

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string templ = absl::StrCat(base != nullptr && *base != '\0' ? base : "/tmp", "/gridcase-auth-XXXXXX");
  if (::mkdtemp(templ.data()) == nullptr) std::abort();
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

TestKey MakeKey(const std::string& kid) {
  KeyPair pair = OrDie(GenerateKeyPair(kid), "GenerateKeyPair");
  Es256Key key = OrDie(Es256Key::FromPrivatePem(pair.private_pem), "FromPrivatePem");
  std::unique_ptr<TokenSigner> signer = OrDie(TokenSigner::FromPem(pair.private_pem, kid), "TokenSigner::FromPem");
  return TestKey{.kid = kid,
                 .private_pem = pair.private_pem,
                 .public_jwk = pair.public_jwk,
                 .key = std::move(key),
                 .signer = std::move(signer)};
}

void WriteFile(const std::string& path, const std::string& content) {
  std::string tmp = absl::StrCat(path, ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) std::abort();
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) std::abort();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteJwks(const std::string& path, const std::vector<const TestKey*>& keys) {
  nlohmann::json doc = {{"keys", nlohmann::json::array()}};
  for (const TestKey* key : keys) doc["keys"].push_back(key->public_jwk);
  WriteFile(path, doc.dump());
}

std::string SignRaw(const TestKey& key, const nlohmann::json& header, const nlohmann::json& payload) {
  std::string input = absl::StrCat(Base64UrlEncode(header.dump()), ".", Base64UrlEncode(payload.dump()));
  std::string signature = OrDie(key.key.Sign(input), "Sign");
  return absl::StrCat(input, ".", Base64UrlEncode(signature));
}

}  // namespace gridcase::auth::testing
