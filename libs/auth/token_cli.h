#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace gridcase::auth {

// gridcase-token: manages ES256 signing keys and mints tokens. `args` excludes the program name; flags are
// `--name value` or `--name=value`.
//   keygen --dir D --kid K   writes D/K.pem (mode 0600; never overwrites) and adds K's public key to D/jwks.json,
//                            creating it; the other keys stay, so a rotation starts by adding the successor key
//   retire --dir D --kid K   removes K from D/jwks.json (written atomically, so a verifier polling it sees the old or
//                            the new file, never half of one) and deletes D/K.pem; refuses to remove the last key
//   mint --key D/K.pem [--kid K] --iss I --aud A --sub S --role R [--unit U] [--ttl 8h]
//                            prints one token; kid defaults to the key file's name without ".pem", ttl to 1h
//   verify --jwks F --iss I --aud A [--kind person|service] TOKEN
//                            checks TOKEN as a service would and prints its principal
// keygen and retire on one directory are serialised by a lock file (D/jwks.json.lock), so concurrent runs never lose
// each other's change to jwks.json. Output goes to `out`, messages to `err`. Exit codes: 0 done, 1 failure,
// 2 usage error.
int RunTokenCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace gridcase::auth
