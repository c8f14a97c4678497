#pragma once

#include <map>
#include <memory>
#include <string>

#include "libs/registry/org_registry.h"

namespace gridcase::feedback {

// Names for codes in reports and public lists. Thread-safe.
class UnitDirectory {
 public:
  virtual ~UnitDirectory() = default;
  // The unit's name (grid, community, township, county, department); the code itself when unknown.
  virtual std::string UnitName(const std::string& code) const = 0;
  virtual std::string ItemName(const std::string& item_code) const = 0;
  virtual std::string PersonName(const std::string& person_id) const = 0;
  // Whether the code names a county, township, community or grid.
  virtual bool IsArea(const std::string& code) const = 0;
};

// Names from the administrative registry (data/registry/*.json).
class RegistryUnitDirectory : public UnitDirectory {
 public:
  explicit RegistryUnitDirectory(std::shared_ptr<const registry::OrgRegistry> registry);
  std::string UnitName(const std::string& code) const override;
  std::string ItemName(const std::string& item_code) const override;
  std::string PersonName(const std::string& person_id) const override;
  bool IsArea(const std::string& code) const override;

 private:
  std::shared_ptr<const registry::OrgRegistry> registry_;
  std::map<std::string, std::string> people_;
};

}  // namespace gridcase::feedback
