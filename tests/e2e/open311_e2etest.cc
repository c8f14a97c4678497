// The Open311 GeoReport v2 gateway of the real intake process, against the real Kafka broker and Redis with dispatch
// projecting: the service list, a submission read back, the spec's errors (nothing published for a refused request),
// API keys rotated through their hashed key file without a restart (and a plaintext file refused at start-up), and a
// replay of 2,000 real NYC 311 requests through POST /requests.json.
#include <httplib.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "gridcase/v1/intake.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/access/masking.h"
#include "libs/events/codec.h"
#include "libs/events/topics.h"
#include "libs/kafka/consumer.h"
#include "libs/registry/registry_json.h"
#include "libs/registry/service_code_map.h"
#include "libs/testing/csv.h"
#include "libs/testing/infra.h"
#include "libs/testing/process.h"
#include "libs/testing/wait.h"
#include "nlohmann/json.hpp"
#include "services/intake/open311/api_keys.h"
#include "tests/support/service_fleet.h"

namespace gridcase {
namespace {

using nlohmann::json;
using testing::ServiceFleet;

constexpr char kReplayKey[] = "k-e2e-replay-0123456789";
constexpr char kErrorsKey[] = "k-e2e-errors-0123456789";
constexpr char kSlowKey[] = "k-e2e-slow-0123456789ab";

class Open311E2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    keys_path_ =
        new std::string(testing::BinaryPath(absl::StrCat("test-logs/", testing::UniqueName("open311-keys"), ".json")));
    std::filesystem::create_directories(std::filesystem::path(*keys_path_).parent_path());
    WriteKeys(KeyEntries());
    port_ = testing::FreePort();
    fleet_ = new ServiceFleet("open311");
    absl::Status dispatch = fleet_->Start("dispatch");
    ASSERT_TRUE(dispatch.ok()) << dispatch;
    absl::Status intake = fleet_->Start(
        "intake", {absl::StrCat("--open311_addr=127.0.0.1:", port_), absl::StrCat("--open311_keys=", *keys_path_),
                   "--open311_keys_poll=100ms"});
    ASSERT_TRUE(intake.ok()) << intake;
  }
  static void TearDownTestSuite() {
    delete fleet_;
    fleet_ = nullptr;
    if (keys_path_ != nullptr) std::filesystem::remove(*keys_path_);
    delete keys_path_;
    keys_path_ = nullptr;
  }

  void SetUp() override { ASSERT_NE(fleet_, nullptr); }

  // The suite's clients, as the key file lists them: salted hashes only.
  static json KeyEntries() {
    auto entry = [](const char* name, const char* key, const char* salt, double rate, double burst) {
      return json::parse(
          intake::open311::HashedKeyEntry(name, key, salt, {.rate_per_second = rate, .burst = burst}));
    };
    return json::array({entry("nyc-replay", kReplayKey, "salt-nyc-replay-01", 100000, 100000),
                        entry("errors-client", kErrorsKey, "salt-errors-client", 1000, 1000),
                        entry("slow-client", kSlowKey, "salt-slow-client-1", 0.2, 1)});
  }

  // Replaces the key file as an operator's tooling does: written beside it, renamed over it.
  static void WriteKeys(const json& entries) { WriteKeysText(entries.dump()); }
  static void WriteKeysText(const std::string& text) {
    const std::string next = *keys_path_ + ".next";
    std::ofstream keys(next, std::ios::trunc);
    ASSERT_TRUE(keys.good()) << "cannot write " << next;
    keys << text;
    keys.close();
    ASSERT_TRUE(keys.good()) << "cannot write " << next;
    ASSERT_EQ(std::rename(next.c_str(), keys_path_->c_str()), 0);
  }

  static std::unique_ptr<httplib::Client> Client() {
    auto client = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client->set_connection_timeout(5, 0);
    client->set_read_timeout(30, 0);
    return client;
  }

  static json Body(const httplib::Result& result) {
    return json::parse(result->body, nullptr, /*allow_exceptions=*/false);
  }

