#include "services/intake/open311/open311_mapping.h"

#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/events/proto_time.h"
#include "libs/registry/registry_json.h"
#include "services/intake/core/intake.h"

namespace gridcase::intake::open311 {
namespace {

using nlohmann::json;

std::string SourceDir() {
  const char* dir = std::getenv("GRIDCASE_SOURCE_DIR");
  return dir != nullptr ? dir : GRIDCASE_OPEN311_TEST_SOURCE_DIR;
}

const registry::OrgRegistry& Sample() {
  static const auto* registry = [] {
    auto loaded = registry::LoadRegistry(SourceDir() + "/data/registry/sample-county.json");
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status();
      std::abort();
    }
    return new std::shared_ptr<const registry::OrgRegistry>(*loaded);
  }();
  return **registry;
}

// 2026-03-01 14:27:57 +08:00.
const absl::Time kReceived = absl::FromUnixSeconds(1772346477);

SubmitContext Context(std::string client = "hotline-12345", std::string header = "") {
  return {.client = std::move(client), .idempotency_header = std::move(header), .received = kReceived};
}

Params StreetLight() {
  return {{"api_key", "k-0123456789abcdef"},
          {"service_code", "street-light"},
          {"lat", "30.2525"},
          {"long", "120.152"},
          {"address_string", "碧桂家园1幢东侧"},
          {"description", "路灯不亮已经三天了"},
          {"first_name", "小明"},
          {"last_name", "王"},
          {"phone", "139 1234 5678"},
          {"account_id", "u-42"},
          {"external_id", "CRM-2026-0001"}};
}

std::string MessageOf(const absl::Status& status) { return std::string(status.message()); }

TEST(SubmitRequestFromFormTest, MapsEveryField) {
  auto request = SubmitRequestFromForm(StreetLight(), Context(), Sample());
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->channel(), v1::CHANNEL_OPEN311);
  EXPECT_EQ(request->catalogue_item(), "municipal.street-light");
  ASSERT_TRUE(request->has_point());
  EXPECT_DOUBLE_EQ(request->point().lat(), 30.2525);
  EXPECT_DOUBLE_EQ(request->point().lng(), 120.152);
  EXPECT_EQ(request->address(), "碧桂家园1幢东侧");
  EXPECT_EQ(request->text(), "路灯不亮已经三天了");
  EXPECT_EQ(request->title(), "");
  EXPECT_EQ(request->resident().name(), "王小明");
  EXPECT_EQ(request->resident().phone(), "13912345678");
  EXPECT_EQ(request->resident().resident_id(), "hotline-12345:account:u-42");
  EXPECT_TRUE(absl::StartsWith(request->idempotency_key(), "o311:hotline-12345:t:")) << request->idempotency_key();
  EXPECT_EQ(request->idempotency_key().size(), std::string("o311:hotline-12345:t:").size() + 32);
  // What the core accepts.
  EXPECT_TRUE(ValidateSubmission(*request).ok()) << ValidateSubmission(*request);
}

TEST(SubmitRequestFromFormTest, WesternNamesKeepTheirOrder) {
  Params form = StreetLight();
  form["first_name"] = "Jane";
  form["last_name"] = "Doe";
  auto request = SubmitRequestFromForm(form, Context(), Sample());
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->resident().name(), "Jane Doe");
  form.erase("first_name");
  request = SubmitRequestFromForm(form, Context(), Sample());
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->resident().name(), "Doe");
}

TEST(SubmitRequestFromFormTest, ResidentIdFallsBackToEmailThenDevice) {
  Params form = StreetLight();
  form.erase("account_id");
  form["email"] = "wang@example.cn";
  form["device_id"] = "dev-9";
  auto request = SubmitRequestFromForm(form, Context(), Sample());
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->resident().resident_id(), "hotline-12345:email:wang@example.cn");
  form.erase("email");
  request = SubmitRequestFromForm(form, Context(), Sample());
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->resident().resident_id(), "hotline-12345:device:dev-9");
}

