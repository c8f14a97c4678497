#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gridcase/v1/case.pb.h"
#include "gridcase/v1/intake.pb.h"
#include "libs/registry/org_registry.h"
#include "nlohmann/json.hpp"

// The Open311 GeoReport v2 mapping: form fields and query parameters → intake's requests, intake's cases → GeoReport
// JSON. Pure functions of their arguments (no I/O), so every rule is testable without a socket; the HTTP server is
// open311_gateway.h. Field names in errors are the Open311 names ("lat: must be within [-90, 90]").
namespace gridcase::intake::open311 {

// Form fields or query parameters by name, each given at most once (the gateway refuses repeats).
using Params = std::map<std::string, std::string>;

// The documented catch-all service (其他事项) for a request that fits no catalogue item. Every listed request has a
// service_code: a case without a catalogue item (or of an item without a service code) carries this one. POSTed,
// it leaves the catalogue item to intake's classifier, which reads the description (then required).
inline constexpr absl::string_view kCatchAllServiceCode = "other";

// Limits of the GET /requests.json window.
inline constexpr int kMaxRequestsPerQuery = 1000;
inline constexpr absl::Duration kMaxQueryWindow = absl::Hours(24 * 90);
// At most this many ids in one service_request_id list.
inline constexpr int kMaxRequestIds = 1000;

// The time zone GeoReport datetimes are written in: Asia/Shanghai (+08:00), a fixed +08:00 when the zone database
// lacks it.
absl::TimeZone CountyTimeZone();

// W3C/ISO-8601 datetime with offset: "2026-03-01T14:27:57+08:00".
std::string FormatDateTime(absl::Time t, absl::TimeZone zone);
// Parses the W3C forms clients send: "2026-03-01T14:27:57+08:00", "…Z", "…T14:27:57.5+08:00", without seconds
// ("2026-03-01T14:27+08:00"), without an offset (taken in `zone`), or a date alone ("2026-03-01", midnight in
// `zone`). A '+' of the offset that arrived as a space (an unencoded '+' in a query string) is read as '+'.
// INVALID_ARGUMENT "<field>: …" otherwise.
absl::StatusOr<absl::Time> ParseDateTime(absl::string_view field, absl::string_view text, absl::TimeZone zone);

// Who sent a submission, as the gateway knows it.
struct SubmitContext {
  std::string client;              // ApiKey::name.
  std::string idempotency_header;  // The Idempotency-Key header; empty when absent.
  absl::Time received;             // Arrival time: the minute of a content-derived idempotency key.
};

// POST /requests.json form → SubmitCaseRequest (channel CHANNEL_OPEN311).
//
// Fields: service_code (required), jurisdiction_id (optional; must be the registry's county), lat + long,
// address_string or address_id (at least one location), description (the service name when empty; required for
// the catch-all), media_url, first_name, last_name, phone, email, device_id, account_id, external_id, and
// attribute[<code>] for each field of the service's item (see ServiceDefinition). api_key is the gateway's
// business; other fields (token) are ignored.
//
// - catalogue_item: the catalogue item whose open311_service_code is service_code; none for the catch-all.
// - attributes: required ones present; number, datetime (W3C) and list values (keys of the definition, comma
//   separated for a multivaluelist) checked; appended to the text as "\n【<description>】<value>" in the
//   definition's order; an attribute the service does not define is an error.
// - address: address_string, else address_id (there is no separate field for it).
// - resident.name: "first last", or last+first when either is written in CJK; resident.phone: phone without spaces,
//   dots or parentheses; resident.resident_id: "<client>:account:<account_id>", else "…:email:<email>", else
//   "…:device:<device_id>".
// - text: description; media_urls: media_url, when given (checked by intake; its errors name media_url).
// - idempotency_key: "o311:<client>:t:<32 hex>" from SHA-256 of the client's token (the Idempotency-Key header or the
//   external_id field; both given must agree), else "o311:<client>:m:<32 hex>" from SHA-256 of the request's fields
//   (all but api_key, ignored fields excluded) and the minute it arrived: an identical request in the same minute
//   is the same request.
//
// INVALID_ARGUMENT "<field>: <reason>" ("attribute[<code>]: …" for attributes) for a malformed field (lengths: service_code, address_id, device_id,
// account_id, jurisdiction_id ≤ 64; first_name, last_name ≤ 24; phone ≤ 32; email ≤ 80; media_url ≤ 1024 http(s);
// external_id ≤ 200; description ≤ 4000 and address_string ≤ 500 as checked by intake); NOT_FOUND
// "service_code: unknown service …" or "jurisdiction_id: unknown jurisdiction …".
absl::StatusOr<v1::SubmitCaseRequest> SubmitRequestFromForm(const Params& form, const SubmitContext& context,
                                                            const registry::OrgRegistry& registry);

// Intake's "<field>: <reason>" with the field renamed to the Open311 field it came from (point.lat → lat, text →
// description, resident.phone → phone, …); ALREADY_EXISTS for a reused idempotency key names external_id (the
// client's token) instead of the derived key; other statuses unchanged.
absl::Status ToOpen311Status(const absl::Status& status);

// The GeoReport error body: [{"code": 400, "description": "lat: must be within [-90, 90]"}].
std::string ErrorBody(int http_status, absl::string_view description);


// jurisdiction_id, when given, must be the registry's county: NOT_FOUND "jurisdiction_id: unknown jurisdiction …".
absl::Status CheckJurisdiction(const Params& params, const registry::OrgRegistry& registry);

// GET /services.json: every catalogue item with an Open311 service code, in catalogue order, then the catch-all;
// metadata is true for an item with fields.
nlohmann::json ServiceList(const registry::OrgRegistry& registry);
// GET /services/{code}.json: the item's fields as attributes (variable, code, datatype, required, order from 1,
// description, values of lists); none for the catch-all. NOT_FOUND "service_code: unknown service …".
absl::StatusOr<nlohmann::json> ServiceDefinition(const registry::OrgRegistry& registry, absl::string_view service_code);

// The POST /requests.json answer for one accepted request: [{"service_request_id", "service_notice"}]. `item` is
// the requested service's item; null for the catch-all, then the item intake suggested (if any) names the
// department.
nlohmann::json SubmitResponse(const v1::SubmitCaseResponse& response, const v1::CatalogueItem* item,
                              const registry::OrgRegistry& registry, absl::TimeZone zone);

// "open" or "closed": closed once a case is resolved, closed, marked invalid or linked as a duplicate.
absl::string_view Open311Status(v1::CaseStatus status);

// One service request of GET /requests.json and GET /requests/{id}.json. Public: nothing about the resident but the
// description. service_code is never null: the catch-all for a case without a catalogue item.
nlohmann::json RequestJson(const v1::Case& c, const registry::OrgRegistry& registry, absl::TimeZone zone);

// GET /requests.json parameters.
struct RequestQuery {
  // Non-empty: exactly these requests (service_request_id list), every other parameter ignored.
  std::vector<std::string> case_ids;
  // Catalogue item codes of the service_code list; empty: any.
  std::vector<std::string> catalogue_items;
  absl::Time start;  // Inclusive.
  absl::Time end;    // Exclusive.
  bool open = true;
  bool closed = true;

  bool Matches(const v1::Case& c) const;
};

// Parses service_request_id, service_code, start_date, end_date and status (comma lists where the spec allows).
// Window: end_date defaults to now (or start_date + 90 days), start_date to end_date - 90 days; at most 90 days.
// INVALID_ARGUMENT naming the parameter, NOT_FOUND "service_code: unknown service …".
absl::StatusOr<RequestQuery> ParseRequestQuery(const Params& params, const registry::OrgRegistry& registry,
                                               absl::Time now, absl::TimeZone zone);

}  // namespace gridcase::intake::open311
