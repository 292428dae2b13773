#include "app/init.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>

#include "app/context.h"
#include "app/source_factory.h"
#include "config/load.h"
#include "config/names.h"
#include "core/error.h"
#include "core/quote.h"
#include "core/strings.h"
#include "plan/columns.h"
#include "plan/planner.h"
#include "report/table_text.h"
#include "snowflake/metadata.h"
#include "snowflake/type_mapping.h"

namespace sf2pg::app {
namespace {

using Json = nlohmann::ordered_json;

std::string Quoted(const std::string& name) { return "\"" + name + "\""; }

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + Quoted(n);
  return out;
}

std::string HumanBytes(int64_t bytes) {
  static const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1000 && unit + 1 < std::size(kUnits)) {
    value /= 1000;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, kUnits[unit]);
  return text;
}

const SourceColumn* Column(const CatalogEntry& table, const std::string& name) {
  for (const auto& c : table.columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

// The chunking_column_types entry for a column a range can be planned over, or nothing.
std::optional<std::string> ChunkingType(const SourceColumn& column) {
  const std::string& t = column.type;
  if (t == "fixed" || t == "real" || t == "decfloat") return "number";
  if (t == "date") return "date";
  if (t.starts_with("timestamp")) return "timestamp";
  if (t == "text") return "varchar";
  return std::nullopt;
}

std::string Describe(const SourceColumn& column) {
  return Quoted(column.name) + " (" + snowflake::SnowflakeTypeSql(column) + ")";
}

// A PostgreSQL table name for `wanted` that fits in 63 bytes and is not in `used`.
std::string UniqueTarget(const std::string& wanted, std::set<std::string>* used) {
  std::string name = config::PgStoredName(wanted);
  for (int n = 2; used->count(name); ++n) {
    std::string suffix = "_" + std::to_string(n);
    name = config::Utf8Prefix(wanted, config::kPgMaxNameBytes - suffix.size()) + suffix;
  }
  used->insert(name);
  return name;
}

// Sets the key, chunking columns and strategy of `out`, explaining them in `why`.
void SuggestChunking(const CatalogEntry& table, Json& out, Json& why) {
  if (table.primary_key.empty()) {
    why["uniqueness_columns"] =
        "no primary key (SHOW PRIMARY KEYS): nothing orders the rows uniquely, so the table is "
        "reloaded whole: truncate_onstart empties the target at the start of each fresh run and "
        "COPY loads it. If some columns identify a row, name them in uniqueness_columns and drop "
        "truncate_onstart to allow UPSERT and incremental loads";
    out["truncate_onstart"] = true;
    out["chunking_strategy"] = "offset";
    why["chunking"] =
        "offset: without a key, chunks are LIMIT/OFFSET windows ordered by every column, and "
        "each re-sorts the table (cost grows with rows squared over batch_size); a table that "
        "fits in one chunk is read in one query";
    return;
  }
  out["uniqueness_columns"] = table.primary_key;
  why["uniqueness_columns"] =
      "the primary key (SHOW PRIMARY KEYS): " + JoinNames(table.primary_key) +
      "; it orders every chunk and is the ON CONFLICT target of UPSERT";
  const SourceColumn* first = Column(table, table.primary_key.front());
  std::optional<std::string> type = first ? ChunkingType(*first) : std::nullopt;
  plan::KeyKind kind{};
  if (!type || !plan::KindOfConfigType(*type, &kind)) {
    why["chunking"] = "the first key column " +
                      (first ? Describe(*first) : Quoted(table.primary_key.front())) +
                      " cannot bound ranges: no chunking column, so the planner cuts key ranges "
                      "of the uniqueness columns (chunking_strategy auto)";
    return;
  }
  out["chunking_columns"] = std::vector<std::string>{first->name};
  out["chunking_column_types"] = std::vector<std::string>{*type};
  using Strategy = config::ChunkingStrategy;
  auto [strategy, how] =
      kind == plan::KeyKind::kNumeric
          ? std::pair{Strategy::kNumericRange,
                      "one histogram query, chunks are value ranges of at most batch_size rows"}
      : kind == plan::KeyKind::kDate
          ? std::pair{Strategy::kDateRange,
                      "per-day counts in one query, dense days split on the key; loads with "
                      "UPSERT"}
          : std::pair{Strategy::kKeyRange,
                      "every batch_size-th key from one sorted scan, chunks read by key range"};
  out["chunking_strategy"] = config::ToString(strategy);
  why["chunking"] =
      config::ToString(strategy) + " on the first key column " + Describe(*first) + ": " + how;
}

// Suggests an incremental watermark: the best-named date/timestamp column.
void SuggestWatermark(const CatalogEntry& table, config::IdentifierCase identifier_case, Json& out,
                      Json& why) {
  std::vector<const SourceColumn*> candidates;
  for (const auto& c : table.columns) {
    if (WatermarkScore(c) > 0) candidates.push_back(&c);
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](auto* a, auto* b) { return WatermarkScore(*a) > WatermarkScore(*b); });
  if (candidates.empty()) {
    why["watermark"] =
        "no date/timestamp column named like an update time (UPDATED..., MODIFIED..., "
        "CHANGED..., ..._TS): full loads only";
    return;
  }
  const SourceColumn& best = *candidates.front();
  std::string others;
  for (size_t i = 1; i < candidates.size(); ++i)
    others += (i > 1 ? ", " : "") + candidates[i]->name;
  if (!others.empty()) others = " (also considered: " + others + ")";
  if (table.primary_key.empty()) {
    why["watermark"] = Describe(best) +
                       " looks like an update time, but incremental loads need a key (UPSERT): "
                       "not set" +
                       others;
    return;
  }
  out["source_watermark"] = best.name;
  out["target_watermark"] = plan::TargetName(best.name, identifier_case);
  why["watermark"] = Describe(best) +
                     " looks like an update time: later runs read only rows at or above the "
                     "target's newest value. Rows deleted at the source, or changed without a "
                     "newer value, are not carried; remove both watermark keys for full loads" +
                     others;
}

// Sets batch sizes from the catalog's bytes per row.
void SuggestBatch(const CatalogEntry& table, Json& out, Json& why) {
  if (table.rows <= 0 || table.bytes <= 0) {
    why["batch_size"] =
        "the catalog gives no row width (empty table): the global batch sizes apply";
    return;
  }
  int64_t per_row = std::max<int64_t>(1, (table.bytes + table.rows - 1) / table.rows);
  int64_t batch = std::clamp(kChunkBytes / per_row, kMinBatch, kMaxBatch);
  batch -= batch % 1000;
  out["batch_size"] = batch;
  out["batch_size_copy_mode"] = 2 * batch;
  out["bytes_per_row"] = per_row;
  why["batch_size"] = "about " + std::to_string(per_row) +
                      " bytes per row in the catalog: chunks of about " + HumanBytes(kChunkBytes) +
                      " of stored data (" + report::Thousands(kMinBatch) + " to " +
                      report::Thousands(kMaxBatch) + " rows) for UPSERT, twice that for COPY";
}

Json TableConfig(const CatalogEntry& table, std::set<std::string>* targets) {
  Json out;
  Json why;
  why["catalog"] =
      (table.rows < 0 ? std::string("unknown rows") : report::Thousands(table.rows) + " rows") +
      ", " + (table.bytes < 0 ? std::string("unknown size") : HumanBytes(table.bytes)) +
      " (SHOW TABLES)";
  out["source"] = table.name;

  auto identifier_case = config::IdentifierCase::kLower;
  std::vector<std::string> problems = plan::ColumnNameProblems(table.columns, identifier_case);
  if (!problems.empty() &&
      plan::ColumnNameProblems(table.columns, config::IdentifierCase::kPreserve).empty()) {
    identifier_case = config::IdentifierCase::kPreserve;
    why["identifier_case"] =
        "column names are kept as they are: lower-casing them would " + problems.front();
    problems.clear();
  }

  std::string wanted = plan::TargetName(table.name, identifier_case);
  out["target"] = UniqueTarget(wanted, targets);
  if (out["target"] != wanted) {
    why["target"] = Quoted(wanted) +
                    (config::PgNameTooLong(wanted) ? " is over PostgreSQL's 63 bytes"
                                                   : " is the target of another table") +
                    ": renamed";
  }
  if (!problems.empty()) {
    out["enabled"] = false;
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
    why["enabled"] = "disabled: " + all;
  }
  if (identifier_case == config::IdentifierCase::kPreserve) out["identifier_case"] = "preserve";

  SuggestChunking(table, out, why);
  SuggestWatermark(table, identifier_case, out, why);
  SuggestBatch(table, out, why);
  out["_why"] = std::move(why);
  return out;
}

char Fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool Match(const char* name, const char* pattern) {
  for (; *pattern; ++pattern, ++name) {
    if (*pattern == '*') {
      for (const char* rest = name;; ++rest) {
        if (Match(rest, pattern + 1)) return true;
        if (!*rest) return false;
      }
    }
    if (!*name) return false;
    if (*pattern != '?' && Fold(*pattern) != Fold(*name)) return false;
  }
  return !*name;
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw ConfigError(path + ": cannot write the file");
}

}  // namespace

