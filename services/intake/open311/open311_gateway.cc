#include "services/intake/open311/open311_gateway.h"

#include <httplib.h>

#include <algorithm>
#include <deque>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "libs/config/config.h"
#include "libs/events/proto_time.h"
#include "libs/log/log.h"
#include "libs/validation/field_error.h"
#include "libs/server/http_status.h"
#include "services/intake/open311/open311_metrics.h"
#include "spdlog/spdlog.h"

namespace gridcase::intake::open311 {
namespace {

using nlohmann::json;

constexpr char kJson[] = "application/json; charset=utf-8";
constexpr char kFormType[] = "application/x-www-form-urlencoded";
// Names of API keys are [a-z0-9._-]: this one cannot collide with a client.
constexpr char kAnonymousBucket[] = "*anonymous";
// Parameters that may be given more than once in a query string (values are joined with commas).
constexpr absl::string_view kListParams[] = {"service_request_id", "service_code", "status"};
// ListCases pages (the core's maximum) and a bound on pages scanned for one GET /requests.json.
constexpr int kPageSize = 500;
constexpr int kMaxPagesScanned = 2000;

std::string Dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

bool IsListParam(absl::string_view name) {
  for (absl::string_view list : kListParams) {
    if (list == name) return true;
  }
  return false;
}

// Collapses a multimap of parameters; repeats of a list parameter are joined with commas, repeats of anything else
// are refused.
absl::StatusOr<Params> Collapse(const httplib::Params& multi) {
  Params params;
  for (const auto& [name, value] : multi) {
    auto [it, inserted] = params.emplace(name, value);
    if (inserted) continue;
    if (!IsListParam(name)) return validation::FieldError(name, "given more than once");
    absl::StrAppend(&it->second, ",", value);
  }
  return params;
}

// The media type of the request's Content-Type, lower-cased, without parameters.
std::string MediaType(const httplib::Request& request) {
  std::string content_type = request.get_header_value("Content-Type");
  std::string media_type(absl::StripAsciiWhitespace(absl::string_view(content_type).substr(0, content_type.find(';'))));
  absl::AsciiStrToLower(&media_type);
  return media_type;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Open311Gateway>> Open311Gateway::Start(Open311GatewayOptions options, ApiKeyStore* keys,
                                                                      Open311Backend* backend,
                                                                      registry::RegistryHolder* registry) {
  auto address = config::ParseHostPort(options.address, "--open311_addr");
  if (!address.ok()) return address.status();
  if (options.threads < 1 || options.threads > 256) {
    return absl::InvalidArgumentError("--open311_threads: must be 1..256");
  }
  if (options.max_body_bytes < 1024) return absl::InvalidArgumentError("--open311_max_body_bytes: must be >= 1024");
  if (!(options.anonymous.rate_per_second > 0) || !(options.anonymous.burst >= 1)) {
    return absl::InvalidArgumentError("--open311_anonymous_rate: must be > 0, with a burst of at least 1");
  }
  if (keys == nullptr || backend == nullptr || registry == nullptr) {
    return absl::InvalidArgumentError("Open311Gateway: keys, backend and registry are required");
  }
  std::unique_ptr<Open311Gateway> gateway(new Open311Gateway(std::move(options), keys, backend, registry));
  httplib::Server& server = *gateway->server_;
  int threads = gateway->options_.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  server.set_payload_max_length(gateway->options_.max_body_bytes);
  server.set_read_timeout(10, 0);
  server.set_write_timeout(10, 0);
  server.set_keep_alive_timeout(30);
  gateway->Route();
  int port = address->port == 0 ? server.bind_to_any_port(address->host)
                                : (server.bind_to_port(address->host, address->port) ? address->port : -1);
  if (port <= 0) {
    return absl::UnavailableError(absl::StrCat("--open311_addr: cannot listen on ", gateway->options_.address));
  }
  gateway->port_ = port;
  Open311Gateway* raw = gateway.get();
  gateway->listener_ = std::thread([raw] { raw->server_->listen_after_bind(); });
  // Until the accept loop runs, httplib's stop() would do nothing and Shutdown could not end it.
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (!server.is_running()) {
    if (absl::Now() > deadline) {
      return absl::UnavailableError(
          absl::StrCat("--open311_addr: server on ", gateway->options_.address, " did not start"));
    }
    absl::SleepFor(absl::Milliseconds(1));
  }
  return gateway;
}

Open311Gateway::Open311Gateway(Open311GatewayOptions options, ApiKeyStore* keys, Open311Backend* backend,
                               registry::RegistryHolder* registry)
    : options_(std::move(options)),
      keys_(keys),
      backend_(backend),
      registry_(registry),
      server_(server::MakeHttpServer(options_.make_server)) {}

Open311Gateway::~Open311Gateway() { Shutdown(); }

void Open311Gateway::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  server_->stop();
  if (listener_.joinable()) listener_.join();
}

absl::Time Open311Gateway::Now() const { return options_.clock ? options_.clock() : absl::Now(); }

void Open311Gateway::Route() {
  httplib::Server& server = *server_;
  server.Get("/services.json", [this](const httplib::Request& req, httplib::Response& res) {
    Serve("get_services", res, [&] { return ListServices(req); });
  });
  server.Get(R"(/services/([^/]+)\.json)", [this](const httplib::Request& req, httplib::Response& res) {
    Serve("get_service", res, [&] { return DescribeService(req); });
  });
  server.Get("/requests.json", [this](const httplib::Request& req, httplib::Response& res) {
    Serve("get_requests", res, [&] { return ListRequests(req); });
  });
  server.Get(R"(/requests/([^/]+)\.json)", [this](const httplib::Request& req, httplib::Response& res) {
    Serve("get_request", res, [&] { return GetRequest(req); });
  });
  server.Post("/requests.json", [this](const httplib::Request& req, httplib::Response& res,
                                       const httplib::ContentReader& content_reader) {
    Serve("post_requests", res, [&] { return ReceiveRequest(req, res, content_reader); });
  });
  server.Get(R"(/(services|requests)(/[^/]+)?\.(xml|[a-z]+))",
             [this](const httplib::Request& req, httplib::Response& res) {
               Serve("other", res, [] {
                 return Reply{.http_status = 400, .body = ErrorBody(400, "format: only JSON is served (use .json)")};
               });
             });
  // Errors that httplib produces itself (unknown path, malformed request, oversized body) in the GeoReport shape.
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) -> httplib::Server::HandlerResponse {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string description;
        switch (res.status) {
          case 404:
            description = absl::StrCat("no such endpoint: ", req.method, " ", req.path);
            break;
          case 413:
            description = absl::StrCat("request body larger than ", options_.max_body_bytes, " bytes");
            break;
          case 400:
            description = "malformed HTTP request";
            break;
          default:
            description = absl::StrCat("HTTP ", res.status);
            break;
        }
        res.set_content(ErrorBody(res.status, description), kJson);
        Open311Metrics::Get().CountRequest("other", res.status);
        return httplib::Server::HandlerResponse::Handled;
      }));
  server.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
    res.status = 500;
    res.set_content(ErrorBody(500, "internal error"), kJson);
    spdlog::error("msg=open311_exception method={} path={}", req.method, log::Quote(req.path));
  });
}

