#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace gridcase::fuzz {

// The source tree, for targets that load the repository's sample data once (GRIDCASE_SOURCE_DIR overrides the tree
// the target was built from).
inline std::string SourceDir() {
  if (const char* dir = std::getenv("GRIDCASE_SOURCE_DIR"); dir != nullptr && *dir != '\0') return dir;
  return GRIDCASE_FUZZ_SOURCE_DIR;
}

// The contents of `path` below the source tree; aborts when it cannot be read, since a target without its fixture
// would fuzz nothing.
inline std::string ReadSourceFile(const std::string& path) {
  std::ifstream in(SourceDir() + "/" + path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s/%s\n", SourceDir().c_str(), path.c_str());
    std::abort();
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace gridcase::fuzz
