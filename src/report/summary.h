// The end-of-run summary: a table per source and table with the totals, as text for people
// and as JSON for scripts (--summary-json).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "exec/migration.h"

namespace sf2pg::report {

std::string SummaryText(const exec::MigrationResult& result);
/// The tables whose row check found fewer rows copied than planned.
std::vector<const exec::TableSummary*> ShortTables(const exec::MigrationResult& result);
/// The process exit status of a migration (core/exit_status.h): 0 completed (or planned, or
/// left to other workers), 3 partial, 4 completed with a shortfall, 1 otherwise.
int ExitStatusFor(const exec::MigrationResult& result);
nlohmann::json SummaryJson(const exec::MigrationResult& result);
/// What a dry run would do, table by table: method, strategy and why, chunks and their SQL.
std::string PlanText(const exec::MigrationResult& result);

}  // namespace sf2pg::report