TEST(SubmitRequestFromFormTest, PhonesAreNormalised) {
  struct {
    const char* given;
    const char* stored;
  } cases[] = {{"139-1234-5678", "13912345678"},
               {"+86 139 1234 5678", "+8613912345678"},
               {"(0571) 8888 1234", "057188881234"},
               {"0571-88881234-12", "0571-88881234-12"}};
  for (const auto& c : cases) {
    Params form = StreetLight();
    form["phone"] = c.given;
    auto request = SubmitRequestFromForm(form, Context(), Sample());
    ASSERT_TRUE(request.ok()) << request.status();
    EXPECT_EQ(request->resident().phone(), c.stored) << c.given;
    EXPECT_TRUE(ValidateSubmission(*request).ok()) << c.given << ": " << ValidateSubmission(*request);
  }
}

TEST(SubmitRequestFromFormTest, EmptyDescriptionBecomesTheServiceName) {
  Params form = StreetLight();
  form.erase("description");
  auto request = SubmitRequestFromForm(form, Context(), Sample());
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->text(), "路灯故障");
}

TEST(SubmitRequestFromFormTest, MediaUrlBecomesTheCasesMedia) {
  Params form = StreetLight();
  form["media_url"] = "https://img.example.cn/a/1.jpg";
  auto request = SubmitRequestFromForm(form, Context(), Sample());
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->text(), "路灯不亮已经三天了");
  ASSERT_EQ(request->media_urls_size(), 1);
  EXPECT_EQ(request->media_urls(0), "https://img.example.cn/a/1.jpg");
  // Intake checks it; the error names the Open311 field.
  EXPECT_EQ(ToOpen311Status(absl::InvalidArgumentError("media_urls[0]: must be an http(s) URL")).message(),
            "media_url: must be an http(s) URL");
}

TEST(SubmitRequestFromFormTest, AddressAloneOrAddressIdIsALocation) {
  Params form = StreetLight();
  form.erase("lat");
  form.erase("long");
  auto request = SubmitRequestFromForm(form, Context(), Sample());
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_FALSE(request->has_point());
  EXPECT_EQ(request->address(), "碧桂家园1幢东侧");
  form.erase("address_string");
  form["address_id"] = "ADDR-778";
  request = SubmitRequestFromForm(form, Context(), Sample());
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->address(), "ADDR-778");
}

TEST(SubmitRequestFromFormTest, RefusesBadFieldsNamingThem) {
  struct Case {
    std::vector<std::pair<std::string, std::string>> set;
    std::vector<std::string> erase;
    absl::StatusCode code;
    std::string message;
  } cases[] = {
      {{}, {"service_code"}, absl::StatusCode::kInvalidArgument, "service_code: required"},
      {{{"service_code", "teleport"}}, {}, absl::StatusCode::kNotFound, "service_code: unknown service teleport"},
      {{{"jurisdiction_id", "110101"}},
       {},
       absl::StatusCode::kNotFound,
       "jurisdiction_id: unknown jurisdiction 110101"},
      {{},
       {"lat", "long", "address_string"},
       absl::StatusCode::kInvalidArgument,
       "lat: a location is required: lat and long, address_string or address_id"},
      {{}, {"long"}, absl::StatusCode::kInvalidArgument, "long: required when lat is given"},
      {{}, {"lat"}, absl::StatusCode::kInvalidArgument, "lat: required when long is given"},
      {{{"lat", "north"}}, {}, absl::StatusCode::kInvalidArgument, "lat: must be a decimal number"},
      {{{"long", "120.1.5"}}, {}, absl::StatusCode::kInvalidArgument, "long: must be a decimal number"},
      {{{"first_name", std::string(25, 'a')}},
       {},
       absl::StatusCode::kInvalidArgument,
       "first_name: must have at most 24 characters, has 25"},
      {{{"email", "not-an-email"}},
       {},
       absl::StatusCode::kInvalidArgument,
       "email: must be an email address of at most 80 characters"},
      {{{"description", std::string(4001, 'x')}},
       {},
       absl::StatusCode::kInvalidArgument,
       "description: must have at most 4000 characters, has 4001"},
      {{{"description", "bad\x01text"}},
       {},
       absl::StatusCode::kInvalidArgument,
       "description: contains a control character"},
      {{{"description", "\xff\xfe"}}, {}, absl::StatusCode::kInvalidArgument, "description: is not valid UTF-8"},
      {{{"account_id", std::string(65, 'a')}},
       {},
       absl::StatusCode::kInvalidArgument,
       "account_id: must have at most 64 characters, has 65"},
  };
  for (const Case& c : cases) {
    Params form = StreetLight();
    for (const auto& [k, v] : c.set) form[k] = v;
    for (const auto& k : c.erase) form.erase(k);
    auto request = SubmitRequestFromForm(form, Context(), Sample());
    ASSERT_FALSE(request.ok()) << c.message;
    EXPECT_EQ(request.status().code(), c.code) << c.message;
    EXPECT_EQ(MessageOf(request.status()), c.message);
  }
}

