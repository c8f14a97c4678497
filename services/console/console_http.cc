#include "services/console/console_http.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "httplib.h"
#include "libs/config/config.h"
#include "services/console/console_metrics.h"
#include "services/console/web_files.h"

namespace gridcase::console {
namespace {

// The pages load nothing from elsewhere: scripts, styles and data come from the console itself.
constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

constexpr absl::Duration kKeepAlive = absl::Seconds(15);

std::string Param(const httplib::Request& req, const char* name) {
  return req.has_param(name) ? req.get_param_value(name) : "";
}

void Serve(const char* endpoint, httplib::Response& res, const ApiReply& reply) {
  res.status = reply.status;
  for (const auto& [name, value] : reply.headers) res.set_header(name, value);
  if (!reply.headers.contains("Cache-Control")) res.set_header("Cache-Control", "no-store");
  res.set_content(reply.body, reply.content_type);
  ConsoleMetrics::Get().Request(endpoint, reply.status).Increment();
}

}  // namespace

absl::StatusOr<std::unique_ptr<ConsoleHttp>> ConsoleHttp::Start(ConsoleHttpOptions options, ConsoleApi* api,
                                                                 const Backends* backends) {
  auto address = config::ParseHostPort(options.address, "--console_addr");
  if (!address.ok()) return address.status();
  std::unique_ptr<ConsoleHttp> http(new ConsoleHttp(std::move(options), api, backends));
  httplib::Server& server = *http->server_;
  int threads = http->options_.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  server.set_payload_max_length(64 * 1024);
  server.set_read_timeout(10, 0);
  server.set_write_timeout(10, 0);
  http->Route();
  int port = address->port == 0 ? server.bind_to_any_port(address->host)
                                : (server.bind_to_port(address->host, address->port) ? address->port : -1);
  if (port <= 0) {
    return absl::UnavailableError(absl::StrCat("--console_addr: cannot listen on ", http->options_.address));
  }
  http->port_ = port;
  ConsoleHttp* raw = http.get();
  http->listener_ = std::thread([raw] { raw->server_->listen_after_bind(); });
  return http;
}

ConsoleHttp::ConsoleHttp(ConsoleHttpOptions options, ConsoleApi* api, const Backends* backends)
    : options_(std::move(options)), api_(api), backends_(backends),
      server_(server::MakeHttpServer(options_.make_server)) {}

ConsoleHttp::~ConsoleHttp() { Shutdown(); }

void ConsoleHttp::EndStreams() {
  absl::MutexLock lock(&streams_mu_);
  for (const auto& stream : streams_) stream->Cancel();
}

void ConsoleHttp::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  EndStreams();
  server_->stop();
  if (listener_.joinable()) listener_.join();
}