void Open311Gateway::Serve(const char* endpoint, httplib::Response& http_response,
                           const std::function<Reply()>& handler) {
  absl::Time start = absl::Now();
  Reply reply = handler();
  http_response.status = reply.http_status;
  if (reply.retry_after > absl::ZeroDuration()) {
    http_response.set_header(
        "Retry-After",
        absl::StrCat(std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(reply.retry_after, absl::Seconds(1))))));
  }
  http_response.set_content(std::move(reply.body), kJson);
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  Open311Metrics& metrics = Open311Metrics::Get();
  metrics.CountRequest(endpoint, reply.http_status);
  metrics.ObserveSeconds(endpoint, seconds);
  spdlog::log(reply.http_status >= 500 ? spdlog::level::err : spdlog::level::info,
              "msg=open311_request endpoint={} status={} client={} case_id={} ms={:.1f}", endpoint, reply.http_status,
              reply.client.empty() ? "-" : reply.client, reply.case_id.empty() ? "-" : reply.case_id, seconds * 1e3);
}

std::optional<Open311Gateway::Reply> Open311Gateway::Admit(const Params& params, bool required, std::string* client) {
  auto it = params.find("api_key");
  std::string key = it == params.end() ? std::string() : it->second;
  RateLimit limit = options_.anonymous;
  std::string bucket = kAnonymousBucket;
  if (key.empty()) {
    if (required) return Failed(absl::PermissionDeniedError("api_key: required"));
  } else {
    std::shared_ptr<const ApiKeys> keys = keys_->Current();
    const ApiKey* found = keys->Find(key);
    if (found == nullptr) return Failed(absl::PermissionDeniedError("api_key: unknown key"));
    *client = found->name;
    bucket = found->name;
    limit = found->limit;
  }
  absl::Duration wait = limiter_.Admit(bucket, limit, Now());
  if (wait == absl::ZeroDuration()) return std::nullopt;
  Open311Metrics::Get().CountThrottled(client->empty() ? "anonymous" : *client);
  return Failed(absl::ResourceExhaustedError(absl::StrFormat(
                    "rate limit of %g requests/s (burst %g) for %s exceeded; retry after %s", limit.rate_per_second,
                    limit.burst, client->empty() ? "requests without an api_key" : absl::StrCat("api key ", *client),
                    absl::FormatDuration(absl::Ceil(wait, absl::Milliseconds(1))))),
                *client, wait);
}