TEST(SubmitRequestFromFormTest, JurisdictionOfTheCountyIsAccepted) {
  Params form = StreetLight();
  form["jurisdiction_id"] = "330199";
  EXPECT_TRUE(SubmitRequestFromForm(form, Context(), Sample()).ok());
}

TEST(SubmitRequestFromFormTest, CoreRangeErrorsComeBackUnderOpen311Names) {
  Params form = StreetLight();
  form["lat"] = "95";
  auto request = SubmitRequestFromForm(form, Context(), Sample());
  ASSERT_TRUE(request.ok()) << request.status();
  absl::Status status = ToOpen311Status(ValidateSubmission(*request));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MessageOf(status), "lat: must be within [-90, 90]");
  form["lat"] = "30.25";
  form["long"] = "-181";
  status = ToOpen311Status(ValidateSubmission(*SubmitRequestFromForm(form, Context(), Sample())));
  EXPECT_EQ(MessageOf(status), "long: must be within [-180, 180]");
  form["long"] = "nan";
  status = ToOpen311Status(ValidateSubmission(*SubmitRequestFromForm(form, Context(), Sample())));
  EXPECT_EQ(MessageOf(status), "long: must be within [-180, 180]");
  form["long"] = "120.15";
  form["phone"] = "555-0100";
  status = ToOpen311Status(ValidateSubmission(*SubmitRequestFromForm(form, Context(), Sample())));
  EXPECT_TRUE(absl::StartsWith(status.message(), "phone: ")) << status;
}

TEST(ToOpen311StatusTest, ReusedTokenNamesExternalIdNotTheDerivedKey) {
  absl::Status status = ToOpen311Status(absl::AlreadyExistsError(
      "idempotency_key: o311:crm:t:0123456789abcdef0123456789abcdef was already used for a different request (case "
      "GC-20261123-000007)"));
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(status.message(), "external_id: was already used for a different request (case GC-20261123-000007)");
}

TEST(ToOpen311StatusTest, RenamesCoreFields) {
  EXPECT_EQ(MessageOf(ToOpen311Status(absl::InvalidArgumentError("text: must not be empty"))),
            "description: must not be empty");
  EXPECT_EQ(MessageOf(ToOpen311Status(absl::InvalidArgumentError("address: contains a control character"))),
            "address_string: contains a control character");
  EXPECT_EQ(MessageOf(ToOpen311Status(absl::InvalidArgumentError("resident.name: must have at most 50 characters"))),
            "first_name: must have at most 50 characters");
  EXPECT_EQ(MessageOf(ToOpen311Status(absl::InvalidArgumentError("catalogue_item: unknown item x"))),
            "service_code: unknown item x");
  EXPECT_EQ(MessageOf(ToOpen311Status(absl::InvalidArgumentError("something: else"))), "something: else");
  absl::Status unavailable = absl::UnavailableError("text: not a field error");
  EXPECT_EQ(ToOpen311Status(unavailable), unavailable);
}

TEST(IdempotencyKeyTest, ClientTokenDecides) {
  auto first = SubmitRequestFromForm(StreetLight(), Context(), Sample());
  Params changed = StreetLight();
  changed["description"] = "路灯还是不亮";
  SubmitContext later = Context();
  later.received += absl::Hours(5);
  auto repeat = SubmitRequestFromForm(changed, later, Sample());
  ASSERT_TRUE(first.ok() && repeat.ok());
  EXPECT_EQ(first->idempotency_key(), repeat->idempotency_key());
  // The same token from another client is another request.
  auto other_client = SubmitRequestFromForm(StreetLight(), Context("app.v2"), Sample());
  ASSERT_TRUE(other_client.ok());
  EXPECT_NE(first->idempotency_key(), other_client->idempotency_key());
  // The header is the same token as the field.
  Params without = StreetLight();
  without.erase("external_id");
  auto by_header = SubmitRequestFromForm(without, Context("hotline-12345", "CRM-2026-0001"), Sample());
  ASSERT_TRUE(by_header.ok());
  EXPECT_EQ(by_header->idempotency_key(), first->idempotency_key());
  auto conflicting = SubmitRequestFromForm(StreetLight(), Context("hotline-12345", "CRM-OTHER"), Sample());
  ASSERT_FALSE(conflicting.ok());
  EXPECT_EQ(MessageOf(conflicting.status()), "external_id: differs from the Idempotency-Key header");
}

