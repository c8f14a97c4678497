#include "services/intake/open311/key_tool.h"

#include <algorithm>
#include <cmath>
#include <istream>
#include <optional>
#include <ostream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "services/intake/open311/api_keys.h"

namespace gridcase::intake::open311 {
namespace {

constexpr char kUsage[] =
    "usage: gridcase-open311-key new  --name NAME [--rate 20] [--burst 40]\n"
    "       gridcase-open311-key hash --name NAME [--key KEY] [--rate 20] [--burst 40]   (no --key: read it from "
    "stdin)\n"
    "Prints the entry to add to the --open311_keys file: {\"name\", \"key_sha256\", \"rate_per_second\", \"burst\"}.\n";

struct Request {
  std::string command;
  std::string name;
  std::optional<std::string> key;
  double rate = 20;
  std::optional<double> burst;
};

// The request, or a message for `err` (empty: print the usage only).
std::optional<Request> Parse(const std::vector<std::string>& args, std::string* error) {
  if (args.empty() || (args[0] != "new" && args[0] != "hash")) {
    if (!args.empty() && args[0] != "--help" && args[0] != "-h") *error = "unknown command " + args[0];
    return std::nullopt;
  }
  Request request{.command = args[0]};
  for (size_t i = 1; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (!absl::ConsumePrefix(&arg, "--")) {
      *error = "unexpected argument (the options are --name, --key, --rate, --burst)";
      return std::nullopt;
    }
    std::string option(arg.substr(0, arg.find('=')));
    std::string value;
    if (arg.find('=') != absl::string_view::npos) {
      value = std::string(arg.substr(arg.find('=') + 1));
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      *error = "--" + option + ": missing value";
      return std::nullopt;
    }
    if (option == "name") {
      request.name = value;
    } else if (option == "key" && request.command == "hash") {
      request.key = value;
    } else if (option == "rate" || option == "burst") {
      double number = 0;
      if (!absl::SimpleAtod(value, &number) || !std::isfinite(number)) {
        *error = "--" + option + ": not a number";
        return std::nullopt;
      }
      if (option == "rate") {
        request.rate = number;
      } else {
        request.burst = number;
      }
    } else {
      *error = "unknown option --" + option;
      return std::nullopt;
    }
  }
  if (!IsClientName(request.name)) {
    *error = "--name: required, 1..40 characters of [a-z0-9._-]";
    return std::nullopt;
  }
  if (!(request.rate > 0)) {
    *error = "--rate: must be > 0";
    return std::nullopt;
  }
  if (request.burst.has_value() && !(*request.burst >= 1)) {
    *error = "--burst: must be >= 1";
    return std::nullopt;
  }
  return request;
}

}  // namespace

int RunKeyTool(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err) {
  std::string error;
  std::optional<Request> request = Parse(args, &error);
  if (!request.has_value()) {
    if (!error.empty()) err << "gridcase-open311-key: " << error << "\n";
    err << kUsage;
    return 2;
  }
  RateLimit limit{.rate_per_second = request->rate,
                  .burst = request->burst.value_or(std::max(1.0, 2 * request->rate))};
  std::string key;
  if (request->command == "new") {
    auto fresh = NewApiKey();
    if (!fresh.ok()) {
      err << "gridcase-open311-key: " << fresh.status().message() << "\n";
      return 1;
    }
    key = *std::move(fresh);
  } else if (request->key.has_value()) {
    key = *request->key;
  } else {
    std::getline(in, key);
    absl::string_view trimmed = key;
    absl::ConsumeSuffix(&trimmed, "\r");
    key = std::string(trimmed);
  }
  if (!IsApiKeyText(key)) {
    err << "gridcase-open311-key: the key must be 16..128 printable ASCII characters without spaces\n";
    return 2;
  }
  auto salt = NewKeySalt();
  if (!salt.ok()) {
    err << "gridcase-open311-key: " << salt.status().message() << "\n";
    return 1;
  }
  if (request->command == "new") {
    out << "API key for " << request->name
        << " (give it to the client now: it is stored nowhere and cannot be shown again):\n"
        << key << "\n";
  }
  out << "Entry for the --open311_keys file (add it to the list; the gateway reloads the file when it changes):\n"
      << HashedKeyEntry(request->name, key, *salt, limit) << "\n";
  return 0;
}

}  // namespace gridcase::intake::open311
