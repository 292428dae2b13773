#include "config/load.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "config/hash.h"
#include "config/names.h"
#include "config/suggest.h"
#include "core/error.h"
#include "core/strings.h"

namespace sf2pg::config {
namespace {

using Json = nlohmann::json;

const std::vector<std::string> kRootKeys = {"parallel_threads",
                                            "batch_size",
                                            "batch_size_copy_mode",
                                            "max_retry_attempts",
                                            "lambda_timeout_buffer_seconds",
                                            "resume_max_age",
                                            "status_pg_database",
                                            "memory_limit_mb",
                                            "statement_timeout_seconds",
                                            "request_timeout_seconds",
                                            "sources"};
const std::vector<std::string> kSourceKeys = {"source_name",
                                              "source_sf_database",
                                              "source_sf_schema",
                                              "target_pg_database",
                                              "target_pg_schema",
                                              "enabled",
                                              "create_postgis_extension",
                                              "tables"};
const std::vector<std::string> kTableKeys = {"enabled",
                                             "source",
                                             "target",
                                             "source_filter",
                                             "chunking_columns",
                                             "chunking_column_types",
                                             "uniqueness_columns",
                                             "source_watermark",
                                             "target_watermark",
                                             "truncate_onstart",
                                             "disable_index",
                                             "parallel_threads",
                                             "batch_size",
                                             "batch_size_copy_mode",
                                             "chunking_strategy",
                                             "identifier_case",
                                             "on_bad_row",
                                             "bytes_per_row",
                                             "keep_tz_offset",
                                             "delete_mode",
                                             "soft_delete_column",
                                             "max_delete_share"};

// Chunking column types: each family selects a strategy.
const std::vector<std::string> kNumericTypes = {"int",    "integer", "bigint",  "smallint",
                                                "number", "numeric", "decimal", "float",
                                                "double", "real"};
const std::vector<std::string> kDateTypes = {"date",          "timestamp",     "datetime",
                                             "timestamp_ntz", "timestamp_ltz", "timestamp_tz"};
const std::vector<std::string> kTextTypes = {"varchar", "text", "string", "char", "uuid"};

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string Describe(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "boolean " + value.dump();
    case Json::value_t::string:
      return "string " + value.dump();
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return "number " + value.dump();
    case Json::value_t::array:
      return "an array";
    case Json::value_t::object:
      return "an object";
    default:
      return "an unsupported value";
  }
}

// Walks the JSON document, collecting problems with their paths.
class Reader {
 public:
  explicit Reader(std::vector<Problem>* problems) : problems_(problems) {}

  void Error(const std::string& path, const std::string& message) {
    problems_->push_back({path, message, false});
  }
  void Warn(const std::string& path, const std::string& message) {
    problems_->push_back({path, message, true});
  }

  // Reports keys that are not in `known`, with a suggestion. Keys starting with '_' are
  // comments and ignored.
  void CheckKeys(const Json& object, const std::string& path,
                 const std::vector<std::string>& known) {
    for (const auto& [key, value] : object.items()) {
      if (key.starts_with("_") || Contains(known, key)) continue;
      std::string message = "unknown key";
      if (auto suggestion = Suggest(key, known))
        message += "; did you mean \"" + *suggestion + "\"?";
      Error(Join(path, key), message);
    }
  }

