#include "absl/strings/string_view.h"
#include "libs/log/log.h"

#include "spdlog/sinks/stdout_sinks.h"

namespace gridcase::log {

void Init(absl::string_view service, absl::string_view level) {
  auto logger = spdlog::stderr_logger_mt(std::string(service));
  logger->set_pattern(std::string("ts=%Y-%m-%dT%H:%M:%S.%eZ level=%l service=") + std::string(service) + " %v",
                      spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

std::string MaskPhone(absl::string_view phone) {
  if (phone.size() <= 7) return std::string(phone.size(), '*');
  std::string masked(phone);
  for (size_t i = 3; i + 4 < masked.size(); ++i) masked[i] = '*';
  return masked;
}

std::string Quote(absl::string_view value) {
  bool needs_quotes = value.empty();
  for (char c : value) {
    if (c == ' ' || c == '"' || c == '=' || c == '\n' || c == '\t') needs_quotes = true;
  }
  if (!needs_quotes) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace gridcase::log
