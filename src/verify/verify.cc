#include "verify/verify.h"

#include <algorithm>

#include "config/hash.h"
#include "core/copy_buffer.h"
#include "core/error.h"
#include "core/quote.h"
#include "core/secret.h"
#include "core/strings.h"
#include "log/log.h"
#include "plan/columns.h"
#include "plan/planner.h"
#include "postgres/target_table.h"
#include "verify/canonical.h"

namespace sf2pg::verify {

using plan::DescribeJob;
using plan::MissingTarget;
using plan::TableJob;
namespace {

using postgres::Connection;

// Stages the source rows; a row that cannot be loaded unchanged is left out and counted as
// missing (no target can hold it), with its reason among the samples.
class StageSink : public CopySink {
 public:
  StageSink(Connection& conn, int max_shown) : conn_(conn), max_shown_(max_shown) {}
  void Write(std::string_view rows, int64_t) override { conn_.CopyPut(rows); }
  bool Reject(const BadRow& row) override {
    if (static_cast<int>(samples_.size()) < max_shown_) {
      samples_.push_back("missing " + row.key + " (the source row cannot be loaded: column " +
                         row.column + ": " + row.reason + ")");
    }
    ++rejected_;
    return true;
  }
  int64_t rejected() const { return rejected_; }
  const std::vector<std::string>& samples() const { return samples_; }

