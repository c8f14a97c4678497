#include "libs/server/call_auth.h"

#include <algorithm>
#include <atomic>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/log/log.h"
#include "libs/server/grpc_status.h"
#include "libs/server/peer_certificate.h"
#include "spdlog/spdlog.h"

namespace gridcase::server {
namespace {

// The calls in flight, by their server context: the interceptor registers a call before its handler runs and
// removes it once the call is over.
class CallTable {
 public:
  static CallTable& Get() {
    static CallTable* table = new CallTable();
    return *table;
  }
  void Add(const grpc::ServerContextBase* context, std::shared_ptr<Call> call) {
    absl::MutexLock lock(&mu_);
    calls_[context] = std::move(call);
  }
  void Remove(const grpc::ServerContextBase* context) {
    absl::MutexLock lock(&mu_);
    calls_.erase(context);
  }
  std::shared_ptr<Call> Find(const grpc::ServerContextBase* context) {
    absl::MutexLock lock(&mu_);
    auto it = calls_.find(context);
    return it == calls_.end() ? nullptr : it->second;
  }

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<const grpc::ServerContextBase*, std::shared_ptr<Call>> calls_ ABSL_GUARDED_BY(mu_);
};

std::string Header(std::multimap<grpc::string_ref, grpc::string_ref>* metadata, absl::string_view name) {
  auto it = metadata->find(grpc::string_ref(name.data(), name.size()));
  return it == metadata->end() ? "" : std::string(it->second.data(), it->second.size());
}

std::string RecordId(absl::string_view service) {
  static const int64_t start = absl::ToUnixMicros(absl::Now());
  static std::atomic<int64_t> sequence{0};
  return absl::StrCat(service, "/", start, "/", sequence.fetch_add(1) + 1);
}

class CallAuthInterceptorImpl : public grpc::experimental::Interceptor {
 public:
  CallAuthInterceptorImpl(const CallAuthOptions* options, ratelimit::RateLimiter* limiter,
                          grpc::experimental::ServerRpcInfo* info)
      : options_(options),
        limiter_(limiter),
        context_(info->server_context()),
        method_(info->method()),
        public_(options->public_methods.contains(info->method())),
        call_(std::make_shared<Call>(options->service, info->method())) {
    CallTable::Get().Add(context_, call_);
  }
  ~CallAuthInterceptorImpl() override { CallTable::Get().Remove(context_); }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      auto* metadata = methods->GetRecvInitialMetadata();
      std::string authorization = Header(metadata, "authorization");
      call_->SetRequestId(Header(metadata, "x-request-id"));
      absl::StatusOr<access::Caller> authenticated = options_->authenticate(authorization);
      std::optional<access::Caller> identity;
      if (authenticated.ok()) {
        identity = *authenticated;
        if (authenticated->service && options_->service_certificates) {
          absl::Status proven =
              CheckServiceCertificate(ClientCertificateNames(*context_->auth_context()), authenticated->person_id);
          if (!proven.ok()) authenticated = proven;
        }
      }
      call_->SetCaller(Admitted(std::move(authenticated)), std::move(identity), context_->peer());
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) && !public_) {
      grpc::Status status = methods->GetSendStatus();
      // UNIMPLEMENTED: no such method, no handler ran (clients probe, e.g. for a newer reflection version).
      if (!call_->asked() && status.error_code() != grpc::StatusCode::UNIMPLEMENTED) {
        absl::StatusOr<access::Caller> caller = call_->caller();
        if (caller.ok()) {
          spdlog::error("msg=handler_did_not_check_caller method={}", log::Quote(method_));
          status = grpc::Status(grpc::StatusCode::INTERNAL, "the handler did not check its caller");
        } else {
          status = ToGrpcStatus(caller.status());
        }
        methods->ModifySendStatus(status);
      }
      if (options_->log != nullptr && call_->ShouldRecord(status)) options_->log->Record(call_->Record(status));
    }
    methods->Proceed();
  }

 private:
  // The caller, unless it is a person over its rate: then RESOURCE_EXHAUSTED with when to retry.
  absl::StatusOr<access::Caller> Admitted(absl::StatusOr<access::Caller> caller) {
    if (!caller.ok() || caller->service || public_ || options_->person_limit.rate_per_second <= 0) return caller;
    absl::Duration wait = limiter_->Admit(caller->person_id, options_->person_limit, absl::Now());
    if (wait <= absl::ZeroDuration()) return caller;
    return absl::ResourceExhaustedError(absl::StrCat(caller->Describe(), " makes more than ",
                                                     options_->person_limit.rate_per_second,
                                                     " calls a second; retry in ",
                                                     absl::ToInt64Milliseconds(wait) + 1, " ms"));
  }

  const CallAuthOptions* options_;
  ratelimit::RateLimiter* limiter_;
  const grpc::ServerContextBase* context_;
  const std::string method_;
  const bool public_;
  std::shared_ptr<Call> call_;
};

class CallAuthFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CallAuthFactory(CallAuthOptions options) : options_(std::move(options)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    return new CallAuthInterceptorImpl(&options_, &limiter_, info);
  }

 private:
  const CallAuthOptions options_;
  ratelimit::RateLimiter limiter_;
};

}  // namespace

absl::StatusOr<access::Caller> Call::caller() {
  absl::MutexLock lock(&mu_);
  asked_ = true;
  return caller_;
}

void Call::SetCommand(std::string command) {
  absl::MutexLock lock(&mu_);
  command_ = std::move(command);
}

void Call::AddCase(std::string case_id) {
  absl::MutexLock lock(&mu_);
  if (case_id.empty() || std::find(cases_.begin(), cases_.end(), case_id) != cases_.end()) return;
  cases_.push_back(std::move(case_id));
}

void Call::MarkUnmasked() {
  absl::MutexLock lock(&mu_);
  unmasked_ = true;
}

void Call::SetRequestId(std::string request_id) {
  absl::MutexLock lock(&mu_);
  if (!request_id.empty()) request_id_ = std::move(request_id);
}

void Call::SetCaller(absl::StatusOr<access::Caller> caller, std::optional<access::Caller> identity, std::string peer) {
  absl::MutexLock lock(&mu_);
  caller_ = std::move(caller);
  identity_ = std::move(identity);
  peer_ = std::move(peer);
}

bool Call::asked() const {
  absl::MutexLock lock(&mu_);
  return asked_;
}

bool Call::ShouldRecord(const grpc::Status& status) const {
  absl::MutexLock lock(&mu_);
  return !command_.empty() || unmasked_ || !caller_.ok() || status.error_code() == grpc::StatusCode::UNAUTHENTICATED ||
         status.error_code() == grpc::StatusCode::PERMISSION_DENIED;
}

v1::AccessRecord Call::Record(const grpc::Status& status) const {
  absl::MutexLock lock(&mu_);
  v1::AccessRecord record;
  record.set_record_id(RecordId(service_));
  int64_t now_us = absl::ToUnixMicros(absl::Now());
  record.mutable_at()->set_seconds(now_us / 1000000);
  record.mutable_at()->set_nanos(static_cast<int32_t>(now_us % 1000000) * 1000);
  if (identity_.has_value()) {
    record.set_subject(identity_->person_id);
    record.set_role(identity_->role);
    record.set_unit(identity_->unit);
  }
  record.set_service(service_);
  record.set_method(method_);
  record.set_kind(command_.empty() ? v1::AccessRecord::KIND_READ : v1::AccessRecord::KIND_COMMAND);
  record.set_command(command_);
  for (const std::string& id : cases_) record.add_case_ids(id);
  record.set_outcome(absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())));
  if (!status.ok()) record.set_reason(status.error_message());
  record.set_unmasked(unmasked_ && status.ok());
  record.set_request_id(request_id_);
  record.set_peer(peer_);
  return record;
}

std::shared_ptr<Call> CallOf(const grpc::ServerContextBase* context) {
  if (std::shared_ptr<Call> call = CallTable::Get().Find(context)) return call;
  auto call = std::make_shared<Call>("", "");
  call->SetCaller(absl::UnauthenticatedError("this server does not authenticate its callers"), std::nullopt, "");
  return call;
}

std::shared_ptr<Call> StartHttpCall(const Authenticator& authenticate, std::string service, std::string method,
                                    const std::string& authorization, std::string peer) {
  auto call = std::make_shared<Call>(std::move(service), std::move(method));
  absl::StatusOr<access::Caller> caller = authenticate(authorization);
  std::optional<access::Caller> identity;
  if (caller.ok()) identity = *caller;
  call->SetCaller(std::move(caller), std::move(identity), std::move(peer));
  return call;
}

void FinishHttpCall(access::AccessLog* log, const Call& call, const absl::Status& outcome) {
  grpc::Status status = ToGrpcStatus(outcome);
  if (log != nullptr && call.ShouldRecord(status)) log->Record(call.Record(status));
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> CallAuthInterceptor(CallAuthOptions options) {
  return std::make_unique<CallAuthFactory>(std::move(options));
}

}  // namespace gridcase::server