Open311Gateway::Reply Open311Gateway::Failed(const absl::Status& status, std::string client,
                                             absl::Duration retry_after) {
  int http = server::ToHttpStatus(status);
  std::string description = http == 500 ? absl::StrCat("internal error: ", absl::StatusCodeToString(status.code()))
                                        : std::string(status.message());
  return Reply{.http_status = http,
               .body = ErrorBody(http, description),
               .client = std::move(client),
               .retry_after = retry_after};
}

std::optional<Open311Gateway::Reply> Open311Gateway::AdmitRead(const httplib::Request& request, Params* params,
                                                               std::string* client) {
  auto collapsed = Collapse(request.params);
  if (!collapsed.ok()) return Failed(collapsed.status());
  *params = *std::move(collapsed);
  if (std::optional<Reply> refused = Admit(*params, /*required=*/false, client)) return refused;
  if (absl::Status s = CheckJurisdiction(*params, *registry_->Get()); !s.ok()) return Failed(s, *client);
  return std::nullopt;
}

Open311Gateway::Reply Open311Gateway::ListServices(const httplib::Request& request) {
  Params params;
  std::string client;
  if (std::optional<Reply> refused = AdmitRead(request, &params, &client)) return *refused;
  std::shared_ptr<const registry::OrgRegistry> registry = registry_->Get();
  return {.http_status = 200, .body = Dump(ServiceList(*registry)), .client = client};
}

Open311Gateway::Reply Open311Gateway::DescribeService(const httplib::Request& request) {
  Params params;
  std::string client;
  if (std::optional<Reply> refused = AdmitRead(request, &params, &client)) return *refused;
  std::shared_ptr<const registry::OrgRegistry> registry = registry_->Get();
  auto definition = ServiceDefinition(*registry, request.matches[1].str());
  if (!definition.ok()) return Failed(definition.status(), client);
  return {.http_status = 200, .body = Dump(*definition), .client = client};
}

