// Reading the files that the processes under test write: logs, reports, JSON summaries.
#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace sf2pg::testing {

/// The whole content of the file at `path`; empty when it cannot be read.
inline std::string ReadFileText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The JSON document in the file at `path`; a discarded value when it is missing or not JSON.
inline nlohmann::json ReadJsonFile(const std::string& path) {
  return nlohmann::json::parse(ReadFileText(path), nullptr, false);
}

}  // namespace sf2pg::testing