TEST(IdempotencyKeyTest, WithoutATokenContentAndMinuteDecide) {
  Params form = StreetLight();
  form.erase("external_id");
  auto key = [&](const Params& f, absl::Time at) {
    auto request = SubmitRequestFromForm(f, {.client = "hotline-12345", .received = at}, Sample());
    EXPECT_TRUE(request.ok()) << request.status();
    return request.ok() ? request->idempotency_key() : std::string();
  };
  absl::Time minute = absl::FromUnixSeconds(1772346420);  // 14:27:00 +08:00.
  std::string base = key(form, minute);
  EXPECT_TRUE(absl::StartsWith(base, "o311:hotline-12345:m:")) << base;
  EXPECT_EQ(key(form, minute + absl::Seconds(59)), base);
  EXPECT_NE(key(form, minute + absl::Seconds(60)), base);
  Params other_key = form;
  other_key["api_key"] = "k-another-key-000000";
  EXPECT_EQ(key(other_key, minute), base);
  Params other_text = form;
  other_text["description"] = "路灯闪烁";
  EXPECT_NE(key(other_text, minute), base);
  Params ignored = form;
  ignored["token"] = "x";
  EXPECT_EQ(key(ignored, minute), base);
}

TEST(DateTimeTest, FormatsWithTheCountyOffset) {
  EXPECT_EQ(FormatDateTime(kReceived, CountyTimeZone()), "2026-03-01T14:27:57+08:00");
}

TEST(DateTimeTest, ParsesW3cForms) {
  absl::TimeZone zone = CountyTimeZone();
  struct {
    const char* text;
    absl::Time want;
  } cases[] = {
      {"2026-03-01T14:27:57+08:00", kReceived},
      {"2026-03-01T06:27:57Z", kReceived},
      {"2026-03-01T01:27:57-05:00", kReceived},
      {"2026-03-01T14:27:57.250+08:00", kReceived + absl::Milliseconds(250)},
      {"2026-03-01T14:27:57 08:00", kReceived},  // An unencoded '+' in a query string.
      {"2026-03-01T14:27:57", kReceived},
      {"2026-03-01T14:27+08:00", kReceived - absl::Seconds(57)},
      {"2026-03-01", absl::FromUnixSeconds(1772294400)},
  };
  for (const auto& c : cases) {
    auto t = ParseDateTime("start_date", c.text, zone);
    ASSERT_TRUE(t.ok()) << c.text << ": " << t.status();
    EXPECT_EQ(*t, c.want) << c.text;
  }
  for (const char* bad : {"", "yesterday", "2026-13-01", "2026-03-01T25:00:00Z", "1772346477"}) {
    auto t = ParseDateTime("end_date", bad, zone);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(MessageOf(t.status()), "end_date: must be a W3C datetime, e.g. 2026-03-01T09:30:00+08:00");
  }
}

TEST(ServiceListTest, ListsTheCatalogueInGeoReportShape) {
  json services = ServiceList(Sample());
  ASSERT_TRUE(services.is_array());
  EXPECT_EQ(services.size(), static_cast<size_t>(Sample().Catalogue().size()));
  json first = services[0];
  EXPECT_EQ(first["service_code"], "manhole-cover");
  EXPECT_EQ(first["service_name"], "井盖破损松动");
  EXPECT_EQ(first["description"], "井盖破损松动，承办部门：清河县综合行政执法局（城市管理局）");
  EXPECT_EQ(first["metadata"], false);
  EXPECT_EQ(first["type"], "realtime");
  EXPECT_EQ(first["keywords"], "井盖, 窨井盖, 井盖破损, 井盖松动, 井盖异响, 雨水篦子, 井盖翘起");
  EXPECT_EQ(first["group"], "municipal");
  for (const json& service : services) {
    EXPECT_NE(Sample().FindByServiceCode(service["service_code"].get<std::string>()), nullptr);
  }
}