 private:
  Connection& conn_;
  int max_shown_;
  int64_t rejected_ = 0;
  std::vector<std::string> samples_;
};

// A column as compared: json has no equality operator, so it is compared as jsonb (by value);
// spatial values are compared as their EWKB bytes (every coordinate and the SRID).
std::string Comparable(const std::string& alias, const TargetColumn& c) {
  std::string q = alias.empty() ? pg::QuoteIdent(c.name) : alias + "." + pg::QuoteIdent(c.name);
  if (c.type == PgType::kJson) return q + "::jsonb";
  if (c.type == PgType::kGeometry || c.type == PgType::kGeography) return q + "::bytea";
  return q;
}

// The target's rows that stand for the source's: with delete_mode soft, those not marked.
std::string TargetRows(const TableJob& job) {
  std::string table = postgres::Qualified(job.target_schema, job.target_table);
  if (job.table->delete_mode != config::DeleteMode::kSoft) return table;
  return "(SELECT * FROM " + table + " WHERE " + pg::QuoteIdent(job.table->soft_delete_column) +
         " IS NULL) AS sf2pg_alive";
}

std::string SelectList(const std::string& alias, const std::vector<TargetColumn>& columns) {
  std::string out;
  for (const auto& c : columns) {
    if (!out.empty()) out += ", ";
    out += Comparable(alias, c) + " AS " + pg::QuoteIdent(c.name);
  }
  return out;
}

// Loads the source's rows (as the target's types) into a temporary table; returns its name.
// Rows that cannot be loaded count as missing in `v`.
std::string Stage(Connection& conn, Source& source, const TableJob& job, int64_t* rows,
                  TableVerdict* v, int max_shown, const std::string& predicate = "") {
  std::string stage =
      "sf2pg_verify_" + config::Md5Hex(job.target_schema + "." + job.target_table).substr(0, 16);
  std::string cols;
  for (const auto& c : job.target_columns) cols += (cols.empty() ? "" : ", ") + pg::QuoteIdent(c);
  conn.Exec("DROP TABLE IF EXISTS pg_temp." + pg::QuoteIdent(stage));
  conn.Exec("CREATE TEMP TABLE " + pg::QuoteIdent(stage) + " AS SELECT " + cols + " FROM " +
            postgres::Qualified(job.target_schema, job.target_table) + " WITH NO DATA");
  conn.CopyBegin(postgres::CopySql("pg_temp", stage, job.target_columns));
  CopyBuffer frame;
  frame.Header();
  conn.CopyPut(frame.view());
  StageSink sink(conn, max_shown);
  // Every row within the filter and floor (and `predicate`), in no particular order.
  plan::ChunkSpec spec;
  spec.predicate = predicate;
  ChunkRequest request = plan::ChunkRead(job.plan_input, job.source_columns, "", spec);
  request.targets = job.targets;
  request.key_columns = job.key_columns;
  request.description = job.Name() + " (verify)";
  request.query_tag = "sf2pg:verify:" + job.key.source_table;
  try {
    source.Fetch(request, sink);
  } catch (...) {
    conn.CopyAbort("source read failed");
    throw;
  }
  frame.Clear();
  frame.Trailer();
  conn.CopyPut(frame.view());
  *rows = conn.CopyEnd() + sink.rejected();
  v->missing += sink.rejected();
  v->rows_fetched += *rows;
  for (const auto& sample : sink.samples()) {
    if (static_cast<int>(v->samples.size()) < max_shown) v->samples.push_back(sample);
  }
  return stage;
}

// How CompareByKey restricts and matches rows.
struct ByKey {
  std::string target_where;   ///< PostgreSQL predicate over the target; "" = every row
  bool null_safe = false;     ///< NULL key columns match NULL ones
  bool changes_only = false;  ///< count only rows present on both sides that differ
};

void CompareByKey(Connection& conn, const TableJob& job, const std::string& stage, int max_shown,
                  TableVerdict* v, const ByKey& by = {}) {
  std::string on, key_text, differs, changed_cols;
  for (const auto& k : job.upsert_keys) {
    std::string q = pg::QuoteIdent(k);
    // NULL-safe matching stays an equality (a FULL JOIN needs one): of NULL-ness, and of the
    // text of the value, which is the same for equal values of one type.
    on += (on.empty() ? "" : " AND ") +
          (by.null_safe ? "(s." + q + " IS NULL) = (t." + q + " IS NULL) AND COALESCE(s." + q +
                              "::text, '') = COALESCE(t." + q + "::text, '')"
                        : "s." + q + " = t." + q);
    key_text += (key_text.empty() ? "" : ", ") +
                (pg::QuoteLiteral(k + "=") + " || COALESCE(s." + q + ", t." + q + ")::text");
  }
  for (const auto& c : job.targets) {
    std::string cmp = Comparable("s", c) + " IS DISTINCT FROM " + Comparable("t", c);
    differs += " OR " + cmp;
    changed_cols += ", CASE WHEN " + cmp + " THEN " + pg::QuoteLiteral(c.name) + " END";
  }
  std::string target = TargetRows(job);
  std::string sql =
      "SELECT kind, key, cols, count(*) OVER (PARTITION BY kind), row_number() OVER (PARTITION BY "
      "kind ORDER BY key) AS rn FROM (SELECT CASE WHEN t.__t "
      "IS NULL THEN 'missing' WHEN s.__s IS NULL THEN 'extra' ELSE 'changed' END AS kind, "
      "concat_ws(', ', " +
      key_text + ") AS key, concat_ws(', '" + changed_cols +
      ") AS cols "
      "FROM (SELECT *, true AS __s FROM pg_temp." +
      pg::QuoteIdent(stage) +
      ") s FULL JOIN "
      "(SELECT *, true AS __t FROM " +
      target + (by.target_where.empty() ? "" : " WHERE " + by.target_where) + ") t ON " + on +
      (by.changes_only ? " WHERE s.__s AND t.__t AND (FALSE" + differs + ")"
                       : " WHERE s.__s IS NULL OR t.__t IS NULL" + differs) +
      ") d ORDER BY rn, kind LIMIT " + std::to_string(std::max(max_shown, 3));
  auto r = conn.Exec(sql);
  // Rows are interleaved by kind, so the first of each kind (rn = 1) is in the result and its
  // window count is the kind's total; it is counted from that row only.
  for (int i = 0; i < r.rows(); ++i) {
    std::string kind(r.Get(i, 0));
    if (r.GetInt(i, 4) == 1) {
      int64_t count = r.GetInt(i, 3);
      if (kind == "missing") v->missing += count;  // after the rows the stage could not hold
      if (kind == "extra") v->extra += count;
      if (kind == "changed") v->changed += count;
    }
    if (static_cast<int>(v->samples.size()) >= max_shown) continue;
    std::string sample = kind + " " + std::string(r.Get(i, 1));
    if (kind == "changed") sample += ": " + std::string(r.Get(i, 2));
    v->samples.push_back(sample);
  }
}

void CompareAsMultisets(Connection& conn, const TableJob& job, const std::string& stage,
                        int max_shown, TableVerdict* v) {
  std::string target = TargetRows(job);
  std::string s =
      "SELECT " + SelectList("", job.targets) + " FROM pg_temp." + pg::QuoteIdent(stage);
  std::string t = "SELECT " + SelectList("", job.targets) + " FROM " + target;
  auto diff = [&](const std::string& a, const std::string& b, const char* kind, int64_t* count) {
    auto n = conn.Exec("SELECT count(*) FROM (" + a + " EXCEPT ALL " + b + ") x");
    int64_t found = n.GetInt(0, 0);
    *count += found;
    if (found == 0) return;
    auto rows = conn.Exec("SELECT row_to_json(x)::text FROM (" + a + " EXCEPT ALL " + b +
                          ") x LIMIT " + std::to_string(max_shown / 2 + 1));
    for (int i = 0; i < rows.rows(); ++i)
      v->samples.push_back(std::string(kind) + " " + std::string(rows.Get(i, 0)));
  };
  diff(s, t, "missing", &v->missing);
  diff(t, s, "extra", &v->extra);
}

std::string KeyList(const std::vector<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
  return out;
}

// The rows method: every source row staged, then compared with the whole target.
void VerifyRows(Connection& conn, Source& source, const TableJob& job, int max_shown,
                TableVerdict* v) {
  v->method = "rows";
  std::string stage = Stage(conn, source, job, &v->source_rows, v, max_shown);
  v->target_rows = conn.Exec("SELECT count(*) FROM " + TargetRows(job)).GetInt(0, 0);
  if (!job.upsert_keys.empty()) {
    v->how += "rows matched on (" + KeyList(job.upsert_keys) +
              "), every column compared as a PostgreSQL value";
    CompareByKey(conn, job, stage, max_shown, v);
  } else {
    v->how += "no uniqueness_columns: rows compared as multisets of whole rows";
    CompareAsMultisets(conn, job, stage, max_shown, v);
  }
}

// `job` reduced to `columns` (positions in its load order), for staging fewer columns.
TableJob Only(const TableJob& job, const std::vector<size_t>& columns) {
  TableJob out = job;
  out.source_columns.clear();
  out.target_columns.clear();
  out.targets.clear();
  out.key_columns.clear();
  for (size_t i : columns) {
    if (std::find(job.key_columns.begin(), job.key_columns.end(), static_cast<int>(i)) !=
        job.key_columns.end()) {
      out.key_columns.push_back(static_cast<int>(out.source_columns.size()));
    }
    out.source_columns.push_back(job.source_columns[i]);
    out.target_columns.push_back(job.target_columns[i]);
    out.targets.push_back(job.targets[i]);
  }
  return out;
}

// The checksum method. False (with `why` set, `v` untouched) when the table cannot be
// compared this way; the caller then compares it row by row.
bool VerifyChecksums(Connection& conn, Source& source, const TableJob& job,
                     const std::vector<SourceColumn>& source_columns, const VerifyOptions& options,
                     int64_t source_count, TableVerdict* v, std::string* why) {
  int max_shown = options.max_rows_shown;
  // Each column's canonical text; columns without one are compared row by row.
  std::vector<CanonicalColumn> canonical;
  std::vector<size_t> row_by_row;
  std::string row_by_row_text;
  for (size_t i = 0; i < job.targets.size(); ++i) {
    const SourceColumn* sc = plan::FindSource(source_columns, job.source_columns[i]);
    if (sc == nullptr) {
      *why = "source column " + job.source_columns[i] + " not found";
      return false;
    }
    canonical.push_back(Canonical(*sc, job.targets[i]));
    if (!canonical.back().row_by_row.empty()) {
      row_by_row.push_back(i);
      row_by_row_text += (row_by_row_text.empty() ? "" : "; ") + job.targets[i].name + " (" +
                         canonical.back().row_by_row + ")";
    }
  }
  // The key on both sides.
  std::vector<KeyColumn> keys;
  std::vector<size_t> key_positions;
  if (!job.upsert_keys.empty()) {
    for (const auto& u : job.plan_input.uniqueness) {
      auto it = std::find(job.source_columns.begin(), job.source_columns.end(), u.name);
      if (it == job.source_columns.end()) {
        *why = "key column " + u.name + " is not loaded";
        return false;
      }
      size_t i = static_cast<size_t>(it - job.source_columns.begin());
      keys.push_back({u, job.targets[i]});
      key_positions.push_back(i);
      std::string problem = KeyProblem(keys.back());
      if (!problem.empty()) {
        *why = problem;
        return false;
      }
    }
  }
  if (keys.empty() && !row_by_row.empty()) {
    *why = "no uniqueness_columns to compare the columns without a canonical text by: " +
           row_by_row_text;
    return false;
  }
  TableRef ref = job.plan_input.table;
  std::string target = TargetRows(job);
  PgChecksums target_sums(conn, target, PostgresRowHash(canonical));
  ChecksumOutcome o = CompareChecksums(source, ref, keys, SnowflakeRowHash(canonical), target_sums,
                                       source_count, options.checksum);
  if (keys.empty() && !o.differing.empty()) {
    *why = "the whole-table checksums differ (" + std::to_string(o.source_rows) + " source rows, " +
           std::to_string(o.target_rows) +
           " target rows) and without uniqueness_columns there are no key ranges to narrow them";
    return false;
  }
  v->method = "checksum";
  v->source_rows = o.source_rows;
  v->target_rows = o.target_rows;
  v->ranges = o.ranges;
  v->bisected = o.bisected;

  // The differing ranges, row by row, in batches of ranges.
  int64_t found_before = v->missing + v->extra + v->changed;
  constexpr size_t kBatch = 100;
  for (size_t from = 0; from < o.differing.size(); from += kBatch) {
    std::vector<KeyRange> batch(o.differing.begin() + static_cast<std::ptrdiff_t>(from),
                                o.differing.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                          o.differing.size(), from + kBatch)));
    // The NULL key range is last and alone: its keys match with IS NOT DISTINCT FROM.
    std::vector<KeyRange> nulls;
    if (batch.back().null_keys) {
      nulls.push_back(batch.back());
      batch.pop_back();
    }
    for (const auto* part : {&batch, &nulls}) {
      if (part->empty()) continue;
      int64_t fetched = 0;
      // Columns compared row by row can differ outside these ranges: then --repair reloads
      // the whole table.
      if (row_by_row.empty()) v->repair_ranges.push_back(AnyRange(*part, keys, Engine::kSnowflake));
      std::string stage = Stage(conn, source, job, &fetched, v, max_shown,
                                AnyRange(*part, keys, Engine::kSnowflake));
      ByKey by;
      by.target_where = AnyRange(*part, keys, Engine::kPostgres);
      by.null_safe = part == &nulls;
      CompareByKey(conn, job, stage, max_shown, v, by);
    }
  }
  bool unexplained = !o.differing.empty() && v->missing + v->extra + v->changed == found_before;