void ConsoleHttp::Route() {
  httplib::Server& server = *server_;
  server.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
    res.set_header("Content-Security-Policy", kContentSecurityPolicy);
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
  });

  // The caller of an /api request, or nullptr after the 401 was served (and recorded).
  auto authenticate = [this](const char* endpoint, const httplib::Request& req,
                             httplib::Response& res) -> std::shared_ptr<server::Call> {
    std::shared_ptr<server::Call> call =
        server::StartHttpCall(options_.authenticate, "console", absl::StrCat(req.method, " ", req.path),
                              req.get_header_value("Authorization"), absl::StrCat("ipv4:", req.remote_addr));
    if (absl::StatusOr<access::Caller> caller = call->caller(); !caller.ok()) {
      server::FinishHttpCall(options_.access_log, *call, caller.status());
      ApiReply reply = ErrorReply(caller.status());
      reply.headers["WWW-Authenticate"] = "Bearer";
      Serve(endpoint, res, reply);
      return nullptr;
    }
    return call;
  };
  auto authorization = [](const httplib::Request& req) { return req.get_header_value("Authorization"); };

  server.Get("/api/me", [this, authenticate](const httplib::Request& req, httplib::Response& res) {
    auto call = authenticate("me", req, res);
    if (call != nullptr) Serve("me", res, api_->Me(*call->caller()));
  });
  server.Get("/api/registry", [this, authenticate](const httplib::Request& req, httplib::Response& res) {
    if (authenticate("registry", req, res) != nullptr) Serve("registry", res, api_->Registry());
  });
  server.Get("/api/queue", [this, authenticate, authorization](const httplib::Request& req, httplib::Response& res) {
    auto call = authenticate("queue", req, res);
    if (call != nullptr) Serve("queue", res, api_->Queue(*call->caller(), authorization(req)));
  });
  server.Get("/api/overdue/stream", [this, authenticate, authorization](const httplib::Request& req,
                                                                         httplib::Response& res) {
    auto call = authenticate("overdue_stream", req, res);
    if (call == nullptr) return;
    v1::WatchOverdueRequest request;
    *request.mutable_area() = ConsoleApi::AreaOf(*call->caller());
    request.set_breaches_only(Param(req, "breaches_only") == "true");
    auto context = std::make_unique<grpc::ClientContext>();  // No deadline: the feed lasts as long as the page.
    context->AddMetadata("authorization", authorization(req));
    auto stream = std::make_shared<OverdueStream>(backends_->sla.get(), std::move(context), std::move(request));
    {
      absl::MutexLock lock(&streams_mu_);
      streams_.insert(stream);
    }
    ConsoleMetrics::Get().Request("overdue_stream", 200).Increment();
    res.set_header("Cache-Control", "no-store");
    res.set_chunked_content_provider(
        "text/event-stream",
        [stream](size_t, httplib::DataSink& sink) {
          std::optional<std::string> chunk = stream->Next(kKeepAlive);
          if (!chunk.has_value()) {
            sink.done();
            return true;
          }
          return sink.write(chunk->data(), chunk->size());
        },
        [this, stream](bool) {
          stream->Cancel();
          absl::MutexLock lock(&streams_mu_);
          streams_.erase(stream);
        });
  });
  server.Get("/api/overdue", [this, authenticate, authorization](const httplib::Request& req, httplib::Response& res) {
    auto call = authenticate("overdue", req, res);
    if (call != nullptr) Serve("overdue", res, api_->Overdue(*call->caller(), authorization(req)));
  });
  server.Get("/api/cases", [this, authenticate, authorization](const httplib::Request& req, httplib::Response& res) {
    if (authenticate("cases", req, res) == nullptr) return;
    int limit = 2000;
    if (std::string text = Param(req, "limit"); !text.empty() && (!absl::SimpleAtoi(text, &limit) || limit < 1)) {
      Serve("cases", res, ErrorReply(absl::InvalidArgumentError("limit: must be a positive number")));
      return;
    }
    Serve("cases", res,
          api_->Cases(authorization(req), Param(req, "status"), std::min(limit, 5000), Param(req, "clocks") == "1",
                      Param(req, "allowed") == "1"));
  });
  server.Get(R"(/api/cases/([^/]+))", [this, authenticate, authorization](const httplib::Request& req,
                                                                           httplib::Response& res) {
    if (authenticate("case", req, res) == nullptr) return;
    Serve("case", res, api_->Case(authorization(req), req.matches[1]));
  });
  server.Post(R"(/api/cases/([^/]+)/commands)", [this, authenticate, authorization](const httplib::Request& req,
                                                                                     httplib::Response& res) {
    if (authenticate("command", req, res) == nullptr) return;
    Serve("command", res, api_->Command(authorization(req), req.matches[1], req.body));
  });
  server.Get("/api/report", [this, authenticate, authorization](const httplib::Request& req, httplib::Response& res) {
    if (authenticate("report", req, res) == nullptr) return;
    Serve("report", res,
          api_->Report(authorization(req), Param(req, "from"), Param(req, "to"), Param(req, "area"),
                       Param(req, "format")));
  });
  server.Get(R"(/api/.*)", [](const httplib::Request&, httplib::Response& res) {
    Serve("unknown", res, ErrorReply(absl::NotFoundError("no such API")));
  });
  server.Get(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
    absl::StatusOr<WebFile> file = ReadWebFile(options_.web_dir, req.path);
    if (!file.ok()) {
      res.status = 404;
      res.set_content("404 页面不存在", "text/plain; charset=utf-8");
      ConsoleMetrics::Get().Request("page", 404).Increment();
      return;
    }
    res.set_header("Cache-Control", "no-cache");
    res.set_content(file->content, file->content_type);
    ConsoleMetrics::Get().Request("page", 200).Increment();
  });
}

}  // namespace gridcase::console
