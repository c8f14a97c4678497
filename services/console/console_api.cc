#include "services/console/console_api.h"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"
#include "libs/server/http_status.h"
#include "nlohmann/json.hpp"

namespace gridcase::console {
namespace {

constexpr int kQueuePage = 500;
// The queue's cases whose clocks are read (the most urgent first, as dispatch orders the queue): within a person's
// burst of calls, so that a long queue is not refused for its rate (libs/server/call_auth.h).
constexpr int kQueueClocks = 80;
constexpr int kAllowedBatch = 100;
constexpr int kMaxCasePages = 50;

// The registry as the browser needs it: names, links and polygons; no people, phones or gazetteer names.
std::string RegistryJson(const registry::OrgRegistry& registry) {
  v1::Registry shown = registry.proto();
  for (v1::Grid& grid : *shown.mutable_grids()) grid.clear_members();
  for (v1::Community& community : *shown.mutable_communities()) community.clear_place_names();
  return ToJson(shown);
}

// The clocks of a case, or "null" when the SLA service has not seen it.
absl::StatusOr<std::string> ClocksJson(const Backends& backends, const std::string& authorization,
                                       const std::string& case_id) {
  v1::GetCaseClocksRequest request;
  request.set_case_id(case_id);
  v1::CaseClocks clocks;
  auto context = backends.Context(authorization);
  grpc::Status status = backends.sla->GetCaseClocks(context.get(), request, &clocks);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) return std::string("null");
  if (!status.ok()) return FromGrpc(status);
  return ToJson(clocks);
}

// The allowed commands of each case, by case id.
absl::StatusOr<std::map<std::string, std::string>> AllowedJson(const Backends& backends,
                                                               const std::string& authorization,
                                                               const std::vector<std::string>& case_ids) {
  std::map<std::string, std::string> out;
  for (size_t first = 0; first < case_ids.size(); first += kAllowedBatch) {
    v1::ListAllowedCommandsRequest request;
    for (size_t i = first; i < std::min(case_ids.size(), first + kAllowedBatch); ++i) request.add_case_ids(case_ids[i]);
    v1::ListAllowedCommandsResponse response;
    auto context = backends.Context(authorization);
    grpc::Status status = backends.dispatch->ListAllowedCommands(context.get(), request, &response);
    if (!status.ok()) return FromGrpc(status);
    for (const v1::AllowedCommands& allowed : response.cases()) out[allowed.case_id()] = ToJson(allowed);
  }
  return out;
}

std::string JsonString(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool IsOpen(v1::CaseStatus status) {
  return status != v1::CASE_STATUS_CLOSED && status != v1::CASE_STATUS_INVALID &&
         status != v1::CASE_STATUS_DUPLICATE;
}

}  // namespace

std::unique_ptr<grpc::ClientContext> Backends::Context(const std::string& authorization) const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", authorization);
  context->set_deadline(absl::ToChronoTime(absl::Now() + call_timeout));
  return context;
}

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(message, &out, options).ok()) return "null";
  return out;
}

