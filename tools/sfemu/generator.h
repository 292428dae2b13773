// The built-in deterministic data sets of `sfemu load --dataset`: `demo` (ANALYTICS.BI.DIMPATIENT,
// ANALYTICS.BI.FACTVISIT, CONFLICTREPORT.PUBLIC.PATIENTADDRESS) and `bench`
// (BENCH.PUBLIC.PATIENTS, BENCH.PUBLIC.WIDE, BENCH.PUBLIC.BIGTEXT). Every value is a pure
// function of (seed, table, row), so any row can be regenerated alone.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "loader.h"

namespace sf2pg::sfemu {

struct GeneratedTable {
  std::string database, schema, name;
  std::string ddl;  ///< Snowflake CREATE OR REPLACE TABLE statement
  int64_t rows = 0;
  RowSource source;
};

/// The tables of `dataset` sized so that the largest has `rows` rows. Throws ConfigError for
/// an unknown data set.
std::vector<GeneratedTable> Dataset(const std::string& dataset, int64_t rows, uint64_t seed);

/// A deterministic 64-bit mix of its inputs (splitmix64 finaliser).
uint64_t Mix(uint64_t a, uint64_t b);

}  // namespace sf2pg::sfemu
