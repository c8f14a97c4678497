// gridcase-token: signing keys and tokens for gridcase (see libs/auth/token_cli.h and libs/auth/README.md).
#include <iostream>
#include <string>
#include <vector>

#include "libs/auth/token_cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return gridcase::auth::RunTokenCommand(args, std::cout, std::cerr);
}
