#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace gridcase::intake::open311 {

// gridcase-open311-key: makes the entries of the --open311_keys file (api_keys.h), so that no key is ever written
// to it.
//
//   new  --name NAME [--rate R] [--burst B]             a fresh random key (32 bytes, base64url), shown once, and its
//                                                       entry
//   hash --name NAME [--key KEY] [--rate R] [--burst B] the entry of an existing key (migrating a plaintext file);
//                                                       without --key the key is read from the first line of `in`,
//                                                       which keeps it out of the shell history and the process list
//
// --rate defaults to 20 requests per second and --burst to twice the rate (at least 1). Each entry has a fresh
// random salt. Results go to `out`, labelled; errors and usage to `err`, and they never carry the key. Returns the
// exit status: 0 done, 2 usage error, 1 the random source failed.
int RunKeyTool(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace gridcase::intake::open311