  static std::string Join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  void String(const Json& object, const std::string& path, const char* key, std::string* out,
              bool required = false) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
      if (required) Error(Join(path, key), "required, missing");
      return;
    }
    if (!it->is_string()) {
      Error(Join(path, key), "expected a string, got " + Describe(*it));
      return;
    }
    *out = it->get<std::string>();
    if (required && out->empty()) Error(Join(path, key), "must not be empty");
  }

  void Bool(const Json& object, const std::string& path, const char* key, bool* out) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return;
    if (!it->is_boolean()) {
      Error(Join(path, key), "expected true or false, got " + Describe(*it));
      return;
    }
    *out = it->get<bool>();
  }

  // Integers within [min, max]; returns true when the key was present and valid.
  template <typename Int>
  bool Integer(const Json& object, const std::string& path, const char* key, Int* out, int64_t min,
               int64_t max) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return false;
    if (!it->is_number_integer()) {
      Error(Join(path, key), "expected an integer, got " + Describe(*it));
      return false;
    }
    int64_t value = it->is_number_unsigned() && it->get<uint64_t>() > INT64_MAX
                        ? INT64_MAX
                        : it->get<int64_t>();
    if (value < min || value > max) {
      std::string range = max == INT64_MAX
                              ? ">= " + std::to_string(min)
                              : "between " + std::to_string(min) + " and " + std::to_string(max);
      Error(Join(path, key), "must be " + range + ", got " + std::to_string(value));
      return false;
    }
    *out = static_cast<Int>(value);
    return true;
  }

  void Number(const Json& object, const std::string& path, const char* key, double* out,
              double min_exclusive) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return;
    if (!it->is_number()) {
      Error(Join(path, key), "expected a number, got " + Describe(*it));
      return;
    }
    double value = it->get<double>();
    if (!(value > min_exclusive)) {
      char bound[32];
      std::snprintf(bound, sizeof bound, "%g", min_exclusive);
      Error(Join(path, key), std::string("must be > ") + bound + ", got " + it->dump());
      return;
    }
    *out = value;
  }

  void StringList(const Json& object, const std::string& path, const char* key,
                  std::vector<std::string>* out) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return;
    std::string here = Join(path, key);
    if (it->is_string()) {  // A single name is accepted for convenience.
      out->push_back(it->get<std::string>());
    } else if (!it->is_array()) {
      Error(here, "expected a list of strings, got " + Describe(*it));
      return;
    } else {
      for (size_t i = 0; i < it->size(); ++i) {
        const Json& item = (*it)[i];
        if (!item.is_string() || item.get<std::string>().empty()) {
          Error(here + "[" + std::to_string(i) + "]",
                "expected a non-empty string, got " + Describe(item));
          continue;
        }
        out->push_back(item.get<std::string>());
      }
    }
    std::set<std::string> seen;
    for (const auto& name : *out) {
      if (!seen.insert(name).second) Error(here, "\"" + name + "\" is listed twice");
    }
  }

  // Reads the text of an enum setting into *out; an unknown text is reported with the
  // allowed ones and leaves *out as it was.
  template <typename E, size_t N>
  void Enum(const Json& object, const std::string& path, const char* key,
            const EnumNames<E, N>& names, E* out) {
    std::string text = EnumToString(names, *out);
    String(object, path, key, &text);
    std::vector<std::string> allowed;
    for (const auto& n : names) allowed.emplace_back(n.text);
    if (OneOf(Join(path, key), text, allowed)) *out = *EnumFromText(names, text);
  }

  // True when `value` is one of `allowed`; otherwise reports it (with a suggestion).
  bool OneOf(const std::string& path, const std::string& value,
             const std::vector<std::string>& allowed) {
    if (Contains(allowed, value)) return true;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    std::string message = "\"" + value + "\" is not one of " + list;
    if (auto suggestion = Suggest(value, allowed))
      message += "; did you mean \"" + *suggestion + "\"?";
    Error(path, message);
    return false;
  }

 private:
  std::vector<Problem>* problems_;
};

Settings ReadSettings(Reader& r, const Json& root) {
  Settings s;
  r.Integer(root, "", "parallel_threads", &s.parallel_threads, 1, 256);
  r.Integer(root, "", "batch_size", &s.batch_size, 1, INT64_MAX);
  r.Integer(root, "", "batch_size_copy_mode", &s.batch_size_copy_mode, 1, INT64_MAX);
  r.Integer(root, "", "max_retry_attempts", &s.max_retry_attempts, 0, 100);
  r.Integer(root, "", "lambda_timeout_buffer_seconds", &s.lambda_timeout_buffer_seconds, 0, 900);
  r.Number(root, "", "resume_max_age", &s.resume_max_age_hours, 0);
  r.String(root, "", "status_pg_database", &s.status_pg_database);
  r.Integer(root, "", "memory_limit_mb", &s.memory_limit_mb, 1, INT64_MAX);
  r.Integer(root, "", "statement_timeout_seconds", &s.statement_timeout_seconds, 0, 604800);
  r.Integer(root, "", "request_timeout_seconds", &s.request_timeout_seconds, 1, 86400);
  return s;
}

