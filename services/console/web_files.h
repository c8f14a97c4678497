#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gridcase::console {

// One file of the console's pages, read from the web folder.
struct WebFile {
  std::string content;
  std::string content_type;  // "text/html; charset=utf-8", "text/javascript; charset=utf-8", …
};

// Reads the file a request path names below `web_dir` ("/" is index.html). NOT_FOUND for a path with an empty,
// "." or ".." segment, a backslash or a NUL, a hidden file, an extension the console does not serve (html, js, css,
// svg, png, ico, json), or a file that does not exist: nothing outside the folder can be read.
absl::StatusOr<WebFile> ReadWebFile(const std::string& web_dir, absl::string_view request_path);

}  // namespace gridcase::console