  // The description of a GeoReport error body, after checking its shape and its code against the HTTP status.
  static std::string ErrorOf(const httplib::Result& result) {
    json body = Body(result);
    if (!body.is_array() || body.size() != 1 || !body[0].contains("description")) {
      ADD_FAILURE() << "not a GeoReport error: " << result->body;
      return "";
    }
    EXPECT_EQ(body[0]["code"], result->status) << result->body;
    return body[0]["description"].get<std::string>();
  }

  static v1::Case CaseOverGrpc(const std::string& case_id) {
    auto stub = v1::IntakeService::NewStub(fleet_->Channel("intake"));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    v1::GetCaseRequest request;
    request.set_case_id(case_id);
    v1::Case c;
    grpc::Status status = stub->GetCase(&context, request, &c);
    EXPECT_TRUE(status.ok()) << case_id << ": " << status.error_message();
    return c;
  }

  // The CaseSubmitted events on the intake topic whose idempotency key starts with `key_prefix`, read from the
  // beginning until one for `sentinel_case` has arrived (or 30 s pass).
  static std::vector<v1::CaseEvent> SubmittedEvents(const std::string& key_prefix, const std::string& sentinel_case) {
    events::Topics topics(fleet_->prefix());
    auto consumer = kafka::Consumer::Create({.brokers = testing::TestInfra().kafka_brokers,
                                             .group_id = testing::UniqueName("open311-reader"),
                                             .topics = {topics.intake()}},
                                            nullptr);
    EXPECT_TRUE(consumer.ok()) << consumer.status();
    if (!consumer.ok()) return {};
    std::vector<v1::CaseEvent> found;
    std::atomic<bool> sentinel_seen{false};
    std::thread stopper([&] {
      absl::Time deadline = absl::Now() + absl::Seconds(30);
      while (!sentinel_seen && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(20));
      // Partitions are read concurrently: a moment more for the others to catch up.
      absl::SleepFor(absl::Seconds(1));
      (*consumer)->Stop();
    });
    (*consumer)->Run([&](const kafka::Message& m) {
      auto event = events::ParseEvent(m.value);
      if (!event.ok() || !event->has_submitted()) return absl::OkStatus();
      if (absl::StartsWith(event->submitted().initial().idempotency_key(), key_prefix)) found.push_back(*event);
      if (event->case_id() == sentinel_case) sentinel_seen = true;
      return absl::OkStatus();
    });
    stopper.join();
    EXPECT_TRUE(sentinel_seen) << "the sentinel " << sentinel_case << " never reached the intake topic";
    return found;
  }

  static ServiceFleet* fleet_;
  static std::string* keys_path_;
  static int port_;
};

ServiceFleet* Open311E2eTest::fleet_ = nullptr;
std::string* Open311E2eTest::keys_path_ = nullptr;
int Open311E2eTest::port_ = 0;

TEST_F(Open311E2eTest, ListsTheCatalogue) {
  auto client = Client();
  auto result = client->Get(absl::StrCat("/services.json?api_key=", kErrorsKey));
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  ASSERT_EQ(result->status, 200) << result->body;
  json services = Body(result);
  ASSERT_TRUE(services.is_array());
  auto registry = registry::LoadRegistry(testing::SourcePath("data/registry/sample-county.json"));
  ASSERT_TRUE(registry.ok()) << registry.status();
  EXPECT_EQ(services.size(), static_cast<size_t>((*registry)->Catalogue().size()));
  bool street_light = false;
  for (const json& service : services) {
    const v1::CatalogueItem* item = (*registry)->FindByServiceCode(service["service_code"].get<std::string>());
    EXPECT_EQ(service["metadata"], item != nullptr && item->fields_size() > 0) << service;
    EXPECT_EQ(service["type"], "realtime");
    if (service["service_code"] == "street-light") {
      street_light = true;
      EXPECT_EQ(service["service_name"], "路灯故障");
      EXPECT_EQ(service["group"], "municipal");
    }
  }
  EXPECT_TRUE(street_light);
  auto definition = client->Get("/services/street-light.json");
  ASSERT_TRUE(definition);
  EXPECT_EQ(definition->status, 200);
  EXPECT_EQ(Body(definition), json::parse(R"({"service_code": "street-light", "attributes": []})"));
}