  // Columns without a canonical text: the key and those columns of every row outside the
  // ranges already compared whole.
  if (!row_by_row.empty()) {
    std::vector<size_t> columns = key_positions;
    columns.insert(columns.end(), row_by_row.begin(), row_by_row.end());
    TableJob narrow = Only(job, columns);
    std::string sf_outside, pg_outside;
    if (!o.differing.empty()) {
      sf_outside = "NOT COALESCE(" + AnyRange(o.differing, keys, Engine::kSnowflake) + ", FALSE)";
      pg_outside = "NOT COALESCE(" + AnyRange(o.differing, keys, Engine::kPostgres) + ", FALSE)";
    }
    int64_t fetched = 0;
    std::string stage = Stage(conn, source, narrow, &fetched, v, max_shown, sf_outside);
    ByKey by;
    by.target_where = pg_outside;
    by.changes_only = true;  // missing and extra rows changed the checksums already
    CompareByKey(conn, narrow, stage, max_shown, v, by);
  }

  std::string keys_text = KeyList(job.upsert_keys);
  v->how = keys.empty()
               ? "checksum of the whole table (no uniqueness_columns): equal"
               : "checksum: " + std::to_string(o.ranges) + " key ranges of (" + keys_text +
                     ") compared, " + std::to_string(o.bisected) + " cut into subranges, " +
                     std::to_string(o.differing.size()) + " compared row by row";
  v->how += "; " + std::to_string(v->rows_fetched) + " source rows fetched; " +
            std::to_string(o.source_queries) + " source and " + std::to_string(o.target_queries) +
            " target aggregate statements";
  if (!o.note.empty()) v->how += "; " + o.note;
  if (!row_by_row.empty()) v->how += "; compared row by row: " + row_by_row_text;
  if (unexplained) {
    std::string warning =
        "the checksums of " + std::to_string(o.differing.size()) +
        " key ranges differed but their rows compare equal: the source changed during verify, "
        "or a column's canonical text differs between the engines";
    v->how += "; WARNING: " + warning;
    log::Warn("verify: checksums differ where rows do not",
              {{"table", v->table}, {"detail", warning}});
  }
  return true;
}

