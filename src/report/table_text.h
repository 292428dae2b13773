// Plain-text tables for terminal output: columns sized to their widest cell, numbers right-
// aligned.
#pragma once

#include <string>
#include <vector>

namespace sf2pg::report {

class TextTable {
 public:
  /// `right` marks the columns to right-align (numbers).
  explicit TextTable(std::vector<std::string> header, std::vector<bool> right = {});
  void Add(std::vector<std::string> row);
  /// A separator line before the next row (e.g. before a totals row).
  void Rule();
  std::string Render() const;

 private:
  std::vector<std::string> header_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;  // an empty row is a rule
};

/// 1234567 -> "1,234,567"
std::string Thousands(int64_t n);
/// Seconds as "1.2s", "3m04s" or "1h02m".
std::string Duration(double seconds);

}  // namespace sf2pg::report
