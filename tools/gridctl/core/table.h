#pragma once

#include <string>
#include <vector>

namespace gridcase::gridctl {

// A table for people: a header row and rows of cells, rendered with columns aligned by display width (a CJK
// character takes two columns) and cells longer than `max_cell_width` cut with "…".
struct Table {
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> rows;

  void Add(std::vector<std::string> row) { rows.push_back(std::move(row)); }
  std::string Render(size_t max_cell_width = 48) const;
};

// Columns `text` takes on a terminal: two for East Asian wide characters, one for others; invalid UTF-8 bytes count
// one each.
size_t DisplayWidth(const std::string& text);

// `text` cut to at most `width` columns, ending with "…" when cut; newlines and tabs become spaces.
std::string FitCell(const std::string& text, size_t width);

// Two columns "field  value" for one record.
std::string RenderFields(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace gridcase::gridctl
