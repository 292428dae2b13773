// The errors (not the warnings) that the config loader finds in a config, for the config tests.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "config/load.h"

namespace sf2pg::testing {

/// The problems of `config` that are errors, in the order the loader reports them.
inline std::vector<config::Problem> ConfigErrors(const nlohmann::json& config) {
  std::vector<config::Problem> out;
  for (auto& p : config::ParseConfig(config.dump()).problems) {
    if (!p.warning) out.push_back(p);
  }
  return out;
}

}  // namespace sf2pg::testing
