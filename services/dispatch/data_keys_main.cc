// gridcase-data-keys: the data master key file, and erasure of residents' personal data (crypto-shredding).
//   gridcase-data-keys new --id=m2
//       prints a new master key file (one master key `m2`, a new resident index key) to standard output
//   gridcase-data-keys erase --dispatch_addr=HOST:PORT --case_id=GC-… | --resident_phone=… | --resident_id=…
//                            [--note=…] [--request_id=…]
//       asks dispatch to erase, as this tool's service identity (the --auth_* flags or GRIDCASE_AUTH_* variables,
//       as scripts/dev-keys prints them), and prints one line per case erased
#include <cstdio>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_join.h"
#include "gridcase/v1/dispatch.grpc.pb.h"
#include "libs/config/config.h"
#include "libs/privacy/master_keys.h"
#include "libs/server/service_auth.h"
#include "libs/server/service_channel.h"

ABSL_FLAG(std::string, id, "", "new: the id of the master key");
ABSL_FLAG(std::string, dispatch_addr, "127.0.0.1:8081", "erase: dispatch's gRPC address");
ABSL_FLAG(std::string, case_id, "", "erase: every resident of this case");
ABSL_FLAG(std::string, resident_phone, "", "erase: this resident (by phone) in every case");
ABSL_FLAG(std::string, resident_id, "", "erase: this resident (by the channel's resident id) in every case");
ABSL_FLAG(std::string, note, "", "erase: why (the request's reference), recorded on the erasure events");
ABSL_FLAG(std::string, request_id, "", "erase: recorded as the events' correlation id");

namespace {

int New() {
  std::string id = absl::GetFlag(FLAGS_id);
  if (id.empty()) {
    std::fprintf(stderr, "gridcase-data-keys new: give --id\n");
    return 2;
  }
  auto file = gridcase::privacy::MasterKeys::NewFile(id);
  if (!file.ok()) {
    std::fprintf(stderr, "gridcase-data-keys new: %s\n", std::string(file.status().message()).c_str());
    return 1;
  }
  std::cout << *file;
  return 0;
}

int Erase() {
  gridcase::v1::ErasePersonalDataRequest request;
  int subjects = 0;
  if (!absl::GetFlag(FLAGS_case_id).empty()) request.set_case_id(absl::GetFlag(FLAGS_case_id)), ++subjects;
  if (!absl::GetFlag(FLAGS_resident_phone).empty()) {
    request.set_resident_phone(absl::GetFlag(FLAGS_resident_phone));
    ++subjects;
  }
  if (!absl::GetFlag(FLAGS_resident_id).empty()) request.set_resident_id(absl::GetFlag(FLAGS_resident_id)), ++subjects;
  if (subjects != 1) {
    std::fprintf(stderr, "gridcase-data-keys erase: give one of --case_id, --resident_phone, --resident_id\n");
    return 2;
  }
  request.set_note(absl::GetFlag(FLAGS_note));
  request.set_request_id(absl::GetFlag(FLAGS_request_id));
  auto auth = gridcase::server::ServiceAuth::FromFlags("gridcase-data-keys", /*needs_own_token=*/true);
  if (!auth.ok()) {
    std::fprintf(stderr, "gridcase-data-keys erase: %s\n", std::string(auth.status().message()).c_str());
    return 2;
  }
  std::shared_ptr<gridcase::server::ServiceAuth> shared = *std::move(auth);
  auto channel = gridcase::server::AuthorizedChannel(absl::GetFlag(FLAGS_dispatch_addr),
                                                     [shared] { return shared->OwnAuthorization(); });
  auto stub = gridcase::v1::DispatchService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  gridcase::v1::ErasePersonalDataResponse response;
  grpc::Status status = stub->ErasePersonalData(&context, request, &response);
  if (!status.ok()) {
    std::fprintf(stderr, "gridcase-data-keys erase: %s\n", status.error_message().c_str());
    return 1;
  }
  for (const auto& c : response.cases()) {
    std::printf("%s keys=%s version=%lld\n", c.case_id().c_str(), absl::StrJoin(c.key_ids(), ",").c_str(),
                static_cast<long long>(c.version()));
  }
  if (response.cases_size() == 0) std::printf("no personal data found for that subject\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args =
      gridcase::config::ParseFlags(argc, argv, "gridcase-data-keys new --id=ID | erase --case_id=… (see the source)");
  std::string verb = args.size() > 1 ? args[1] : "";
  if (verb == "new") return New();
  if (verb == "erase") return Erase();
  std::fprintf(stderr, "gridcase-data-keys: new | erase\n");
  return 2;
}
