// Fuzz target for the registry file (docs/REGISTRY.md), which operators edit by hand. Parsing never crashes; a
// registry that is accepted is consistent: every grid is found by its code with its whole chain above it, every
// catalogue item by its code and its Open311 service code, located points fall in known grids, and the validated
// (normalised) registry validates again unchanged.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "google/protobuf/util/message_differencer.h"
#include "libs/registry/registry_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using gridcase::registry::OrgRegistry;
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  auto registry = gridcase::registry::RegistryFromJson(text);
  if (!registry.ok()) {
    FUZZ_CHECK(registry.status().code() == absl::StatusCode::kInvalidArgument, registry.status().ToString());
    return 0;
  }
  const OrgRegistry& r = **registry;
  for (const auto& grid : r.proto().grids()) {
    FUZZ_CHECK(r.FindGrid(grid.code()) == &grid, grid.code());
    auto chain = r.ChainOfGrid(grid.code());
    FUZZ_CHECK(chain.has_value() && chain->grid == &grid && chain->community != nullptr &&
                   chain->township != nullptr && chain->county != nullptr,
               grid.code());
    FUZZ_CHECK(chain->community->code() == grid.community_code(), grid.code());
    FUZZ_CHECK(r.IsWithin(grid.code(), chain->county->code()), grid.code());
    FUZZ_CHECK(r.LevelOfUnit(grid.code()) == gridcase::v1::LEVEL_GRID, grid.code());
    FUZZ_CHECK(grid.polygon_size() >= 3, grid.code());
    double lat = 0, lng = 0;
    for (const auto& p : grid.polygon()) {
      lat += p.lat() / grid.polygon_size();
      lng += p.lng() / grid.polygon_size();
    }
    if (auto located = r.LocatePoint(lat, lng); located.has_value()) {
      FUZZ_CHECK(r.FindGrid(*located) != nullptr, *located);
    }
  }
  for (const auto& item : r.Catalogue()) {
    FUZZ_CHECK(r.FindCatalogueItem(item.code()) == &item, item.code());
    if (!item.open311_service_code().empty()) {
      FUZZ_CHECK(r.FindByServiceCode(item.open311_service_code()) == &item, item.open311_service_code());
    }
  }
  auto again = OrgRegistry::Create(r.proto());
  FUZZ_CHECK(again.ok(), again.status().ToString());
  FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(r.proto(), (*again)->proto()), "normalised twice");
  return 0;
}
