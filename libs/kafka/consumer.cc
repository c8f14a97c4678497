#include "libs/kafka/consumer.h"

#include <unistd.h>

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "librdkafka/rdkafkacpp.h"
#include "libs/faults/crash_point.h"
#include "libs/kafka/case_lanes.h"
#include "libs/kafka/case_wait.h"
#include "libs/kafka/kafka_metrics.h"
#include "spdlog/spdlog.h"

namespace gridcase::kafka {

class Consumer::Rebalancer : public RdKafka::RebalanceCb {
 public:
  Rebalancer(std::atomic<bool>* assigned, std::atomic<bool>* assignment_changed)
      : assigned_(assigned), assignment_changed_(assignment_changed) {}

  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    bool cooperative = consumer->rebalance_protocol() == "COOPERATIVE";
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      if (cooperative) {
        delete consumer->incremental_assign(partitions);
      } else {
        consumer->assign(partitions);
      }
      if (!partitions.empty()) *assigned_ = true;
      *assignment_changed_ = true;
      spdlog::info("msg=partitions_assigned count={}", partitions.size());
      return;
    }
    // Revoked: commit what is stored for these partitions before another member takes them over.
    consumer->commitSync();
    if (cooperative) {
      delete consumer->incremental_unassign(partitions);
    } else {
      consumer->unassign();
    }
    spdlog::info("msg=partitions_revoked count={}", partitions.size());
  }

 private:
  std::atomic<bool>* assigned_;
  std::atomic<bool>* assignment_changed_;
};

absl::StatusOr<std::unique_ptr<Consumer>> Consumer::Create(const ConsumerOptions& options, Producer* dead_letters) {
  if (options.topics.empty()) return absl::InvalidArgumentError("kafka consumer: no topics");
  if (options.group_id.empty()) return absl::InvalidArgumentError("kafka consumer: empty group id");
  auto consumer = std::unique_ptr<Consumer>(new Consumer(options, dead_letters, nullptr, nullptr));
  consumer->rebalancer_ = std::make_unique<Rebalancer>(&consumer->assigned_, &consumer->assignment_changed_);

  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  Properties defaults = {
      {"group.id", options.group_id},
      {"client.id", options.client_id},
      {"enable.auto.commit", "true"},
      {"enable.auto.offset.store", "false"},
      {"auto.commit.interval.ms", "1000"},
      {"auto.offset.reset", "earliest"},
      {"partition.assignment.strategy", "cooperative-sticky"},
      // A member that died is noticed within 6 s (the broker's smallest allowed session), so its partitions move on.
      {"session.timeout.ms", "6000"},
      {"heartbeat.interval.ms", "1000"},
      // After a broker restart, reconnect within a second rather than after librdkafka's default 10 s backoff.
      {"reconnect.backoff.max.ms", "1000"},
      {"topic.metadata.refresh.interval.ms", "5000"},
      {"allow.auto.create.topics", "true"},
      // A fetch waits (at most 50 ms) for 64 KiB rather than returning each record on its own: far fewer requests for
      // the broker and bigger batches for RunBatches. A quiet topic's record reaches its consumer up to 50 ms later;
      // every gridcase service runs several consumers, whose near-empty fetches at 10 ms cost the broker a third of
      // its CPU per case (scripts/bench e2e).
      {"fetch.wait.max.ms", "50"},
      {"fetch.min.bytes", "65536"},
  };
  if (absl::Status s = ApplyProperties(ClientProperties(options.brokers, std::move(defaults), options.extra),
                                       conf->c_ptr_global(), "consumer");
      !s.ok()) {
    return s;
  }
  if (conf->set("rebalance_cb", consumer->rebalancer_.get(), error) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(absl::StrCat("kafka consumer rebalance_cb: ", error));
  }
  consumer->consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), error));
  if (consumer->consumer_ == nullptr) return absl::InternalError(absl::StrCat("kafka consumer: ", error));
  RdKafka::ErrorCode err = consumer->consumer_->subscribe(options.topics);
  if (err != RdKafka::ERR_NO_ERROR) return KafkaError(err, "subscribe");
  return consumer;
}