absl::Status FromGrpc(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

ApiReply ErrorReply(const absl::Status& status) {
  nlohmann::json body;
  body["error"]["status"] = absl::StatusCodeToString(status.code());
  body["error"]["message"] = std::string(status.message());
  return ApiReply{.status = server::ToHttpStatus(status),
                  .body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

ConsoleApi::ConsoleApi(const Backends* backends, std::shared_ptr<const registry::OrgRegistry> registry)
    : backends_(backends) {
  ReplaceRegistry(std::move(registry));
}

void ConsoleApi::ReplaceRegistry(std::shared_ptr<const registry::OrgRegistry> registry) {
  std::string json = RegistryJson(*registry);
  absl::MutexLock lock(&mu_);
  registry_ = std::move(registry);
  registry_json_ = std::move(json);
}

std::shared_ptr<const registry::OrgRegistry> ConsoleApi::registry() const {
  absl::MutexLock lock(&mu_);
  return registry_;
}

std::string ConsoleApi::UnitName(const std::string& code) const {
  auto r = registry();
  if (const auto* unit = r->FindGrid(code)) return unit->name();
  if (const auto* unit = r->FindCommunity(code)) return unit->name();
  if (const auto* unit = r->FindTownship(code)) return unit->name();
  if (const auto* unit = r->FindCounty(code)) return unit->name();
  if (const auto* unit = r->FindDepartment(code)) return unit->name();
  return "";
}

v1::AreaFilter ConsoleApi::AreaOf(const access::Caller& caller) {
  v1::AreaFilter area;
  if (caller.unit.empty()) return area;
  if (caller.role == v1::ROLE_DEPARTMENT_HANDLER) {
    area.add_unit_codes(caller.unit);
  } else {
    area.set_code_prefix(caller.unit);
  }
  return area;
}

ApiReply ConsoleApi::Me(const access::Caller& caller) const {
  nlohmann::json body;
  body["role"] = v1::Role_Name(caller.role);
  body["role_key"] = access::RoleName(caller.role);
  body["person_id"] = caller.person_id;
  body["unit"] = caller.unit;
  body["unit_name"] = UnitName(caller.unit);
  body["unit_level"] = v1::Level_Name(registry()->LevelOfUnit(caller.unit));
  return ApiReply{.body = body.dump()};
}

ApiReply ConsoleApi::Registry() const {
  absl::MutexLock lock(&mu_);
  return ApiReply{.body = registry_json_, .headers = {{"Cache-Control", "private, max-age=300"}}};
}

ApiReply ConsoleApi::Queue(const access::Caller& caller, const std::string& authorization) const {
  v1::ListQueueRequest request;
  request.set_unit_code(caller.unit);
  request.set_page_size(kQueuePage);
  v1::ListQueueResponse queue;
  auto context = backends_->Context(authorization);
  if (grpc::Status s = backends_->dispatch->ListQueue(context.get(), request, &queue); !s.ok()) {
    return ErrorReply(FromGrpc(s));
  }
  std::vector<std::string> ids;
  for (const v1::Case& c : queue.cases()) ids.push_back(c.id());
  std::map<std::string, std::string> allowed;
  if (!ids.empty()) {
    auto got = AllowedJson(*backends_, authorization, ids);
    if (!got.ok()) return ErrorReply(got.status());
    allowed = *std::move(got);
  }
  std::vector<std::string> items;
  for (const v1::Case& c : queue.cases()) {
    // A case without its clocks is still listed (unlit): the queue is the handler's work even when sla is not.
    std::string clocks = "null";
    if (static_cast<int>(items.size()) < kQueueClocks) {
      auto read = ClocksJson(*backends_, authorization, c.id());
      if (read.ok()) clocks = *std::move(read);
    }
    auto it = allowed.find(c.id());
    items.push_back(absl::StrCat("{\"case\":", ToJson(c), ",\"allowed\":", it == allowed.end() ? "null" : it->second,
                                 ",\"clocks\":", clocks, "}"));
  }
  return ApiReply{.body = absl::StrCat("{\"unit\":", JsonString(caller.unit), ",\"total\":", queue.total(),
                                       ",\"items\":[", absl::StrJoin(items, ","), "]}")};
}

ApiReply ConsoleApi::Case(const std::string& authorization, const std::string& case_id) const {
  v1::GetCaseRequest get;
  get.set_case_id(case_id);
  v1::Case c;
  auto context = backends_->Context(authorization);
  if (grpc::Status s = backends_->dispatch->GetCase(context.get(), get, &c); !s.ok()) return ErrorReply(FromGrpc(s));
  std::vector<std::string> events;
  v1::GetCaseTimelineRequest timeline_request;
  timeline_request.set_case_id(case_id);
  do {
    v1::CaseTimeline timeline;
    auto timeline_context = backends_->Context(authorization);
    grpc::Status s = backends_->dispatch->GetCaseTimeline(timeline_context.get(), timeline_request, &timeline);
    if (!s.ok()) return ErrorReply(FromGrpc(s));
    for (const v1::CaseEvent& event : timeline.events()) events.push_back(ToJson(event));
    timeline_request.set_page_token(timeline.next_page_token());
  } while (!timeline_request.page_token().empty());
  auto clocks = ClocksJson(*backends_, authorization, case_id);
  if (!clocks.ok()) return ErrorReply(clocks.status());
  auto allowed = AllowedJson(*backends_, authorization, {case_id});
  if (!allowed.ok()) return ErrorReply(allowed.status());
  auto it = allowed->find(case_id);
  return ApiReply{.body = absl::StrCat("{\"case\":", ToJson(c), ",\"timeline\":[", absl::StrJoin(events, ","),
                                       "],\"clocks\":", *clocks,
                                       ",\"allowed\":", it == allowed->end() ? "null" : it->second, "}")};
}

ApiReply ConsoleApi::Command(const std::string& authorization, const std::string& case_id,
                             const std::string& body) const {
  v1::CaseCommandRequest request;
  google::protobuf::util::JsonParseOptions options;
  if (auto parsed = google::protobuf::util::JsonStringToMessage(body, &request, options); !parsed.ok()) {
    return ErrorReply(absl::InvalidArgumentError(absl::StrCat("body: not a command: ", parsed.message().as_string())));
  }
  request.set_case_id(case_id);
  v1::CaseCommandResponse response;
  auto context = backends_->Context(authorization);
  if (grpc::Status s = backends_->dispatch->ExecuteCommand(context.get(), request, &response); !s.ok()) {
    return ErrorReply(FromGrpc(s));
  }
  return ApiReply{.body = ToJson(response)};
}

ApiReply ConsoleApi::Cases(const std::string& authorization, const std::string& status, int limit,
                           bool with_clocks, bool with_allowed) const {
  v1::ListCasesRequest request;
  request.set_page_size(500);
  std::vector<std::string> cases;
  std::vector<std::pair<int64_t, std::string>> running;  // Unresolved cases by due time (seconds), for their clocks.
  bool truncated = false;
  for (int page = 0; page < kMaxCasePages; ++page) {
    v1::ListCasesResponse response;
    auto context = backends_->Context(authorization);
    if (grpc::Status s = backends_->intake->ListCases(context.get(), request, &response); !s.ok()) {
      return ErrorReply(FromGrpc(s));
    }
    for (const v1::Case& c : response.cases()) {
      if (status == "open" && !IsOpen(c.status())) continue;
      if (static_cast<int>(cases.size()) >= limit) {
        truncated = true;
        break;
      }
      cases.push_back(ToJson(c));
      if (IsOpen(c.status()) && c.status() != v1::CASE_STATUS_RESOLVED) {
        running.emplace_back(c.has_due_at() ? c.due_at().seconds() : INT64_MAX, c.id());
      }
    }
    if (truncated || response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
    if (page + 1 == kMaxCasePages) truncated = true;
  }
  std::sort(running.begin(), running.end());
  std::vector<std::string> clocks;
  if (with_clocks) {
    for (size_t i = 0; i < running.size() && i < static_cast<size_t>(kQueueClocks); ++i) {
      auto read = ClocksJson(*backends_, authorization, running[i].second);
      if (read.ok()) clocks.push_back(absl::StrCat(JsonString(running[i].second), ":", *read));
    }
  }
  std::vector<std::string> allowed;
  if (with_allowed && !running.empty()) {
    std::vector<std::string> ids;
    for (size_t i = 0; i < running.size() && i < static_cast<size_t>(kAllowedBatch); ++i) {
      ids.push_back(running[i].second);
    }
    auto got = AllowedJson(*backends_, authorization, ids);
    if (!got.ok()) return ErrorReply(got.status());
    for (const auto& [id, json] : *got) allowed.push_back(absl::StrCat(JsonString(id), ":", json));
  }
  return ApiReply{.body = absl::StrCat("{\"cases\":[", absl::StrJoin(cases, ","),
                                       "],\"truncated\":", truncated ? "true" : "false", ",\"clocks\":{",
                                       absl::StrJoin(clocks, ","), "},\"allowed\":{", absl::StrJoin(allowed, ","),
                                       "}}")};
}

ApiReply ConsoleApi::Overdue(const access::Caller& caller, const std::string& authorization) const {
  v1::ListOverdueRequest request;
  *request.mutable_area() = AreaOf(caller);
  request.set_page_size(500);
  v1::ListOverdueResponse response;
  auto context = backends_->Context(authorization);
  if (grpc::Status s = backends_->sla->ListOverdue(context.get(), request, &response); !s.ok()) {
    return ErrorReply(FromGrpc(s));
  }
  return ApiReply{.body = ToJson(response)};
}

ApiReply ConsoleApi::Report(const std::string& authorization, const std::string& from, const std::string& to,
                            const std::string& area, const std::string& format) const {
  v1::GetReportRequest request;
  request.set_from(from);
  request.set_to(to);
  request.set_area(area);
  if (format == "csv") {
    request.set_format(v1::REPORT_FORMAT_CSV);
  } else if (!format.empty() && format != "json") {
    return ErrorReply(absl::InvalidArgumentError("format: must be json or csv"));
  }
  v1::GetReportResponse response;
  auto context = backends_->Context(authorization);
  if (grpc::Status s = backends_->feedback->GetReport(context.get(), request, &response); !s.ok()) {
    return ErrorReply(FromGrpc(s));
  }
  if (format == "csv") {
    return ApiReply{.body = response.document(),
                    .content_type = response.content_type(),
                    .headers = {{"Content-Disposition",
                                 absl::StrCat("attachment; filename=\"report-", area.empty() ? "all" : area, "-", from,
                                              "-", to, ".csv\"")}}};
  }
  return ApiReply{.body = ToJson(response.report())};
}

}  // namespace gridcase::console
