#include "libs/kafka/topic_admin.h"

#include <functional>
#include <memory>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "librdkafka/rdkafka.h"
#include "libs/kafka/producer.h"
#include "spdlog/spdlog.h"

namespace gridcase::kafka {
namespace {

// The first error that no retry will cure — the broker refused the SASL user, or the TLS handshake failed — seen by
// an admin client's error callback. Owned by the client (its opaque).
struct FatalConnectError {
  rd_kafka_resp_err_t code = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::string reason;
};

void OnError(rd_kafka_t* /*rk*/, int code, const char* reason, void* opaque) {
  auto* fatal = static_cast<FatalConnectError*>(opaque);
  if (fatal->code != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  if (code == RD_KAFKA_RESP_ERR__AUTHENTICATION || code == RD_KAFKA_RESP_ERR__SSL) {
    fatal->code = static_cast<rd_kafka_resp_err_t>(code);
    fatal->reason = reason;
  }
}

struct HandleCloser {
  void operator()(rd_kafka_t* rk) const {
    auto* fatal = static_cast<FatalConnectError*>(rd_kafka_opaque(rk));
    rd_kafka_destroy(rk);
    delete fatal;
  }
};
struct QueueCloser {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
struct EventCloser {
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
struct OptionsCloser {
  void operator()(rd_kafka_AdminOptions_t* o) const { rd_kafka_AdminOptions_destroy(o); }
};
struct MetadataCloser {
  void operator()(const rd_kafka_metadata_t* m) const { rd_kafka_metadata_destroy(m); }
};
using Handle = std::unique_ptr<rd_kafka_t, HandleCloser>;
using Event = std::unique_ptr<rd_kafka_event_t, EventCloser>;

int Millis(absl::Duration d) { return static_cast<int>(absl::ToInt64Milliseconds(d)); }

absl::StatusOr<Handle> Connect(const Cluster& brokers) {
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (absl::Status s = ApplyProperties(ClientProperties(brokers, {}), conf, "admin"); !s.ok()) {
    rd_kafka_conf_destroy(conf);
    return s;
  }
  auto fatal = std::make_unique<FatalConnectError>();
  rd_kafka_conf_set_opaque(conf, fatal.get());
  rd_kafka_conf_set_error_cb(conf, OnError);
  Handle rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error)));
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return absl::InternalError(absl::StrCat("kafka admin: ", error));
  }
  fatal.release();  // Now owned by rk (HandleCloser).
  return rk;
}

// Submits one admin request (`submit` gets the options and the reply queue) and waits for its result event.
absl::StatusOr<Event> Await(rd_kafka_t* rk, rd_kafka_admin_op_t op, absl::Duration timeout, const char* what,
                            const std::function<void(rd_kafka_AdminOptions_t*, rd_kafka_queue_t*)>& submit) {
  char error[512];
  std::unique_ptr<rd_kafka_queue_t, QueueCloser> queue(rd_kafka_queue_new(rk));
  std::unique_ptr<rd_kafka_AdminOptions_t, OptionsCloser> options(rd_kafka_AdminOptions_new(rk, op));
  rd_kafka_AdminOptions_set_request_timeout(options.get(), Millis(timeout), error, sizeof(error));
  if (op == RD_KAFKA_ADMIN_OP_CREATETOPICS) {
    rd_kafka_AdminOptions_set_operation_timeout(options.get(), Millis(timeout), error, sizeof(error));
  }
  submit(options.get(), queue.get());
  // Waits for the reply, serving the error callback meanwhile: a refused user or a failed TLS handshake ends the
  // wait at once with what the broker said, rather than as a timeout.
  const absl::Time give_up = absl::Now() + timeout + absl::Seconds(5);
  Event event;
  const auto* fatal = static_cast<const FatalConnectError*>(rd_kafka_opaque(rk));
  while (event == nullptr) {
    event.reset(rd_kafka_queue_poll(queue.get(), 100));
    if (event != nullptr) break;
    rd_kafka_poll(rk, 0);
    if (fatal->code == RD_KAFKA_RESP_ERR__AUTHENTICATION) {
      return absl::UnauthenticatedError(absl::StrCat("kafka admin: ", what, ": ", fatal->reason,
                                                     " (check --kafka_sasl_username and --kafka_sasl_password_file)"));
    }
    if (fatal->code == RD_KAFKA_RESP_ERR__SSL) {
      return absl::UnavailableError(absl::StrCat("kafka admin: ", what, ": ", fatal->reason,
                                                 " (check --kafka_security_protocol, --kafka_ca and the broker's "
                                                 "certificate)"));
    }
    if (absl::Now() > give_up) return absl::DeadlineExceededError(absl::StrCat("kafka admin: ", what, " timed out"));
  }
  if (rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return KafkaError(rd_kafka_event_error(event.get()), what);
  }
  return event;
}

// Creates the topics; returns the names of those that existed already.
absl::StatusOr<std::set<std::string>> CreateTopics(rd_kafka_t* rk, const std::vector<TopicSpec>& topics,
                                                   absl::Duration timeout) {
  char error[512];
  std::vector<rd_kafka_NewTopic_t*> new_topics;
  auto destroy = [&] { rd_kafka_NewTopic_destroy_array(new_topics.data(), new_topics.size()); };
  for (const TopicSpec& spec : topics) {
    rd_kafka_NewTopic_t* topic =
        rd_kafka_NewTopic_new(spec.name.c_str(), spec.partitions, spec.replication_factor, error, sizeof(error));
    if (topic == nullptr) {
      destroy();
      return absl::InvalidArgumentError(absl::StrCat("kafka admin: topic ", spec.name, ": ", error));
    }
    new_topics.push_back(topic);
    for (const auto& [name, value] : spec.configs) {
      if (rd_kafka_NewTopic_set_config(topic, name.c_str(), value.c_str()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        destroy();
        return absl::InvalidArgumentError(absl::StrCat("kafka admin: topic ", spec.name, ": config ", name));
      }
    }
  }
  auto event = Await(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout, "CreateTopics",
                     [&](rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
                       rd_kafka_CreateTopics(rk, new_topics.data(), new_topics.size(), options, queue);
                     });
  destroy();
  if (!event.ok()) return event.status();
  const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event->get());
  size_t count = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(result, &count);
  std::set<std::string> existing;
  for (size_t i = 0; i < count; ++i) {
    rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      existing.insert(rd_kafka_topic_result_name(results[i]));
      continue;
    }
    const char* message = rd_kafka_topic_result_error_string(results[i]);
    return KafkaError(err, absl::StrCat("create topic ", rd_kafka_topic_result_name(results[i]),
                                        message != nullptr ? absl::StrCat(" (", message, ")") : ""));
  }
  return existing;
}

