#include "services/feedback/feedback_http.h"

#include <httplib.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "libs/config/config.h"
#include "libs/log/log.h"
#include "libs/validation/field_error.h"
#include "libs/server/http_status.h"
#include "nlohmann/json.hpp"
#include "services/feedback/feedback_metrics.h"
#include "spdlog/spdlog.h"

namespace gridcase::feedback {
namespace {

constexpr char kJson[] = "application/json; charset=utf-8";

std::string ProtoJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = kJson;
  std::map<std::string, std::string> headers;
};

Reply Error(const absl::Status& status) { return {server::ToHttpStatus(status), ErrorJson(status)}; }

std::map<std::string, std::string> Params(const httplib::Request& req) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : req.params) out.emplace(key, value);  // The first of repeated keys.
  return out;
}

std::string Param(const std::map<std::string, std::string>& params, const std::string& name) {
  auto it = params.find(name);
  return it == params.end() ? "" : it->second;
}

}  // namespace

std::string ErrorJson(const absl::Status& status) {
  nlohmann::json error = {{"status", absl::StatusCodeToString(status.code())},
                          {"message", std::string(status.message())}};
  absl::string_view message = status.message();
  size_t colon = message.find(": ");
  if (colon != absl::string_view::npos && colon > 0 &&
      std::all_of(message.begin(), message.begin() + colon,
                  [](char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; })) {
    error["field"] = std::string(message.substr(0, colon));
  }
  return nlohmann::json({{"error", error}}).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

absl::StatusOr<std::unique_ptr<FeedbackHttp>> FeedbackHttp::Start(FeedbackHttpOptions options, FeedbackFront* front) {
  auto address = config::ParseHostPort(options.address, "--http_addr");
  if (!address.ok()) return address.status();
  std::unique_ptr<FeedbackHttp> http(new FeedbackHttp(std::move(options), front));
  httplib::Server& server = *http->server_;
  int threads = http->options_.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  server.set_payload_max_length(http->options_.max_body_bytes);
  server.set_read_timeout(10, 0);
  server.set_write_timeout(10, 0);
  http->Route();
  int port = address->port == 0 ? server.bind_to_any_port(address->host)
                                : (server.bind_to_port(address->host, address->port) ? address->port : -1);
  if (port <= 0) return absl::UnavailableError(absl::StrCat("--http_addr: cannot listen on ", http->options_.address));
  http->port_ = port;
  FeedbackHttp* raw = http.get();
  http->listener_ = std::thread([raw] { raw->server_->listen_after_bind(); });
  return http;
}

FeedbackHttp::FeedbackHttp(FeedbackHttpOptions options, FeedbackFront* front)
    : options_(std::move(options)), front_(front), server_(server::MakeHttpServer(options_.make_server)) {}

FeedbackHttp::~FeedbackHttp() { Shutdown(); }

void FeedbackHttp::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  server_->stop();
  if (listener_.joinable()) listener_.join();
}

