// The HTML report as a supervisor sees it: the fixture's township report rendered by headless Chromium to
// build/test-artifacts/feedback-report.png (kept as a test artefact), checked to be a real, full-size picture.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/registry/registry_json.h"
#include "libs/testing/infra.h"
#include "libs/testing/process.h"
#include "services/feedback/core/periods.h"
#include "services/feedback/core/report.h"
#include "services/feedback/core/report_fixture.h"
#include "services/feedback/core/report_render.h"

namespace gridcase::feedback {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

uint32_t BigEndian(const std::string& bytes, size_t at) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(bytes[at])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 3]));
}

TEST(ReportScreenshotTest, HeadlessChromiumRendersTheHtmlReport) {
  ASSERT_EQ(std::system("command -v chromium > /dev/null"), 0)
      << "chromium is not installed (scripts/setup-deps installs it)";
  auto registry = registry::LoadRegistry(gridcase::testing::SourcePath("data/registry/sample-county.json"));
  ASSERT_TRUE(registry.ok()) << registry.status();
  RegistryUnitDirectory units(*registry);
  auto fixture = testing::RecordFixture();
  ASSERT_TRUE(fixture.ok()) << fixture.status();
  auto query = ParseReportQuery("2026-03-01", "2026-04-01", testing::kTownship, units);
  ASSERT_TRUE(query.ok());
  ReportBuilder builder(&(*fixture)->store, &units, (*fixture)->policy,
                        [] { return StartOfDay(absl::CivilDay(2026, 4, 1)); });
  auto report = builder.Build(*query);
  ASSERT_TRUE(report.ok()) << report.status();

  const std::filesystem::path artifacts = gridcase::testing::BinaryPath("test-artifacts");
  std::filesystem::create_directories(artifacts);
  const std::filesystem::path html = artifacts / "feedback-report.html";
  const std::filesystem::path png = artifacts / "feedback-report.png";
  {
    std::ofstream out(html, std::ios::binary | std::ios::trunc);
    out << RenderHtml(*report);
  }
  std::filesystem::remove(png);
  const std::filesystem::path profile =
      std::filesystem::temp_directory_path() / gridcase::testing::UniqueName("feedback-chromium");
  std::filesystem::create_directories(profile);
  std::string command = absl::StrCat(
      "timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
      "--disable-background-networking --disable-component-update --disable-sync --hide-scrollbars "
      "--user-data-dir=",
      profile.string(), " --screenshot=", png.string(), " --window-size=1280,2000 file://", html.string(), " > ",
      (artifacts / "chromium.log").string(), " 2>&1");
  int status = std::system(command.c_str());
  std::filesystem::remove_all(profile);
  ASSERT_EQ(status, 0) << "chromium failed; see " << (artifacts / "chromium.log").string();

  std::string bytes = Slurp(png.string());
  ASSERT_GT(bytes.size(), 50u * 1024) << "a 1280×2000 page of tables and charts is not that small";
  ASSERT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  ASSERT_EQ(bytes.substr(12, 4), "IHDR");
  EXPECT_EQ(BigEndian(bytes, 16), 1280u);
  EXPECT_EQ(BigEndian(bytes, 20), 2000u);
}

}  // namespace
}  // namespace gridcase::feedback
