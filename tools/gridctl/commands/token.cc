// token: mints a development token as scripts/token does, with libs/auth's gridcase-token.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "libs/auth/token_cli.h"
#include "nlohmann/json.hpp"
#include "tools/gridctl/gridctl.h"

namespace gridcase::gridctl {
namespace {

// The grid head (else the first member) of `grid` in the registry file, "" when the file or grid is unknown.
std::string GridHead(const std::string& registry_path, const std::string& grid) {
  std::ifstream file(registry_path);
  if (!file) return "";
  nlohmann::json registry = nlohmann::json::parse(file, nullptr, false);
  if (registry.is_discarded() || !registry.contains("grids")) return "";
  for (const auto& g : registry["grids"]) {
    if (g.value("code", "") != grid || !g.contains("members")) continue;
    std::string first;
    for (const auto& m : g["members"]) {
      if (m.value("duty", "") == "grid_head") return m.value("person_id", "");
      if (first.empty()) first = m.value("person_id", "");
    }
    return first;
  }
  return "";
}

int Token(Invocation& in) {
  const Args& a = in.args();
  const auto& p = a.positional();
  if (p.size() < 2 || p.size() > 3) {
    return in.Usage("needs ROLE UNIT [SUB], or system SERVICE (e.g. gridctl token township_dispatcher 330199001)");
  }
  const bool service = p[0] == "system";
  const std::string kind = service ? "SERVICE" : "PERSON";
  auto setting = [&](const std::string& option, const std::string& variable) {
    if (a.Has(option)) return a.Get(option);
    const char* env = std::getenv(absl::StrCat("GRIDCASE_AUTH_", variable).c_str());
    return std::string(env == nullptr ? "" : env);
  };
  const std::string key = setting("key", absl::StrCat(kind, "_KEY"));
  const std::string kid = setting("kid", absl::StrCat(kind, "_KID"));
  const std::string issuer = setting("iss", absl::StrCat(kind, "_ISSUER"));
  const std::string audience = setting("aud", "AUDIENCE");
  if (key.empty() || issuer.empty() || audience.empty()) {
    return in.Usage(absl::StrCat(
        "the signing key, issuer and audience are not set: run `set -a; eval \"$(scripts/dev-keys)\"; set +a` "
        "(development keys), or pass --key, --iss and --aud (GRIDCASE_AUTH_",
        kind, "_KEY, _", kind, "_ISSUER, GRIDCASE_AUTH_AUDIENCE)"));
  }
  std::string unit, sub;
  if (service) {
    unit = p.size() == 3 ? p[1] : "";
    sub = p.back();
  } else {
    unit = p[1];
    sub = p.size() == 3 ? p[2] : GridHead(a.Get("registry", "data/registry/sample-county.json"), unit);
    if (sub.empty()) sub = absl::StrCat("dev-", p[0], "-", unit);
  }
  std::vector<std::string> mint = {"mint", "--key", key, "--iss", issuer, "--aud", audience, "--sub", sub,
                                   "--role", p[0], "--ttl", a.Get("ttl", service ? "1h" : "8h")};
  if (!kid.empty()) mint.insert(mint.end(), {"--kid", kid});
  if (!unit.empty()) mint.insert(mint.end(), {"--unit", unit});
  std::ostringstream token, error;
  int status = auth::RunTokenCommand(mint, token, error);
  if (status != 0) {
    // gridcase-token's first line says what is wrong; its usage lines name its own commands, not gridctl's.
    std::string message(absl::StripAsciiWhitespace(error.str().substr(0, error.str().find('\n'))));
    // gridcase-token: 2 is a usage error (an unknown role, a bad ttl); 1 a key it could not use.
    if (status == 2) return in.Usage(message);
    in.err() << "gridctl token: " << message << "\n";
    return ToInt(ExitCode::kInternal);
  }
  const std::string jwt(absl::StripAsciiWhitespace(token.str()));
  if (in.json()) {
    in.out() << nlohmann::json{{"token", jwt}, {"role", p[0]}, {"unit", unit}, {"sub", sub}}.dump() << "\n";
  } else {
    in.out() << jwt << "\n";
  }
  return ToInt(ExitCode::kOk);
}

}  // namespace

void RegisterTokenSubcommands(std::vector<Subcommand>* table) {
  table->push_back(
      {.name = "token",
       .summary = "mint a development token for a role and unit (as scripts/token)",
       .usage = "token ROLE UNIT [SUB] [--ttl 8h] | token system SERVICE [--ttl 1h]",
       .description =
           "ROLE: grid_worker, community, township_dispatcher, department_handler, supervisor, hotline_operator, "
           "resident; `system SERVICE` mints a service's token. Signs with the development keys of scripts/dev-keys "
           "(GRIDCASE_AUTH_PERSON_KEY/_KID/_ISSUER, GRIDCASE_AUTH_SERVICE_…, GRIDCASE_AUTH_AUDIENCE) or --key, --kid, "
           "--iss, --aud. SUB defaults to the grid's head for a grid of the registry, else dev-ROLE-UNIT.\n"
           "Example: export GRIDCASE_TOKEN=$(gridctl token township_dispatcher 330199001)",
       .options = {{"ttl", "DURATION", "lifetime (default 8h for a person, 1h for a service)"},
                   {"key", "FILE", "the issuer's private key (PEM)"},
                   {"kid", "KID", "the key's id (default: the key file's name)"},
                   {"iss", "ISSUER", "the issuer"},
                   {"aud", "AUDIENCE", "the audience"},
                   {"registry", "FILE", "registry for the grid head (default data/registry/sample-county.json)",
                    "GRIDCASE_REGISTRY"}},
       .uses_services = false,
       .run = Token});
}

}  // namespace gridcase::gridctl