// True when the Snowflake name would be stored upper case (an unquoted identifier).
bool IsUpperIdentifier(const std::string& name) {
  bool has_letter = false;
  for (char c : name) {
    if (c >= 'a' && c <= 'z') return false;
    if (c >= 'A' && c <= 'Z') has_letter = true;
  }
  return has_letter;
}

void CheckChunking(Reader& r, const Json& json, const std::string& path, TableConfig& t) {
  for (auto& type : t.chunking_column_types) type = Lower(type);
  if (!t.chunking_column_types.empty() &&
      t.chunking_column_types.size() != t.chunking_columns.size()) {
    auto n = [](size_t k, const char* what) {
      return std::to_string(k) + " " + what + (k == 1 ? "" : "s");
    };
    r.Error(path + ".chunking_column_types", n(t.chunking_column_types.size(), "type") + " for " +
                                                 n(t.chunking_columns.size(), "column"));
  }
  for (size_t i = 0; i < t.chunking_column_types.size(); ++i) {
    const auto& type = t.chunking_column_types[i];
    if (Contains(kNumericTypes, type) || Contains(kDateTypes, type) || Contains(kTextTypes, type))
      continue;
    std::vector<std::string> all = kNumericTypes;
    all.insert(all.end(), kDateTypes.begin(), kDateTypes.end());
    all.insert(all.end(), kTextTypes.begin(), kTextTypes.end());
    std::string message = "unknown chunking type \"" + type + "\"";
    if (auto suggestion = Suggest(type, all))
      message += "; did you mean \"" + *suggestion + "\"?";
    else
      message += " (known: numeric types such as bigint, date/timestamp types, varchar/uuid)";
    r.Error(path + ".chunking_column_types[" + std::to_string(i) + "]", message);
  }
  r.Enum(json, path, "chunking_strategy", kChunkingStrategyNames, &t.chunking_strategy);
  if (t.chunking_strategy != ChunkingStrategy::kAuto &&
      t.chunking_strategy != ChunkingStrategy::kSingle &&
      t.chunking_strategy != ChunkingStrategy::kOffset && t.chunking_columns.empty()) {
    r.Error(path + ".chunking_strategy",
            "\"" + ToString(t.chunking_strategy) + "\" needs chunking_columns");
  }
}

bool UsesDateChunking(const TableConfig& t) {
  if (t.chunking_strategy == ChunkingStrategy::kDateRange) return true;
  if (t.chunking_strategy != ChunkingStrategy::kAuto) return false;
  return !t.chunking_column_types.empty() && Contains(kDateTypes, t.chunking_column_types[0]);
}

void CheckFilter(Reader& r, const std::string& path, const std::string& filter) {
  // The filter is Snowflake SQL inserted into every query as a parenthesised predicate; it
  // must not end the statement or leave a quote open.
  char quote = 0;
  for (char c : filter) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == ';') {
      r.Error(path, "must be a single expression; ';' is not allowed outside quotes");
      return;
    }
  }
  if (quote)
    r.Error(path, std::string("unterminated ") + (quote == '\'' ? "string" : "quoted identifier"));
}

