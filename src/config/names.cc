#include "config/names.h"

#include <map>
#include <tuple>

namespace sf2pg::config {
namespace {

std::string Quoted(std::string_view name) { return "\"" + std::string(name) + "\""; }

void CheckLength(const std::string& path, const std::string& name, const std::string& fix,
                 std::vector<Problem>* problems) {
  if (auto why = PgNameTooLong(name)) problems->push_back({path, *why + "; " + fix, false});
}

std::string SourceLabel(const SourceConfig& s) { return "source " + Quoted(s.source_name); }

using Key = std::tuple<std::string, std::string, std::string>;

std::string SnowflakeName(const SourceConfig& s, const TableConfig& t) {
  return s.source_sf_database + "." + s.source_sf_schema + "." + t.source;
}

}  // namespace

std::string Utf8Prefix(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  // text[cut] is the first byte dropped; when it continues a character, that whole character
  // goes.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut));
}

std::string PgStoredName(std::string_view name) { return Utf8Prefix(name, kPgMaxNameBytes); }

std::optional<std::string> PgNameTooLong(std::string_view name) {
  if (name.size() <= kPgMaxNameBytes) return std::nullopt;
  return Quoted(name) + " is " + std::to_string(name.size()) +
         " bytes, over PostgreSQL's limit of " + std::to_string(kPgMaxNameBytes) +
         " bytes for a name (it would keep only " + Quoted(PgStoredName(name)) + ")";
}

void CheckTargetNameLengths(const Config& config, std::vector<Problem>* problems) {
  CheckLength("status_pg_database", config.settings.status_pg_database,
              "use a database name of at most 63 bytes", problems);
  for (size_t i = 0; i < config.sources.size(); ++i) {
    const auto& s = config.sources[i];
    std::string path = "sources[" + std::to_string(i) + "]";
    CheckLength(path + ".target_pg_database", s.target_pg_database,
                "use a database name of at most 63 bytes", problems);
    CheckLength(path + ".target_pg_schema", s.target_pg_schema,
                "use a schema name of at most 63 bytes", problems);
    for (size_t j = 0; j < s.tables.size(); ++j) {
      const auto& t = s.tables[j];
      if (!t.enabled) continue;
      std::string tpath = path + ".tables[" + std::to_string(j) + "]";
      CheckLength(tpath + ".target", t.target, "set \"target\" to a name of at most 63 bytes",
                  problems);
      CheckLength(tpath + ".target_watermark", t.target_watermark,
                  "a PostgreSQL column name has at most 63 bytes", problems);
    }
  }
}

std::string TablePath(const Config& config, const SourceConfig* source, const TableConfig* table) {
  auto i = static_cast<size_t>(source - config.sources.data());
  auto j = static_cast<size_t>(table - source->tables.data());
  return "sources[" + std::to_string(i) + "].tables[" + std::to_string(j) + "]";
}

std::vector<Problem> CheckSelectedTables(const Config& config, const SelectedTables& selected) {
  std::vector<Problem> problems;
  std::map<Key, size_t> by_source;
  for (size_t k = 0; k < selected.size(); ++k) {
    const auto& [s, t] = selected[k];
    if (t->source.empty()) continue;
    std::string path = TablePath(config, s, t);
    // sf2pg quotes every Snowflake name as written, so Snowflake resolves equal strings (and
    // only those) to the same table; the status tables compare them the same way.
    auto [seen, fresh] =
        by_source.emplace(Key{s->source_sf_database, s->source_sf_schema, t->source}, k);
    if (!fresh) {
      const auto& [other_s, other_t] = selected[seen->second];
      problems.push_back(
          {path + ".source",
           "Snowflake table " + SnowflakeName(*s, *t) + " (" + SourceLabel(*s) +
               ") is also selected by " + TablePath(config, other_s, other_t) + " (" +
               SourceLabel(*other_s) +
               "); one run records each Snowflake table once and cannot load it twice: run "
               "one source at a time (--source " +
               other_s->source_name + ", then --source " + s->source_name + ")",
           false});
    }
  }
  CheckSharedTargets(config, selected, &problems);
  return problems;
}

void CheckSharedTargets(const Config& config, const SelectedTables& selected,
                        std::vector<Problem>* problems) {
  std::map<Key, size_t> by_target;
  for (size_t k = 0; k < selected.size(); ++k) {
    const auto& [s, t] = selected[k];
    if (t->target.empty()) continue;
    std::string path = TablePath(config, s, t);
    // Identifiers are quoted as written; PostgreSQL compares what it stores of them.
    Key target{PgStoredName(s->target_pg_database), PgStoredName(s->target_pg_schema),
               PgStoredName(t->target)};
    auto [other, fresh_target] = by_target.emplace(target, k);
    if (!fresh_target) {
      const auto& [other_s, other_t] = selected[other->second];
      std::string mine = s->target_pg_database + "." + s->target_pg_schema + "." + t->target;
      std::string theirs =
          other_s->target_pg_database + "." + other_s->target_pg_schema + "." + other_t->target;
      std::string message = "target " + mine + " is also loaded by " +
                            TablePath(config, other_s, other_t) + " (" + SourceLabel(*other_s) +
                            ", Snowflake " + SnowflakeName(*other_s, *other_t) + ")";
      if (mine != theirs) {
        message += " into " + theirs + ": PostgreSQL keeps only the first 63 bytes of each name, " +
                   "so both are " + std::get<0>(target) + "." + std::get<1>(target) + "." +
                   std::get<2>(target);
      }
      problems->push_back({path + ".target", message + "; give one of them another target", false});
    }
  }
}

}  // namespace sf2pg::config