TEST_F(Open311E2eTest, SubmitsLocatesAndReadsBack) {
  auto client = Client();
  std::string external_id = testing::UniqueName("crm");
  httplib::Params form = {{"api_key", kErrorsKey},
                          {"service_code", "street-light"},
                          {"lat", "30.2525"},
                          {"long", "120.152"},
                          {"address_string", "碧桂家园1幢东侧"},
                          {"description", "碧桂家园1幢东侧路灯不亮已经三天了"},
                          {"first_name", "小明"},
                          {"last_name", "王"},
                          {"phone", "13912345678"},
                          {"media_url", "https://img.example.cn/a/1.jpg"},
                          {"external_id", external_id}};
  auto submitted = client->Post("/requests.json", form);
  ASSERT_TRUE(submitted) << httplib::to_string(submitted.error());
  ASSERT_EQ(submitted->status, 201) << submitted->body;
  json answer = Body(submitted);
  ASSERT_TRUE(answer.is_array() && answer.size() == 1) << submitted->body;
  std::string id = answer[0]["service_request_id"];
  EXPECT_TRUE(absl::StartsWith(id, "GC-")) << id;
  EXPECT_FALSE(answer[0].contains("account_id"));
  EXPECT_TRUE(absl::StrContains(answer[0]["service_notice"].get<std::string>(), "Located in grid"))
      << answer[0]["service_notice"];

  // The case as intake made it.
  v1::Case c = CaseOverGrpc(id);
  EXPECT_EQ(c.channel(), v1::CHANNEL_OPEN311);
  EXPECT_EQ(c.catalogue_item(), "municipal.street-light");
  EXPECT_EQ(c.location().grid_code(), "330199001001001");
  EXPECT_EQ(c.resident().name(), "王小明");

  // Read back, one request.
  auto read = client->Get(absl::StrCat("/requests/", id, ".json?api_key=", kErrorsKey));
  ASSERT_TRUE(read);
  ASSERT_EQ(read->status, 200) << read->body;
  json request = Body(read)[0];
  EXPECT_EQ(request["service_request_id"], id);
  EXPECT_EQ(request["status"], "open");
  EXPECT_EQ(request["service_code"], "street-light");
  EXPECT_EQ(request["service_name"], "路灯故障");
  EXPECT_EQ(request["description"], "碧桂家园1幢东侧路灯不亮已经三天了");
  EXPECT_EQ(request["media_url"], "https://img.example.cn/a/1.jpg");
  // Public reads locate the request to about 100 m and leave out house numbers.
  EXPECT_EQ(request["address"], "碧桂家园*幢东侧");
  EXPECT_EQ(request["lat"], 30.253);
  EXPECT_EQ(request["long"], 120.152);
  EXPECT_EQ(request["agency_responsible"], "清河县综合行政执法局（城市管理局）");
  EXPECT_TRUE(absl::EndsWith(request["requested_datetime"].get<std::string>(), "+08:00"))
      << request["requested_datetime"];
  EXPECT_TRUE(request["expected_datetime"].is_string()) << read->body;
  EXPECT_FALSE(absl::StrContains(read->body, "13912345678"));

  // Once dispatch has projected it, the list endpoints find it too.
  bool listed = testing::WaitFor([&] {
    auto list = client->Get(absl::StrCat("/requests.json?service_code=street-light&status=open&api_key=", kErrorsKey));
    if (!list || list->status != 200) return false;
    for (const json& r : Body(list)) {
      if (r["service_request_id"] == id) return true;
    }
    return false;
  });
  EXPECT_TRUE(listed) << id << " never appeared in GET /requests.json";
  auto by_id =
      client->Get(absl::StrCat("/requests.json?service_request_id=", id, ",GC-00000000-000000&api_key=", kErrorsKey));
  ASSERT_TRUE(by_id);
  ASSERT_EQ(by_id->status, 200);
  ASSERT_EQ(Body(by_id).size(), 1u) << by_id->body;

  // The same external_id again: the same request, nothing new.
  auto repeat = client->Post("/requests.json", form);
  ASSERT_TRUE(repeat);
  EXPECT_EQ(repeat->status, 200) << repeat->body;
  EXPECT_EQ(Body(repeat)[0]["service_request_id"], id);
}