struct TopicConfigs {
  std::map<std::string, std::string> effective;
  std::map<std::string, std::string> overrides;
};

absl::StatusOr<std::map<std::string, TopicConfigs>> DescribeConfigs(rd_kafka_t* rk,
                                                                    const std::vector<std::string>& names,
                                                                    absl::Duration timeout) {
  std::vector<rd_kafka_ConfigResource_t*> resources;
  for (const std::string& name : names) {
    resources.push_back(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, name.c_str()));
  }
  auto event = Await(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, timeout, "DescribeConfigs",
                     [&](rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
                       rd_kafka_DescribeConfigs(rk, resources.data(), resources.size(), options, queue);
                     });
  rd_kafka_ConfigResource_destroy_array(resources.data(), resources.size());
  if (!event.ok()) return event.status();
  const rd_kafka_DescribeConfigs_result_t* result = rd_kafka_event_DescribeConfigs_result(event->get());
  size_t count = 0;
  const rd_kafka_ConfigResource_t** described = rd_kafka_DescribeConfigs_result_resources(result, &count);
  std::map<std::string, TopicConfigs> out;
  for (size_t i = 0; i < count; ++i) {
    std::string name = rd_kafka_ConfigResource_name(described[i]);
    rd_kafka_resp_err_t err = rd_kafka_ConfigResource_error(described[i]);
    if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) return absl::NotFoundError(absl::StrCat("topic ", name));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return KafkaError(err, absl::StrCat("describe configs of ", name));
    TopicConfigs& configs = out[name];
    size_t entries = 0;
    const rd_kafka_ConfigEntry_t** entry = rd_kafka_ConfigResource_configs(described[i], &entries);
    for (size_t j = 0; j < entries; ++j) {
      const char* value = rd_kafka_ConfigEntry_value(entry[j]);
      if (value == nullptr) continue;  // Sensitive or unset.
      configs.effective[rd_kafka_ConfigEntry_name(entry[j])] = value;
      if (rd_kafka_ConfigEntry_source(entry[j]) == RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG) {
        configs.overrides[rd_kafka_ConfigEntry_name(entry[j])] = value;
      }
    }
  }
  return out;
}

// AlterConfigs replaces a topic's whole set of overrides: each entry of `wanted` is the complete new set.
absl::Status AlterConfigs(rd_kafka_t* rk, const std::map<std::string, std::map<std::string, std::string>>& wanted,
                          absl::Duration timeout) {
  std::vector<rd_kafka_ConfigResource_t*> resources;
  for (const auto& [topic, configs] : wanted) {
    rd_kafka_ConfigResource_t* resource = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str());
    for (const auto& [name, value] : configs) rd_kafka_ConfigResource_set_config(resource, name.c_str(), value.c_str());
    resources.push_back(resource);
  }
  auto event = Await(rk, RD_KAFKA_ADMIN_OP_ALTERCONFIGS, timeout, "AlterConfigs",
                     [&](rd_kafka_AdminOptions_t* options, rd_kafka_queue_t* queue) {
                       rd_kafka_AlterConfigs(rk, resources.data(), resources.size(), options, queue);
                     });
  rd_kafka_ConfigResource_destroy_array(resources.data(), resources.size());
  if (!event.ok()) return event.status();
  const rd_kafka_AlterConfigs_result_t* result = rd_kafka_event_AlterConfigs_result(event->get());
  size_t count = 0;
  const rd_kafka_ConfigResource_t** altered = rd_kafka_AlterConfigs_result_resources(result, &count);
  for (size_t i = 0; i < count; ++i) {
    rd_kafka_resp_err_t err = rd_kafka_ConfigResource_error(altered[i]);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    const char* message = rd_kafka_ConfigResource_error_string(altered[i]);
    return KafkaError(err, absl::StrCat("alter configs of ", rd_kafka_ConfigResource_name(altered[i]),
                                        message != nullptr ? absl::StrCat(" (", message, ")") : ""));
  }
  return absl::OkStatus();
}