// The body is read here, not by httplib: httplib refuses form bodies over 8 KiB, less than one description.
Open311Gateway::Reply Open311Gateway::ReceiveRequest(const httplib::Request& request, httplib::Response& response,
                                                     const httplib::ContentReader& content_reader) {
  size_t max = options_.max_body_bytes;
  bool form = MediaType(request) == kFormType;
  std::string body;
  bool too_large = false;
  bool read = false;
  if (request.is_multipart_form_data()) {
    read = content_reader([](const httplib::MultipartFormData&) { return true; },
                          [](const char*, size_t) { return true; });
  } else {
    read = content_reader([&](const char* data, size_t length) {
      if (!form) return true;  // Drained, so that the connection stays usable for the next request.
      if (body.size() + length > max) {
        too_large = true;
        return false;
      }
      body.append(data, length);
      return true;
    });
  }
  // 413 from httplib itself when Content-Length is over the limit; it skipped the body.
  if (too_large || response.status == 413) {
    response.set_header("Connection", "close");
    return {.http_status = 413, .body = ErrorBody(413, absl::StrCat("request body larger than ", max, " bytes"))};
  }
  if (!form) {
    return {.http_status = 415, .body = ErrorBody(415, "Content-Type: must be application/x-www-form-urlencoded")};
  }
  if (!read) return {.http_status = 400, .body = ErrorBody(400, "the request body could not be read")};
  return SubmitRequest(request, body);
}

Open311Gateway::Reply Open311Gateway::SubmitRequest(const httplib::Request& request, const std::string& body) {
  httplib::Params multi = request.params;  // Query string parameters, if any.
  httplib::detail::parse_query_text(body, multi);
  Params form;
  for (const auto& [name, value] : multi) {
    if (!form.emplace(name, value).second) return Failed(validation::FieldError(name, "given more than once"));
  }
  std::string client;
  if (std::optional<Reply> refused = Admit(form, /*required=*/true, &client)) return *refused;

  std::shared_ptr<const registry::OrgRegistry> registry = registry_->Get();
  SubmitContext context{
      .client = client, .idempotency_header = request.get_header_value("Idempotency-Key"), .received = Now()};
  auto submission = SubmitRequestFromForm(form, context, *registry);
  if (!submission.ok()) return Failed(submission.status(), client);
  auto submitted = backend_->Submit(*submission);
  if (!submitted.ok()) {
    Reply reply = Failed(ToOpen311Status(submitted.status()), client);
    if (reply.http_status == 503) reply.retry_after = absl::Seconds(1);
    spdlog::warn("msg=open311_submit_refused client={} code={} reason={}", client,
                 absl::StatusCodeToString(submitted.status().code()), log::Quote(submitted.status().message()));
    return reply;
  }
  const v1::CatalogueItem* item = registry->FindCatalogueItem(submission->catalogue_item());  // Null: catch-all.
  bool created = !submitted->duplicate_submit() && submitted->linked_to_case_id().empty();
  spdlog::info("msg=open311_submitted client={} case_id={} repeat={} linked_to={} needs_manual_grid={} phone={}",
               client, submitted->case_id(), submitted->duplicate_submit(),
               submitted->linked_to_case_id().empty() ? "-" : submitted->linked_to_case_id(),
               submitted->needs_manual_grid(), log::MaskPhone(submission->resident().phone()));
  return {.http_status = created ? 201 : 200,
          .body = Dump(SubmitResponse(*submitted, item, *registry, options_.zone)),
          .client = client,
          .case_id = submitted->case_id()};
}