TEST_F(Open311E2eTest, RefusalsFollowTheSpecAndPublishNothing) {
  auto client = Client();
  httplib::Params good = {{"api_key", kErrorsKey},
                          {"service_code", "pothole"},
                          {"lat", "30.2525"},
                          {"long", "120.152"},
                          {"description", "路面坑洼积水"}};
  auto with = [&](std::vector<std::pair<std::string, std::string>> set, std::vector<std::string> erase) {
    httplib::Params form = good;
    for (const std::string& k : erase) form.erase(k);
    for (auto& [k, v] : set) {
      form.erase(k);
      form.emplace(k, v);
    }
    form.emplace("external_id", testing::UniqueName("refused"));
    return client->Post("/requests.json", form);
  };

  auto bad_lat = with({{"lat", "95"}}, {});
  ASSERT_TRUE(bad_lat);
  EXPECT_EQ(bad_lat->status, 400);
  EXPECT_EQ(ErrorOf(bad_lat), "lat: must be within [-90, 90]");

  auto no_code = with({}, {"service_code"});
  ASSERT_TRUE(no_code);
  EXPECT_EQ(no_code->status, 400);
  EXPECT_EQ(ErrorOf(no_code), "service_code: required");

  auto no_place = with({}, {"lat", "long"});
  ASSERT_TRUE(no_place);
  EXPECT_EQ(no_place->status, 400);
  EXPECT_EQ(ErrorOf(no_place), "lat: a location is required: lat and long, address_string or address_id");

  auto bad_phone = with({{"phone", "555-0100"}}, {});
  ASSERT_TRUE(bad_phone);
  EXPECT_EQ(bad_phone->status, 400);
  EXPECT_TRUE(absl::StartsWith(ErrorOf(bad_phone), "phone: ")) << bad_phone->body;

  auto bad_media = with({{"media_url", "ftp://example.cn/x.jpg"}}, {});
  ASSERT_TRUE(bad_media);
  EXPECT_EQ(bad_media->status, 400);
  EXPECT_EQ(ErrorOf(bad_media), "media_url: must be an http(s) URL of at most 1024 printable ASCII characters");

  auto no_key = with({}, {"api_key"});
  ASSERT_TRUE(no_key);
  EXPECT_EQ(no_key->status, 403);
  EXPECT_EQ(ErrorOf(no_key), "api_key: required");

  auto wrong_key = with({{"api_key", "k-not-a-key-00000000"}}, {});
  ASSERT_TRUE(wrong_key);
  EXPECT_EQ(wrong_key->status, 403);
  EXPECT_EQ(ErrorOf(wrong_key), "api_key: unknown key");

  auto unknown_service = with({{"service_code", "teleport"}}, {});
  ASSERT_TRUE(unknown_service);
  EXPECT_EQ(unknown_service->status, 404);
  EXPECT_EQ(ErrorOf(unknown_service), "service_code: unknown service teleport");

  auto unknown_request = client->Get(absl::StrCat("/requests/GC-19990101-000001.json?api_key=", kErrorsKey));
  ASSERT_TRUE(unknown_request);
  EXPECT_EQ(unknown_request->status, 404);
  EXPECT_EQ(ErrorOf(unknown_request), "service_request_id: no request GC-19990101-000001");

  auto as_json = client->Post("/requests.json", json{{"api_key", kErrorsKey}}.dump(), "application/json");
  ASSERT_TRUE(as_json);
  EXPECT_EQ(as_json->status, 415);

  auto huge = with({{"description", std::string(70 * 1024, 'x')}}, {});
  ASSERT_TRUE(huge) << httplib::to_string(huge.error());
  EXPECT_EQ(huge->status, 413);

  // Another service and text than the sentinel below, so that intake does not link the two as duplicates.
  httplib::Params slow = {{"api_key", kSlowKey},
                          {"service_code", "noise"},
                          {"lat", "30.2525"},
                          {"long", "120.152"},
                          {"description", "夜间广场舞音响声音太大"},
                          {"external_id", testing::UniqueName("slow")}};
  auto first = client->Post("/requests.json", slow);
  auto second = client->Post("/requests.json", slow);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->status, 201) << first->body;
  EXPECT_EQ(second->status, 429) << second->body;
  EXPECT_FALSE(second->get_header_value("Retry-After").empty());

  // One accepted request after the refusals: it reaches the topic, and none of the refused ones did.
  httplib::Params sentinel = good;
  sentinel.emplace("external_id", testing::UniqueName("sentinel"));
  auto accepted = client->Post("/requests.json", sentinel);
  ASSERT_TRUE(accepted);
  ASSERT_EQ(accepted->status, 201) << accepted->body;
  std::string sentinel_id = Body(accepted)[0]["service_request_id"];
  std::vector<v1::CaseEvent> events = SubmittedEvents("o311:errors-client:", sentinel_id);
  std::vector<std::string> pothole_cases;
  for (const v1::CaseEvent& event : events) {
    if (event.submitted().initial().catalogue_item() == "municipal.road-damage")
      pothole_cases.push_back(event.case_id());
  }
  EXPECT_EQ(pothole_cases, std::vector<std::string>{sentinel_id}) << "refused requests were published";
}