bool MatchesPattern(const std::string& name, const std::string& pattern) {
  return Match(name.c_str(), pattern.c_str());
}

std::vector<std::string> SelectTableNames(const std::vector<std::string>& all,
                                          const std::vector<std::string>& patterns,
                                          const std::string& where) {
  if (patterns.empty()) return all;
  std::vector<std::string> unmatched;
  for (const auto& p : patterns) {
    if (std::none_of(all.begin(), all.end(),
                     [&](const std::string& name) { return MatchesPattern(name, p); }))
      unmatched.push_back(p);
  }
  if (!unmatched.empty()) {
    std::string listed;
    for (size_t i = 0; i < all.size() && i < 20; ++i) listed += (i ? ", " : "") + all[i];
    if (all.size() > 20) listed += ", ...";
    throw ConfigError("--tables: no table of " + where + " matches " + JoinNames(unmatched) +
                      " (its tables: " + listed + ")");
  }
  std::vector<std::string> selected;
  for (const auto& name : all) {
    if (std::any_of(patterns.begin(), patterns.end(),
                    [&](const std::string& p) { return MatchesPattern(name, p); }))
      selected.push_back(name);
  }
  return selected;
}

int WatermarkScore(const SourceColumn& column) {
  if (column.type != "date" && !column.type.starts_with("timestamp")) return 0;
  std::string name = Upper(column.name);
  for (const char* word : {"UPDATE", "MODIFIED", "CHANGED"}) {
    if (name.find(word) != std::string::npos) return 2;
  }
  return name.ends_with("_TS") ? 1 : 0;
}

