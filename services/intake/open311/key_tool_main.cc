// gridcase-open311-key: makes Open311 API keys and the salted-hash entries of the --open311_keys file (key_tool.h).
#include <iostream>
#include <string>
#include <vector>

#include "services/intake/open311/key_tool.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return gridcase::intake::open311::RunKeyTool(args, std::cin, std::cout, std::cerr);
}
