#include "libs/faults/crash_point.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace gridcase::faults {
namespace {

struct Armed {
  std::string name;
  int64_t at_hit = 1;
  std::atomic<int64_t> hits{0};
};

// Parsed once from the environment; never freed (points may be reached during exit).
const std::vector<Armed*>& ArmedPoints() {
  static const auto* points = [] {
    auto* armed = new std::vector<Armed*>;
    const char* spec = std::getenv("GRIDCASE_CRASH_AT");
    if (spec == nullptr) return armed;
    for (absl::string_view item : absl::StrSplit(spec, ',', absl::SkipWhitespace())) {
      auto* point = new Armed;
      std::pair<absl::string_view, absl::string_view> parts = absl::StrSplit(item, absl::MaxSplits(':', 1));
      point->name = std::string(parts.first);
      int64_t n = 1;
      if (!parts.second.empty() && absl::SimpleAtoi(parts.second, &n) && n > 0) point->at_hit = n;
      armed->push_back(point);
    }
    return armed;
  }();
  return *points;
}

}  // namespace

void CrashPoint(absl::string_view name) {
  for (Armed* point : ArmedPoints()) {
    if (point->name != name) continue;
    if (point->hits.fetch_add(1, std::memory_order_relaxed) + 1 == point->at_hit) {
      static constexpr char kMessage[] = "crash point reached: killing the process\n";
      (void)!write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
      kill(getpid(), SIGKILL);
    }
  }
}

}  // namespace gridcase::faults