TableVerdict VerifyOne(const config::SourceConfig& s, const config::TableConfig& t,
                       exec::MigrationDeps& deps, const std::string& status_db,
                       const VerifyOptions& options) {
  int max_shown = options.max_rows_shown;
  TableVerdict v;
  v.table = s.source_sf_database + "." + s.source_sf_schema + "." + t.source;
  v.target = s.target_pg_database + "." + s.target_pg_schema + "." + t.target;
  auto started = deps.clock->Now();
  try {
    auto source = deps.make_source();
    Connection conn(deps.pg_params(s.target_pg_database));
    std::vector<SourceColumn> source_columns;
    std::vector<std::string> problems;
    TableJob job = DescribeJob(s, t, *source, conn, status_db, MissingTarget::kFail,
                               &source_columns, &problems, nullptr);
    if (!problems.empty()) {
      v.error = "the tables cannot be compared:";
      for (const auto& p : problems) v.error += "\n  - " + p;
      return v;
    }
    postgres::Transaction tx(conn);  // the temporary table lives and dies with it
    bool done = false;
    if (options.method != Method::kRows) {
      int64_t count = source->Count(job.plan_input.table);
      std::string why;
      if (options.method == Method::kAuto && count < options.checksum_threshold) {
        v.how = "rows (" + std::to_string(count) +
                " source rows, below the checksum threshold of " +
                std::to_string(options.checksum_threshold) + "): ";
      } else {
        done = VerifyChecksums(conn, *source, job, source_columns, options, count, &v, &why);
        if (!done) v.how = "rows, not checksums (" + why + "): ";
      }
    }
    if (!done) VerifyRows(conn, *source, job, max_shown, &v);
  } catch (const Error& e) {
    v.error = Redactor::Redact(e.what());
  }
  v.seconds = std::chrono::duration<double>(deps.clock->Now() - started).count();
  return v;
}

}  // namespace