TableConfig ReadTable(Reader& r, const Json& json, const std::string& path,
                      const Settings& settings) {
  TableConfig t;
  if (!json.is_object()) {
    r.Error(path, "expected an object, got " + Describe(json));
    return t;
  }
  r.CheckKeys(json, path, kTableKeys);
  r.Bool(json, path, "enabled", &t.enabled);
  r.String(json, path, "source", &t.source, true);
  r.String(json, path, "target", &t.target);
  r.String(json, path, "source_filter", &t.source_filter);
  r.StringList(json, path, "chunking_columns", &t.chunking_columns);
  r.StringList(json, path, "chunking_column_types", &t.chunking_column_types);
  r.StringList(json, path, "uniqueness_columns", &t.uniqueness_columns);
  r.String(json, path, "source_watermark", &t.source_watermark);
  r.String(json, path, "target_watermark", &t.target_watermark);
  r.Bool(json, path, "truncate_onstart", &t.truncate_onstart);
  r.Bool(json, path, "disable_index", &t.disable_index);
  r.Bool(json, path, "keep_tz_offset", &t.keep_tz_offset);
  r.Integer(json, path, "bytes_per_row", &t.bytes_per_row, 1, INT64_MAX);
  t.parallel_threads = settings.parallel_threads;
  t.batch_size = settings.batch_size;
  t.batch_size_copy_mode = settings.batch_size_copy_mode;
  t.has_threads_override = r.Integer(json, path, "parallel_threads", &t.parallel_threads, 1, 256);
  r.Integer(json, path, "batch_size", &t.batch_size, 1, INT64_MAX);
  r.Integer(json, path, "batch_size_copy_mode", &t.batch_size_copy_mode, 1, INT64_MAX);

  r.Enum(json, path, "identifier_case", kIdentifierCaseNames, &t.identifier_case);
  r.Enum(json, path, "delete_mode", kDeleteModeNames, &t.delete_mode);
  bool soft_column = json.contains("soft_delete_column");
  r.String(json, path, "soft_delete_column", &t.soft_delete_column);
  r.Number(json, path, "max_delete_share", &t.max_delete_share, 0);
  if (t.max_delete_share > 1) {
    r.Error(path + ".max_delete_share", "must be a share between 0 and 1 (0.10 is 10 %), got " +
                                            std::to_string(t.max_delete_share));
  }
  if (soft_column && t.delete_mode != DeleteMode::kSoft) {
    r.Error(path + ".soft_delete_column", "only used with \"delete_mode\": \"soft\"");
  } else if (t.delete_mode == DeleteMode::kSoft && t.soft_delete_column.empty()) {
    r.Error(path + ".soft_delete_column", "must name a column");
  } else if (t.delete_mode == DeleteMode::kSoft && t.soft_delete_column.size() > 63) {
    r.Error(path + ".soft_delete_column",
            "is " + std::to_string(t.soft_delete_column.size()) +
                " bytes long; PostgreSQL keeps only the first 63 bytes of a name");
  }
  if (t.delete_mode != DeleteMode::kNone && t.source_watermark.empty()) {
    r.Error(path + ".delete_mode",
            "needs an incremental table (source_watermark and uniqueness_columns): a full load "
            "with truncate_onstart already leaves out rows deleted at the source");
  }
  OnBadRow on_bad_row = OnBadRow::kFail;
  r.Enum(json, path, "on_bad_row", kOnBadRowNames, &on_bad_row);
  t.on_bad_row = ToString(on_bad_row);
  if (t.target.empty() && !t.source.empty()) {
    t.target = (t.identifier_case == IdentifierCase::kLower && IsUpperIdentifier(t.source))
                   ? Lower(t.source)
                   : t.source;
  }
  CheckChunking(r, json, path, t);
  CheckFilter(r, path + ".source_filter", t.source_filter);

  if (!t.source_watermark.empty() && t.target_watermark.empty()) {
    r.Error(path + ".target_watermark", "required when source_watermark is set");
  }
  if (t.source_watermark.empty() && !t.target_watermark.empty()) {
    r.Error(path + ".source_watermark", "required when target_watermark is set");
  }
  if (t.uniqueness_columns.empty()) {
    if (!t.source_watermark.empty()) {
      r.Error(path + ".uniqueness_columns",
              "required for incremental loads (source_watermark is set): UPSERT needs a key");
    } else if (UsesDateChunking(t)) {
      r.Error(path + ".uniqueness_columns", "required with date chunking, which loads with UPSERT");
    } else if (!t.truncate_onstart) {
      r.Warn(path + ".uniqueness_columns",
             "not set: loading into a non-empty target needs UPSERT, which needs a key; set "
             "uniqueness_columns or truncate_onstart");
    }
  }
  return t;
}