Consumer::Consumer(const ConsumerOptions& options, Producer* dead_letters, std::unique_ptr<Rebalancer> rebalancer,
                   std::unique_ptr<RdKafka::KafkaConsumer> consumer)
    : options_(options),
      dead_letters_(dead_letters),
      rebalancer_(std::move(rebalancer)),
      consumer_(std::move(consumer)),
      owner_(absl::StrCat(options.client_id, "-", getpid(), "-", absl::ToUnixNanos(absl::Now()))) {}

Consumer::~Consumer() { Close(); }

namespace {

Message CopyOut(RdKafka::Message& m) {
  Message out;
  out.topic = m.topic_name();
  out.partition = m.partition();
  out.offset = m.offset();
  if (m.key() != nullptr) out.key = *m.key();
  out.value.assign(static_cast<const char*>(m.payload()), m.len());
  out.timestamp_ms = m.timestamp().timestamp;
  if (RdKafka::Headers* headers = m.headers(); headers != nullptr) {
    for (const RdKafka::Headers::Header& h : headers->get_all()) {
      out.headers.push_back({h.key(), std::string(static_cast<const char*>(h.value()), h.value_size())});
    }
  }
  return out;
}

// The status as the operator reads it: code and message, without payloads.
std::string Reason(const absl::Status& status) {
  return absl::StrCat(absl::StatusCodeToString(status.code()), ": ", status.message());
}

bool IsPoison(const absl::Status& status) {
  return status.code() == absl::StatusCode::kInvalidArgument || status.code() == absl::StatusCode::kDataLoss;
}

}  // namespace

absl::Status Consumer::DeadLetter(const Message& message, const absl::Status& reason) {
  if (dead_letters_ == nullptr) return absl::FailedPreconditionError("no dead-letter producer");
  std::vector<Header> headers = message.headers;
  headers.push_back({"gridcase-dlt-reason", reason.ToString()});
  headers.push_back({"gridcase-dlt-topic", message.topic});
  headers.push_back({"gridcase-dlt-partition", absl::StrCat(message.partition)});
  headers.push_back({"gridcase-dlt-offset", absl::StrCat(message.offset)});
  return dead_letters_->Produce(message.topic + ".dlt", message.key, message.value, headers);
}

absl::Status Consumer::ParkCase(const Message& message, ParkedState state, const absl::Status& reason,
                                bool dead_lettered) {
  auto parked = options_.parking.store->ParkCase(options_.group_id, message, state, Reason(reason), dead_lettered);
  if (!parked.ok()) return parked.status();
  faults::CrashPoint("kafka.consumer.case_parked");
  parked_cases_.insert(message.key);
  if (*parked == ParkingStore::ParkOutcome::kParked) KafkaMetrics::Get().parked(options_.group_id).Increment();
  spdlog::error("msg=case_parked group={} case_id={} state={} topic={} partition={} offset={} reason={}",
                options_.group_id, message.key, ParkedStateName(state), message.topic, message.partition,
                message.offset, Reason(reason));
  KafkaMetrics::Get().parked_cases(options_.group_id).Set(static_cast<double>(parked_cases_.size()));
  return absl::OkStatus();
}