// One NYC 311 row, mapped to an Open311 form.
struct ReplayRow {
  std::string unique_key;
  bool well_formed = false;
  httplib::Params form;
};

std::vector<ReplayRow> LoadNycRows(const registry::ServiceCodeMap& codes, std::string* error) {
  std::string path = testing::SourcePath("../shared/data/nyc311-2000.csv");
  absl::StatusOr<std::vector<std::vector<std::string>>> read = testing::ReadCsvFile(path);
  if (!read.ok()) {
    *error = absl::StrCat("the NYC 311 sample is missing: expected ", path,
                          " ($GRIDCASE_SOURCE_DIR/../shared/data/nyc311-2000.csv)");
    return {};
  }
  std::vector<std::vector<std::string>> rows = *std::move(read);
  if (rows.empty()) {
    *error = absl::StrCat(path, ": empty");
    return {};
  }
  std::map<std::string, size_t> column;
  for (size_t i = 0; i < rows[0].size(); ++i) column[rows[0][i]] = i;
  for (const char* name : {"Unique Key", "Complaint Type", "Descriptor", "Incident Address", "Street Name", "City",
                           "Latitude", "Longitude"}) {
    if (!column.contains(name)) {
      *error = absl::StrCat(path, ": no column ", name);
      return {};
    }
  }
  std::vector<ReplayRow> replay;
  for (size_t r = 1; r < rows.size(); ++r) {
    const std::vector<std::string>& row = rows[r];
    if (row.size() != rows[0].size()) {
      *error = absl::StrCat(path, ": row ", r + 1, " has ", row.size(), " fields, the header ", rows[0].size());
      return {};
    }
    auto get = [&](const char* name) { return std::string(absl::StripAsciiWhitespace(row[column[name]])); };
    ReplayRow out;
    out.unique_key = get("Unique Key");
    std::string type = get("Complaint Type");
    std::string descriptor = get("Descriptor");
    std::string street = get("Incident Address").empty() ? get("Street Name") : get("Incident Address");
    std::vector<std::string> address_parts;
    for (std::string part : {street, get("City")}) {
      if (!part.empty()) address_parts.push_back(part);
    }
    std::string address = absl::StrJoin(address_parts, ", ");
    std::string lat = get("Latitude");
    std::string lng = get("Longitude");
    bool has_point = !lat.empty() && !lng.empty();
    out.well_formed = !type.empty() && (has_point || !address.empty());
    out.form = {{"api_key", kReplayKey}, {"external_id", absl::StrCat("nyc311-", out.unique_key)}};
    if (!type.empty()) out.form.emplace("service_code", codes.ServiceCodeFor(type));
    out.form.emplace("description", descriptor.empty() ? type : absl::StrCat(type, ": ", descriptor));
    if (!address.empty()) out.form.emplace("address_string", address);
    if (has_point) {
      out.form.emplace("lat", lat);
      out.form.emplace("long", lng);
    }
    replay.push_back(std::move(out));
  }
  return replay;
}