struct Layout {
  int partitions = 0;
  int replication_factor = 0;
};

// Partition count and replicas (of the first partition) of each named topic that exists.
absl::StatusOr<std::map<std::string, Layout>> DescribeLayouts(rd_kafka_t* rk, const std::set<std::string>& names,
                                                              absl::Duration timeout) {
  const rd_kafka_metadata_t* raw = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1, nullptr, &raw, Millis(timeout));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return KafkaError(err, "metadata");
  std::unique_ptr<const rd_kafka_metadata_t, MetadataCloser> metadata(raw);
  std::map<std::string, Layout> out;
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& topic = metadata->topics[i];
    if (!names.contains(topic.topic) || topic.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    Layout& layout = out[topic.topic];
    layout.partitions = topic.partition_cnt;
    if (topic.partition_cnt > 0) layout.replication_factor = topic.partitions[0].replica_cnt;
  }
  return out;
}

}  // namespace

absl::Status EnsureTopics(const Cluster& brokers, const std::vector<TopicSpec>& topics, absl::Duration timeout) {
  if (topics.empty()) return absl::OkStatus();
  auto rk = Connect(brokers);
  if (!rk.ok()) return rk.status();
  auto existing = CreateTopics(rk->get(), topics, timeout);
  if (!existing.ok()) return existing.status();
  if (existing->empty()) return absl::OkStatus();

  std::vector<std::string> names(existing->begin(), existing->end());
  auto configs = DescribeConfigs(rk->get(), names, timeout);
  if (!configs.ok()) return configs.status();
  auto layouts = DescribeLayouts(rk->get(), *existing, timeout);
  if (!layouts.ok()) return layouts.status();

  std::map<std::string, std::map<std::string, std::string>> alter;
  for (const TopicSpec& spec : topics) {
    if (!existing->contains(spec.name)) continue;
    if (auto layout = layouts->find(spec.name); layout != layouts->end()) {
      int min_insync = 1;
      if (auto it = spec.configs.find("min.insync.replicas"); it != spec.configs.end()) {
        (void)absl::SimpleAtoi(it->second, &min_insync);
      }
      if (layout->second.replication_factor < min_insync) {
        return absl::FailedPreconditionError(
            absl::StrCat("kafka admin: topic ", spec.name, " has ", layout->second.replication_factor,
                         " replicas, fewer than min.insync.replicas=", min_insync,
                         ": reassign its partitions to more brokers"));
      }
      if (layout->second.replication_factor < spec.replication_factor) {
        spdlog::warn("msg=topic_under_replicated topic={} replicas={} wanted={}", spec.name,
                     layout->second.replication_factor, spec.replication_factor);
      }
    }
    // The spec's settings are held on the topic itself, so that a change of the broker's defaults cannot reach it.
    const TopicConfigs& current = (*configs)[spec.name];
    std::vector<std::string> changed;
    for (const auto& [name, value] : spec.configs) {
      auto it = current.overrides.find(name);
      if (it != current.overrides.end() && it->second == value) continue;
      auto effective = current.effective.find(name);
      changed.push_back(absl::StrCat(name, "=", value, " (was ",
                                     effective == current.effective.end() ? "unset" : effective->second, ")"));
    }
    if (changed.empty()) continue;
    std::map<std::string, std::string> merged = current.overrides;
    for (const auto& [name, value] : spec.configs) merged[name] = value;
    alter[spec.name] = std::move(merged);
    spdlog::info("msg=topic_configs_converged topic={} changed=\"{}\"", spec.name, absl::StrJoin(changed, ", "));
  }
  if (alter.empty()) return absl::OkStatus();
  return AlterConfigs(rk->get(), alter, timeout);
}

absl::StatusOr<TopicDescription> DescribeTopic(const Cluster& brokers, const std::string& topic,
                                               absl::Duration timeout) {
  auto rk = Connect(brokers);
  if (!rk.ok()) return rk.status();
  auto layouts = DescribeLayouts(rk->get(), {topic}, timeout);
  if (!layouts.ok()) return layouts.status();
  auto layout = layouts->find(topic);
  if (layout == layouts->end()) return absl::NotFoundError(absl::StrCat("topic ", topic));
  auto configs = DescribeConfigs(rk->get(), {topic}, timeout);
  if (!configs.ok()) return configs.status();
  TopicDescription description;
  description.partitions = layout->second.partitions;
  description.replication_factor = layout->second.replication_factor;
  description.configs = (*configs)[topic].effective;
  description.overrides = (*configs)[topic].overrides;
  return description;
}

}  // namespace gridcase::kafka
