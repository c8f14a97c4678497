#include "services/console/overdue_stream.h"

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gridcase/v1/sla.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"

namespace gridcase::console {
namespace {

// An SLA service whose watch sends two alerts and then stays open until the caller cancels, or refuses a caller
// without the expected token.
class FakeSla final : public v1::SlaService::Service {
 public:
  grpc::Status WatchOverdue(grpc::ServerContext* context, const v1::WatchOverdueRequest* request,
                            grpc::ServerWriter<v1::SlaAlert>* writer) override {
    auto token = context->client_metadata().find("authorization");
    if (token == context->client_metadata().end() || token->second != "Bearer good") {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "bad token");
    }
    area = request->area().code_prefix();
    writer->SendInitialMetadata();
    for (const char* id : {"GC-1", "GC-2"}) {
      v1::SlaAlert alert;
      alert.set_case_id(id);
      alert.mutable_event()->mutable_sla_breached();
      writer->Write(alert);
    }
    while (!context->IsCancelled()) absl::SleepFor(absl::Milliseconds(10));
    cancelled.Notify();
    return grpc::Status::CANCELLED;
  }

  std::string area;
  absl::Notification cancelled;
};

class OverdueStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&sla_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::SlaService::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override { server_->Shutdown(); }

  std::unique_ptr<OverdueStream> Watch(const std::string& token) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("authorization", token);
    v1::WatchOverdueRequest request;
    request.mutable_area()->set_code_prefix("330199001");
    return std::make_unique<OverdueStream>(stub_.get(), std::move(context), request);
  }

  FakeSla sla_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::SlaService::Stub> stub_;
};

TEST_F(OverdueStreamTest, ReadyThenEachAlertThenKeepAliveUntilCancelledThenEnd) {
  auto stream = Watch("Bearer good");
  EXPECT_EQ(stream->Next(absl::Seconds(5)), "event: ready\ndata: {}\n\n");
  for (const char* id : {"GC-1", "GC-2"}) {
    std::optional<std::string> alert = stream->Next(absl::Seconds(5));
    ASSERT_TRUE(alert.has_value());
    EXPECT_TRUE(absl::StartsWith(*alert, "event: alert\ndata: {")) << *alert;
    EXPECT_TRUE(absl::StrContains(*alert, absl::StrCat("\"case_id\":\"", id, "\""))) << *alert;
    EXPECT_TRUE(absl::EndsWith(*alert, "}\n\n")) << *alert;
  }
  EXPECT_EQ(stream->Next(absl::Milliseconds(50)), ": keep-alive\n\n");
  EXPECT_EQ(sla_.area, "330199001");

  stream->Cancel();
  EXPECT_TRUE(sla_.cancelled.WaitForNotificationWithTimeout(absl::Seconds(5)));
  std::optional<std::string> end = stream->Next(absl::Seconds(5));
  ASSERT_TRUE(end.has_value());
  EXPECT_TRUE(absl::StartsWith(*end, "event: end\ndata: {\"message\"")) << *end;
  EXPECT_TRUE(absl::StrContains(*end, "\"status\":\"CANCELLED\"")) << *end;
  EXPECT_EQ(stream->Next(absl::Milliseconds(50)), std::nullopt);
}

TEST_F(OverdueStreamTest, ARefusedWatchEndsWithItsStatus) {
  auto stream = Watch("Bearer bad");
  EXPECT_EQ(stream->Next(absl::Seconds(5)), "event: ready\ndata: {}\n\n");
  std::optional<std::string> end = stream->Next(absl::Seconds(5));
  ASSERT_TRUE(end.has_value());
  EXPECT_TRUE(absl::StrContains(*end, "\"status\":\"UNAUTHENTICATED\"")) << *end;
  EXPECT_TRUE(absl::StrContains(*end, "bad token")) << *end;
  EXPECT_EQ(stream->Next(absl::Milliseconds(50)), std::nullopt);
}

}  // namespace
}  // namespace gridcase::console
