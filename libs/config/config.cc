#include "libs/config/config.h"

#include <cstdio>
#include <cstdlib>

#include "absl/container/flat_hash_set.h"
#include "absl/flags/commandlineflag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace gridcase::config {
namespace {

// What is wrong with the command line's flags (an unknown flag, a malformed value), naming the flag; empty when
// nothing is. Checked before absl's parser, which would exit 1 on these.
std::string CommandLineError(int argc, char** argv) {
  static const absl::flat_hash_set<absl::string_view> kParserFlags = {
      "help", "helpfull", "helpshort", "helppackage", "version", "only_check_args",
      "flagfile", "fromenv", "tryfromenv", "undefok"};
  bool undefok = false;
  for (int i = 1; i < argc; ++i) undefok = undefok || absl::StartsWith(argv[i], "--undefok");
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg.size() < 2 || arg[0] != '-') continue;  // A positional argument.
    arg.remove_prefix(absl::StartsWith(arg, "--") ? 2 : 1);
    absl::string_view name = arg;
    absl::string_view value;
    const size_t eq = arg.find('=');
    const bool has_value = eq != absl::string_view::npos;
    if (has_value) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    if (kParserFlags.contains(name)) continue;
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr && !has_value && absl::StartsWith(name, "no")) {
      absl::CommandLineFlag* negated = absl::FindCommandLineFlag(name.substr(2));
      if (negated != nullptr && negated->IsOfType<bool>()) continue;  // --nofoo
    }
    if (flag == nullptr) {
      if (undefok) continue;
      return absl::StrCat("unknown flag --", name);
    }
    if (!has_value) {
      if (flag->IsOfType<bool>()) continue;
      if (i + 1 >= argc) return absl::StrCat("--", name, ": missing value");
      value = argv[++i];
    }
    std::string error;
    if (!flag->ParseFrom(value, &error)) return absl::StrCat("--", name, ": ", error);
  }
  return "";
}

}  // namespace

std::vector<char*> ParseFlags(int argc, char** argv, const char* usage) {
  absl::SetProgramUsageMessage(usage);
  for (auto& [name, flag] : absl::GetAllFlags()) {
    std::string env_name = absl::StrCat("GRIDCASE_", absl::AsciiStrToUpper(name));
    const char* value = std::getenv(env_name.c_str());
    if (value == nullptr) continue;
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      std::fprintf(stderr, "invalid value for %s (flag --%s): %s\n", env_name.c_str(), std::string(name).c_str(),
                   error.c_str());
      std::exit(2);
    }
  }
  if (std::string error = CommandLineError(argc, argv); !error.empty()) {
    std::fprintf(stderr, "%s (see --help)\n", error.c_str());
    std::exit(2);
  }
  return absl::ParseCommandLine(argc, argv);
}

absl::StatusOr<HostPort> ParseHostPort(const std::string& value, const std::string& what) {
  auto colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": expected host:port, got '", value, "'"));
  }
  HostPort hp;
  hp.host = value.substr(0, colon);
  if (!absl::SimpleAtoi(value.substr(colon + 1), &hp.port) || hp.port < 0 || hp.port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": bad port in '", value, "'"));
  }
  return hp;
}

}  // namespace gridcase::config
