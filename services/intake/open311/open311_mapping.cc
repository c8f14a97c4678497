#include "services/intake/open311/open311_mapping.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/access/masking.h"
#include "libs/events/proto_time.h"
#include "libs/validation/field_error.h"
#include "services/intake/core/text_rules.h"

namespace gridcase::intake::open311 {
namespace {

using nlohmann::json;
using validation::FieldError;


// The fields of a submission that identify it (and so feed a content-derived idempotency key).
constexpr absl::string_view kSubmitFields[] = {
    "account_id", "address_id", "address_string", "description",     "device_id", "email", "external_id", "first_name",
    "last_name",  "lat",        "long",           "jurisdiction_id", "media_url", "phone", "service_code"};

std::string Get(const Params& params, absl::string_view name) {
  auto it = params.find(std::string(name));
  return it == params.end() ? std::string() : it->second;
}

std::string Sha256Hex32(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), 16));
}

bool IsPrintableAscii(absl::string_view s) {
  for (char c : s) {
    if (c < 0x21 || c > 0x7E) return false;
  }
  return true;
}

// True when `s` holds a code point in U+3000..U+9FFF (CJK punctuation, kana, unified ideographs): UTF-8 lead bytes
// 0xE3..0xE9.
bool HasCjk(absl::string_view s) {
  for (char c : s) {
    auto b = static_cast<unsigned char>(c);
    if (b >= 0xE3 && b <= 0xE9) return true;
  }
  return false;
}

bool IsEmail(absl::string_view email) {
  std::vector<absl::string_view> parts = absl::StrSplit(email, '@');
  if (parts.size() != 2 || parts[0].empty() || parts[1].size() < 3) return false;
  if (!absl::StrContains(parts[1], '.') || absl::StartsWith(parts[1], ".") || absl::EndsWith(parts[1], ".")) {
    return false;
  }
  for (char c : email) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return false;
  }
  return true;
}

// Drops spaces, dots and parentheses; dashes too unless it is a landline number (0…), where they separate the
// area code and an extension.
std::string NormalisePhone(absl::string_view phone) {
  std::string out;
  for (char c : phone) {
    if (c != ' ' && c != '.' && c != '(' && c != ')') out.push_back(c);
  }
  if (!absl::StartsWith(out, "0")) out.erase(std::remove(out.begin(), out.end(), '-'), out.end());
  return out;
}

absl::Status ParseCoordinate(absl::string_view field, absl::string_view text, double* out) {
  if (text.size() > 32 || !absl::SimpleAtod(text, out)) return FieldError(field, "must be a decimal number");
  return absl::OkStatus();
}

// The catalogue item of `service_code`; nullptr for the catch-all service (whatever item carries its code).
absl::StatusOr<const v1::CatalogueItem*> FindService(const registry::OrgRegistry& registry,
                                                     absl::string_view service_code) {
  if (service_code.empty()) return FieldError("service_code", "required");
  if (absl::Status s = CheckText("service_code", service_code, 1, 64); !s.ok()) return s;
  if (service_code == kCatchAllServiceCode) return nullptr;
  const v1::CatalogueItem* item = registry.FindByServiceCode(service_code);
  if (item == nullptr) return absl::NotFoundError(absl::StrCat("service_code: unknown service ", service_code));
  return item;
}

