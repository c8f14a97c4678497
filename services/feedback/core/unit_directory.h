#pragma once

#include <atomic>
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

// Names from the administrative registry (data/registry/*.json), replaceable while in use (registry reload): each
// lookup reads one whole registry.
class RegistryUnitDirectory : public UnitDirectory {
 public:
  // `registry` must not be null.
  explicit RegistryUnitDirectory(std::shared_ptr<const registry::OrgRegistry> registry);

  // Makes `registry` (not null) current; lookups under way finish on the one they started with.
  void Replace(std::shared_ptr<const registry::OrgRegistry> registry);

  std::string UnitName(const std::string& code) const override;
  std::string ItemName(const std::string& item_code) const override;
  std::string PersonName(const std::string& person_id) const override;
  bool IsArea(const std::string& code) const override;

 private:
  struct Snapshot {
    std::shared_ptr<const registry::OrgRegistry> registry;
    std::map<std::string, std::string> people;  // person id → name
  };
  static std::shared_ptr<const Snapshot> MakeSnapshot(std::shared_ptr<const registry::OrgRegistry> registry);
  std::shared_ptr<const Snapshot> current() const { return current_.load(std::memory_order_acquire); }

  std::atomic<std::shared_ptr<const Snapshot>> current_;
};

}  // namespace gridcase::feedback
