// `sf2pg status`: recent runs, or one run's tables and failed chunks, as text or JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "run/status_store.h"

namespace sf2pg::report {

/// Recent runs (newest first).
nlohmann::json RunsJson(run::StatusStore& store, int limit);
std::string RunsText(const nlohmann::json& runs);
/// One run: its record, its tables and its failed chunks. Throws ConfigError for an unknown id.
nlohmann::json RunJson(run::StatusStore& store, const std::string& run_id);
std::string RunText(const nlohmann::json& run);

}  // namespace sf2pg::report