void FeedbackHttp::Route() {
  auto serve = [](const char* endpoint, httplib::Response& res, const Reply& reply) {
    res.status = reply.status;
    for (const auto& [name, value] : reply.headers) res.set_header(name, value);
    res.set_content(reply.body, reply.content_type);
    FeedbackMetrics::Get().Http(endpoint, reply.status).Increment();
  };
  httplib::Server& server = *server_;
  server.Post("/v1/ratings", [this, serve](const httplib::Request& req, httplib::Response& res) {
    std::string media = absl::AsciiStrToLower(
        absl::StripAsciiWhitespace(absl::string_view(req.get_header_value("Content-Type"))
                                       .substr(0, req.get_header_value("Content-Type").find(';'))));
    absl::StatusOr<v1::RateCaseRequest> request = absl::InvalidArgumentError("unset");
    if (media == "application/json") {
      request = RatingFromJson(req.body);
    } else if (media == "application/x-www-form-urlencoded") {
      request = RatingFromFields(Params(req));
    } else {
      serve("ratings", res,
            {415, ErrorJson(validation::FieldError("Content-Type",
                                               "must be application/x-www-form-urlencoded or application/json"))});
      return;
    }
    if (!request.ok()) {
      serve("ratings", res, Error(request.status()));
      return;
    }
    auto rated = front_->RateCase(*request, "http");
    if (!rated.ok()) {
      serve("ratings", res, Error(rated.status()));
      return;
    }
    nlohmann::json body = nlohmann::json::parse(ProtoJson(*rated), nullptr, false);
    body["case_id"] = request->case_id();
    serve("ratings", res, {200, body.dump()});
  });
  // A call that needs a bearer token: its caller, or the 401 already served (and recorded).
  auto authenticate = [this, serve](const char* endpoint, const httplib::Request& req,
                                    httplib::Response& res) -> std::shared_ptr<server::Call> {
    std::shared_ptr<server::Call> call =
        server::StartHttpCall(options_.authenticate, "feedback", absl::StrCat(req.method, " ", req.path),
                              req.get_header_value("Authorization"), absl::StrCat("ipv4:", req.remote_addr));
    if (absl::StatusOr<access::Caller> caller = call->caller(); !caller.ok()) {
      server::FinishHttpCall(options_.access_log, *call, caller.status());
      Reply reply = Error(caller.status());
      reply.headers["WWW-Authenticate"] = "Bearer";
      serve(endpoint, res, reply);
      return nullptr;
    }
    return call;
  };
  server.Get("/v1/reports", [this, serve, authenticate](const httplib::Request& req, httplib::Response& res) {
    std::shared_ptr<server::Call> call = authenticate("reports", req, res);
    if (call == nullptr) return;
    std::map<std::string, std::string> params = Params(req);
    v1::GetReportRequest request;
    request.set_from(Param(params, "from"));
    request.set_to(Param(params, "to"));
    request.set_area(Param(params, "area"));
    std::string format = absl::AsciiStrToLower(Param(params, "format"));
    if (format.empty() || format == "json") {
      request.set_format(v1::REPORT_FORMAT_JSON);
    } else if (format == "csv") {
      request.set_format(v1::REPORT_FORMAT_CSV);
    } else if (format == "html") {
      request.set_format(v1::REPORT_FORMAT_HTML);
    } else {
      serve("reports", res, Error(validation::FieldError("format", "must be json, csv or html")));
      return;
    }
    auto report = front_->GetReport(*call->caller(), request);
    if (!report.ok()) {
      server::FinishHttpCall(options_.access_log, *call, report.status());
      serve("reports", res, Error(report.status()));
      return;
    }
    Reply reply{200, report->document(), report->content_type()};
    if (request.format() == v1::REPORT_FORMAT_CSV) {
      reply.headers["Content-Disposition"] =
          absl::StrCat("attachment; filename=\"report-", request.area().empty() ? "all" : request.area(), "-",
                       request.from(), "-", request.to(), ".csv\"");
    }
    serve("reports", res, reply);
  });
  server.Get("/v1/public/cases", [this, serve, authenticate](const httplib::Request& req, httplib::Response& res) {
    if (authenticate("public_cases", req, res) == nullptr) return;
    std::map<std::string, std::string> params = Params(req);
    v1::ListPublicCasesRequest request;
    request.set_area(Param(params, "area"));
    request.set_page_token(Param(params, "page_token"));
    if (std::string size = Param(params, "page_size"); !size.empty()) {
      int n = 0;
      if (!absl::SimpleAtoi(size, &n)) {
        serve("public_cases", res, Error(validation::FieldError("page_size", "must be a number")));
        return;
      }
      request.set_page_size(n);
    }
    auto cases = front_->ListPublicCases(request);
    if (!cases.ok()) {
      serve("public_cases", res, Error(cases.status()));
      return;
    }
    serve("public_cases", res, {200, ProtoJson(*cases)});
  });
  server.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        absl::Status status = res.status == 404
                                  ? absl::NotFoundError(absl::StrCat("no such endpoint: ", req.method, " ", req.path))
                              : res.status == 413 ? absl::InvalidArgumentError("body: too large")
                                                  : absl::InvalidArgumentError(absl::StrCat("HTTP ", res.status));
        res.set_content(ErrorJson(status), kJson);
        FeedbackMetrics::Get().Http("other", res.status).Increment();
        return httplib::Server::HandlerResponse::Handled;
      }));
  server.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
    res.status = 500;
    res.set_content(ErrorJson(absl::InternalError("internal error")), kJson);
    spdlog::error("msg=http_exception method={} path={}", req.method, log::Quote(req.path));
  });
}

}  // namespace gridcase::feedback
