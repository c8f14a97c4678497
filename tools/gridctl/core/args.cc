#include "tools/gridctl/core/args.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"

namespace gridcase::gridctl {
namespace {

std::string Normalize(std::string name) { return absl::StrReplaceAll(name, {{"-", "_"}}); }

const OptionSpec* Find(const std::vector<OptionSpec>& specs, const std::string& name) {
  for (const OptionSpec& spec : specs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

bool IsOption(const std::string& word) { return word.size() > 1 && word[0] == '-' && word != "-"; }

}  // namespace

std::string Args::Get(const std::string& name, const std::string& fallback) const {
  auto it = options_.find(name);
  return it == options_.end() || it->second.empty() ? fallback : it->second.back();
}

std::vector<std::string> Args::All(const std::string& name) const {
  auto it = options_.find(name);
  return it == options_.end() ? std::vector<std::string>{} : it->second;
}

bool Args::Switch(const std::string& name) const {
  if (!Has(name)) return false;
  std::string value = absl::AsciiStrToLower(Get(name, "true"));
  return value != "false" && value != "0" && value != "no";
}

absl::StatusOr<std::optional<int64_t>> Args::Int(const std::string& name) const {
  if (!Has(name)) return std::nullopt;
  int64_t value = 0;
  if (!absl::SimpleAtoi(Get(name), &value)) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, ": '", Get(name), "' is not a whole number"));
  }
  return value;
}

absl::StatusOr<std::optional<double>> Args::Double(const std::string& name) const {
  if (!Has(name)) return std::nullopt;
  double value = 0;
  if (!absl::SimpleAtod(Get(name), &value)) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, ": '", Get(name), "' is not a number"));
  }
  return value;
}

absl::StatusOr<std::optional<absl::Duration>> Args::Duration(const std::string& name) const {
  if (!Has(name)) return std::nullopt;
  auto duration = ParseDurationText(Get(name));
  if (!duration.ok()) return absl::InvalidArgumentError(absl::StrCat("--", name, ": ", duration.status().message()));
  return *duration;
}

absl::StatusOr<absl::Duration> ParseDurationText(const std::string& text) {
  absl::Duration duration;
  int64_t days = 0;
  if (absl::EndsWith(text, "d") && absl::SimpleAtoi(absl::string_view(text).substr(0, text.size() - 1), &days)) {
    return absl::Hours(24 * days);
  }
  if (!absl::ParseDuration(text, &duration)) {
    return absl::InvalidArgumentError(absl::StrCat("'", text, "' is not a duration (e.g. 90s, 2h, 1h30m, 3d)"));
  }
  return duration;
}

absl::StatusOr<Args> ParseArgs(const std::vector<std::string>& tokens, const std::vector<OptionSpec>& specs,
                               bool collect_unknown) {
  Args args;
  bool options_ended = false;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& word = tokens[i];
    if (options_ended || !IsOption(word)) {
      args.positional_.push_back(word);
      continue;
    }
    if (word == "--") {
      options_ended = true;
      continue;
    }
    if (word == "-h") {
      args.options_["help"].push_back("true");
      continue;
    }
    if (!absl::StartsWith(word, "--")) {
      return absl::InvalidArgumentError(absl::StrCat("unknown option ", word, " (options are spelled --name)"));
    }
    std::string body = word.substr(2);
    std::optional<std::string> value;
    if (size_t eq = body.find('='); eq != std::string::npos) {
      value = body.substr(eq + 1);
      body.resize(eq);
    }
    const std::string name = Normalize(body);
    const OptionSpec* spec = Find(specs, name);
    if (spec == nullptr) {
      if (!collect_unknown) return absl::InvalidArgumentError(absl::StrCat("unknown option --", name));
      if (!value.has_value()) {
        if (i + 1 < tokens.size() && !IsOption(tokens[i + 1])) {
          value = tokens[++i];
        } else {
          value = "true";
        }
      }
      args.unknown_.emplace_back(name, *value);
      continue;
    }
    if (spec->value_name.empty()) {
      args.options_[name].push_back(value.value_or("true"));
      continue;
    }
    if (!value.has_value()) {
      if (i + 1 >= tokens.size()) {
        return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value (", spec->value_name, ")"));
      }
      value = tokens[++i];
    }
    args.options_[name].push_back(*value);
  }
  for (const OptionSpec& spec : specs) {
    if (spec.env.empty() || args.options_.contains(spec.name)) continue;
    if (const char* env = std::getenv(spec.env.c_str()); env != nullptr && *env != '\0') {
      args.options_[spec.name].push_back(env);
    }
  }
  return args;
}

std::string TakeSubcommand(std::vector<std::string>& tokens, const std::vector<OptionSpec>& specs) {
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& word = tokens[i];
    if (word == "--") return "";
    if (!IsOption(word)) {
      std::string subcommand = word;
      tokens.erase(tokens.begin() + static_cast<std::ptrdiff_t>(i));
      return subcommand;
    }
    if (absl::StartsWith(word, "--") && word.find('=') == std::string::npos) {
      const OptionSpec* spec = Find(specs, Normalize(word.substr(2)));
      if (spec != nullptr && !spec->value_name.empty()) ++i;
    }
  }
  return "";
}

std::string OptionsHelp(const std::vector<OptionSpec>& specs) {
  std::vector<std::string> heads;
  size_t width = 0;
  for (const OptionSpec& spec : specs) {
    std::string head =
        absl::StrCat("  --", spec.name, spec.value_name.empty() ? "" : absl::StrCat(" ", spec.value_name));
    width = std::max(width, head.size());
    heads.push_back(std::move(head));
  }
  std::string out;
  for (size_t i = 0; i < specs.size(); ++i) {
    absl::StrAppend(&out, heads[i], std::string(width - heads[i].size() + 2, ' '), specs[i].help);
    if (!specs[i].env.empty()) absl::StrAppend(&out, " [", specs[i].env, "]");
    absl::StrAppend(&out, "\n");
  }
  return out;
}

}  // namespace gridcase::gridctl