TEST(ServiceDefinitionTest, HasNoAttributes) {
  auto definition = ServiceDefinition(Sample(), "street-light");
  ASSERT_TRUE(definition.ok());
  EXPECT_EQ(*definition, json::parse(R"({"service_code": "street-light", "attributes": []})"));
  auto unknown = ServiceDefinition(Sample(), "teleport");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
}

TEST(SubmitResponseTest, NoticesTellWhatHappens) {
  const v1::CatalogueItem& item = *Sample().FindByServiceCode("street-light");
  v1::SubmitCaseResponse located;
  located.set_case_id("GC-20260301-000007");
  located.set_grid_code("330199001001001");
  *located.mutable_expected_at() = events::ToProto(kReceived + absl::Hours(48));
  json body = SubmitResponse(located, &item, Sample(), CountyTimeZone());
  ASSERT_TRUE(body.is_array());
  ASSERT_EQ(body.size(), 1u);
  EXPECT_EQ(body[0]["service_request_id"], "GC-20260301-000007");
  EXPECT_FALSE(body[0].contains("account_id"));
  EXPECT_EQ(body[0]["service_notice"],
            "Handled by 清河县综合行政执法局（城市管理局）. Located in grid 翠苑社区第1网格 (330199001001001). "
            "Expected by 2026-03-03T14:27:57+08:00.");

  v1::SubmitCaseResponse manual;
  manual.set_case_id("GC-20260301-000008");
  manual.set_needs_manual_grid(true);
  manual.set_emergency(true);
  manual.set_duplicate_submit(true);
  EXPECT_EQ(SubmitResponse(manual, &item, Sample(), CountyTimeZone())[0]["service_notice"],
            "Already received; this is the original request. Handled by 清河县综合行政执法局（城市管理局）. The "
            "location is not on the county's grid map: a grid worker will assign it. Handled as an emergency.");

  v1::SubmitCaseResponse linked;
  linked.set_case_id("GC-20260301-000001");
  linked.set_linked_to_case_id("GC-20260301-000001");
  EXPECT_EQ(SubmitResponse(linked, &item, Sample(), CountyTimeZone())[0]["service_notice"],
            "Linked to open request GC-20260301-000001 about the same problem at the same place; recorded as a "
            "co-requester.");
}

v1::Case SampleCase() {
  v1::Case c;
  c.set_id("GC-20260301-000007");
  c.set_channel(v1::CHANNEL_OPEN311);
  c.mutable_resident()->set_name("王小明");
  c.mutable_resident()->set_phone("13912345678");
  c.set_text("路灯不亮已经三天了");
  c.add_media_urls("https://img.example.cn/a/1.jpg");
  c.mutable_location()->mutable_point()->set_lat(30.2525);
  c.mutable_location()->mutable_point()->set_lng(120.152);
  c.mutable_location()->set_address("碧桂家园1幢东侧");
  c.mutable_location()->set_grid_code("330199001001001");
  c.set_catalogue_item("municipal.street-light");
  c.set_status(v1::CASE_STATUS_SUBMITTED);
  *c.mutable_created_at() = events::ToProto(kReceived);
  *c.mutable_updated_at() = events::ToProto(kReceived + absl::Minutes(5));
  *c.mutable_due_at() = events::ToProto(kReceived + absl::Hours(48));
  return c;
}

TEST(RequestJsonTest, WritesEveryGeoReportField) {
  json request = RequestJson(SampleCase(), Sample(), CountyTimeZone());
  json want = json::parse(R"({
    "service_request_id": "GC-20260301-000007",
    "status": "open",
    "status_notes": "Received; awaiting verification by the grid worker.",
    "service_name": "路灯故障",
    "service_code": "street-light",
    "description": "路灯不亮已经三天了",
    "agency_responsible": "清河县综合行政执法局（城市管理局）",
    "service_notice": null,
    "requested_datetime": "2026-03-01T14:27:57+08:00",
    "updated_datetime": "2026-03-01T14:32:57+08:00",
    "expected_datetime": "2026-03-03T14:27:57+08:00",
    "address": "碧桂家园*幢东侧",
    "address_id": null,
    "zipcode": null,
    "lat": 30.253,
    "long": 120.152,
    "media_url": "https://img.example.cn/a/1.jpg"
  })");
  EXPECT_EQ(request, want) << request.dump(2);
  // Nothing about the resident but the description; the house number and the exact point are public no more.
  std::string text = request.dump();
  EXPECT_FALSE(absl::StrContains(text, "13912345678"));
  EXPECT_FALSE(absl::StrContains(text, "王小明"));
}