nlohmann::ordered_json InitConfig(const InitOptions& options,
                                  const std::vector<CatalogEntry>& tables) {
  auto fold = [](const std::string& name) {
    return config::PgStoredName(plan::TargetName(name, config::IdentifierCase::kLower));
  };
  Json source;
  source["source_name"] =
      options.source_name.empty() ? Lower(options.database) : options.source_name;
  source["source_sf_database"] = options.database;
  source["source_sf_schema"] = options.schema;
  source["target_pg_database"] =
      options.target_database.empty() ? fold(options.database) : options.target_database;
  source["target_pg_schema"] =
      options.target_schema.empty() ? fold(options.schema) : options.target_schema;
  std::set<std::string> targets;
  Json list = Json::array();
  for (const auto& t : tables) list.push_back(TableConfig(t, &targets));
  source["tables"] = std::move(list);

  Json config;
  config["_comment"] = "Written by sf2pg init from the catalog of " + options.database + "." +
                       options.schema +
                       ". Each table's _why says why its keys were chosen; review them, then "
                       "run sf2pg validate-config and sf2pg plan.";
  config["sources"] = Json::array({std::move(source)});
  return config;
}

std::string EnvTemplate() {
  return R"(# sf2pg credentials, written by sf2pg init: placeholders only. Replace every <...> value
# (examples/env.example documents every variable). Real environment variables win over this file.

# --- Snowflake (key-pair authentication) ---
SNOWFLAKE_ACCOUNT=<orgname-account_name>
SNOWFLAKE_USER=<user of the key pair>
SNOWFLAKE_RSA_KEY_FILE=<path of the PKCS#8 private key file>
# SNOWFLAKE_RSA_KEY_PASSPHRASE=<passphrase of an encrypted key>
SNOWFLAKE_WAREHOUSE=<warehouse>
# SNOWFLAKE_ROLE=<role>
# Instead of a key: SNOWFLAKE_TOKEN=<token> and SNOWFLAKE_TOKEN_TYPE=PROGRAMMATIC_ACCESS_TOKEN or OAUTH

# --- PostgreSQL ---
POSTGRES_HOST=<host>
POSTGRES_PORT=5432
POSTGRES_USER=<user>
POSTGRES_PASSWORD=<password>
# POSTGRES_SSLMODE=verify-full
# POSTGRES_SSLROOTCERT=<path of the server's CA bundle>
)";
}