// The key file is followed without a restart: a key added to it is accepted within the poll, a removed one refused,
// and an invalid file (a plaintext key) is reported and leaves the keys in force.
TEST_F(Open311E2eTest, RotatesKeysWithoutARestart) {
  constexpr char kRotatedKey[] = "k-e2e-rotated-0123456789";
  constexpr char kFailed[] = "gridcase_file_reloads_total{file=\"open311_keys\",outcome=\"failed\"";
  auto client = Client();
  auto status_with = [&](const char* key) {
    auto result = client->Get(absl::StrCat("/services.json?api_key=", key));
    return result ? result->status : -1;
  };
  ASSERT_EQ(status_with(kRotatedKey), 403);
  json rotated = KeyEntries();
  rotated.push_back(json::parse(intake::open311::HashedKeyEntry("rotated-client", kRotatedKey, "salt-rotated-e2e-1",
                                                                {.rate_per_second = 100, .burst = 100})));
  WriteKeys(rotated);
  EXPECT_TRUE(testing::WaitFor([&] { return status_with(kRotatedKey) == 200; }, absl::Seconds(20)))
      << "the new key was not accepted";
  EXPECT_EQ(status_with(kErrorsKey), 200);

  double failed = fleet_->Metric("intake", kFailed);
  WriteKeysText(absl::StrCat(R"([{"key": ")", kRotatedKey, R"(", "name": "plain", "rate_per_second": 1}])"));
  EXPECT_TRUE(testing::WaitFor([&] { return fleet_->Metric("intake", kFailed) >= failed + 1; }, absl::Seconds(20)))
      << "the invalid key file was not reported";
  EXPECT_EQ(status_with(kRotatedKey), 200);
  EXPECT_EQ(status_with(kErrorsKey), 200);
  std::ifstream log(fleet_->log_path("intake"));
  std::stringstream lines;
  lines << log.rdbuf();
  EXPECT_TRUE(absl::StrContains(lines.str(), "file=open311_keys")) << "no reload logged";
  EXPECT_FALSE(absl::StrContains(lines.str(), kRotatedKey)) << "a key in intake's log";

  WriteKeys(KeyEntries());  // The rotated key is removed again.
  EXPECT_TRUE(testing::WaitFor([&] { return status_with(kRotatedKey) == 403; }, absl::Seconds(20)))
      << "the removed key was still accepted";
  EXPECT_EQ(status_with(kReplayKey), 200);
}

// A key file of plaintext keys (the format before hashing) stops intake at start-up with the entry and the fix named,
// and without the key in its log.
TEST_F(Open311E2eTest, RefusesAPlaintextKeyFileAtStartUp) {
  constexpr char kPlaintextKey[] = "k-e2e-plaintext-0123456789";
  const std::string path = *keys_path_ + ".plaintext.json";
  std::ofstream(path, std::ios::trunc) << json::array(
      {json::parse(intake::open311::HashedKeyEntry("hashed-client", kErrorsKey, "salt-hashed-client",
                                                   {.rate_per_second = 1, .burst = 1})),
       {{"key", kPlaintextKey}, {"name", "old-client"}, {"rate_per_second", 1}}});
  absl::Status started = fleet_->Start(
      "intake#plaintext", {absl::StrCat("--open311_addr=127.0.0.1:", testing::FreePort()),
                           absl::StrCat("--open311_keys=", path)});
  std::filesystem::remove(path);
  EXPECT_EQ(started.code(), absl::StatusCode::kAborted) << started;
  std::ifstream log(fleet_->log_path("intake#plaintext"));
  std::stringstream lines;
  lines << log.rdbuf();
  EXPECT_TRUE(absl::StrContains(lines.str(), "[1].key: plaintext keys are not accepted")) << lines.str();
  EXPECT_TRUE(absl::StrContains(lines.str(), "gridcase-open311-key hash")) << lines.str();
  EXPECT_FALSE(absl::StrContains(lines.str(), kPlaintextKey)) << lines.str();
}

