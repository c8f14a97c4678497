#include "services/intake/adapters/kafka_submission_ledger.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gridcase/v1/event.pb.h"
#include "libs/kafka/topic_reader.h"
#include "services/intake/core/case_day.h"

namespace gridcase::intake {

absl::StatusOr<DayOnRecord> KafkaSubmissionLedger::ReadDay(const std::string& day) {
  auto start = ShanghaiDayStart(day);
  if (!start.ok()) return start.status();
  std::string prefix = absl::StrCat("GC-", day, "-");
  DayOnRecord record;
  absl::Status read = kafka::ReadTopicsSince(
      brokers_, {topic_}, *start - clock_skew_,
      [&](const kafka::Message& message) {
        absl::string_view id = message.key;
        int64_t n = 0;
        if (absl::ConsumePrefix(&id, prefix) && absl::SimpleAtoi(id, &n)) {
          record.highest_case_number = std::max(record.highest_case_number, n);
        }
        // Records that do not parse are the dead-letter path's business; for numbering only the key counts.
        v1::CaseEvent event;
        if (!event.ParseFromString(message.value)) return absl::OkStatus();
        SubmissionOnRecord submission;
        if (event.has_submitted()) {
          const v1::Case& c = event.submitted().initial();
          if (c.idempotency_key().empty()) return absl::OkStatus();
          submission.channel = c.channel();
          submission.idempotency_key = c.idempotency_key();
          submission.submitted = std::move(event);
        } else if (event.has_co_requester_added()) {
          std::pair<std::string, std::string> ref =
              absl::StrSplit(event.co_requester_added().request_ref(), absl::MaxSplits(':', 1));
          if (!v1::Channel_Parse(ref.first, &submission.channel) || ref.second.empty()) return absl::OkStatus();
          submission.idempotency_key = ref.second;
          submission.linked_to = event.case_id();
        } else {
          return absl::OkStatus();
        }
        record.submissions.push_back(std::move(submission));
        return absl::OkStatus();
      },
      read_timeout_);
  if (!read.ok()) return read;
  return record;
}

}  // namespace gridcase::intake
