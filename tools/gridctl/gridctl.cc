#include "tools/gridctl/gridctl.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"

namespace gridcase::gridctl {
namespace {

std::vector<OptionSpec> CommonOptions(const Subcommand& subcommand) {
  std::vector<OptionSpec> specs = {{"json", "", "print JSON for scripts instead of tables"},
                                   {"help", "", "show this help"}};
  if (subcommand.uses_services) {
    std::vector<OptionSpec> connection = Connection::Options();
    specs.insert(specs.end(), connection.begin(), connection.end());
  }
  return specs;
}

std::string SubcommandHelp(const Subcommand& s) {
  std::string out = absl::StrCat("usage: gridctl ", s.usage, "\n\n", s.summary, "\n");
  if (!s.description.empty()) absl::StrAppend(&out, "\n", s.description, "\n");
  if (!s.options.empty()) absl::StrAppend(&out, "\nOptions:\n", OptionsHelp(s.options));
  absl::StrAppend(&out, "\nCommon options:\n", OptionsHelp(CommonOptions(s)), "\n", ExitCodesHelp());
  return out;
}

std::string MainHelp(const std::vector<Subcommand>& table) {
  std::string out =
      "usage: gridctl SUBCOMMAND [ARGS] [--json] [--help]\n\n"
      "gridctl: the gridcase command line for operators and scripts. Tables for people, --json for scripts.\n\n"
      "Subcommands:\n";
  size_t width = 0;
  for (const Subcommand& s : table) width = std::max(width, s.name.size());
  for (const Subcommand& s : table) {
    absl::StrAppend(&out, "  ", s.name, std::string(width - s.name.size() + 2, ' '), s.summary, "\n");
  }
  absl::StrAppend(&out,
                  "\nServices are found by --intake_addr, --dispatch_addr, --sla_addr, --feedback_addr, "
                  "--notify_addr (or GRIDCASE_INTAKE_ADDR …); the caller's token by --token or GRIDCASE_TOKEN; TLS by "
                  "--tls_ca (and --tls_cert/--tls_key).\n`gridctl SUBCOMMAND --help` tells more.\n\n",
                  ExitCodesHelp());
  return out;
}

}  // namespace

absl::StatusOr<Connection*> Invocation::connection() {
  if (connection_ == nullptr) {
    auto made = Connection::FromArgs(args_);
    if (!made.ok()) return made.status();
    connection_ = *std::move(made);
  }
  return connection_.get();
}

int Invocation::Usage(const std::string& message) {
  err() << "gridctl " << subcommand_ << ": " << message << "\n  (see gridctl " << subcommand_ << " --help)\n";
  if (json()) {
    out() << nlohmann::json{{"error", {{"code", "USAGE"}, {"message", message}}}}.dump() << "\n";
  }
  return ToInt(ExitCode::kUsage);
}

int Invocation::Fail(const absl::Status& status, const std::string& service) {
  err() << "gridctl " << subcommand_ << ": " << service << ": " << absl::StatusCodeToString(status.code()) << ": "
        << status.message() << "\n";
  if (std::string hint = HintFor(status.code(), service); !hint.empty()) err() << "  " << hint << "\n";
  if (json()) {
    out() << nlohmann::json{{"error",
                             {{"code", absl::StatusCodeToString(status.code())},
                              {"service", service},
                              {"message", std::string(status.message())}}}}
                 .dump()
          << "\n";
  }
  return ToInt(ExitCodeFor(status.code()));
}

std::vector<Subcommand> AllSubcommands() {
  std::vector<Subcommand> table;
  RegisterCaseSubcommands(&table);
  RegisterSlaSubcommands(&table);
  RegisterReportSubcommands(&table);
  RegisterTokenSubcommands(&table);
  RegisterLogSubcommands(&table);
  RegisterReplaySubcommands(&table);
  RegisterNotifySubcommands(&table);
  return table;
}

int RunGridctl(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err, bool terminal) {
  const std::vector<Subcommand> table = AllSubcommands();
  std::vector<std::string> tokens = argv;
  Subcommand any{.uses_services = true};
  const std::string name = TakeSubcommand(tokens, CommonOptions(any));
  if (name.empty() || name == "help") {
    const bool asked = name == "help" || std::find(tokens.begin(), tokens.end(), "--help") != tokens.end() ||
                       std::find(tokens.begin(), tokens.end(), "-h") != tokens.end();
    (asked ? out : err) << MainHelp(table);
    return ToInt(asked ? ExitCode::kOk : ExitCode::kUsage);
  }
  auto found = std::find_if(table.begin(), table.end(), [&](const Subcommand& s) { return s.name == name; });
  if (found == table.end()) {
    std::vector<std::string> names;
    for (const Subcommand& s : table) names.push_back(s.name);
    err << "gridctl: unknown subcommand '" << name << "'; the subcommands are: " << absl::StrJoin(names, ", ")
        << "\n  (see gridctl --help)\n";
    return ToInt(ExitCode::kUsage);
  }
  std::vector<OptionSpec> specs = found->options;
  std::vector<OptionSpec> common = CommonOptions(*found);
  specs.insert(specs.end(), common.begin(), common.end());
  auto args = ParseArgs(tokens, specs, found->collect_unknown);
  if (!args.ok()) {
    // The line did not parse; --json still asks for the error as JSON.
    Args json_only = *ParseArgs(
        std::find(tokens.begin(), tokens.end(), "--json") != tokens.end() ? std::vector<std::string>{"--json"}
                                                                          : std::vector<std::string>{},
        {{"json", "", ""}});
    Invocation invocation(name, json_only, &out, &err, terminal);
    return invocation.Usage(std::string(args.status().message()));
  }
  if (args->Switch("help")) {
    out << SubcommandHelp(*found);
    if (found->extra_help) out << "\n" << found->extra_help(*args);
    return ToInt(ExitCode::kOk);
  }
  Invocation invocation(name, *std::move(args), &out, &err, terminal);
  return found->run(invocation);
}

}  // namespace gridcase::gridctl