InitResult RunInit(const GlobalOptions& global, const InitOptions& options) {
  auto full = [](const std::string& path) {
    return std::filesystem::absolute(path).lexically_normal();
  };
  if (full(options.out) == full(options.env_out)) {
    throw ConfigError("--out and --env-out both name " + options.out + ": give two files");
  }
  for (const auto& path : {options.out, options.env_out}) {
    if (!options.force && std::filesystem::exists(path)) {
      throw ConfigError(path +
                        ": already exists; sf2pg init does not overwrite it (use --force, "
                        "or choose another file with --out or --env-out)");
    }
  }
  config::Credentials credentials =
      LoadCredentialsOnly(global, {.snowflake = true, .postgres = false});
  auto source = CatalogSource(credentials);
  std::string where =
      "Snowflake schema " + sf::QuoteIdent(options.database) + "." + sf::QuoteIdent(options.schema);
  std::vector<snowflake::CatalogTable> listed;
  try {
    listed = snowflake::SchemaTables(*source, options.database, options.schema);
  } catch (const SnowflakeError& e) {
    if (e.code() != "002003") throw;
    throw ConfigError(where + " cannot be read: " + e.what() +
                      " (--database and --schema are case-sensitive, as stored: unquoted "
                      "Snowflake names are stored in upper case)");
  }
  if (listed.empty()) throw ConfigError(where + " has no tables");
  std::vector<std::string> names;
  for (const auto& t : listed) names.push_back(t.name);
  std::vector<std::string> selected = SelectTableNames(names, options.tables, where);

  InitResult result;
  for (const auto& t : listed) {
    if (std::find(selected.begin(), selected.end(), t.name) == selected.end()) continue;
    result.tables.push_back(
        {t.name, t.rows, t.bytes,
         snowflake::TableColumns(*source, options.database, options.schema, t.name),
         snowflake::PrimaryKey(*source, options.database, options.schema, t.name)});
  }
  result.config = InitConfig(options, result.tables);
  std::string text = result.config.dump(2) + "\n";
  config::ParseResult parsed = config::ParseConfig(text);
  if (!parsed.ok()) {
    throw InternalError("sf2pg init built a configuration that does not pass validation:\n" +
                        config::FormatProblems(parsed.problems, false));
  }
  WriteFile(options.out, text);
  WriteFile(options.env_out, EnvTemplate());
  return result;
}

std::string InitSummary(const InitResult& result) {
  report::TextTable table({"table", "rows", "size", "key", "chunking", "watermark", "batch"},
                          {false, true, true, false, false, false, true});
  const Json& tables = result.config["sources"][0]["tables"];
  for (size_t i = 0; i < result.tables.size(); ++i) {
    const CatalogEntry& entry = result.tables[i];
    const Json& t = tables[i];
    auto text = [&](const char* key) {
      return t.contains(key) ? t[key].get<std::string>() : std::string();
    };
    std::string key;
    for (const auto& k : t.value("uniqueness_columns", std::vector<std::string>{}))
      key += (key.empty() ? "" : ", ") + k;
    std::string chunking = text("chunking_strategy").empty() ? "auto" : text("chunking_strategy");
    if (t.contains("chunking_columns"))
      chunking += " on " + t["chunking_columns"][0].get<std::string>();
    if (!t.value("enabled", true)) chunking = "DISABLED (see _why)";
    table.Add(
        {entry.name, entry.rows < 0 ? "?" : report::Thousands(entry.rows),
         entry.bytes < 0 ? "?" : HumanBytes(entry.bytes), key.empty() ? "(none)" : key, chunking,
         text("source_watermark"),
         t.contains("batch_size") ? report::Thousands(t["batch_size"].get<int64_t>()) : "default"});
  }
  return table.Render();
}

}  // namespace sf2pg::app
