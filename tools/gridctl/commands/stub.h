#pragma once

#include <string>

#include "tools/gridctl/gridctl.h"

namespace gridcase::gridctl {

// Runs `call(connection, stub)` with a stub of `Service` on the invocation's channel to `service`; a missing or
// malformed connection option is a usage error.
template <typename Service, typename Call>
int WithStub(Invocation& in, const std::string& service, Call call) {
  auto connection = in.connection();
  if (!connection.ok()) return in.Usage(std::string(connection.status().message()));
  auto channel = (*connection)->Channel(service);
  if (!channel.ok()) return in.Usage(std::string(channel.status().message()));
  auto stub = Service::NewStub(*channel);
  return call(**connection, *stub);
}

}  // namespace gridcase::gridctl
