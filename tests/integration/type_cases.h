// The shared type cases (tests/data/type_cases.json) as the end-to-end tests use them: one
// Snowflake table per declared type, each case a row inserted through the SQL API.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/table.h"

namespace sf2pg::testing {

/// Every case of tests/data/type_cases.json.
nlohmann::json TypeCases();

/// The expression INSERT ... SELECT uses for a case's input (NULL, a CAST, PARSE_JSON, ...).
std::string TypeCaseValueSql(const nlohmann::json& c);

/// The table that holds the cases of a declared type: T_ and its letters and digits, e.g.
/// T_NUMBER_10_2_ for NUMBER(10,2).
std::string TypeCaseTable(const std::string& sf_type);

/// The source column `name` of a case's type, as the SQL API describes it (its row_type).
SourceColumn TypeCaseColumn(const nlohmann::json& c, const std::string& name);

}  // namespace sf2pg::testing
