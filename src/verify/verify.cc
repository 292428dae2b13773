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
                  TableVerdict* v, int max_shown) {
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
  // Every row within the filter and floor, in no particular order.
  ChunkRequest request = plan::ChunkRead(job.plan_input, job.source_columns, "", plan::ChunkSpec{});
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
  v->samples = sink.samples();
  return stage;
}

void CompareByKey(Connection& conn, const TableJob& job, const std::string& stage, int max_shown,
                  TableVerdict* v) {
  std::string on, key_text, differs, changed_cols;
  for (const auto& k : job.upsert_keys) {
    std::string q = pg::QuoteIdent(k);
    on += (on.empty() ? "" : " AND ") + ("s." + q + " = t." + q);
    key_text += (key_text.empty() ? "" : ", ") +
                (pg::QuoteLiteral(k + "=") + " || COALESCE(s." + q + ", t." + q + ")::text");
  }
  for (const auto& c : job.targets) {
    std::string cmp = Comparable("s", c) + " IS DISTINCT FROM " + Comparable("t", c);
    differs += " OR " + cmp;
    changed_cols += ", CASE WHEN " + cmp + " THEN " + pg::QuoteLiteral(c.name) + " END";
  }
  std::string target = postgres::Qualified(job.target_schema, job.target_table);
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
      target + ") t ON " + on +
      " WHERE s.__s IS NULL OR t.__t IS "
      "NULL" +
      differs + ") d ORDER BY rn, kind LIMIT " + std::to_string(std::max(max_shown, 3));
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
  std::string target = postgres::Qualified(job.target_schema, job.target_table);
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

TableVerdict VerifyOne(const config::SourceConfig& s, const config::TableConfig& t,
                       exec::MigrationDeps& deps, const std::string& status_db, int max_shown) {
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
    std::string stage = Stage(conn, *source, job, &v.source_rows, &v, max_shown);
    v.target_rows = conn.Exec("SELECT count(*) FROM " +
                              postgres::Qualified(job.target_schema, job.target_table))
                        .GetInt(0, 0);
    if (!job.upsert_keys.empty()) {
      std::string keys;
      for (const auto& k : job.upsert_keys) keys += (keys.empty() ? "" : ", ") + k;
      v.how = "rows matched on (" + keys + "), every column compared as a PostgreSQL value";
      CompareByKey(conn, job, stage, max_shown, &v);
    } else {
      v.how = "no uniqueness_columns: rows compared as multisets of whole rows";
      CompareAsMultisets(conn, job, stage, max_shown, &v);
    }
  } catch (const Error& e) {
    v.error = Redactor::Redact(e.what());
  }
  v.seconds = std::chrono::duration<double>(deps.clock->Now() - started).count();
  return v;
}

}  // namespace

std::vector<TableVerdict> VerifyTables(const config::Config& config, const VerifyOptions& options,
                                       exec::MigrationDeps& deps) {
  std::vector<std::string> names;
  exec::Selection selection = exec::SelectTables(config, options.sources, options.tables, &names);
  std::vector<TableVerdict> out;
  for (const auto& [s, t] : selection) {
    out.push_back(VerifyOne(*s, *t, deps, config.StatusDatabase(), options.max_rows_shown));
    const auto& v = out.back();
    log::Info("verified table", {{"table", v.table},
                                 {"identical", v.identical()},
                                 {"source_rows", v.source_rows},
                                 {"target_rows", v.target_rows},
                                 {"missing", v.missing},
                                 {"extra", v.extra},
                                 {"changed", v.changed},
                                 {"seconds", v.seconds}});
  }
  return out;
}

}  // namespace sf2pg::verify