absl::Status Consumer::Process(const Message& message, const Handler& handler) {
  KafkaMetrics& metrics = KafkaMetrics::Get();
  const bool parks = options_.parking.store != nullptr && !message.key.empty();
  if (parks && assignment_changed_.exchange(false)) {
    if (absl::Status s = RefreshParkedCases(); !s.ok()) {
      assignment_changed_ = true;
      return s;
    }
  }
  if (parks && parked_cases_.contains(message.key)) {
    auto parked = options_.parking.store->ParkIfParked(options_.group_id, message);
    if (!parked.ok()) return parked.status();
    if (*parked == ParkingStore::ParkOutcome::kNotParked) {
      parked_cases_.erase(message.key);
    } else {
      if (*parked == ParkingStore::ParkOutcome::kParked) {
        metrics.parked(options_.group_id).Increment();
        spdlog::warn("msg=record_parked group={} case_id={} topic={} partition={} offset={}", options_.group_id,
                     message.key, message.topic, message.partition, message.offset);
      }
      return absl::OkStatus();
    }
  }
  absl::Status status = handler(message);
  if (status.ok()) {
    wait_.reset();
    return status;
  }
  if (IsPoison(status)) {
    wait_.reset();
    if (absl::Status dlt = DeadLetter(message, status); !dlt.ok()) return dlt;
    faults::CrashPoint("kafka.consumer.dead_lettered");
    metrics.dead_lettered(message.topic).Increment();
    spdlog::error("msg=dead_lettered topic={} partition={} offset={} reason={}", message.topic, message.partition,
                  message.offset, status.ToString());
    if (parks) return ParkCase(message, ParkedState::kHeld, status, /*dead_lettered=*/true);
    return absl::OkStatus();
  }
  if (parks && IsWaitForEarlierRecord(status)) {
    std::string id = RecordId(message);
    absl::Time now = absl::Now();
    if (!wait_.has_value() || wait_->record_id != id) wait_ = Wait{id, now};
    if (now - wait_->since >= options_.parking.gap_patience) {
      wait_.reset();
      return ParkCase(message, ParkedState::kWaiting, status, /*dead_lettered=*/false);
    }
  }
  return status;
}

absl::Status Consumer::RefreshParkedCases() {
  auto cases = options_.parking.store->ParkedCaseIds(options_.group_id);
  if (!cases.ok()) return cases.status();
  parked_cases_ = std::set<std::string>(cases->begin(), cases->end());
  KafkaMetrics::Get().parked_cases(options_.group_id).Set(static_cast<double>(parked_cases_.size()));
  return absl::OkStatus();
}

void Consumer::ReplayParkedCases(const Handler& handler) {
  ParkingStore& store = *options_.parking.store;
  auto cases = store.CasesToReplay(options_.group_id);
  if (!cases.ok()) {
    spdlog::warn("msg=parking_poll_failed group={} error={}", options_.group_id, cases.status().ToString());
    return;
  }
  for (const std::string& case_id : *cases) {
    if (stopping_.load()) break;
    auto claimed = store.Claim(options_.group_id, case_id, owner_, options_.parking.claim_lease);
    if (!claimed.ok() || !*claimed) continue;
    ReplayCase(case_id, handler);
    if (absl::Status s = store.Unclaim(options_.group_id, case_id, owner_); !s.ok()) {
      spdlog::warn("msg=parking_unclaim_failed group={} case_id={} error={}", options_.group_id, case_id,
                   s.ToString());
    }
  }
  if (absl::Status s = RefreshParkedCases(); !s.ok()) {
    spdlog::warn("msg=parking_poll_failed group={} error={}", options_.group_id, s.ToString());
  }
}

