#pragma once

// Invariant checks for fuzz targets. A failed check prints what broke and aborts, which libFuzzer reports as a crash
// (and saves the input) and which fails the target's regression test in the ordinary build.

#include <cstdio>
#include <cstdlib>
#include <string>

#define FUZZ_CHECK(condition, what)                                                                \
  do {                                                                                             \
    if (!(condition)) {                                                                            \
      std::fprintf(stderr, "%s:%d: invariant broken: %s (%s)\n", __FILE__, __LINE__, #condition, \
                   std::string(what).c_str());                                                     \
      std::abort();                                                                                \
    }                                                                                              \
  } while (0)
