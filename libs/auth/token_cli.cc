#include "libs/auth/token_cli.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "libs/auth/jwks.h"
#include "libs/auth/role_claim.h"
#include "libs/auth/token_signer.h"
#include "libs/auth/token_verifier.h"
#include "nlohmann/json.hpp"

namespace gridcase::auth {
namespace {

constexpr char kUsage[] =
    "usage: gridcase-token keygen --dir D --kid K\n"
    "       gridcase-token retire --dir D --kid K\n"
    "       gridcase-token mint --key D/K.pem [--kid K] --iss I --aud A --sub S --role R [--unit U] [--ttl 1h]\n"
    "       gridcase-token verify --jwks F --iss I --aud A [--kind person|service] TOKEN\n";

struct ParsedArgs {
  std::map<std::string, std::string> flags;
  std::vector<std::string> positional;
};

absl::StatusOr<ParsedArgs> Parse(const std::vector<std::string>& args, size_t from) {
  ParsedArgs parsed;
  for (size_t i = from; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (!absl::ConsumePrefix(&arg, "--")) {
      parsed.positional.push_back(args[i]);
      continue;
    }
    size_t eq = arg.find('=');
    if (eq != absl::string_view::npos) {
      parsed.flags[std::string(arg.substr(0, eq))] = std::string(arg.substr(eq + 1));
    } else if (i + 1 < args.size()) {
      parsed.flags[std::string(arg)] = args[++i];
    } else {
      return absl::InvalidArgumentError(absl::StrCat("--", arg, " needs a value"));
    }
  }
  return parsed;
}

// Checks that exactly the flags in `allowed` occur and those in `required` are non-empty.
absl::Status CheckFlags(const ParsedArgs& parsed, std::initializer_list<const char*> allowed,
                        std::initializer_list<const char*> required) {
  for (const auto& [name, value] : parsed.flags) {
    bool known = false;
    for (const char* a : allowed) known = known || name == a;
    if (!known) return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
  }
  for (const char* r : required) {
    auto it = parsed.flags.find(r);
    if (it == parsed.flags.end() || it->second.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("--", r, " is required"));
    }
  }
  return absl::OkStatus();
}

std::string Flag(const ParsedArgs& parsed, const std::string& name, const std::string& fallback = "") {
  auto it = parsed.flags.find(name);
  return it == parsed.flags.end() ? fallback : it->second;
}

// A kid is used as a file name: letters, digits, '.', '_', '-', not starting with '.', at most 64 characters.
absl::Status ValidateKid(absl::string_view kid) {
  bool ok = !kid.empty() && kid.size() <= 64 && kid[0] != '.';
  for (char c : kid) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-');
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("kid '", kid, "': use 1-64 letters, digits, '.', '_' or '-', not starting with '.'"));
}

absl::Status ErrnoError(absl::string_view what, const std::string& path) {
  return absl::InternalError(absl::StrCat(path, ": ", what, ": ", std::strerror(errno)));
}

// Writes `content` to a new file `path` with `mode`; fails if it exists.
absl::Status WriteNewFile(const std::string& path, const std::string& content, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST) return absl::AlreadyExistsError(absl::StrCat(path, " exists; it is never overwritten"));
    return ErrnoError("create", path);
  }
  bool ok = ::fchmod(fd, mode) == 0 &&
            ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) && ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (!ok) {
    errno = saved;
    absl::Status status = ErrnoError("write", path);
    ::unlink(path.c_str());
    return status;
  }
  return absl::OkStatus();
}

// Replaces `path` with `content` through a temporary file and rename, so readers see the old or the new file.
// Callers hold the directory's JwksLock, which also keeps the temporary file's name to one writer.
absl::Status ReplaceFile(const std::string& path, const std::string& content) {
  std::string tmp = absl::StrCat(path, ".tmp.", ::getpid());
  ::unlink(tmp.c_str());
  if (absl::Status s = WriteNewFile(tmp, content, 0644); !s.ok()) return s;
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    absl::Status status = ErrnoError("rename", path);
    ::unlink(tmp.c_str());
    return status;
  }
  return absl::OkStatus();
}

// The JWKS document at `path`, or an empty set when the file does not exist. An existing file must parse as a valid
// JWKS, so a command never builds on a file the verifiers would reject.
absl::StatusOr<nlohmann::json> ReadJwksDocument(const std::string& path) {
  if (!std::filesystem::exists(path)) return nlohmann::json{{"keys", nlohmann::json::array()}};
  absl::StatusOr<KeySet> valid = LoadJwksFile(path);
  if (!valid.ok()) return valid.status();
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
}

