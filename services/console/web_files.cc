#include "services/console/web_files.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace gridcase::console {
namespace {

struct Type {
  absl::string_view extension;
  absl::string_view content_type;
};

constexpr Type kTypes[] = {
    {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},   {".svg", "image/svg+xml"},
    {".png", "image/png"},                 {".ico", "image/x-icon"},
    {".json", "application/json"},
};

absl::Status NotFound(absl::string_view path) { return absl::NotFoundError(absl::StrCat("no page at ", path)); }

}  // namespace

absl::StatusOr<WebFile> ReadWebFile(const std::string& web_dir, absl::string_view request_path) {
  if (request_path == "/" || request_path.empty()) request_path = "/index.html";
  if (!absl::StartsWith(request_path, "/")) return NotFound(request_path);
  absl::string_view relative = request_path.substr(1);
  if (absl::StrContains(relative, '\\') || absl::StrContains(relative, '\0')) return NotFound(request_path);
  for (absl::string_view segment : absl::StrSplit(relative, '/')) {
    if (segment.empty() || absl::StartsWith(segment, ".")) return NotFound(request_path);
  }
  const Type* type = nullptr;
  for (const Type& t : kTypes) {
    if (absl::EndsWith(relative, t.extension)) type = &t;
  }
  if (type == nullptr) return NotFound(request_path);
  std::ifstream in(absl::StrCat(web_dir, "/", relative), std::ios::binary);
  if (!in) return NotFound(request_path);
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return absl::UnavailableError(absl::StrCat("cannot read ", request_path));
  return WebFile{content.str(), std::string(type->content_type)};
}

}  // namespace gridcase::console
