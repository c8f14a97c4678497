// gridctl: the gridcase command line for operators and scripts (tools/gridctl/README.md).
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "tools/gridctl/gridctl.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return gridcase::gridctl::RunGridctl(args, std::cout, std::cerr, isatty(STDERR_FILENO) == 1);
}