// An exclusive lock on DIR/jwks.json.lock for one read-modify-write of DIR/jwks.json, so that concurrent keygen and
// retire commands on one directory never lose each other's change. Released when destroyed.
class JwksLock {
 public:
  static absl::StatusOr<std::unique_ptr<JwksLock>> Acquire(const std::string& dir) {
    std::string path = absl::StrCat(dir, "/jwks.json.lock");
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return ErrnoError("open", path);
    if (::flock(fd, LOCK_EX) != 0) {
      absl::Status status = ErrnoError("lock", path);
      ::close(fd);
      return status;
    }
    return std::unique_ptr<JwksLock>(new JwksLock(fd));
  }
  ~JwksLock() { ::close(fd_); }

 private:
  explicit JwksLock(int fd) : fd_(fd) {}
  const int fd_;
};

std::string KeyCount(size_t n) { return absl::StrCat(n, n == 1 ? " key" : " keys"); }

int Fail(std::ostream& err, const absl::Status& status) {
  err << "gridcase-token: " << status.message() << "\n";
  return 1;
}

int Usage(std::ostream& err, const absl::Status& status) {
  err << "gridcase-token: " << status.message() << "\n" << kUsage;
  return 2;
}

int Keygen(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
  if (absl::Status s = CheckFlags(args, {"dir", "kid"}, {"dir", "kid"}); !s.ok()) return Usage(err, s);
  const std::string dir = Flag(args, "dir"), kid = Flag(args, "kid");
  if (absl::Status s = ValidateKid(kid); !s.ok()) return Usage(err, s);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Fail(err, absl::InternalError(absl::StrCat(dir, ": ", ec.message())));
  const std::string jwks_path = absl::StrCat(dir, "/jwks.json"), pem_path = absl::StrCat(dir, "/", kid, ".pem");
  absl::StatusOr<std::unique_ptr<JwksLock>> lock = JwksLock::Acquire(dir);
  if (!lock.ok()) return Fail(err, lock.status());
  absl::StatusOr<nlohmann::json> doc = ReadJwksDocument(jwks_path);
  if (!doc.ok()) return Fail(err, doc.status());
  for (const nlohmann::json& key : (*doc)["keys"]) {
    if (key.value("kid", "") == kid) {
      return Fail(err, absl::AlreadyExistsError(absl::StrCat("kid '", kid, "' is already in ", jwks_path)));
    }
  }
  absl::StatusOr<KeyPair> pair = GenerateKeyPair(kid);
  if (!pair.ok()) return Fail(err, pair.status());
  if (absl::Status s = WriteNewFile(pem_path, pair->private_pem, 0600); !s.ok()) return Fail(err, s);
  (*doc)["keys"].push_back(pair->public_jwk);
  if (absl::Status s = ReplaceFile(jwks_path, doc->dump(2) + "\n"); !s.ok()) {
    ::unlink(pem_path.c_str());
    return Fail(err, s);
  }
  out << "private key " << pem_path << "\n"
      << "public key '" << kid << "' added to " << jwks_path << " (" << KeyCount((*doc)["keys"].size()) << ")\n";
  return 0;
}

int Retire(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
  if (absl::Status s = CheckFlags(args, {"dir", "kid"}, {"dir", "kid"}); !s.ok()) return Usage(err, s);
  const std::string dir = Flag(args, "dir"), kid = Flag(args, "kid");
  if (absl::Status s = ValidateKid(kid); !s.ok()) return Usage(err, s);
  const std::string jwks_path = absl::StrCat(dir, "/jwks.json"), pem_path = absl::StrCat(dir, "/", kid, ".pem");
  if (!std::filesystem::exists(jwks_path)) {
    return Fail(err, absl::NotFoundError(absl::StrCat(jwks_path, ": no such file")));
  }
  absl::StatusOr<std::unique_ptr<JwksLock>> lock = JwksLock::Acquire(dir);
  if (!lock.ok()) return Fail(err, lock.status());
  absl::StatusOr<nlohmann::json> doc = ReadJwksDocument(jwks_path);
  if (!doc.ok()) return Fail(err, doc.status());
  nlohmann::json kept = nlohmann::json::array();
  bool found = false;
  for (const nlohmann::json& key : (*doc)["keys"]) {
    if (key.value("kid", "") == kid) {
      found = true;
    } else {
      kept.push_back(key);
    }
  }
  if (!found) return Fail(err, absl::NotFoundError(absl::StrCat("kid '", kid, "' is not in ", jwks_path)));
  if (kept.empty()) {
    return Fail(err, absl::FailedPreconditionError(absl::StrCat("'", kid, "' is the last key in ", jwks_path,
                                                                "; add its successor with keygen first")));
  }
  (*doc)["keys"] = kept;
  if (absl::Status s = ReplaceFile(jwks_path, doc->dump(2) + "\n"); !s.ok()) return Fail(err, s);
  out << "public key '" << kid << "' removed from " << jwks_path << " (" << KeyCount(kept.size()) << " left)\n";
  if (::unlink(pem_path.c_str()) == 0) out << "private key " << pem_path << " deleted\n";
  return 0;
}

