#include "services/console/web_files.h"

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"

namespace gridcase::console {
namespace {

class WebFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("web_files_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(root_ / "web" / "img");
    Write("web/index.html", "<!doctype html>");
    Write("web/app.js", "main()");
    Write("web/img/logo.svg", "<svg/>");
    Write("web/.secret.js", "hidden");
    Write("web/notes.txt", "text");
    Write("outside.js", "outside");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void Write(const std::string& path, const std::string& content) { std::ofstream(root_ / path) << content; }
  std::string web() const { return (root_ / "web").string(); }

  std::filesystem::path root_;
};

TEST_F(WebFilesTest, ServesThePagesWithTheirTypes) {
  auto index = ReadWebFile(web(), "/");
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_EQ(index->content, "<!doctype html>");
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  auto script = ReadWebFile(web(), "/app.js");
  ASSERT_TRUE(script.ok());
  EXPECT_EQ(script->content_type, "text/javascript; charset=utf-8");
  auto logo = ReadWebFile(web(), "/img/logo.svg");
  ASSERT_TRUE(logo.ok());
  EXPECT_EQ(logo->content, "<svg/>");
}

TEST_F(WebFilesTest, NothingOutsideTheFolderNorHiddenNorOtherKinds) {
  for (const char* path : {"/../outside.js", "/img/../../outside.js", "/./app.js", "//app.js", "/.secret.js",
                           "/notes.txt", "/img\\..\\app.js", "app.js", "/missing.js", "/img/"}) {
    EXPECT_EQ(ReadWebFile(web(), path).status().code(), absl::StatusCode::kNotFound) << path;
  }
}

}  // namespace
}  // namespace gridcase::console
