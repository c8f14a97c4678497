#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "tools/gridctl/client/connection.h"
#include "tools/gridctl/core/args.h"
#include "tools/gridctl/core/exit_code.h"

namespace gridcase::gridctl {

// One run of a subcommand: its parsed arguments, where to write, and the connection to the services (made on first
// use, so that subcommands that need no service never ask for an address).
class Invocation {
 public:
  Invocation(std::string subcommand, Args args, std::ostream* out, std::ostream* err, bool terminal)
      : subcommand_(std::move(subcommand)), args_(std::move(args)), out_(out), err_(err), terminal_(terminal) {}

  const std::string& subcommand() const { return subcommand_; }
  const Args& args() const { return args_; }
  std::ostream& out() { return *out_; }
  std::ostream& err() { return *err_; }
  // Whether stderr is a terminal (progress redrawn in place).
  bool terminal() const { return terminal_; }
  bool json() const { return args_.Switch("json"); }
  absl::TimeZone zone() const { return absl::LocalTimeZone(); }

  absl::StatusOr<Connection*> connection();

  // Reports a usage error ("gridctl SUB: message" and where help is) and returns ExitCode::kUsage.
  int Usage(const std::string& message);
  // Reports a failed call to `service` (or to Kafka/Redis: `service` "kafka", "redis"): the status, what to do about
  // it, and with --json an {"error": {...}} object on stdout; returns the status's exit code.
  int Fail(const absl::Status& status, const std::string& service);

 private:
  std::string subcommand_;
  Args args_;
  std::ostream* out_;
  std::ostream* err_;
  bool terminal_;
  std::unique_ptr<Connection> connection_;
};

// A subcommand: its name, a one-line summary, usage line and description for --help, its own options (the common
// ones — --json, --help and the connection's — are added), and what it does.
struct Subcommand {
  std::string name;
  std::string summary;
  std::string usage;        // After "gridctl ": "get CASE_ID [--clocks]".
  std::string description;  // Paragraphs for --help.
  std::vector<OptionSpec> options;
  bool uses_services = true;  // Whether the connection options apply.
  // Options no spec names are kept in Args::unknown() instead of refused (act's command fields; the Kafka and
  // Redis options of rebuild, audit and parked).
  bool collect_unknown = false;
  std::function<int(Invocation&)> run;
  // More --help text that depends on the arguments (act: the fields of the command named).
  std::function<std::string(const Args&)> extra_help;
};

// The subcommand groups; each is one file under tools/gridctl/commands/. A new group adds its Register function here
// and in AllSubcommands().
void RegisterCaseSubcommands(std::vector<Subcommand>* table);    // submit, get, timeline, queue, act
void RegisterSlaSubcommands(std::vector<Subcommand>* table);     // overdue
void RegisterReportSubcommands(std::vector<Subcommand>* table);  // report
void RegisterTokenSubcommands(std::vector<Subcommand>* table);   // token
void RegisterLogSubcommands(std::vector<Subcommand>* table);     // rebuild, audit, parked
void RegisterReplaySubcommands(std::vector<Subcommand>* table);  // replay
void RegisterNotifySubcommands(std::vector<Subcommand>* table);  // notify

std::vector<Subcommand> AllSubcommands();

// gridctl's entry: `argv` without the program name. Returns the exit code (ExitCode).
int RunGridctl(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err, bool terminal);

}  // namespace gridcase::gridctl