// The form's attribute[<code>] fields checked against the item's fields (Open311 attributes), as lines appended to
// the request's text ("\n【<description>】<value>", in the item's order). INVALID_ARGUMENT "attribute[<code>]: …"
// for a missing required attribute, a value of the wrong datatype, an unknown list key or an unknown attribute.
absl::StatusOr<std::string> AttributesText(const Params& form, const v1::CatalogueItem* item) {
  std::string text;
  if (item != nullptr) {
    for (const v1::CatalogueField& field : item->fields()) {
      const std::string name = absl::StrCat("attribute[", field.code(), "]");
      std::string value(absl::StripAsciiWhitespace(Get(form, name)));
      if (value.empty()) {
        if (field.required()) return FieldError(name, absl::StrCat("required: ", field.description()));
        continue;
      }
      const std::string& type = field.datatype();
      if (absl::Status s = CheckText(name, value, 1, type == "text" ? 2000 : 200); !s.ok()) return s;
      if (type == "number") {
        double number = 0;
        if (!absl::SimpleAtod(value, &number)) return FieldError(name, "must be a number");
      } else if (type == "datetime") {
        if (absl::Status s = ParseDateTime(name, value, CountyTimeZone()).status(); !s.ok()) return s;
      } else if (type == "singlevaluelist" || type == "multivaluelist") {
        std::vector<std::string> names;
        for (absl::string_view key : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
          key = absl::StripAsciiWhitespace(key);
          const v1::CatalogueField::Value* chosen = nullptr;
          for (const v1::CatalogueField::Value& option : field.values()) {
            if (option.key() == key) chosen = &option;
          }
          if (chosen == nullptr) return FieldError(name, absl::StrCat("unknown value ", key));
          names.push_back(chosen->name());
        }
        if (type == "singlevaluelist" && names.size() != 1) return FieldError(name, "takes exactly one value");
        value = absl::StrJoin(names, "、");
      }
      absl::StrAppend(&text, "\n【", field.description(), "】", value);
    }
  }
  for (const auto& [name, value] : form) {
    if (!absl::StartsWith(name, "attribute[")) continue;
    bool known = false;
    if (item != nullptr) {
      for (const v1::CatalogueField& field : item->fields()) {
        known = known || name == absl::StrCat("attribute[", field.code(), "]");
      }
    }
    if (!known) {
      return FieldError(name.size() > 80 ? "attribute" : name,
                        absl::StrCat("unknown attribute of service ",
                                     item == nullptr ? std::string(kCatchAllServiceCode) : item->open311_service_code()));
    }
  }
  return text;
}

std::string DepartmentName(const registry::OrgRegistry& registry, absl::string_view code) {
  const v1::Department* department = registry.FindDepartment(code);
  return department == nullptr ? std::string(code) : department->name();
}

// A coordinate as the public sees it: 3 decimals, about 100 m, so that a request does not point at a home.
double ToPublicPrecision(double degrees) { return std::round(degrees * 1000.0) / 1000.0; }

json StringOrNull(absl::string_view s) { return s.empty() ? json(nullptr) : json(std::string(s)); }

std::string StatusNotes(const v1::Case& c, const registry::OrgRegistry& registry) {
  std::string department =
      c.department_code().empty() ? "the department" : DepartmentName(registry, c.department_code());
  std::string notes;
  switch (c.status()) {
    case v1::CASE_STATUS_SUBMITTED:
      notes = "Received; awaiting verification by the grid worker.";
      break;
    case v1::CASE_STATUS_AWAITING_COMMUNITY:
      notes = "Verified by the grid; with the village/community.";
      break;
    case v1::CASE_STATUS_HANDLING_LOCALLY:
      notes = "Being handled by the village/community.";
      break;
    case v1::CASE_STATUS_AWAITING_DISPATCH:
      notes = "With the township dispatch centre.";
      break;
    case v1::CASE_STATUS_DISPATCHED:
      notes = absl::StrCat("Dispatched to ", department, "; awaiting acceptance.");
      break;
    case v1::CASE_STATUS_IN_PROGRESS:
      notes = absl::StrCat("In progress at ", department, ".");
      break;
    case v1::CASE_STATUS_RESOLVED:
      notes = c.resolution_reply().empty() ? "Resolved; awaiting the resident's rating."
                                           : absl::StrCat("Resolved: ", access::MaskNumbersInText(c.resolution_reply()));
      break;
    case v1::CASE_STATUS_CLOSED:
      notes = c.resolution_reply().empty() ? "Closed."
                                           : absl::StrCat("Closed: ", access::MaskNumbersInText(c.resolution_reply()));
      break;
    case v1::CASE_STATUS_INVALID:
      notes = "Closed: found invalid at grid verification.";
      break;
    case v1::CASE_STATUS_DUPLICATE:
      notes = c.duplicate_of().empty() ? "Closed: duplicate of another request."
                                       : absl::StrCat("Closed: duplicate of request ", c.duplicate_of(), ".");
      break;
    default:
      notes = "Received.";
      break;
  }
  if (c.paused()) absl::StrAppend(&notes, " Waiting for the resident.");
  return notes;
}

}  // namespace