TEST(RequestJsonTest, FollowsTheCaseThroughTheChain) {
  v1::Case c = SampleCase();
  c.clear_due_at();
  c.mutable_location()->clear_point();
  c.mutable_location()->clear_grid_code();
  c.mutable_location()->set_needs_manual_grid(true);
  json submitted = RequestJson(c, Sample(), CountyTimeZone());
  EXPECT_TRUE(submitted["lat"].is_null());
  EXPECT_TRUE(submitted["long"].is_null());
  EXPECT_TRUE(submitted["expected_datetime"].is_null());
  EXPECT_EQ(submitted["service_notice"], "The location is not on the county's grid map: a grid worker will assign it.");

  c.set_status(v1::CASE_STATUS_IN_PROGRESS);
  c.set_department_code("330199.zjj");
  json in_progress = RequestJson(c, Sample(), CountyTimeZone());
  EXPECT_EQ(in_progress["status"], "open");
  EXPECT_EQ(in_progress["agency_responsible"], "清河县住房和城乡建设局");
  EXPECT_EQ(in_progress["status_notes"], "In progress at 清河县住房和城乡建设局.");
  EXPECT_TRUE(in_progress["service_notice"].is_null());

  c.set_status(v1::CASE_STATUS_RESOLVED);
  c.set_resolution_reply("已更换灯泡");
  json resolved = RequestJson(c, Sample(), CountyTimeZone());
  EXPECT_EQ(resolved["status"], "closed");
  EXPECT_EQ(resolved["status_notes"], "Resolved: 已更换灯泡");

  c.set_status(v1::CASE_STATUS_DUPLICATE);
  c.set_duplicate_of("GC-20260228-000003");
  EXPECT_EQ(RequestJson(c, Sample(), CountyTimeZone())["status_notes"],
            "Closed: duplicate of request GC-20260228-000003.");

  c.set_catalogue_item("");
  json unclassified = RequestJson(c, Sample(), CountyTimeZone());
  EXPECT_EQ(unclassified["service_code"], "other");
  EXPECT_EQ(unclassified["service_name"], "其他事项");
}

// A form for `service_code` at a located point, with `extra` fields.
Params ServiceForm(const std::string& service_code, const Params& extra) {
  Params form = {{"service_code", service_code}, {"lat", "30.2525"}, {"long", "120.152"},
                 {"description", "星河苑6幢电梯这个月坏了三次"}};
  for (const auto& [name, value] : extra) form[name] = value;
  return form;
}

TEST(ServiceDefinitionTest, ItemsWithFieldsHaveAttributes) {
  json services = ServiceList(Sample());
  json elevator;
  for (const json& service : services) {
    if (service["service_code"] == "elevator") elevator = service;
  }
  EXPECT_EQ(elevator["metadata"], true);
  EXPECT_EQ(services.back()["service_code"], "other");
  EXPECT_EQ(services.back()["metadata"], false);

  auto definition = ServiceDefinition(Sample(), "elevator");
  ASSERT_TRUE(definition.ok()) << definition.status();
  EXPECT_EQ(*definition, json::parse(R"({"service_code": "elevator", "attributes": [
      {"variable": true, "code": "elevator_location", "datatype": "string", "required": true,
       "datatype_description": null, "order": 1, "description": "电梯所在楼栋单元或电梯注册代码"}]})"));
  auto listed = ServiceDefinition(Sample(), "household-registration");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ((*listed)["attributes"][0]["datatype"], "singlevaluelist");
  EXPECT_EQ((*listed)["attributes"][0]["values"][0], json::parse(R"({"key": "household", "name": "户籍"})"));
  auto other = ServiceDefinition(Sample(), "other");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(*other, json::parse(R"({"service_code": "other", "attributes": []})"));
}

