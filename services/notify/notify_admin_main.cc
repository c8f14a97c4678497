// notify-admin: the operators' view of notify's deliveries over NotificationService (docs/NOTIFY.md).
//
//   notify-admin integrations
//   notify-admin parked --target=hotline-12345
//   notify-admin replay --target=hotline-12345 --from=2026-11-30T00:00:00+08:00 [--parked_only]
//
// The call carries --token (or GRIDCASE_TOKEN): a supervisor's, or an operator service's (--notify_operators).
// Exit codes: 0 done, 1 the call failed (the status is printed), 2 usage.
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gridcase/v1/notify.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "libs/config/config.h"
#include "libs/events/proto_time.h"
#include "libs/tls/grpc_credentials.h"

ABSL_FLAG(std::string, notify_addr, "127.0.0.1:8085", "notify's gRPC address");
ABSL_FLAG(std::string, token, "", "Bearer token of the caller (a supervisor, or an operator service)");
ABSL_FLAG(std::string, ca, "", "PEM CA to verify notify's TLS certificate with (empty: plaintext)");
ABSL_FLAG(std::string, target, "", "An integration's name, resident-sms or resident-push");
ABSL_FLAG(std::string, from, "", "replay: RFC 3339 time; deliveries whose step occurred at or after it");
ABSL_FLAG(bool, parked_only, false, "replay: only parked deliveries (else delivered ones are sent again too)");

namespace gridcase::notify {
namespace {

constexpr char kUsage[] = "notify-admin integrations | parked --target=T | replay --target=T --from=TIME [--parked_only]";

int Failed(const grpc::Status& status) {
  std::cerr << "notify-admin: " << status.error_code() << " " << status.error_message() << "\n";
  return 1;
}

std::string Time(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "-";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%S+08:00", events::FromProto(t), absl::FixedTimeZone(8 * 3600));
}

int Run(const std::string& verb) {
  auto transport = absl::GetFlag(FLAGS_ca).empty() ? grpc::InsecureChannelCredentials()
                                                    : tls::ServerVerifyingChannelCredentials(absl::GetFlag(FLAGS_ca), absl::Hours(1));
  auto stub = v1::NotificationService::NewStub(grpc::CreateChannel(absl::GetFlag(FLAGS_notify_addr), transport));
  grpc::ClientContext context;
  context.AddMetadata("authorization", absl::StrCat("Bearer ", absl::GetFlag(FLAGS_token)));
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  if (verb == "integrations") {
    v1::ListIntegrationsResponse response;
    grpc::Status status = stub->ListIntegrations(&context, v1::ListIntegrationsRequest(), &response);
    if (!status.ok()) return Failed(status);
    std::cout << "name\tsource\tcallback_url\tevents\tregistered_at\n";
    for (const v1::Integration& i : response.integrations()) {
      std::cout << i.name() << "\t" << i.source().ShortDebugString() << "\t" << i.callback_url() << "\t"
                << (i.events().empty() ? "all" : absl::StrCat(i.events_size())) << "\t" << Time(i.registered_at())
                << "\n";
    }
    return 0;
  }
  if (absl::GetFlag(FLAGS_target).empty()) {
    std::cerr << "notify-admin: --target is required\n" << kUsage << "\n";
    return 2;
  }
  if (verb == "parked") {
    std::cout << "delivery_id\tcase_id\tevent_type\tattempts\toccurred_at\tparked_at\tlast_error\n";
    std::string token;
    do {
      grpc::ClientContext page_context;
      page_context.AddMetadata("authorization", absl::StrCat("Bearer ", absl::GetFlag(FLAGS_token)));
      v1::ListParkedRequest request;
      request.set_target(absl::GetFlag(FLAGS_target));
      request.set_page_token(token);
      v1::ListParkedResponse response;
      grpc::Status status = stub->ListParked(&page_context, request, &response);
      if (!status.ok()) return Failed(status);
      for (const v1::Delivery& d : response.deliveries()) {
        std::cout << d.delivery_id() << "\t" << d.case_id() << "\t" << d.event_type() << "\t" << d.attempts() << "\t"
                  << Time(d.occurred_at()) << "\t" << Time(d.parked_at()) << "\t" << d.last_error() << "\n";
      }
      token = response.next_page_token();
    } while (!token.empty());
    return 0;
  }
  if (verb == "replay") {
    absl::Time from;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, absl::GetFlag(FLAGS_from), &from, &error)) {
      std::cerr << "notify-admin: --from: " << error << "\n" << kUsage << "\n";
      return 2;
    }
    v1::ReplayRequest request;
    request.set_target(absl::GetFlag(FLAGS_target));
    *request.mutable_from() = events::ToProto(from);
    request.set_parked_only(absl::GetFlag(FLAGS_parked_only));
    v1::ReplayResponse response;
    grpc::Status status = stub->Replay(&context, request, &response);
    if (!status.ok()) return Failed(status);
    std::cout << "requeued " << response.requeued() << "\n";
    return 0;
  }
  std::cerr << kUsage << "\n";
  return 2;
}

}  // namespace
}  // namespace gridcase::notify

int main(int argc, char** argv) {
  std::vector<char*> args = gridcase::config::ParseFlags(argc, argv, gridcase::notify::kUsage);
  if (args.size() != 2) {
    std::cerr << gridcase::notify::kUsage << "\n";
    return 2;
  }
  return gridcase::notify::Run(args[1]);
}