void Consumer::ReplayCase(const std::string& case_id, const Handler& handler) {
  ParkingStore& store = *options_.parking.store;
  const std::string& group = options_.group_id;
  // Bounded per poll, so that a long parked list never keeps the member from polling Kafka (max.poll.interval.ms);
  // the case stays released and the next poll goes on from where this one stopped.
  constexpr int kRecordsPerPoll = 1000;
  for (int replayed = 0; replayed < kRecordsPerPoll && !stopping_.load(); ++replayed) {
    auto found = store.Find(group, case_id);
    if (!found.ok()) {
      spdlog::warn("msg=replay_stopped group={} case_id={} error={}", group, case_id, found.status().ToString());
      return;
    }
    if (!found->has_value() || !(*found)->head.has_value()) return;
    const ParkedCase& parked = **found;
    if (parked.state == ParkedState::kHeld) return;
    const Message& head = *parked.head;
    std::string id = RecordId(head);
    if (parked.state == ParkedState::kSkip) {
      if (!parked.head_dead_lettered) {
        absl::Status dlt =
            DeadLetter(head, absl::AbortedError(absl::StrCat("skipped by an operator: ", parked.reason)));
        if (!dlt.ok()) {
          spdlog::warn("msg=replay_stopped group={} case_id={} error={}", group, case_id, dlt.ToString());
          return;
        }
        KafkaMetrics::Get().dead_lettered(head.topic).Increment();
      }
      auto removed = store.RemoveHead(group, case_id, id, ParkedState::kRelease);
      if (!removed.ok()) {
        spdlog::warn("msg=replay_stopped group={} case_id={} error={}", group, case_id, removed.status().ToString());
        return;
      }
      spdlog::warn("msg=parked_record_skipped group={} case_id={} topic={} partition={} offset={}", group, case_id,
                   head.topic, head.partition, head.offset);
      if (*removed) {
        spdlog::info("msg=case_unparked group={} case_id={}", group, case_id);
        return;
      }
      continue;
    }
    absl::Status status = handler(head);
    if (status.ok()) {
      faults::CrashPoint("kafka.consumer.parked_record_applied");
      auto removed = store.RemoveHead(group, case_id, id, std::nullopt);
      if (!removed.ok()) {
        spdlog::warn("msg=replay_stopped group={} case_id={} error={}", group, case_id, removed.status().ToString());
        return;
      }
      KafkaMetrics::Get().replayed(group).Increment();
      spdlog::info("msg=parked_record_applied group={} case_id={} topic={} partition={} offset={}", group, case_id,
                   head.topic, head.partition, head.offset);
      if (*removed) {
        spdlog::info("msg=case_unparked group={} case_id={}", group, case_id);
        return;
      }
      if (!store.Claim(group, case_id, owner_, options_.parking.claim_lease).value_or(false)) return;
      continue;
    }
    if (IsPoison(status)) {
      bool dead_lettered = parked.head_dead_lettered;
      if (!dead_lettered) {
        if (!DeadLetter(head, status).ok()) return;
        KafkaMetrics::Get().dead_lettered(head.topic).Increment();
        dead_lettered = true;
      }
      if (absl::Status s = store.Hold(group, case_id, ParkedState::kHeld, Reason(status), dead_lettered); !s.ok()) {
        // The request stays pending: the next poll replays the record again.
        spdlog::warn("msg=replay_stopped group={} case_id={} error={}", group, case_id, s.ToString());
      }
      spdlog::error("msg=case_still_parked group={} case_id={} topic={} partition={} offset={} reason={}", group,
                    case_id, head.topic, head.partition, head.offset, status.ToString());
      return;
    }
    if (IsWaitForEarlierRecord(status)) {
      if (parked.state != ParkedState::kWaiting || parked.reason != Reason(status)) {
        absl::Status s = store.Hold(group, case_id, ParkedState::kWaiting, Reason(status), parked.head_dead_lettered);
        if (!s.ok()) spdlog::warn("msg=replay_stopped group={} case_id={} error={}", group, case_id, s.ToString());
      }
      spdlog::debug("msg=parked_case_waiting group={} case_id={} reason={}", group, case_id, Reason(status));
      return;
    }
    spdlog::warn("msg=replay_retry group={} case_id={} topic={} partition={} offset={} error={}", group, case_id,
                 head.topic, head.partition, head.offset, status.ToString());
    return;
  }
}

void Consumer::StoreOffset(const Message& message) {
  std::vector<RdKafka::TopicPartition*> next = {
      RdKafka::TopicPartition::create(message.topic, message.partition, message.offset + 1)};
  consumer_->offsets_store(next);
  RdKafka::TopicPartition::destroy(next);
  KafkaMetrics::Get().consumed(message.topic).Increment();
}

void Consumer::Redeliver(const Message& message, const absl::Status& status) {
  KafkaMetrics::Get().retried(message.topic).Increment();
  spdlog::warn("msg=handler_retry topic={} partition={} offset={} error={}", message.topic, message.partition,
               message.offset, status.ToString());
  std::unique_ptr<RdKafka::TopicPartition> again(
      RdKafka::TopicPartition::create(message.topic, message.partition, message.offset));
  consumer_->seek(*again, 1000);
}