absl::TimeZone CountyTimeZone() {
  static const absl::TimeZone* zone = [] {
    auto* tz = new absl::TimeZone;
    if (!absl::LoadTimeZone("Asia/Shanghai", tz)) *tz = absl::FixedTimeZone(8 * 3600);
    return tz;
  }();
  return *zone;
}

std::string FormatDateTime(absl::Time t, absl::TimeZone zone) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", t, zone);
}

absl::StatusOr<absl::Time> ParseDateTime(absl::string_view field, absl::string_view text, absl::TimeZone zone) {
  std::string value(absl::StripAsciiWhitespace(text));
  // "…T10:00:00 08:00": the '+' of an unencoded query string became a space.
  if (value.size() > 16 && value[value.size() - 6] == ' ' && value[value.size() - 3] == ':') {
    value[value.size() - 6] = '+';
  }
  if (value.empty() || value.size() > 40)
    return FieldError(field, "must be a W3C datetime, e.g. 2026-03-01T09:30:00+08:00");
  static constexpr const char* kWithOffset[] = {"%Y-%m-%dT%H:%M:%E*S%Ez", "%Y-%m-%dT%H:%M%Ez"};
  static constexpr const char* kLocal[] = {"%Y-%m-%dT%H:%M:%E*S", "%Y-%m-%dT%H:%M", "%Y-%m-%d"};
  absl::Time t;
  std::string error;
  bool has_offset = absl::EndsWith(value, "Z") || absl::EndsWith(value, "z") ||
                    (value.size() > 10 && (value[value.size() - 6] == '+' || value[value.size() - 6] == '-'));
  if (has_offset) {
    std::string with_offset = value;
    if (absl::EndsWith(with_offset, "Z") || absl::EndsWith(with_offset, "z")) {
      with_offset.replace(with_offset.size() - 1, 1, "+00:00");
    }
    for (const char* format : kWithOffset) {
      if (absl::ParseTime(format, with_offset, &t, &error)) return t;
    }
  } else {
    for (const char* format : kLocal) {
      if (absl::ParseTime(format, value, zone, &t, &error)) return t;
    }
  }
  return FieldError(field, "must be a W3C datetime, e.g. 2026-03-01T09:30:00+08:00");
}