Open311Gateway::Reply Open311Gateway::GetRequest(const httplib::Request& request) {
  Params params;
  std::string client;
  if (std::optional<Reply> refused = AdmitRead(request, &params, &client)) return *refused;
  std::string id = request.matches[1].str();  // httplib has percent-decoded the path.
  if (id.size() > 64) return Failed(validation::FieldError("service_request_id", "at most 64 characters"), client);
  auto found = backend_->GetCase(id);
  if (!found.ok()) {
    absl::Status status = found.status();
    if (status.code() == absl::StatusCode::kNotFound) {
      status = absl::NotFoundError(absl::StrCat("service_request_id: no request ", id));
    }
    return Failed(ToOpen311Status(status), client);
  }
  std::shared_ptr<const registry::OrgRegistry> registry = registry_->Get();
  json body = json::array({RequestJson(*found, *registry, options_.zone)});
  return {.http_status = 200, .body = Dump(body), .client = client, .case_id = id};
}

Open311Gateway::Reply Open311Gateway::ListRequests(const httplib::Request& request) {
  Params params;
  std::string client;
  if (std::optional<Reply> refused = AdmitRead(request, &params, &client)) return *refused;
  std::shared_ptr<const registry::OrgRegistry> registry = registry_->Get();
  auto query = ParseRequestQuery(params, *registry, Now(), options_.zone);
  if (!query.ok()) return Failed(query.status(), client);
  auto cases = query->case_ids.empty() ? CasesInWindow(*query) : CasesById(query->case_ids);
  if (!cases.ok()) return Failed(ToOpen311Status(cases.status()), client);
  json body = json::array();
  for (const v1::Case& c : *cases) body.push_back(RequestJson(c, *registry, options_.zone));
  return {.http_status = 200, .body = Dump(body), .client = client};
}

absl::StatusOr<std::vector<v1::Case>> Open311Gateway::CasesById(const std::vector<std::string>& case_ids) {
  absl::flat_hash_map<std::string, v1::Case> found;
  for (size_t begin = 0; begin < case_ids.size(); begin += kPageSize) {
    v1::ListCasesRequest list;
    list.set_page_size(kPageSize);
    for (size_t i = begin; i < std::min(case_ids.size(), begin + kPageSize); ++i) list.add_case_ids(case_ids[i]);
    auto page = backend_->ListCases(list);
    if (!page.ok()) return page.status();
    for (v1::Case& c : *page->mutable_cases()) {
      std::string id = c.id();
      found.emplace(std::move(id), std::move(c));
    }
  }
  std::vector<v1::Case> cases;
  for (const std::string& id : case_ids) {
    auto it = found.find(id);
    if (it != found.end()) {
      cases.push_back(std::move(it->second));
      continue;
    }
    // Not projected yet (just submitted): intake still answers from what it stored at submission.
    auto single = backend_->GetCase(id);
    if (single.ok()) {
      cases.push_back(*std::move(single));
    } else if (single.status().code() != absl::StatusCode::kNotFound) {
      return single.status();
    }
  }
  return cases;
}

absl::StatusOr<std::vector<v1::Case>> Open311Gateway::CasesInWindow(const RequestQuery& query) {
  v1::ListCasesRequest list;
  list.set_page_size(kPageSize);
  *list.mutable_created_from() = events::ToProto(query.start);
  *list.mutable_created_to() = events::ToProto(query.end);
  if (query.catalogue_items.size() == 1) list.set_catalogue_item(query.catalogue_items[0]);
  // The most recent matches: the core pages oldest first, so keep the last kMaxRequestsPerQuery.
  std::deque<v1::Case> recent;
  for (int pages = 0; pages < kMaxPagesScanned; ++pages) {
    auto page = backend_->ListCases(list);
    if (!page.ok()) return page.status();
    for (v1::Case& c : *page->mutable_cases()) {
      if (!query.Matches(c)) continue;
      recent.push_back(std::move(c));
      if (recent.size() > static_cast<size_t>(kMaxRequestsPerQuery)) recent.pop_front();
    }
    if (page->next_page_token().empty()) break;
    list.set_page_token(page->next_page_token());
  }
  return std::vector<v1::Case>(std::make_move_iterator(recent.rbegin()), std::make_move_iterator(recent.rend()));
}

}  // namespace gridcase::intake::open311
