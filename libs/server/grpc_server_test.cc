#include "libs/server/grpc_server.h"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"

namespace gridcase::server {
namespace {

constexpr char kReflectionMethod[] = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";

std::shared_ptr<grpc::Channel> Connect(const GrpcServer& server) {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", server.port()), grpc::InsecureChannelCredentials());
}

// One ServerReflectionRequest{list_services: "*"} on the reflection stream; the status of the call.
grpc::Status ListServices(const std::shared_ptr<grpc::Channel>& channel) {
  const std::string request("\x3a\x01*", 3);  // Field 7 (list_services), length 1, "*".
  grpc::Slice slice(request);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response_buffer;
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  std::mutex mu;
  std::condition_variable done_cv;
  bool done = false;
  grpc::Status result;
  stub.UnaryCall(&context, kReflectionMethod, grpc::StubOptions(), &request_buffer, &response_buffer,
                 [&](grpc::Status status) {
                   std::lock_guard<std::mutex> lock(mu);
                   result = status;
                   done = true;
                   done_cv.notify_all();
                 });
  std::unique_lock<std::mutex> lock(mu);
  done_cv.wait(lock, [&] { return done; });
  return result;
}

grpc::Status CheckHealth(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  return stub->Check(&context, request, &response);
}

TEST(GrpcServerTest, ServesReflectionByDefault) {
  auto server = GrpcServer::Start({}, {});
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ(ListServices(Connect(**server)).error_code(), grpc::StatusCode::OK);
}

TEST(GrpcServerTest, ReflectionCanBeSwitchedOffPerServer) {
  auto off = GrpcServer::Start({.reflection = false}, {});
  ASSERT_TRUE(off.ok()) << off.status();
  auto on = GrpcServer::Start({.reflection = true}, {});
  ASSERT_TRUE(on.ok()) << on.status();
  EXPECT_EQ(ListServices(Connect(**off)).error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(CheckHealth(Connect(**off)).error_code(), grpc::StatusCode::OK);
  EXPECT_EQ(ListServices(Connect(**on)).error_code(), grpc::StatusCode::OK);
}

TEST(GrpcServerTest, RefusesARequestLargerThanTheBoundBeforeAnyHandler) {
  auto server = GrpcServer::Start({.max_receive_message_bytes = 1024}, {});
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = grpc::health::v1::Health::NewStub(Connect(**server));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  request.set_service(std::string(2048, 's'));
  grpc::ClientContext big;
  EXPECT_EQ(stub->Check(&big, request, &response).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  request.set_service("");
  grpc::ClientContext small;
  EXPECT_EQ(stub->Check(&small, request, &response).error_code(), grpc::StatusCode::OK);
}

// Counts the calls it sees, and refuses every call to a method named `refused`.
class CountingInterceptorFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CountingInterceptorFactory(std::string refused) : refused_(std::move(refused)) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    ++calls_;
    return new Interceptor(info->method() == refused_);
  }
  int calls() const { return calls_; }

 private:
  class Interceptor final : public grpc::experimental::Interceptor {
   public:
    explicit Interceptor(bool refuse) : refuse_(refuse) {}
    void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
      if (refuse_ &&
          methods->QueryInterceptionHookPoint(grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
        methods->ModifySendStatus(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "refused"));
      }
      methods->Proceed();
    }

   private:
    const bool refuse_;
  };

  const std::string refused_;
  std::atomic<int> calls_{0};
};

TEST(GrpcServerTest, RunsTheGivenInterceptorsOnEveryCall) {
  auto factory = std::make_shared<CountingInterceptorFactory>("/grpc.health.v1.Health/Check");
  auto server = GrpcServer::Start({.interceptors = {factory}}, {});
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ(CheckHealth(Connect(**server)).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(ListServices(Connect(**server)).error_code(), grpc::StatusCode::OK);
  EXPECT_EQ(factory->calls(), 2);
}

TEST(GrpcServerTest, OneInterceptorFactoryServesSeveralServers) {
  auto factory = std::make_shared<CountingInterceptorFactory>("");
  auto first = GrpcServer::Start({.interceptors = {factory}}, {});
  auto second = GrpcServer::Start({.interceptors = {factory}}, {});
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(CheckHealth(Connect(**first)).error_code(), grpc::StatusCode::OK);
  EXPECT_EQ(CheckHealth(Connect(**second)).error_code(), grpc::StatusCode::OK);
  EXPECT_EQ(factory->calls(), 2);
}

}  // namespace
}  // namespace gridcase::server
