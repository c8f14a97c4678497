#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace gridcase::gridctl {

// One option a subcommand accepts. Names use underscores; on the command line `--page-size` and `--page_size` are
// the same option.
struct OptionSpec {
  std::string name;
  std::string value_name;  // "" for a switch (--json); otherwise what the value is, for --help ("N", "UNIT").
  std::string help;
  std::string env;         // Environment variable read when the option is not given ("" for none).
};

// A parsed command line: positional arguments in order, options by name (a repeated option keeps every value), and
// the options no spec named, in order (when the parse collects them).
class Args {
 public:
  const std::vector<std::string>& positional() const { return positional_; }
  bool Has(const std::string& name) const { return options_.contains(name); }
  // The last value given (or the environment's), or `fallback`.
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  std::vector<std::string> All(const std::string& name) const;
  bool Switch(const std::string& name) const;
  const std::vector<std::pair<std::string, std::string>>& unknown() const { return unknown_; }

  // Typed reads; INVALID_ARGUMENT "--name: …" when the value is malformed. nullopt when absent.
  absl::StatusOr<std::optional<int64_t>> Int(const std::string& name) const;
  absl::StatusOr<std::optional<double>> Double(const std::string& name) const;
  absl::StatusOr<std::optional<absl::Duration>> Duration(const std::string& name) const;

 private:
  friend absl::StatusOr<Args> ParseArgs(const std::vector<std::string>&, const std::vector<OptionSpec>&, bool);
  std::vector<std::string> positional_;
  std::map<std::string, std::vector<std::string>> options_;
  std::vector<std::pair<std::string, std::string>> unknown_;
};

// Parses `tokens` (the words after the subcommand) against `specs`: `--name=value`, `--name value`, `--switch`,
// `-h` for --help; `--` ends the options. An option not given takes its spec's environment variable when set. An
// option no spec names is INVALID_ARGUMENT "unknown option --x", unless `collect_unknown`: then it is kept in
// unknown() with its value (`--x=v`, or `--x v` when the next word is no option, else "true").
absl::StatusOr<Args> ParseArgs(const std::vector<std::string>& tokens, const std::vector<OptionSpec>& specs,
                               bool collect_unknown = false);

// The subcommand word: the first word of `tokens` that is neither an option nor the value of one of `specs`' value
// options; it is removed from `tokens`. "" when there is none.
std::string TakeSubcommand(std::vector<std::string>& tokens, const std::vector<OptionSpec>& specs);

// "2h", "90s", "1h30m", "3d" (days of 24 h) → a duration; INVALID_ARGUMENT otherwise.
absl::StatusOr<absl::Duration> ParseDurationText(const std::string& text);

// --help text of options: one line each, aligned.
std::string OptionsHelp(const std::vector<OptionSpec>& specs);

}  // namespace gridcase::gridctl
