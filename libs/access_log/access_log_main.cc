// gridcase-access-log: answers "who saw or changed case X" from the audit topic (gridcase.audit.v1).
#include <cstdio>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/time/clock.h"
#include "gridcase/v1/access.pb.h"
#include "libs/access_log/access_query.h"
#include "libs/config/config.h"
#include "libs/config/runtime_config.h"
#include "libs/events/topics.h"
#include "libs/kafka/topic_reader.h"

ABSL_FLAG(std::string, case_id, "", "Show the records naming this case");
ABSL_FLAG(std::string, subject, "", "Show the records of this person or service");
ABSL_FLAG(absl::Duration, since, absl::ZeroDuration(), "Only records from this long ago on (0: all)");
ABSL_FLAG(bool, unmasked_only, false, "Only reads that returned a resident's data unmasked");

int main(int argc, char** argv) {
  gridcase::config::ParseFlags(argc, argv,
                               "gridcase-access-log --case_id=GC-… | --subject=<person>: who saw or changed what");
  auto config = gridcase::config::LoadRuntimeConfig();
  if (!config.ok()) {
    std::fprintf(stderr, "gridcase-access-log: %s\n", std::string(config.status().message()).c_str());
    return 2;
  }
  gridcase::access_log::AccessQuery query{.case_id = absl::GetFlag(FLAGS_case_id),
                                          .subject = absl::GetFlag(FLAGS_subject),
                                          .unmasked_only = absl::GetFlag(FLAGS_unmasked_only)};
  if (query.case_id.empty() && query.subject.empty()) {
    std::fprintf(stderr, "gridcase-access-log: give --case_id or --subject\n");
    return 2;
  }
  absl::Duration since = absl::GetFlag(FLAGS_since);
  if (since > absl::ZeroDuration()) query.since = absl::Now() - since;
  std::string topic = gridcase::events::Topics(config->topic_prefix).audit();
  const gridcase::kafka::Cluster cluster(config->kafka_brokers, config->kafka_client_props);
  int shown = 0;
  gridcase::access_log::SeenRecords seen;
  auto print = [&](const gridcase::kafka::Message& message) -> absl::Status {
    gridcase::v1::AccessRecord record;
    if (!record.ParseFromString(message.value)) return absl::OkStatus();  // Not an access record: skipped.
    if (!gridcase::access_log::Matches(query, record) || !seen.FirstTime(record)) return absl::OkStatus();
    gridcase::access_log::PrintRecord(record, std::cout);
    ++shown;
    return absl::OkStatus();
  };
  absl::Status read = query.since.has_value()
                          ? gridcase::kafka::ReadTopicsSince(cluster, {topic}, *query.since, print)
                          : gridcase::kafka::ReadTopics(cluster, {topic}, print);
  if (!read.ok()) {
    std::fprintf(stderr, "gridcase-access-log: %s\n", read.ToString().c_str());
    return 3;
  }
  std::fprintf(stderr, "%d record(s)\n", shown);
  return 0;
}