absl::StatusOr<v1::SubmitCaseRequest> SubmitRequestFromForm(const Params& form, const SubmitContext& context,
                                                            const registry::OrgRegistry& registry) {
  if (absl::Status s = CheckJurisdiction(form, registry); !s.ok()) return s;
  auto item = FindService(registry, Get(form, "service_code"));
  if (!item.ok()) return item.status();

  v1::SubmitCaseRequest request;
  request.set_channel(v1::CHANNEL_OPEN311);
  // The catch-all leaves the item to intake's classifier, which reads the description.
  if (*item != nullptr) request.set_catalogue_item((*item)->code());

  // Location: coordinates, else an address; at least one.
  std::string lat = Get(form, "lat");
  std::string lng = Get(form, "long");
  if (!lat.empty() || !lng.empty()) {
    if (lat.empty()) return FieldError("lat", "required when long is given");
    if (lng.empty()) return FieldError("long", "required when lat is given");
    double lat_value = 0;
    double lng_value = 0;
    if (absl::Status s = ParseCoordinate("lat", lat, &lat_value); !s.ok()) return s;
    if (absl::Status s = ParseCoordinate("long", lng, &lng_value); !s.ok()) return s;
    request.mutable_point()->set_lat(lat_value);
    request.mutable_point()->set_lng(lng_value);
  }
  std::string address = Get(form, "address_string");
  std::string address_id = Get(form, "address_id");
  if (absl::Status s = CheckText("address_id", address_id, 0, 64); !s.ok()) return s;
  if (!request.has_point() && address.empty() && address_id.empty()) {
    return FieldError("lat", "a location is required: lat and long, address_string or address_id");
  }
  request.set_address(address.empty() ? address_id : address);

  // Text: the description (the service's name when empty). The media URL is checked by intake (media_urls[0]).
  std::string description = Get(form, "description");
  if (absl::Status s = CheckText("description", description, 0, 4000); !s.ok()) return s;
  if (description.empty() && *item == nullptr) {
    return FieldError("description", absl::StrCat("required for service ", kCatchAllServiceCode));
  }
  auto attributes = AttributesText(form, *item);
  if (!attributes.ok()) return attributes.status();
  request.set_text(absl::StrCat(description.empty() ? (*item)->name() : description, *attributes));
  if (std::string media_url = Get(form, "media_url"); !media_url.empty()) request.add_media_urls(media_url);

  // The resident, as the client knows them.
  std::string first = Get(form, "first_name");
  std::string last = Get(form, "last_name");
  if (absl::Status s = CheckText("first_name", first, 0, 24); !s.ok()) return s;
  if (absl::Status s = CheckText("last_name", last, 0, 24); !s.ok()) return s;
  std::string name;
  if (HasCjk(first) || HasCjk(last)) {
    name = absl::StrCat(last, first);
  } else {
    name = absl::StrCat(first, !first.empty() && !last.empty() ? " " : "", last);
  }
  request.mutable_resident()->set_name(name);
  std::string phone = Get(form, "phone");
  if (absl::Status s = CheckText("phone", phone, 0, 32); !s.ok()) return s;
  request.mutable_resident()->set_phone(NormalisePhone(phone));
  std::string account_id = Get(form, "account_id");
  std::string email = Get(form, "email");
  std::string device_id = Get(form, "device_id");
  if (absl::Status s = CheckText("account_id", account_id, 0, 64); !s.ok()) return s;
  if (absl::Status s = CheckText("device_id", device_id, 0, 64); !s.ok()) return s;
  if (!email.empty() && (email.size() > 80 || !IsEmail(email))) {
    return FieldError("email", "must be an email address of at most 80 characters");
  }
  if (!account_id.empty()) {
    request.mutable_resident()->set_resident_id(absl::StrCat(context.client, ":account:", account_id));
  } else if (!email.empty()) {
    request.mutable_resident()->set_resident_id(absl::StrCat(context.client, ":email:", email));
  } else if (!device_id.empty()) {
    request.mutable_resident()->set_resident_id(absl::StrCat(context.client, ":device:", device_id));
  }

  // Idempotency: the client's own token, else the content and the minute.
  std::string token = Get(form, "external_id");
  if (absl::Status s = CheckText("external_id", token, 0, 200); !s.ok()) return s;
  if (!context.idempotency_header.empty()) {
    if (absl::Status s = CheckText("Idempotency-Key", context.idempotency_header, 1, 200); !s.ok()) return s;
    if (!token.empty() && token != context.idempotency_header) {
      return FieldError("external_id", "differs from the Idempotency-Key header");
    }
    token = context.idempotency_header;
  }
  if (!token.empty()) {
    request.set_idempotency_key(absl::StrCat("o311:", context.client, ":t:", Sha256Hex32(token)));
  } else {
    std::string canonical;
    for (absl::string_view field : kSubmitFields) {
      auto it = form.find(std::string(field));
      if (it == form.end()) continue;
      absl::StrAppend(&canonical, field, absl::string_view("\0", 1), it->second, absl::string_view("\0", 1));
    }
    for (const auto& [name, value] : form) {  // Attributes, in name order (the form is a sorted map).
      if (!absl::StartsWith(name, "attribute[")) continue;
      absl::StrAppend(&canonical, name, absl::string_view("\0", 1), value, absl::string_view("\0", 1));
    }
    absl::StrAppend(&canonical, "minute=", absl::ToUnixSeconds(context.received) / 60);
    request.set_idempotency_key(absl::StrCat("o311:", context.client, ":m:", Sha256Hex32(canonical)));
  }
  return request;
}