bool ParseMethod(const std::string& text, Method* method) {
  if (text == "auto")
    *method = Method::kAuto;
  else if (text == "checksum")
    *method = Method::kChecksum;
  else if (text == "rows")
    *method = Method::kRows;
  else
    return false;
  return true;
}

nlohmann::json VerdictJson(const TableVerdict& v) {
  return {{"table", v.table},
          {"target", v.target},
          {"identical", v.identical()},
          {"source_rows", v.source_rows},
          {"target_rows", v.target_rows},
          {"missing", v.missing},
          {"extra", v.extra},
          {"changed", v.changed},
          {"samples", v.samples},
          {"how", v.how},
          {"method", v.method},
          {"ranges", v.ranges},
          {"bisected", v.bisected},
          {"rows_fetched", v.rows_fetched},
          {"error", v.error},
          {"seconds", v.seconds}};
}

std::vector<TableVerdict> VerifyTables(const config::Config& config, const VerifyOptions& options,
                                       exec::MigrationDeps& deps) {
  std::vector<std::string> names;
  exec::Selection selection = exec::SelectTables(config, options.sources, options.tables, &names);
  std::vector<TableVerdict> out;
  for (const auto& [s, t] : selection) {
    out.push_back(VerifyOne(*s, *t, deps, config.StatusDatabase(), options));
    const auto& v = out.back();
    log::Info("verified table", {{"table", v.table},
                                 {"identical", v.identical()},
                                 {"source_rows", v.source_rows},
                                 {"target_rows", v.target_rows},
                                 {"missing", v.missing},
                                 {"extra", v.extra},
                                 {"changed", v.changed},
                                 {"method", v.method},
                                 {"rows_fetched", v.rows_fetched},
                                 {"seconds", v.seconds}});
  }
  return out;
}

}  // namespace sf2pg::verify