int Mint(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
  if (absl::Status s = CheckFlags(args, {"key", "kid", "iss", "aud", "sub", "role", "unit", "ttl"},
                                  {"key", "iss", "aud", "sub", "role"});
      !s.ok()) {
    return Usage(err, s);
  }
  const std::string key_path = Flag(args, "key");
  std::string kid = Flag(args, "kid", std::filesystem::path(key_path).stem().string());
  absl::Duration ttl;
  if (!absl::ParseDuration(Flag(args, "ttl", "1h"), &ttl) || ttl <= absl::ZeroDuration()) {
    return Usage(err, absl::InvalidArgumentError(
                          absl::StrCat("--ttl '", Flag(args, "ttl"), "' is not a positive duration (e.g. 8h, 15m)")));
  }
  absl::StatusOr<v1::Role> role = RoleFromClaim(Flag(args, "role"));
  if (!role.ok()) return Usage(err, role.status());
  absl::StatusOr<std::unique_ptr<TokenSigner>> signer = TokenSigner::FromPemFile(key_path, kid);
  if (!signer.ok()) return Fail(err, signer.status());
  absl::StatusOr<std::string> token = (*signer)->Mint({.issuer = Flag(args, "iss"),
                                                       .audience = Flag(args, "aud"),
                                                       .subject = Flag(args, "sub"),
                                                       .role = *role,
                                                       .unit = Flag(args, "unit"),
                                                       .issued_at = absl::Now(),
                                                       .ttl = ttl});
  if (!token.ok()) return Fail(err, token.status());
  out << *token << "\n";
  return 0;
}

int VerifyCommand(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
  if (absl::Status s = CheckFlags(args, {"jwks", "iss", "aud", "kind"}, {"jwks", "iss", "aud"}); !s.ok()) {
    return Usage(err, s);
  }
  if (args.positional.size() != 1) return Usage(err, absl::InvalidArgumentError("verify needs one TOKEN"));
  const std::string kind_name = Flag(args, "kind", "person");
  if (kind_name != "person" && kind_name != "service") {
    return Usage(err, absl::InvalidArgumentError("--kind is person or service"));
  }
  absl::StatusOr<std::unique_ptr<TokenVerifier>> verifier = TokenVerifier::Create(
      {.issuers = {{.issuer = Flag(args, "iss"),
                    .jwks_path = Flag(args, "jwks"),
                    .kind = kind_name == "person" ? IdentityKind::kPerson : IdentityKind::kService}},
       .audience = Flag(args, "aud"),
       .reload_poll = absl::ZeroDuration()});
  if (!verifier.ok()) return Fail(err, verifier.status());
  std::string token = args.positional[0];
  if (!absl::StartsWithIgnoreCase(token, "bearer ")) token = absl::StrCat("Bearer ", token);
  absl::StatusOr<Principal> principal = (*verifier)->Verify(token);
  if (!principal.ok()) return Fail(err, principal.status());
  out << "subject=" << principal->subject << " role=" << RoleClaim(principal->role) << " unit=" << principal->unit
      << " issuer=" << principal->issuer << " kind=" << kind_name
      << " expires=" << absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", principal->expires, absl::UTCTimeZone()) << "\n";
  return 0;
}

}  // namespace

int RunTokenCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    (args.empty() ? err : out) << kUsage;
    return args.empty() ? 2 : 0;
  }
  absl::StatusOr<ParsedArgs> parsed = Parse(args, 1);
  if (!parsed.ok()) return Usage(err, parsed.status());
  const std::string& verb = args[0];
  if (verb != "verify" && !parsed->positional.empty()) {
    return Usage(err, absl::InvalidArgumentError(absl::StrCat("unexpected argument '", parsed->positional[0], "'")));
  }
  if (verb == "keygen") return Keygen(*parsed, out, err);
  if (verb == "retire") return Retire(*parsed, out, err);
  if (verb == "mint") return Mint(*parsed, out, err);
  if (verb == "verify") return VerifyCommand(*parsed, out, err);
  return Usage(err, absl::InvalidArgumentError(absl::StrCat("unknown command '", verb, "'")));
}

}  // namespace gridcase::auth
