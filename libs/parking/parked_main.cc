// gridcase-parked: lists the cases parked by the consumer groups, and releases or skips one after a fix.
//   gridcase-parked list [--group=G]
//   gridcase-parked release --group=G --case=ID [--wait=30s]
//   gridcase-parked skip --group=G --case=ID [--wait=30s]
// Redis is found as the services find it: --redis_addr, --redis_prefix (or GRIDCASE_REDIS_ADDR, _PREFIX).
#include <cstdio>
#include <iostream>

#include "absl/flags/flag.h"
#include "libs/config/config.h"
#include "libs/config/runtime_config.h"
#include "libs/parking/parked_cli.h"
#include "libs/parking/redis_parking_store.h"

ABSL_FLAG(std::string, group, "", "The consumer group (as the service names it, with the topic prefix)");
ABSL_FLAG(std::string, case, "", "The parked case's id (release, skip)");
ABSL_FLAG(absl::Duration, wait, absl::ZeroDuration(),
          "release, skip: wait up to this long for the service to replay the case, and report the outcome");

int main(int argc, char** argv) {
  std::vector<char*> args = gridcase::config::ParseFlags(
      argc, argv, "gridcase-parked list|release|skip --group=G [--case=ID]: the parked cases of consumer groups");
  if (args.size() != 2) {
    std::fprintf(stderr, "usage: gridcase-parked list|release|skip [--group=G] [--case=ID] [--wait=30s]\n");
    return 2;
  }
  auto config = gridcase::config::LoadRuntimeConfig();
  if (!config.ok()) {
    std::fprintf(stderr, "gridcase-parked: %s\n", std::string(config.status().message()).c_str());
    return 2;
  }
  auto redis = gridcase::redis::RedisClient::Create({.host = config->redis.host,
                                                    .port = config->redis.port,
                                                    .user = config->redis_user,
                                                    .password = config->redis_password});
  if (!redis.ok()) {
    std::fprintf(stderr, "gridcase-parked: %s\n", redis.status().ToString().c_str());
    return 1;
  }
  gridcase::parking::RedisParkingStore store(redis->get(), config->redis_prefix);
  return gridcase::parking::RunParkedCommand({.verb = args[1],
                                              .group = absl::GetFlag(FLAGS_group),
                                              .case_id = absl::GetFlag(FLAGS_case),
                                              .wait = absl::GetFlag(FLAGS_wait)},
                                             store, std::cout, std::cerr);
}
