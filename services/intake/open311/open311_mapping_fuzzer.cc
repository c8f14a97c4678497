// Fuzz target for the Open311 GeoReport v2 mapping: what third-party clients send the gateway, decoded by the HTTP
// server's own form parser, against the sample county's registry. The first input byte picks what the rest is:
//   0: a POST /requests.json body (urlencoded form; a repeated field is refused, as the gateway does);
//   1: a GET /requests.json query string (repeats of a list parameter joined with commas, as the gateway does);
//   2: a datetime as clients write it.
// An accepted submission is an Open311 submission of a known service with a well-formed idempotency key that the
// same request in the same minute derives again; an accepted query has a window of at most 90 days and at most 1000
// ids; an accepted datetime formats and parses back to the same second. Every refusal has a GeoReport error body
// that is JSON.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <httplib.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_source_dir.h"
#include "libs/registry/registry_json.h"
#include "nlohmann/json.hpp"
#include "services/intake/open311/open311_mapping.h"

namespace {

namespace open311 = gridcase::intake::open311;

const gridcase::registry::OrgRegistry& Registry() {
  static const auto* registry = [] {
    auto loaded = gridcase::registry::RegistryFromJson(
        gridcase::fuzz::ReadSourceFile("data/registry/sample-county.json"));
    FUZZ_CHECK(loaded.ok(), loaded.status().ToString());
    return new std::shared_ptr<const gridcase::registry::OrgRegistry>(*loaded);
  }();
  return **registry;
}

void CheckRefusal(const absl::Status& status) {
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument || status.code() == absl::StatusCode::kNotFound,
             status.ToString());
  absl::Status shown = open311::ToOpen311Status(status);
  FUZZ_CHECK(shown.code() == status.code(), shown.ToString());
  auto body = nlohmann::json::parse(open311::ErrorBody(400, shown.message()), nullptr, false);
  FUZZ_CHECK(body.is_array() && body.size() == 1 && body[0]["code"] == 400, "error body");
}

bool IsHex(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

void FuzzSubmission(const std::string& body) {
  httplib::Params multi;
  httplib::detail::parse_query_text(body, multi);
  open311::Params form;
  for (const auto& [name, value] : multi) {
    if (!form.emplace(name, value).second) return;  // The gateway refuses a repeated field before mapping.
  }
  const open311::SubmitContext context{.client = "fuzz-client",
                                       .idempotency_header = "",
                                       .received = absl::FromUnixSeconds(1772330400)};
  auto request = open311::SubmitRequestFromForm(form, context, Registry());
  if (!request.ok()) {
    CheckRefusal(request.status());
    return;
  }
  FUZZ_CHECK(request->channel() == gridcase::v1::CHANNEL_OPEN311, request->ShortDebugString());
  if (form.at("service_code") == open311::kCatchAllServiceCode) {
    FUZZ_CHECK(request->catalogue_item().empty(), "the catch-all leaves the item to the classifier");
  } else {
    const gridcase::v1::CatalogueItem* item = Registry().FindByServiceCode(form.at("service_code"));
    FUZZ_CHECK(item != nullptr && request->catalogue_item() == item->code(), form.at("service_code"));
  }
  absl::string_view key = request->idempotency_key();
  FUZZ_CHECK(absl::ConsumePrefix(&key, "o311:fuzz-client:") &&
                 (absl::ConsumePrefix(&key, "t:") || absl::ConsumePrefix(&key, "m:")) && key.size() == 32 &&
                 IsHex(key),
             request->idempotency_key());
  FUZZ_CHECK(!request->text().empty(), "description or the service's name");
  FUZZ_CHECK(request->has_point() || !request->address().empty(), "a location");
  // The point's range is intake's check (its "point.lat" errors are renamed "lat" by ToOpen311Status).
  auto again = open311::SubmitRequestFromForm(form, context, Registry());
  FUZZ_CHECK(again.ok() && again->idempotency_key() == request->idempotency_key(), "same request, same key");
}

void FuzzQuery(const std::string& query) {
  httplib::Params multi;
  httplib::detail::parse_query_text(query, multi);
  open311::Params params;
  for (const auto& [name, value] : multi) {
    auto [it, inserted] = params.emplace(name, value);
    if (inserted) continue;
    if (name != "service_request_id" && name != "service_code" && name != "status") return;
    absl::StrAppend(&it->second, ",", value);
  }
  const absl::Time now = absl::FromUnixSeconds(1772330400);
  auto parsed = open311::ParseRequestQuery(params, Registry(), now, open311::CountyTimeZone());
  if (!parsed.ok()) {
    CheckRefusal(parsed.status());
    return;
  }
  FUZZ_CHECK(parsed->case_ids.size() <= open311::kMaxRequestIds, "ids");
  if (parsed->case_ids.empty()) {
    FUZZ_CHECK(parsed->start <= parsed->end, "window order");
    FUZZ_CHECK(parsed->end - parsed->start <= open311::kMaxQueryWindow, "window length");
    FUZZ_CHECK(parsed->open || parsed->closed, "some status");
    // Each a catalogue item, or "" (cases without one) where the catch-all `other` was asked for.
    for (const std::string& item : parsed->catalogue_items) {
      FUZZ_CHECK(item.empty() ? absl::StrContains(params.at("service_code"), open311::kCatchAllServiceCode)
                              : Registry().FindCatalogueItem(item) != nullptr,
                 item);
    }
  }
}

void FuzzDateTime(const std::string& text) {
  const absl::TimeZone zone = open311::CountyTimeZone();
  auto t = open311::ParseDateTime("start_date", text, zone);
  if (!t.ok()) {
    CheckRefusal(t.status());
    FUZZ_CHECK(absl::StartsWith(t.status().message(), "start_date: "), t.status().ToString());
    return;
  }
  if (*t == absl::InfiniteFuture() || *t == absl::InfinitePast()) return;
  const absl::CivilSecond civil = absl::ToCivilSecond(*t, zone);
  if (civil.year() < 1 || civil.year() > 9999) return;  // Beyond what %Y writes back as four digits.
  // Before standard time (Asia/Shanghai: 1901) the zone's offset has seconds, which a W3C offset cannot write.
  if (zone.At(*t).offset % 60 != 0) return;
  std::string written = open311::FormatDateTime(*t, zone);
  auto back = open311::ParseDateTime("start_date", written, zone);
  FUZZ_CHECK(back.ok(), written + ": " + back.status().ToString());
  FUZZ_CHECK(*back == absl::FromUnixSeconds(absl::ToUnixSeconds(*t)) ||
                 *back == absl::FromUnixSeconds(absl::ToUnixSeconds(*t) - 1),
             written);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  Registry();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0: FuzzSubmission(rest); break;
    case 1: FuzzQuery(rest); break;
    default: FuzzDateTime(rest); break;
  }
  return 0;
}