void CheckMemory(Reader& r, const std::string& path, const TableConfig& t,
                 const Settings& settings) {
  // The seed tool's formula, kept as a warning: sf2pg streams rows, so its own peak is far
  // lower, but users size Lambda memory with this figure.
  double batch = static_cast<double>(std::max(t.batch_size, t.batch_size_copy_mode));
  double mb =
      t.parallel_threads * batch * static_cast<double>(t.bytes_per_row) * 2.0 / (1024.0 * 1024.0);
  if (mb > static_cast<double>(settings.memory_limit_mb)) {
    r.Warn(path, "memory estimate " + std::to_string(static_cast<int64_t>(mb)) +
                     " MB (parallel_threads x batch x bytes_per_row x 2) exceeds memory_limit_mb " +
                     std::to_string(settings.memory_limit_mb));
  }
}

SourceConfig ReadSource(Reader& r, const Json& json, const std::string& path,
                        const Settings& settings) {
  SourceConfig s;
  if (!json.is_object()) {
    r.Error(path, "expected an object, got " + Describe(json));
    return s;
  }
  r.CheckKeys(json, path, kSourceKeys);
  r.String(json, path, "source_name", &s.source_name, true);
  r.String(json, path, "source_sf_database", &s.source_sf_database, true);
  r.String(json, path, "source_sf_schema", &s.source_sf_schema, true);
  r.String(json, path, "target_pg_database", &s.target_pg_database, true);
  r.String(json, path, "target_pg_schema", &s.target_pg_schema, true);
  r.Bool(json, path, "enabled", &s.enabled);
  r.Bool(json, path, "create_postgis_extension", &s.create_postgis_extension);
  auto tables = json.find("tables");
  if (tables == json.end()) {
    r.Error(path + ".tables", "required, missing");
  } else if (!tables->is_array()) {
    r.Error(path + ".tables", "expected a list of tables, got " + Describe(*tables));
  } else {
    for (size_t i = 0; i < tables->size(); ++i) {
      std::string tpath = path + ".tables[" + std::to_string(i) + "]";
      s.tables.push_back(ReadTable(r, (*tables)[i], tpath, settings));
      CheckMemory(r, tpath, s.tables.back(), settings);
    }
    if (s.enabled && std::none_of(s.tables.begin(), s.tables.end(),
                                  [](const TableConfig& t) { return t.enabled; })) {
      r.Warn(path + ".tables", "no enabled table");
    }
  }
  return s;
}

void CheckDuplicates(Reader& r, const std::vector<SourceConfig>& sources) {
  std::map<std::string, size_t> names;
  for (size_t i = 0; i < sources.size(); ++i) {
    const auto& s = sources[i];
    std::string path = "sources[" + std::to_string(i) + "]";
    if (!s.source_name.empty()) {
      auto [it, fresh] = names.emplace(s.source_name, i);
      if (!fresh) {
        r.Error(path + ".source_name", "\"" + s.source_name + "\" is already used by sources[" +
                                           std::to_string(it->second) + "]");
      }
    }
    std::map<std::string, size_t> source_tables;
    for (size_t j = 0; j < s.tables.size(); ++j) {
      const auto& t = s.tables[j];
      std::string tpath = path + ".tables[" + std::to_string(j) + "]";
      if (t.source.empty()) continue;
      auto [st, fresh_source] = source_tables.emplace(t.source, j);
      if (!fresh_source) {
        r.Error(tpath + ".source", "table \"" + t.source + "\" is already listed as " + path +
                                       ".tables[" + std::to_string(st->second) + "]");
      }
    }
  }
}

// Names PostgreSQL would cut, and enabled tables that load the same target. The same Snowflake
// table in two sources is allowed here: a run that selects only one of them is fine (the
// commands check their selection with CheckSelectedTables).
void CheckTargetNames(const Config& config, std::vector<Problem>* problems) {
  CheckTargetNameLengths(config, problems);
  SelectedTables enabled;
  for (const auto& s : config.sources) {
    if (!s.enabled) continue;
    for (const auto& t : s.tables) {
      if (t.enabled) enabled.emplace_back(&s, &t);
    }
  }
  CheckSharedTargets(config, enabled, problems);
}

