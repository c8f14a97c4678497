#include "libs/registry/registry_json.h"

#include <cstdint>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/registry/rules.h"
#include "nlohmann/json.hpp"

namespace gridcase::registry {
namespace {

using nlohmann::json;

absl::Status Invalid(absl::string_view path, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", reason));
}

std::string Field(absl::string_view path, absl::string_view key) {
  return path.empty() ? std::string(key) : absl::StrCat(path, ".", key);
}

std::string At(absl::string_view path, size_t i) { return absl::StrCat(path, "[", i, "]"); }

// An object at `path` whose fields must all be in `allowed`.
absl::Status CheckObject(const json& value, absl::string_view path, std::initializer_list<absl::string_view> allowed) {
  if (!value.is_object()) return Invalid(path.empty() ? "registry" : path, "expected an object");
  for (auto it = value.begin(); it != value.end(); ++it) {
    bool known = false;
    for (absl::string_view key : allowed) known = known || key == it.key();
    if (!known) {
      return Invalid(path.empty() ? "registry" : path,
                     absl::StrCat("unknown field \"", it.key(), "\" (expected ", absl::StrJoin(allowed, ", "), ")"));
    }
  }
  return absl::OkStatus();
}

// The field `key` of `object`, or nullptr when absent (or null).
const json* Find(const json& object, absl::string_view key) {
  auto it = object.find(std::string(key));
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

absl::Status GetString(const json& object, absl::string_view path, absl::string_view key, bool required,
                       std::string* out) {
  const json* value = Find(object, key);
  if (value == nullptr) return required ? Invalid(Field(path, key), "missing") : absl::OkStatus();
  if (!value->is_string()) return Invalid(Field(path, key), "expected a string");
  *out = value->get<std::string>();
  if (required && out->empty()) return Invalid(Field(path, key), "missing");
  return absl::OkStatus();
}

absl::Status GetBool(const json& object, absl::string_view path, absl::string_view key, bool* out) {
  const json* value = Find(object, key);
  if (value == nullptr) return absl::OkStatus();
  if (!value->is_boolean()) return Invalid(Field(path, key), "expected true or false");
  *out = value->get<bool>();
  return absl::OkStatus();
}

absl::Status GetInt32(const json& object, absl::string_view path, absl::string_view key, int32_t* out) {
  const json* value = Find(object, key);
  if (value == nullptr) return absl::OkStatus();
  if (!value->is_number_integer()) return Invalid(Field(path, key), "expected an integer");
  if (value->is_number_unsigned() ? value->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())
                                  : value->get<int64_t>() < std::numeric_limits<int32_t>::min() ||
                                        value->get<int64_t>() > std::numeric_limits<int32_t>::max()) {
    return Invalid(Field(path, key), "out of range");
  }
  *out = static_cast<int32_t>(value->get<int64_t>());
  return absl::OkStatus();
}

// The array field `key`; *out is nullptr when it is absent and not required.
absl::Status GetArray(const json& object, absl::string_view path, absl::string_view key, bool required,
                      const json** out) {
  *out = Find(object, key);
  if (*out == nullptr) return required ? Invalid(Field(path, key), "missing") : absl::OkStatus();
  if (!(*out)->is_array()) return Invalid(Field(path, key), "expected an array");
  return absl::OkStatus();
}

template <typename AddFn>
absl::Status GetStringList(const json& object, absl::string_view path, absl::string_view key, AddFn add) {
  const json* list = nullptr;
  if (absl::Status s = GetArray(object, path, key, false, &list); !s.ok() || list == nullptr) return s;
  for (size_t i = 0; i < list->size(); ++i) {
    if (!(*list)[i].is_string()) return Invalid(At(Field(path, key), i), "expected a string");
    add((*list)[i].get<std::string>());
  }
  return absl::OkStatus();
}

// A string field holding one of `names`; *out gets the matching value. Absent is an error when required.
template <typename Enum>
absl::Status GetEnum(const json& object, absl::string_view path, absl::string_view key,
                     std::initializer_list<std::pair<absl::string_view, Enum>> names, Enum* out) {
  std::string text;
  if (absl::Status s = GetString(object, path, key, true, &text); !s.ok()) return s;
  std::vector<absl::string_view> expected;
  for (const auto& [name, value] : names) {
    if (name == text) {
      *out = value;
      return absl::OkStatus();
    }
    expected.push_back(name);
  }
  return Invalid(Field(path, key),
                 absl::StrCat("unknown value \"", text, "\" (expected one of ", absl::StrJoin(expected, ", "), ")"));
}

struct Person {
  std::string name;
  std::string phone;
};

class Converter {
 public:
  absl::Status Convert(const json& root) {
    if (absl::Status s = CheckObject(root, "",
                                     {"format", "description", "counties", "townships", "communities", "grids",
                                      "people", "departments", "catalogue"});
        !s.ok()) {
      return s;
    }
    std::string format;
    if (absl::Status s = GetString(root, "", "format", true, &format); !s.ok()) return s;
    if (format != kRegistryFormat) {
      return Invalid("format", absl::StrCat("\"", format, "\" is not ", kRegistryFormat));
    }
    std::string description;
    if (absl::Status s = GetString(root, "", "description", false, &description); !s.ok()) return s;
    if (absl::Status s = Each(root, "counties", true, &Converter::County); !s.ok()) return s;
    if (absl::Status s = Each(root, "townships", true, &Converter::Township); !s.ok()) return s;
    if (absl::Status s = Each(root, "communities", true, &Converter::Community); !s.ok()) return s;
    // People before grids: members refer to them.
    if (absl::Status s = Each(root, "people", false, &Converter::PersonEntry); !s.ok()) return s;
    if (absl::Status s = Each(root, "grids", true, &Converter::Grid); !s.ok()) return s;
    if (absl::Status s = Each(root, "departments", false, &Converter::Department); !s.ok()) return s;
    if (absl::Status s = Each(root, "catalogue", false, &Converter::Catalogue); !s.ok()) return s;
    return absl::OkStatus();
  }