std::vector<Message> Consumer::Poll(size_t max_records) {
  std::vector<Message> batch;
  while (batch.size() < max_records) {
    std::unique_ptr<RdKafka::Message> raw(consumer_->consume(batch.empty() ? 100 : 0));
    if (raw->err() == RdKafka::ERR__TIMED_OUT || raw->err() == RdKafka::ERR__PARTITION_EOF) break;
    if (raw->err() != RdKafka::ERR_NO_ERROR) {
      // Unknown topic before it is created, transient broker errors: librdkafka recovers by itself.
      spdlog::warn("msg=consume_error error={}", RdKafka::err2str(raw->err()));
      break;
    }
    batch.push_back(CopyOut(*raw));
  }
  return batch;
}

void Consumer::Run(const Handler& handler) {
  while (!stopping_.load()) {
    if (options_.parking.store != nullptr && absl::Now() >= next_parking_poll_) {
      ReplayParkedCases(handler);
      next_parking_poll_ = absl::Now() + options_.parking.poll;
    }
    std::vector<Message> polled = Poll(1);
    if (polled.empty()) continue;
    const Message& message = polled.front();
    absl::Status status = Process(message, handler);
    if (status.ok()) {
      StoreOffset(message);
      continue;
    }
    Redeliver(message, status);
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(options_.retry_backoff));
  }
  Close();
}

void Consumer::RunBatches(const BatchHandler& handler, size_t max_records) {
  const Handler one = [&handler](const Message& m) { return handler(absl::MakeConstSpan(&m, 1)).front(); };
  while (!stopping_.load()) {
    const bool parks = options_.parking.store != nullptr;
    if (parks && absl::Now() >= next_parking_poll_) {
      ReplayParkedCases(one);
      next_parking_poll_ = absl::Now() + options_.parking.poll;
    }
    std::vector<Message> polled = Poll(std::max<size_t>(max_records, 1));
    if (polled.empty()) continue;
    // The parked set must be current before it decides which records bypass the batch.
    bool parked_known = !parks;
    if (parks) {
      parked_known = !assignment_changed_.exchange(false) || RefreshParkedCases().ok();
      if (!parked_known) assignment_changed_ = true;
    }
    std::vector<Message> direct;
    std::vector<size_t> direct_index(polled.size(), polled.size());
    for (size_t i = 0; i < polled.size(); ++i) {
      const Message& m = polled[i];
      if (!parked_known || (parks && !m.key.empty() && parked_cases_.contains(m.key))) continue;
      direct_index[i] = direct.size();
      direct.push_back(m);
    }
    std::vector<absl::Status> answers;
    if (!direct.empty()) answers = handler(direct);
    if (answers.size() != direct.size()) {
      answers.assign(direct.size(), absl::InternalError("batch handler answered for another number of records"));
    }
    std::set<std::pair<std::string, int32_t>> redelivering;
    for (size_t i = 0; i < polled.size(); ++i) {
      const Message& m = polled[i];
      if (redelivering.contains({m.topic, m.partition})) continue;
      const bool answered_ok = direct_index[i] < direct.size() && answers[direct_index[i]].ok();
      absl::Status status = answered_ok ? absl::OkStatus() : Process(m, one);
      if (status.ok()) {
        StoreOffset(m);
        continue;
      }
      Redeliver(m, status);
      redelivering.insert({m.topic, m.partition});
    }
    if (!redelivering.empty()) std::this_thread::sleep_for(absl::ToChronoMilliseconds(options_.retry_backoff));
  }
  Close();
}

void Consumer::RunByCase(const Handler& handler, int lanes, size_t max_records) {
  CaseLanes by_case(handler, lanes);
  RunBatches([&by_case](absl::Span<const Message> records) { return by_case.Handle(records); }, max_records);
}

void Consumer::Close() {
  if (closed_ || consumer_ == nullptr) return;
  closed_ = true;
  consumer_->commitSync();
  consumer_->close();
}

}  // namespace gridcase::kafka