TEST_F(Open311E2eTest, ReplaysNyc311) {
  auto registry = registry::LoadRegistry(testing::SourcePath("data/registry/sample-county.json"));
  ASSERT_TRUE(registry.ok()) << registry.status();
  auto codes =
      registry::ServiceCodeMap::Load(testing::SourcePath("data/registry/nyc311-service-codes.json"), registry->get());
  ASSERT_TRUE(codes.ok()) << codes.status();
  std::string error;
  std::vector<ReplayRow> rows = LoadNycRows(*codes, &error);
  // The sample lives in ../shared beside the checkout; without it there is nothing to replay.
  if (absl::StartsWith(error, "the NYC 311 sample is missing")) GTEST_SKIP() << error;
  ASSERT_TRUE(error.empty()) << error;
  ASSERT_EQ(rows.size(), 2000u);

  // Sent by a few concurrent clients, each row once; what came back, per row.
  struct Outcome {
    int status = 0;
    std::string case_id;
    std::string error;
  };
  std::vector<Outcome> outcomes(rows.size());
  std::atomic<size_t> next{0};
  absl::Time start = absl::Now();
  constexpr int kClients = 4;
  std::vector<std::thread> senders;
  for (int t = 0; t < kClients; ++t) {
    senders.emplace_back([&] {
      auto client = Client();
      for (size_t i = next++; i < rows.size(); i = next++) {
        auto result = client->Post("/requests.json", rows[i].form);
        if (!result) {
          outcomes[i].error = absl::StrCat("transport: ", httplib::to_string(result.error()));
          continue;
        }
        outcomes[i].status = result->status;
        json body = Body(result);
        if ((result->status == 200 || result->status == 201) && body.is_array() && body.size() == 1) {
          outcomes[i].case_id = body[0]["service_request_id"];
        } else if (body.is_array() && body.size() == 1 && body[0].contains("description")) {
          outcomes[i].error = absl::StrCat(result->status, " ", body[0]["description"].get<std::string>());
        } else {
          outcomes[i].error = absl::StrCat(result->status, " ", result->body);
        }
      }
    });
  }
  for (std::thread& t : senders) t.join();
  absl::Duration send_time = absl::Now() - start;

  int accepted = 0;
  int malformed = 0;
  int malformed_rejected = 0;
  std::map<std::string, int> rejected_reasons;
  std::vector<std::string> well_formed_rejected;
  for (size_t i = 0; i < rows.size(); ++i) {
    bool ok = !outcomes[i].case_id.empty();
    accepted += ok;
    if (!rows[i].well_formed) {
      ++malformed;
      if (!ok) {
        ++malformed_rejected;
        ++rejected_reasons[outcomes[i].error];
      }
      continue;
    }
    if (!ok) {
      ++rejected_reasons[outcomes[i].error];
      if (well_formed_rejected.size() < 10) {
        well_formed_rejected.push_back(absl::StrCat(rows[i].unique_key, ": ", outcomes[i].error));
      } else {
        well_formed_rejected.push_back("");
      }
    }
  }

  // Every accepted request reads back over Open311, and intake has it located or flagged for manual assignment.
  int located = 0;
  int flagged = 0;
  int read_back = 0;
  std::vector<std::string> read_failures;
  std::mutex mu;
  next = 0;
  absl::Time read_start = absl::Now();
  std::vector<std::thread> readers;
  auto stub = v1::IntakeService::NewStub(fleet_->Channel("intake"));
  for (int t = 0; t < kClients; ++t) {
    readers.emplace_back([&] {
      auto client = Client();
      for (size_t i = next++; i < rows.size(); i = next++) {
        if (outcomes[i].case_id.empty()) continue;
        const std::string& id = outcomes[i].case_id;
        auto result = client->Get(absl::StrCat("/requests/", id, ".json?api_key=", kReplayKey));
        json body = result ? Body(result) : json();
        std::string problem;
        if (!result || result->status != 200 || !body.is_array() || body.size() != 1) {
          problem = result ? absl::StrCat(result->status, " ", result->body) : httplib::to_string(result.error());
        } else {
          const json& r = body[0];
          const httplib::Params& form = rows[i].form;
          if (r["service_request_id"] != id) problem = "another id";
          if (r["service_code"] != form.find("service_code")->second) problem = "service_code differs";
          // What the public sees: numbers masked in the text, no house numbers, the point to about 100 m.
          if (r["description"] != access::MaskNumbersInText(form.find("description")->second)) {
            problem = "description differs";
          }
          if (form.contains("lat") && !(r["lat"].is_number() && std::abs(r["lat"].get<double>() -
                                                                         std::stod(form.find("lat")->second)) <= 5e-4)) {
            problem = "lat differs";
          }
          if (form.contains("address_string") &&
              r["address"] != access::MaskAddress(form.find("address_string")->second)) {
            problem = "address differs";
          }
        }
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        v1::GetCaseRequest request;
        request.set_case_id(id);
        v1::Case c;
        grpc::Status status = stub->GetCase(&context, request, &c);
        std::lock_guard<std::mutex> lock(mu);
        if (!problem.empty()) {
          if (read_failures.size() < 10) read_failures.push_back(absl::StrCat(id, ": ", problem));
          continue;
        }
        ++read_back;
        if (!status.ok()) {
          if (read_failures.size() < 10) read_failures.push_back(absl::StrCat(id, ": gRPC ", status.error_message()));
        } else if (!c.location().grid_code().empty()) {
          ++located;
        } else if (c.location().needs_manual_grid()) {
          ++flagged;
        }
      }
    });
  }
  for (std::thread& t : readers) t.join();
  absl::Duration read_time = absl::Now() - read_start;

  std::printf("\nNYC 311 replay through POST /requests.json (%d clients)\n", kClients);
  std::printf("  rows                      %zu\n", rows.size());
  std::printf("  well-formed               %zu\n", rows.size() - malformed);
  std::printf("  accepted                  %d\n", accepted);
  std::printf("    located on a grid       %d\n", located);
  std::printf("    flagged (manual grid)   %d\n", flagged);
  std::printf("  read back (GET /requests/{id}.json)  %d\n", read_back);
  std::printf("  rejected, well-formed     %zu\n", well_formed_rejected.size());
  std::printf("  rejected, not well-formed %d of %d\n", malformed_rejected, malformed);
  for (const auto& [reason, count] : rejected_reasons) std::printf("    %5d  %s\n", count, reason.c_str());
  std::printf("  send %.1f s (%.0f req/s), read back %.1f s\n", absl::ToDoubleSeconds(send_time),
              rows.size() / absl::ToDoubleSeconds(send_time), absl::ToDoubleSeconds(read_time));

  EXPECT_EQ(well_formed_rejected.size(), 0u) << absl::StrJoin(well_formed_rejected, "\n");
  EXPECT_EQ(accepted, static_cast<int>(rows.size()) - malformed);
  // A row without a complaint type or any location is refused, naming the missing location.
  EXPECT_EQ(malformed_rejected, malformed);
  for (const auto& [reason, count] : rejected_reasons) {
    EXPECT_EQ(reason, "400 lat: a location is required: lat and long, address_string or address_id");
  }
  EXPECT_EQ(read_back, accepted) << absl::StrJoin(read_failures, "\n");
  EXPECT_EQ(located + flagged, accepted) << absl::StrJoin(read_failures, "\n");
  // NYC lies outside the county: nothing is placed on one of its grids, everything waits for a grid worker.
  EXPECT_EQ(flagged, accepted);
}

}  // namespace
}  // namespace gridcase