std::string LineColumn(std::string_view text, size_t byte) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

std::string Problem::ToString() const {
  return (warning ? "warning: " : "") + path + ": " + message;
}

ParseResult ParseConfig(std::string_view text) {
  ParseResult result;
  Json root;
  try {
    root = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/true,
                       /*ignore_comments=*/true);
  } catch (const Json::parse_error& e) {
    std::string what = e.what();
    auto pos = what.find("parse error at ");
    std::string detail = what.substr(what.find(':', pos == std::string::npos ? 0 : pos) + 1);
    while (!detail.empty() && detail.front() == ' ') detail.erase(0, 1);
    result.problems.push_back(
        {"(document)",
         "invalid JSON at " + LineColumn(text, e.byte > 0 ? e.byte - 1 : 0) + ": " + detail,
         false});
    return result;
  } catch (const Json::exception& e) {
    // A number beyond a double's range ("1E400"): nlohmann says so without a position.
    std::string what = e.what();
    auto tag = what.find("] ");
    result.problems.push_back(
        {"(document)", "invalid JSON: " + (tag == std::string::npos ? what : what.substr(tag + 2)),
         false});
    return result;
  }
  Reader r(&result.problems);
  if (!root.is_object()) {
    r.Error("(document)", "expected a JSON object at the top, got " + Describe(root));
    return result;
  }
  r.CheckKeys(root, "", kRootKeys);
  Config config;
  config.settings = ReadSettings(r, root);
  auto sources = root.find("sources");
  if (sources == root.end()) {
    r.Error("sources", "required, missing");
  } else if (!sources->is_array() || sources->empty()) {
    r.Error("sources", "expected a non-empty list of sources, got " + Describe(*sources));
  } else {
    for (size_t i = 0; i < sources->size(); ++i) {
      config.sources.push_back(
          ReadSource(r, (*sources)[i], "sources[" + std::to_string(i) + "]", config.settings));
    }
    CheckDuplicates(r, config.sources);
    CheckTargetNames(config, &result.problems);
    if (std::none_of(config.sources.begin(), config.sources.end(),
                     [](const SourceConfig& s) { return s.enabled; })) {
      r.Warn("sources", "no enabled source");
    }
  }
  bool has_error = std::any_of(result.problems.begin(), result.problems.end(),
                               [](const Problem& p) { return !p.warning; });
  if (!has_error) {
    config.config_hash = ConfigHash(config);
    result.config = std::move(config);
  }
  return result;
}

std::string FormatProblems(const std::vector<Problem>& problems, bool with_warnings) {
  std::string out;
  for (const auto& p : problems) {
    if (p.warning && !with_warnings) continue;
    if (!out.empty()) out += "\n";
    out += p.ToString();
  }
  return out;
}

Config LoadConfigFile(const std::string& path, std::vector<Problem>* warnings) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw ConfigError(path +
                      ": is a folder, not a configuration file (give the path of a "
                      "config.json)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot read the configuration file (does it exist?)");
  std::stringstream buffer;
  buffer << in.rdbuf();
  ParseResult result = ParseConfig(buffer.str());
  if (warnings) {
    for (const auto& p : result.problems) {
      if (p.warning) warnings->push_back(p);
    }
  }
  if (!result.ok()) {
    std::vector<Problem> errors;
    for (auto p : result.problems) {
      if (!p.warning) {
        p.path = path + ": " + p.path;
        errors.push_back(std::move(p));
      }
    }
    throw ConfigError(FormatProblems(errors, false));
  }
  return std::move(*result.config);
}

const SourceConfig* Config::FindSource(const std::string& name) const {
  for (const auto& s : sources) {
    if (s.source_name == name) return &s;
  }
  return nullptr;
}

std::string Config::StatusDatabase() const {
  if (!settings.status_pg_database.empty()) return settings.status_pg_database;
  for (const auto& s : sources) {
    if (s.enabled) return s.target_pg_database;
  }
  return sources.empty() ? std::string() : sources.front().target_pg_database;
}

}  // namespace sf2pg::config
