#include "libs/registry/location.h"

namespace gridcase::registry {

absl::string_view LocateMethodName(LocateMethod method) {
  switch (method) {
    case LocateMethod::kNone:
      return "none";
    case LocateMethod::kPolygon:
      return "polygon";
    case LocateMethod::kGazetteerGrid:
      return "gazetteer_grid";
    case LocateMethod::kGazetteerCommunity:
      return "gazetteer_community";
  }
  return "none";
}

void Location::ApplyTo(v1::Location* location) const {
  location->set_grid_code(grid_code);
  location->set_community_code(community_code);
  location->set_township_code(township_code);
  location->set_county_code(county_code);
  location->set_needs_manual_grid(needs_manual_grid());
  location->set_locate_method(std::string(LocateMethodName(method)));
  location->set_matched_place(matched_name);
}

}  // namespace gridcase::registry