absl::Status ToOpen311Status(const absl::Status& status) {
  if (status.code() == absl::StatusCode::kAlreadyExists) {
    // "idempotency_key: <derived key> was already used …": the client knows its token as external_id, not the key.
    absl::string_view message = status.message();
    if (absl::ConsumePrefix(&message, "idempotency_key: ")) {
      size_t reason = message.find(' ');
      if (reason != absl::string_view::npos) {
        return absl::AlreadyExistsError(absl::StrCat("external_id:", message.substr(reason)));
      }
    }
    return status;
  }
  if (status.code() != absl::StatusCode::kInvalidArgument) return status;
  static constexpr std::pair<absl::string_view, absl::string_view> kRenames[] = {
      {"point.lat", "lat"},
      {"point.lng", "long"},
      {"text", "description"},
      {"title", "description"},
      {"address", "address_string"},
      {"resident.name", "first_name"},
      {"resident.phone", "phone"},
      {"resident.resident_id", "account_id"},
      {"catalogue_item", "service_code"},
      {"idempotency_key", "external_id"},
      {"media_urls[0]", "media_url"},
  };
  absl::string_view message = status.message();
  for (const auto& [core, open311] : kRenames) {
    if (absl::StartsWith(message, absl::StrCat(core, ": "))) {
      return absl::InvalidArgumentError(absl::StrCat(open311, message.substr(core.size())));
    }
  }
  return status;
}