  v1::Registry& registry() { return registry_; }
  OrgRegistry::GridPlaceNames& grid_place_names() { return grid_place_names_; }

 private:
  using ItemFn = absl::Status (Converter::*)(const json& item, const std::string& path);

  absl::Status Each(const json& root, absl::string_view key, bool required, ItemFn fn) {
    const json* list = nullptr;
    if (absl::Status s = GetArray(root, "", key, required, &list); !s.ok() || list == nullptr) return s;
    for (size_t i = 0; i < list->size(); ++i) {
      if (absl::Status s = (this->*fn)((*list)[i], At(key, i)); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  absl::Status County(const json& item, const std::string& path) {
    if (absl::Status s = CheckObject(item, path, {"code", "name"}); !s.ok()) return s;
    v1::County* county = registry_.add_counties();
    if (absl::Status s = GetString(item, path, "code", true, county->mutable_code()); !s.ok()) return s;
    return GetString(item, path, "name", true, county->mutable_name());
  }

  absl::Status Township(const json& item, const std::string& path) {
    if (absl::Status s = CheckObject(item, path, {"code", "name", "county_code", "street"}); !s.ok()) return s;
    v1::Township* township = registry_.add_townships();
    if (absl::Status s = GetString(item, path, "code", true, township->mutable_code()); !s.ok()) return s;
    if (absl::Status s = GetString(item, path, "name", true, township->mutable_name()); !s.ok()) return s;
    if (absl::Status s = GetString(item, path, "county_code", true, township->mutable_county_code()); !s.ok()) {
      return s;
    }
    bool street = false;
    if (absl::Status s = GetBool(item, path, "street", &street); !s.ok()) return s;
    township->set_street(street);
    return absl::OkStatus();
  }

  absl::Status Community(const json& item, const std::string& path) {
    if (absl::Status s = CheckObject(item, path, {"code", "name", "township_code", "rural", "place_names"}); !s.ok()) {
      return s;
    }
    v1::Community* community = registry_.add_communities();
    if (absl::Status s = GetString(item, path, "code", true, community->mutable_code()); !s.ok()) return s;
    if (absl::Status s = GetString(item, path, "name", true, community->mutable_name()); !s.ok()) return s;
    if (absl::Status s = GetString(item, path, "township_code", true, community->mutable_township_code()); !s.ok()) {
      return s;
    }
    bool rural = false;
    if (absl::Status s = GetBool(item, path, "rural", &rural); !s.ok()) return s;
    community->set_rural(rural);
    return GetStringList(item, path, "place_names",
                         [community](std::string name) { community->add_place_names(std::move(name)); });
  }

  absl::Status PersonEntry(const json& item, const std::string& path) {
    if (absl::Status s = CheckObject(item, path, {"id", "name", "phone"}); !s.ok()) return s;
    std::string id;
    Person person;
    if (absl::Status s = GetString(item, path, "id", true, &id); !s.ok()) return s;
    if (!IsPlainCode(id)) return Invalid(Field(path, "id"), "must be 1-64 characters of [A-Za-z0-9._-]");
    if (absl::Status s = GetString(item, path, "name", true, &person.name); !s.ok()) return s;
    if (absl::Status s = GetString(item, path, "phone", false, &person.phone); !s.ok()) return s;
    if (!person.phone.empty() && !IsMainlandMobile(person.phone)) {
      // The number itself stays out of the message: registry errors end up in logs.
      return Invalid(Field(path, "phone"), "not a mainland mobile number (1[3-9] and 9 more digits)");
    }
    auto [it, inserted] = people_.try_emplace(id, std::move(person));
    if (!inserted) return Invalid(Field(path, "id"), absl::StrCat(id, " appears twice"));
    return absl::OkStatus();
  }

  absl::Status Grid(const json& item, const std::string& path) {
    if (absl::Status s = CheckObject(
            item, path, {"code", "name", "community_code", "kind", "households", "polygon", "members", "place_names"});
        !s.ok()) {
      return s;
    }
    v1::Grid* grid = registry_.add_grids();
    if (absl::Status s = GetString(item, path, "code", true, grid->mutable_code()); !s.ok()) return s;
    if (absl::Status s = GetString(item, path, "name", true, grid->mutable_name()); !s.ok()) return s;
    if (absl::Status s = GetString(item, path, "community_code", true, grid->mutable_community_code()); !s.ok()) {
      return s;
    }
    v1::GridKind kind = v1::GRID_KIND_UNSPECIFIED;
    if (absl::Status s = GetEnum<v1::GridKind>(
            item, path, "kind",
            {{"urban", v1::GRID_KIND_URBAN}, {"rural", v1::GRID_KIND_RURAL}, {"special", v1::GRID_KIND_SPECIAL}},
            &kind);
        !s.ok()) {
      return s;
    }
    grid->set_kind(kind);
    int32_t households = 0;
    if (absl::Status s = GetInt32(item, path, "households", &households); !s.ok()) return s;
    grid->set_households(households);

    const json* polygon = nullptr;
    if (absl::Status s = GetArray(item, path, "polygon", true, &polygon); !s.ok()) return s;
    for (size_t i = 0; i < polygon->size(); ++i) {
      const json& vertex = (*polygon)[i];
      if (!vertex.is_array() || vertex.size() != 2 || !vertex[0].is_number() || !vertex[1].is_number()) {
        return Invalid(At(Field(path, "polygon"), i), "expected [lat, lng] in degrees");
      }
      v1::GeoPoint* point = grid->add_polygon();
      point->set_lat(vertex[0].get<double>());
      point->set_lng(vertex[1].get<double>());
    }

    const json* members = nullptr;
    if (absl::Status s = GetArray(item, path, "members", false, &members); !s.ok()) return s;
    for (size_t i = 0; members != nullptr && i < members->size(); ++i) {
      const json& entry = (*members)[i];
      const std::string member_path = At(Field(path, "members"), i);
      if (absl::Status s = CheckObject(entry, member_path, {"person_id", "duty"}); !s.ok()) return s;
      v1::GridMember* member = grid->add_members();
      if (absl::Status s = GetString(entry, member_path, "person_id", true, member->mutable_person_id()); !s.ok()) {
        return s;
      }
      auto person = people_.find(member->person_id());
      if (person == people_.end()) {
        return Invalid(Field(member_path, "person_id"), absl::StrCat("unknown person ", member->person_id()));
      }
      member->set_name(person->second.name);
      member->set_phone(person->second.phone);
      v1::GridMember::Duty duty = v1::GridMember::DUTY_UNSPECIFIED;
      if (absl::Status s = GetEnum<v1::GridMember::Duty>(entry, member_path, "duty",
                                                         {{"grid_head", v1::GridMember::DUTY_GRID_HEAD},
                                                          {"full_time", v1::GridMember::DUTY_FULL_TIME},
                                                          {"part_time", v1::GridMember::DUTY_PART_TIME}},
                                                         &duty);
          !s.ok()) {
        return s;
      }
      member->set_duty(duty);
    }

    std::vector<std::string>& names = grid_place_names_.emplace_back();
    return GetStringList(item, path, "place_names", [&names](std::string name) { names.push_back(std::move(name)); });
  }

  absl::Status Department(const json& item, const std::string& path) {
    if (absl::Status s = CheckObject(item, path, {"code", "name", "township_code"}); !s.ok()) return s;
    v1::Department* department = registry_.add_departments();
    if (absl::Status s = GetString(item, path, "code", true, department->mutable_code()); !s.ok()) return s;
    if (absl::Status s = GetString(item, path, "name", true, department->mutable_name()); !s.ok()) return s;
    return GetString(item, path, "township_code", false, department->mutable_township_code());
  }

  absl::Status Catalogue(const json& item, const std::string& path) {
    if (absl::Status s = CheckObject(
            item, path,
            {"code", "name", "department_code", "default_category", "keywords", "phrases", "emergency",
             "can_be_emergency", "open311_service_code", "fields"});
        !s.ok()) {
      return s;
    }
    v1::CatalogueItem* entry = registry_.add_catalogue();
    if (absl::Status s = GetString(item, path, "code", true, entry->mutable_code()); !s.ok()) return s;
    if (absl::Status s = GetString(item, path, "name", true, entry->mutable_name()); !s.ok()) return s;
    if (absl::Status s = GetString(item, path, "department_code", true, entry->mutable_department_code()); !s.ok()) {
      return s;
    }
    v1::Category category = v1::CATEGORY_UNSPECIFIED;
    if (absl::Status s = GetEnum<v1::Category>(item, path, "default_category",
                                               {{"simple", v1::CATEGORY_SIMPLE},
                                                {"general", v1::CATEGORY_GENERAL},
                                                {"major", v1::CATEGORY_MAJOR},
                                                {"difficult", v1::CATEGORY_DIFFICULT},
                                                {"cross_county", v1::CATEGORY_CROSS_COUNTY}},
                                               &category);
        !s.ok()) {
      return s;
    }
    entry->set_default_category(category);
    if (absl::Status s = GetStringList(item, path, "keywords",
                                       [entry](std::string keyword) { entry->add_keywords(std::move(keyword)); });
        !s.ok()) {
      return s;
    }
    if (absl::Status s = GetStringList(item, path, "phrases",
                                       [entry](std::string phrase) { entry->add_phrases(std::move(phrase)); });
        !s.ok()) {
      return s;
    }
    bool emergency = false;
    if (absl::Status s = GetBool(item, path, "emergency", &emergency); !s.ok()) return s;
    entry->set_emergency(emergency);
    bool can_be_emergency = false;
    if (absl::Status s = GetBool(item, path, "can_be_emergency", &can_be_emergency); !s.ok()) return s;
    entry->set_can_be_emergency(can_be_emergency || emergency);  // An emergency item can be one.
    if (absl::Status s = GetString(item, path, "open311_service_code", false, entry->mutable_open311_service_code());
        !s.ok()) {
      return s;
    }
    const json* fields = nullptr;
    if (absl::Status s = GetArray(item, path, "fields", false, &fields); !s.ok()) return s;
    for (size_t i = 0; fields != nullptr && i < fields->size(); ++i) {
      if (absl::Status s = CatalogueField((*fields)[i], At(Field(path, "fields"), i), entry->add_fields()); !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  }

  absl::Status CatalogueField(const json& item, const std::string& path, v1::CatalogueField* field) {
    if (absl::Status s = CheckObject(item, path, {"code", "description", "datatype", "required", "values"}); !s.ok()) {
      return s;
    }
    if (absl::Status s = GetString(item, path, "code", true, field->mutable_code()); !s.ok()) return s;
    if (absl::Status s = GetString(item, path, "description", true, field->mutable_description()); !s.ok()) return s;
    if (absl::Status s = GetString(item, path, "datatype", true, field->mutable_datatype()); !s.ok()) return s;
    bool required = false;
    if (absl::Status s = GetBool(item, path, "required", &required); !s.ok()) return s;
    field->set_required(required);
    const json* values = nullptr;
    if (absl::Status s = GetArray(item, path, "values", false, &values); !s.ok()) return s;
    for (size_t i = 0; values != nullptr && i < values->size(); ++i) {
      const std::string value_path = At(Field(path, "values"), i);
      if (absl::Status s = CheckObject((*values)[i], value_path, {"key", "name"}); !s.ok()) return s;
      v1::CatalogueField::Value* value = field->add_values();
      if (absl::Status s = GetString((*values)[i], value_path, "key", true, value->mutable_key()); !s.ok()) return s;
      if (absl::Status s = GetString((*values)[i], value_path, "name", true, value->mutable_name()); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  v1::Registry registry_;
  OrgRegistry::GridPlaceNames grid_place_names_;
  absl::flat_hash_map<std::string, Person> people_;
};

}  // namespace

absl::StatusOr<std::shared_ptr<const OrgRegistry>> RegistryFromJson(absl::string_view text) {
  json root;
  try {
    root = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("registry is not valid JSON: ", e.what()));
  }
  Converter converter;
  if (absl::Status s = converter.Convert(root); !s.ok()) return s;
  return OrgRegistry::Create(std::move(converter.registry()), std::move(converter.grid_place_names()));
}

absl::StatusOr<std::shared_ptr<const OrgRegistry>> LoadRegistry(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot be read"));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::NotFoundError(absl::StrCat(path, ": cannot be read"));
  absl::StatusOr<std::shared_ptr<const OrgRegistry>> registry = RegistryFromJson(text.str());
  if (!registry.ok())
    return absl::Status(registry.status().code(), absl::StrCat(path, ": ", registry.status().message()));
  return registry;
}

}  // namespace gridcase::registry