TEST(ServiceDefinitionTest, AttributesAreCheckedAndKeptInTheText) {
  const SubmitContext context{.client = "hotline-12345", .received = kReceived};
  auto missing = SubmitRequestFromForm(ServiceForm("elevator", {}), context, Sample());
  EXPECT_EQ(missing.status().message(), "attribute[elevator_location]: required: 电梯所在楼栋单元或电梯注册代码");
  auto given = SubmitRequestFromForm(ServiceForm("elevator", {{"attribute[elevator_location]", "6幢1单元"}}), context,
                                     Sample());
  ASSERT_TRUE(given.ok()) << given.status();
  EXPECT_EQ(given->catalogue_item(), "market.elevator");
  EXPECT_EQ(given->text(), "星河苑6幢电梯这个月坏了三次\n【电梯所在楼栋单元或电梯注册代码】6幢1单元");
  auto unknown = SubmitRequestFromForm(
      ServiceForm("elevator", {{"attribute[elevator_location]", "6幢"}, {"attribute[colour]", "red"}}), context,
      Sample());
  EXPECT_EQ(unknown.status().message(), "attribute[colour]: unknown attribute of service elevator");
  auto number = SubmitRequestFromForm(
      ServiceForm("unpaid-wages", {{"attribute[employer]", "某建筑公司"}, {"attribute[workers]", "十几个"}}),
      context, Sample());
  EXPECT_EQ(number.status().message(), "attribute[workers]: must be a number");
  auto bad_key = SubmitRequestFromForm(
      ServiceForm("household-registration", {{"attribute[business_kind]", "passport"}}), context, Sample());
  EXPECT_EQ(bad_key.status().message(), "attribute[business_kind]: unknown value passport");
  auto good_key = SubmitRequestFromForm(
      ServiceForm("household-registration", {{"attribute[business_kind]", "id_card"}}), context, Sample());
  ASSERT_TRUE(good_key.ok()) << good_key.status();
  EXPECT_TRUE(absl::EndsWith(good_key->text(), "【业务类型】身份证"));
  auto time = SubmitRequestFromForm(ServiceForm("missing-person", {{"attribute[person_description]", "男，80岁"},
                                                                   {"attribute[last_seen]", "昨天"}}),
                                    context, Sample());
  EXPECT_EQ(time.status().message(), "attribute[last_seen]: must be a W3C datetime, e.g. 2026-03-01T09:30:00+08:00");
}

TEST(ServiceDefinitionTest, TheCatchAllLeavesTheItemToTheClassifier) {
  const SubmitContext context{.client = "hotline-12345", .received = kReceived};
  Params form = ServiceForm("other", {});
  auto request = SubmitRequestFromForm(form, context, Sample());
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_TRUE(request->catalogue_item().empty());
  form.erase("description");
  EXPECT_EQ(SubmitRequestFromForm(form, context, Sample()).status().message(),
            "description: required for service other");
  auto query = ParseRequestQuery({{"service_code", "other"}}, Sample(), kReceived, CountyTimeZone());
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->catalogue_items, (std::vector<std::string>{"", "general.other"}));
}

TEST(ServiceDefinitionTest, JurisdictionIdIsTheCounty) {
  EXPECT_TRUE(CheckJurisdiction({{"jurisdiction_id", "330199"}}, Sample()).ok());
  EXPECT_TRUE(CheckJurisdiction({}, Sample()).ok());
  absl::Status unknown = CheckJurisdiction({{"jurisdiction_id", "110105"}}, Sample());
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(unknown.message(), "jurisdiction_id: unknown jurisdiction 110105");
}

TEST(Open311StatusTest, ClosedOnceResolved) {
  EXPECT_EQ(Open311Status(v1::CASE_STATUS_SUBMITTED), "open");
  EXPECT_EQ(Open311Status(v1::CASE_STATUS_DISPATCHED), "open");
  EXPECT_EQ(Open311Status(v1::CASE_STATUS_HANDLING_LOCALLY), "open");
  EXPECT_EQ(Open311Status(v1::CASE_STATUS_RESOLVED), "closed");
  EXPECT_EQ(Open311Status(v1::CASE_STATUS_CLOSED), "closed");
  EXPECT_EQ(Open311Status(v1::CASE_STATUS_INVALID), "closed");
  EXPECT_EQ(Open311Status(v1::CASE_STATUS_DUPLICATE), "closed");
}

TEST(ErrorsTest, Body) {
  EXPECT_EQ(json::parse(ErrorBody(400, "lat: must be within [-90, 90]")),
            json::parse(R"([{"code": 400, "description": "lat: must be within [-90, 90]"}])"));
}