std::string ErrorBody(int http_status, absl::string_view description) {
  json body = json::array({{{"code", http_status}, {"description", std::string(description)}}});
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string CatchAllName(const registry::OrgRegistry& registry) {
  const v1::CatalogueItem* item = registry.FindByServiceCode(kCatchAllServiceCode);
  return item == nullptr ? "其他事项" : item->name();
}

json ServiceAttribute(const v1::CatalogueField& field, int order) {
  json attribute = {
      {"variable", true},
      {"code", field.code()},
      {"datatype", field.datatype()},
      {"required", field.required()},
      {"datatype_description", field.datatype() == "datetime" ? json("W3C datetime, e.g. 2026-03-01T09:30:00+08:00")
                                                              : json(nullptr)},
      {"order", order},
      {"description", field.description()},
  };
  if (field.values_size() > 0) {
    json values = json::array();
    for (const v1::CatalogueField::Value& value : field.values()) {
      values.push_back({{"key", value.key()}, {"name", value.name()}});
    }
    attribute["values"] = std::move(values);
  }
  return attribute;
}

nlohmann::json ServiceList(const registry::OrgRegistry& registry) {
  json services = json::array();
  for (const v1::CatalogueItem& item : registry.Catalogue()) {
    if (item.open311_service_code().empty() || item.open311_service_code() == kCatchAllServiceCode) continue;
    std::string department = DepartmentName(registry, item.department_code());
    std::vector<absl::string_view> code_parts = absl::StrSplit(item.code(), absl::MaxSplits('.', 1));
    services.push_back({
        {"service_code", item.open311_service_code()},
        {"service_name", item.name()},
        {"description", absl::StrCat(item.name(), "，承办部门：", department)},
        {"metadata", item.fields_size() > 0},
        {"type", "realtime"},
        {"keywords", absl::StrJoin(item.keywords(), ", ")},
        {"group", std::string(code_parts[0])},
    });
  }
  services.push_back({
      {"service_code", std::string(kCatchAllServiceCode)},
      {"service_name", CatchAllName(registry)},
      {"description", "不属于以上任何事项：按描述内容分类，由网格员核单时确定事项和承办部门"},
      {"metadata", false},
      {"type", "realtime"},
      {"keywords", ""},
      {"group", "general"},
  });
  return services;
}

absl::StatusOr<nlohmann::json> ServiceDefinition(const registry::OrgRegistry& registry,
                                                 absl::string_view service_code) {
  auto item = FindService(registry, service_code);
  if (!item.ok()) return item.status();
  json attributes = json::array();
  if (*item != nullptr) {
    for (int i = 0; i < (*item)->fields_size(); ++i) attributes.push_back(ServiceAttribute((*item)->fields(i), i + 1));
  }
  return json{{"service_code", std::string(service_code)}, {"attributes", std::move(attributes)}};
}

nlohmann::json SubmitResponse(const v1::SubmitCaseResponse& response, const v1::CatalogueItem* item,
                              const registry::OrgRegistry& registry, absl::TimeZone zone) {
  if (item == nullptr) item = registry.FindCatalogueItem(response.suggested_catalogue_item());
  std::string notice;
  if (!response.linked_to_case_id().empty()) {
    notice = absl::StrCat("Linked to open request ", response.linked_to_case_id(),
                          " about the same problem at the same place; recorded as a co-requester.");
  } else {
    if (response.duplicate_submit()) notice = "Already received; this is the original request. ";
    if (item != nullptr) {
      absl::StrAppend(&notice, "Handled by ", DepartmentName(registry, item->department_code()), ".");
    } else {
      absl::StrAppend(&notice, "The grid worker will choose the service and the department.");
    }
    if (response.needs_manual_grid()) {
      absl::StrAppend(&notice, " The location is not on the county's grid map: a grid worker will assign it.");
    } else if (const v1::Grid* grid = registry.FindGrid(response.grid_code()); grid != nullptr) {
      absl::StrAppend(&notice, " Located in grid ", grid->name(), " (", grid->code(), ").");
    }
    if (response.emergency()) absl::StrAppend(&notice, " Handled as an emergency.");
    if (response.has_expected_at()) {
      absl::StrAppend(&notice, " Expected by ", FormatDateTime(events::FromProto(response.expected_at()), zone), ".");
    }
  }
  // No account_id: GeoReport's RequestResponse has it as a string, and a request here belongs to no account.
  return json::array({{{"service_request_id", response.case_id()}, {"service_notice", notice}}});
}

absl::string_view Open311Status(v1::CaseStatus status) {
  switch (status) {
    case v1::CASE_STATUS_RESOLVED:
    case v1::CASE_STATUS_CLOSED:
    case v1::CASE_STATUS_INVALID:
    case v1::CASE_STATUS_DUPLICATE:
      return "closed";
    default:
      return "open";
  }
}

nlohmann::json RequestJson(const v1::Case& c, const registry::OrgRegistry& registry, absl::TimeZone zone) {
  const v1::CatalogueItem* item = registry.FindCatalogueItem(c.catalogue_item());
  // A case without an item (or of an item without a service code) is the catch-all's: never a null service_code.
  const bool catch_all = item == nullptr || item->open311_service_code().empty();
  std::string agency;
  if (!c.department_code().empty()) {
    agency = DepartmentName(registry, c.department_code());
  } else if (item != nullptr) {
    agency = DepartmentName(registry, item->department_code());
  }
  std::vector<std::string> notices;
  if (c.location().needs_manual_grid() && c.status() == v1::CASE_STATUS_SUBMITTED) {
    notices.push_back("The location is not on the county's grid map: a grid worker will assign it.");
  }
  if (c.emergency()) notices.push_back("Handled as an emergency.");
  json request = {
      {"service_request_id", c.id()},
      {"status", std::string(Open311Status(c.status()))},
      {"status_notes", StatusNotes(c, registry)},
      {"service_name", catch_all ? CatchAllName(registry) : item->name()},
      {"service_code", catch_all ? std::string(kCatchAllServiceCode) : item->open311_service_code()},
      {"description", access::MaskNumbersInText(c.text())},
      {"agency_responsible", StringOrNull(agency)},
      {"service_notice", notices.empty() ? json(nullptr) : json(absl::StrJoin(notices, " "))},
      {"requested_datetime",
       c.has_created_at() ? json(FormatDateTime(events::FromProto(c.created_at()), zone)) : json(nullptr)},
      {"updated_datetime",
       c.has_updated_at() ? json(FormatDateTime(events::FromProto(c.updated_at()), zone)) : json(nullptr)},
      {"expected_datetime", c.has_due_at() ? json(FormatDateTime(events::FromProto(c.due_at()), zone)) : json(nullptr)},
      {"address", StringOrNull(access::MaskAddress(c.location().address()))},
      {"address_id", nullptr},
      {"zipcode", nullptr},
      {"lat", c.location().has_point() ? json(ToPublicPrecision(c.location().point().lat())) : json(nullptr)},
      {"long", c.location().has_point() ? json(ToPublicPrecision(c.location().point().lng())) : json(nullptr)},
      {"media_url", c.media_urls().empty() ? json(nullptr) : json(c.media_urls(0))},
  };
  return request;
}

bool RequestQuery::Matches(const v1::Case& c) const {
  bool is_closed = Open311Status(c.status()) == "closed";
  if (is_closed ? !closed : !open) return false;
  if (!catalogue_items.empty()) {
    bool found = false;
    for (const std::string& item : catalogue_items) found = found || item == c.catalogue_item();
    if (!found) return false;
  }
  absl::Time created = events::FromProto(c.created_at());
  return created >= start && created < end;
}

absl::Status CheckJurisdiction(const Params& params, const registry::OrgRegistry& registry) {
  std::string jurisdiction = Get(params, "jurisdiction_id");
  if (jurisdiction.empty()) return absl::OkStatus();
  if (absl::Status s = CheckText("jurisdiction_id", jurisdiction, 1, 64); !s.ok()) return s;
  if (registry.FindCounty(jurisdiction) == nullptr) {
    return absl::NotFoundError(absl::StrCat("jurisdiction_id: unknown jurisdiction ", jurisdiction));
  }
  return absl::OkStatus();
}

absl::StatusOr<RequestQuery> ParseRequestQuery(const Params& params, const registry::OrgRegistry& registry,
                                               absl::Time now, absl::TimeZone zone) {
  RequestQuery query;
  std::string ids = Get(params, "service_request_id");
  if (!ids.empty()) {
    absl::flat_hash_set<std::string> seen;
    for (absl::string_view id : absl::StrSplit(ids, ',', absl::SkipWhitespace())) {
      id = absl::StripAsciiWhitespace(id);
      if (id.size() > 64 || !IsPrintableAscii(id)) {
        return FieldError("service_request_id", "ids are at most 64 printable ASCII characters");
      }
      if (seen.insert(std::string(id)).second) query.case_ids.emplace_back(id);
    }
    if (query.case_ids.size() > static_cast<size_t>(kMaxRequestIds)) {
      return FieldError("service_request_id", absl::StrCat("at most ", kMaxRequestIds, " ids"));
    }
    if (!query.case_ids.empty()) return query;
  }
  std::string codes = Get(params, "service_code");
  for (absl::string_view code : absl::StrSplit(codes, ',', absl::SkipWhitespace())) {
    auto item = FindService(registry, absl::StripAsciiWhitespace(code));
    if (!item.ok()) return item.status();
    if (*item != nullptr) {
      query.catalogue_items.push_back((*item)->code());
      continue;
    }
    // The catch-all: cases without an item, and those of the item that carries its code, if any.
    query.catalogue_items.push_back("");
    if (const v1::CatalogueItem* other = registry.FindByServiceCode(kCatchAllServiceCode)) {
      query.catalogue_items.push_back(other->code());
    }
  }
  std::string statuses = Get(params, "status");
  if (!statuses.empty()) {
    query.open = false;
    query.closed = false;
    for (absl::string_view status : absl::StrSplit(statuses, ',', absl::SkipWhitespace())) {
      status = absl::StripAsciiWhitespace(status);
      if (status == "open") {
        query.open = true;
      } else if (status == "closed") {
        query.closed = true;
      } else {
        return FieldError("status", "must be open, closed or both (comma separated)");
      }
    }
    if (!query.open && !query.closed) return FieldError("status", "must be open, closed or both (comma separated)");
  }
  std::string start = Get(params, "start_date");
  std::string end = Get(params, "end_date");
  if (!start.empty()) {
    auto t = ParseDateTime("start_date", start, zone);
    if (!t.ok()) return t.status();
    query.start = *t;
  }
  if (!end.empty()) {
    auto t = ParseDateTime("end_date", end, zone);
    if (!t.ok()) return t.status();
    query.end = *t;
  } else {
    query.end = start.empty() ? now : std::min(now, query.start + kMaxQueryWindow);
  }
  if (start.empty()) query.start = query.end - kMaxQueryWindow;
  if (query.start > query.end) return FieldError("start_date", "must not be after end_date");
  if (query.end - query.start > kMaxQueryWindow) return FieldError("end_date", "at most 90 days after start_date");
  return query;
}

}  // namespace gridcase::intake::open311
