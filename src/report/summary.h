// The end-of-run summary: a table per source and table with the totals, as text for people
// and as JSON for scripts (--summary-json).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "exec/migration.h"

namespace sf2pg::report {

std::string SummaryText(const exec::MigrationResult& result);
nlohmann::json SummaryJson(const exec::MigrationResult& result);
/// What a dry run would do, table by table: method, strategy and why, chunks and their SQL.
std::string PlanText(const exec::MigrationResult& result);

}  // namespace sf2pg::report