TEST(RequestQueryTest, DefaultsToTheLast90Days) {
  auto query = ParseRequestQuery({}, Sample(), kReceived, CountyTimeZone());
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->end, kReceived);
  EXPECT_EQ(query->start, kReceived - absl::Hours(24 * 90));
  EXPECT_TRUE(query->open && query->closed);
  EXPECT_TRUE(query->catalogue_items.empty());
  EXPECT_TRUE(query->case_ids.empty());

  auto from_start = ParseRequestQuery({{"start_date", "2026-01-01"}}, Sample(), kReceived, CountyTimeZone());
  ASSERT_TRUE(from_start.ok());
  EXPECT_EQ(from_start->end - from_start->start, absl::Hours(24 * 59) + absl::Hours(14) + absl::Minutes(27) +
                                                     absl::Seconds(57));  // Until now, under 90 days.
}

TEST(RequestQueryTest, ParsesFilters) {
  auto query = ParseRequestQuery({{"service_code", "street-light, pothole"},
                                  {"status", "closed"},
                                  {"start_date", "2026-02-01T00:00:00+08:00"},
                                  {"end_date", "2026-03-01T00:00:00+08:00"}},
                                 Sample(), kReceived, CountyTimeZone());
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->catalogue_items, (std::vector<std::string>{"municipal.street-light", "municipal.road-damage"}));
  EXPECT_FALSE(query->open);
  EXPECT_TRUE(query->closed);

  v1::Case c = SampleCase();
  *c.mutable_created_at() = events::ToProto(absl::FromUnixSeconds(1772294400) - absl::Hours(1));
  c.set_status(v1::CASE_STATUS_CLOSED);
  EXPECT_TRUE(query->Matches(c));
  c.set_status(v1::CASE_STATUS_IN_PROGRESS);
  EXPECT_FALSE(query->Matches(c));
  c.set_status(v1::CASE_STATUS_CLOSED);
  c.set_catalogue_item("order.noise");
  EXPECT_FALSE(query->Matches(c));
  c.set_catalogue_item("municipal.road-damage");
  *c.mutable_created_at() = events::ToProto(absl::FromUnixSeconds(1772294400));  // end_date is exclusive.
  EXPECT_FALSE(query->Matches(c));
}

TEST(RequestQueryTest, IdsOverrideEverythingElse) {
  auto query = ParseRequestQuery({{"service_request_id", "GC-1, GC-2,GC-1"}, {"status", "bogus"}}, Sample(), kReceived,
                                 CountyTimeZone());
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->case_ids, (std::vector<std::string>{"GC-1", "GC-2"}));
}

TEST(RequestQueryTest, RefusesBadParameters) {
  struct {
    Params params;
    absl::StatusCode code;
    const char* message;
  } cases[] = {
      {{{"status", "pending"}},
       absl::StatusCode::kInvalidArgument,
       "status: must be open, closed or both (comma separated)"},
      {{{"service_code", "teleport"}}, absl::StatusCode::kNotFound, "service_code: unknown service teleport"},
      {{{"start_date", "2025-01-01"}, {"end_date", "2026-01-01"}},
       absl::StatusCode::kInvalidArgument,
       "end_date: at most 90 days after start_date"},
      {{{"start_date", "2026-02-01"}, {"end_date", "2026-01-01"}},
       absl::StatusCode::kInvalidArgument,
       "start_date: must not be after end_date"},
      {{{"end_date", "soon"}},
       absl::StatusCode::kInvalidArgument,
       "end_date: must be a W3C datetime, e.g. 2026-03-01T09:30:00+08:00"},
      {{{"service_request_id", std::string(65, 'x')}},
       absl::StatusCode::kInvalidArgument,
       "service_request_id: ids are at most 64 printable ASCII characters"},
      // Found by open311_mapping_fuzzer: a status list of blanks and commas named no status and matched nothing.
      {{{"status", " , "}}, absl::StatusCode::kInvalidArgument, "status: must be open, closed or both (comma separated)"},
      {{{"status", "\n"}}, absl::StatusCode::kInvalidArgument, "status: must be open, closed or both (comma separated)"},
  };
  for (const auto& c : cases) {
    auto query = ParseRequestQuery(c.params, Sample(), kReceived, CountyTimeZone());
    ASSERT_FALSE(query.ok()) << c.message;
    EXPECT_EQ(query.status().code(), c.code) << c.message;
    EXPECT_EQ(MessageOf(query.status()), c.message);
  }
}

}  // namespace
}  // namespace gridcase::intake::open311
