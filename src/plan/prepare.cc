#include "plan/prepare.h"

#include <algorithm>

#include "config/hash.h"
#include "core/error.h"
#include "core/quote.h"
#include "log/log.h"
#include "plan/columns.h"
#include "plan/sql.h"
#include "postgres/indexes.h"
#include "postgres/target_table.h"

namespace sf2pg::plan {
namespace {

using nlohmann::json;

// The incremental floor: a Snowflake predicate for rows at or above the target's largest
// watermark. PostgreSQL keeps microseconds while Snowflake keeps nanoseconds, so a timestamp
// floor is lowered by one microsecond: a source value rounded up on load is still read again.
// `target_rows` receives how many target rows are at or above the floor, so the planner can
// tell that the source holds nothing new; `newer` receives the predicate of source rows newer
// than the target's newest watermark (an update of the newest row leaves the count unchanged).
std::string WatermarkFloor(postgres::Connection& conn, const TableJob& job,
                           const SourceColumn& source_wm, const TargetColumn& target_wm,
                           int64_t* target_rows, std::string* newer) {
  std::string col = pg::QuoteIdent(target_wm.name);
  std::string table = postgres::Qualified(job.target_schema, job.target_table);
  std::string lowered = "f", text = "%::text";
  switch (target_wm.type) {
    case PgType::kTimestamp:
      lowered = "f - interval '1 microsecond'";
      text = "to_char(%, 'YYYY-MM-DD HH24:MI:SS.US')";
      break;
    case PgType::kTimestamptz:
      lowered = "f - interval '1 microsecond'";
      text = "to_char(% AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')";
      break;
    case PgType::kDate:
      text = "to_char(%, 'YYYY-MM-DD')";
      break;
    default:
      break;
  }
  auto as_text = [&](const std::string& e) {
    std::string out = text;
    return out.replace(out.find('%'), 1, "(" + e + ")");
  };
  auto r = conn.Exec("WITH m AS (SELECT max(" + col + ") AS f FROM " + table + ") SELECT " +
                     as_text(lowered) + ", (SELECT count(*) FROM " + table + ", m WHERE " + col +
                     " >= " + lowered + "), " + as_text("f") + " FROM m");
  if (r.IsNull(0, 0)) return "";
  *target_rows = r.GetInt(0, 1);
  auto literal = [&](const std::string& v) {
    const std::string& t = source_wm.type;
    if (t == "timestamp_ntz") return sf::QuoteLiteral(v) + "::TIMESTAMP_NTZ";
    if (t == "timestamp_ltz") return sf::QuoteLiteral(v + " +00:00") + "::TIMESTAMP_LTZ";
    if (t == "timestamp_tz") return sf::QuoteLiteral(v + " +00:00") + "::TIMESTAMP_TZ";
    if (t == "date") return sf::QuoteLiteral(v) + "::DATE";
    if (t == "fixed" || t == "real") return v;
    return sf::QuoteLiteral(v);
  };
  std::string source_col = sf::QuoteIdent(source_wm.name);
  *newer = source_col + " > " + literal(std::string(r.Get(0, 2)));
  return source_col + " >= " + literal(std::string(r.Get(0, 0)));
}

// The load method and strategy of a plan stored in the table's metadata.
void ReadStoredPlan(const json& m, TableJob& job) {
  job.upsert = ParseLoadMethod(m.value("method", "COPY")) == LoadMethod::kUpsert;
  job.strategy = config::ParseChunkingStrategy(m.value("strategy", ""));
}

bool IsDateKind(const TableJob& job) {
  return !job.plan_input.chunking_kinds.empty() &&
         job.plan_input.chunking_kinds.front() == plan::KeyKind::kDate &&
         (job.table->chunking_strategy == config::ChunkingStrategy::kAuto ||
          job.table->chunking_strategy == config::ChunkingStrategy::kDateRange);
}

json JobMetadata(const TableJob& job, const plan::Plan& p, bool truncated) {
  return {{"planned", true},
          {"method", ToString(job.Method())},
          {"strategy", ToString(p.strategy)},
          {"reason", p.reason},
          {"estimated_rows", p.total_rows},
          {"planning_queries", p.queries},
          {"order_by", job.order_by},
          {"filter", job.plan_input.table.filter},
          {"floor", job.plan_input.table.floor},
          {"source_columns", job.source_columns},
          {"target_columns", job.target_columns},
          {"truncated", truncated},
          {"watermark_high", job.watermark_high.empty() ? json() : json(job.watermark_high)},
          {"watermark_high_rows", job.watermark_high_rows},
          {"watermark_column", job.table->source_watermark}};
}

// The source's largest watermark now (within the table's filter), as a Snowflake literal, and
// how many rows hold it or more; "" when the table is empty. Read before any chunk is, so a
// row changed after this has a larger watermark.
void ReadHighMark(Source& source, TableJob& job, const SourceColumn& wm) {
  TableRef table = job.plan_input.table;
  table.floor.clear();  // within the filter only
  auto high = source.Max(table, wm.name);
  if (!high) return;
  std::string literal = plan::Literal(wm, *high);
  table.floor = sf::QuoteIdent(wm.name) + " >= " + literal;  // rows holding it or more
  job.watermark_high = literal;
  job.watermark_high_rows = source.Count(table);
}

// The high mark stored by the newest completed plan of this source table into this target, by
// the same watermark column; false when there is none (a first load, or a target loaded
// otherwise).
bool PreviousHighMark(run::Tracker& tracker, const TableJob& job, std::string* literal,
                      int64_t* rows) {
  auto mark =
      tracker.PreviousHighMark(job.key, {job.target_database, job.target_schema, job.target_table},
                               job.table->source_watermark);
  if (!mark) return false;
  *literal = mark->literal;
  *rows = mark->rows;
  return true;
}

// Writes the plan (and truncates the target once, for a fresh COPY load). When the status
// tables live in the target's database the truncate and the plan commit together. Returns
// false when another process stored a plan for the table first; `job` then takes its plan.
bool StorePlan(PrepareContext& ctx, TableJob& job, const plan::Plan& p, bool truncate) {
  run::TableRecord record;
  record.key = job.key;
  record.source_name = job.source->source_name;
  record.target_database = job.target_database;
  record.target_schema = job.target_schema;
  record.target_table = job.target_table;
  record.metadata = JobMetadata(job, p, truncate);
  // Index definitions are stored before any index is dropped, so a crash in between is
  // repaired from the status tables.
  std::vector<postgres::IndexInfo> dropped;
  if (job.table->disable_index) dropped = postgres::DroppableIndexes(job.target_info);
  json defs = json::array();
  for (const auto& index : dropped)
    defs.push_back({{"name", index.name}, {"definition", index.definition}});
  record.metadata["dropped_indexes"] = defs;
  record.indexes_disabled = !dropped.empty();
  std::vector<json> ranges;
  for (const auto& c : p.chunks) ranges.push_back(RangeToJson(c, p.strategy));

  // The truncate (and, when the status tables share the target's database, the index drops)
  // commit with the plan: ctx.target_conn(status database) is the tracker's own session.
  auto existing = ctx.tracker->StorePlan(ctx.run_id, record, ranges, [&] {
    postgres::Connection& target = ctx.target_conn(job.target_database);
    if (truncate)
      target.Exec("TRUNCATE TABLE " + postgres::Qualified(job.target_schema, job.target_table));
    if (job.shares_status_database) postgres::DropIndexes(target, job.target_schema, dropped);
  });
  if (existing) {  // planned meanwhile by another process: use its plan
    const json& m = existing->metadata;
    ReadStoredPlan(m, job);
    job.order_by = m.value("order_by", "");
    job.plan_input.table.floor = m.value("floor", "");
    return false;
  }
  if (!job.shares_status_database) {
    postgres::DropIndexes(ctx.target_conn(job.target_database), job.target_schema, dropped);
  }
  if (!dropped.empty()) {
    log::Info("dropped secondary indexes for the load",
              {{"table", job.Name()}, {"indexes", static_cast<int64_t>(dropped.size())}});
  }
  return true;
}

// What the target database offers, read once per database. With create_postgis_extension the
// extension is created when PostGIS is installed on the server (a dry run reports the
// statement in `ddl` instead).
TargetFeatures Features(PrepareContext& ctx, const config::SourceConfig& source,
                        std::vector<std::string>* ddl) {
  std::map<std::string, TargetFeatures> local;
  auto& cache = ctx.features ? *ctx.features : local;
  const std::string& database = source.target_pg_database;
  if (auto it = cache.find(database); it != cache.end()) return it->second;
  postgres::Connection& conn = ctx.target_conn(database);
  TargetFeatures features = postgres::ReadFeatures(conn);
  if (!features.postgis && source.create_postgis_extension) {
    if (postgres::PostgisAvailable(conn)) {
      const std::string create = "CREATE EXTENSION IF NOT EXISTS postgis";
      if (ctx.dry_run) {
        ddl->push_back(create);
        return {.postgis = true};  // not cached: each table's report shows the statement
      }
      conn.Exec(create);
      log::Info("created the postgis extension", {{"database", database}});
      features.postgis = true;
    } else {
      log::Warn(
          "create_postgis_extension is set but PostGIS is not installed on the server; "
          "GEOGRAPHY and GEOMETRY columns land as jsonb",
          {{"database", database}});
    }
  }
  cache[database] = features;
  return features;
}

}  // namespace

TableJob PrepareTable(PrepareContext& ctx, const config::SourceConfig& source,
                      const config::TableConfig& table, PlanReport* report) {
  std::vector<std::string> problems;
  std::vector<SourceColumn> source_columns;
  std::vector<std::string> ddl;
  std::optional<TargetFeatures> features;
  TableJob job = DescribeJob(source, table, *ctx.source, ctx.target_conn(source.target_pg_database),
                             ctx.status_database,
                             ctx.dry_run ? MissingTarget::kReport : MissingTarget::kCreate,
                             &source_columns, &problems, &ddl, [&] {
                               features = Features(ctx, source, &ddl);
                               return *features;
                             });
  bool created = !ddl.empty();
  std::vector<std::string> notes;
  for (const auto& sc : source_columns) {
    std::string note = features ? ctx.source->MappingNote(sc, *features) : "";
    if (note.empty()) continue;
    if (!ctx.dry_run) log::Warn(note, {{"table", job.Name()}});
    notes.push_back(note);
  }
  if (created && !ctx.dry_run) {
    log::Info("created the target table", {{"table", job.target_schema + "." + job.target_table}});
  }
  postgres::Connection& tconn = ctx.target_conn(job.target_database);
  const SourceColumn* source_wm = nullptr;
  const TargetColumn* target_wm = nullptr;
  if (!table.source_watermark.empty()) {
    source_wm = FindSource(source_columns, table.source_watermark);
    target_wm = FindTarget(job.target_info, table.target_watermark);
    if (!source_wm)
      problems.push_back("source_watermark \"" + table.source_watermark +
                         "\" is not a column of the source table");
    if (!target_wm)
      problems.push_back("target_watermark \"" + table.target_watermark +
                         "\" is not a column of the target table");
  }

  if (table.delete_mode == config::DeleteMode::kSoft) {
    // The column that marks deleted rows: added when missing, refused when it is not a
    // timestamp or is loaded from the source.
    const std::string& name = table.soft_delete_column;
    const TargetColumn* marker = FindTarget(job.target_info, name);
    if (std::find(job.target_columns.begin(), job.target_columns.end(), name) !=
        job.target_columns.end()) {
      problems.push_back("soft_delete_column \"" + name +
                         "\" is loaded from the source; name a column of its own");
    } else if (marker && marker->type != PgType::kTimestamptz &&
               marker->type != PgType::kTimestamp) {
      problems.push_back("soft_delete_column \"" + name + "\" is " + marker->sql_type +
                         ", not a timestamptz column");
    } else if (!marker) {
      std::string add = "ALTER TABLE " + postgres::Qualified(job.target_schema, job.target_table) +
                        " ADD COLUMN " + pg::QuoteIdent(name) + " timestamptz";
      if (ctx.dry_run) {
        ddl.push_back(add);
      } else {
        tconn.Exec(add);
        log::Info("added the soft delete column",
                  {{"table", job.target_schema + "." + job.target_table}, {"column", name}});
      }
    }
  }

  std::optional<run::TableRecord> existing;
  if (!ctx.dry_run) existing = ctx.tracker->LoadTable(ctx.run_id, job.key);
  bool planned = existing && existing->metadata.value("planned", false);

  if (planned) {
    const json& m = existing->metadata;
    ReadStoredPlan(m, job);
    job.order_by = m.value("order_by", "");
    job.plan_input.table.floor = m.value("floor", "");
    if (m.value("source_columns", json::array()) != json(job.source_columns) ||
        m.value("target_columns", json::array()) != json(job.target_columns)) {
      problems.push_back(
          "the source or target columns changed since this run was planned; "
          "start a fresh run with --no-resume");
    }
  } else {
    bool truncate = table.truncate_onstart;
    bool empty =
        truncate || created || postgres::IsEmpty(tconn, job.target_schema, job.target_table);
    job.upsert = table.repair || (!truncate && (source_wm != nullptr || IsDateKind(job) || !empty));
  }
  if (job.upsert) {
    if (job.upsert_keys.empty()) {
      problems.push_back(
          "loading into a non-empty target needs UPSERT, and UPSERT needs "
          "uniqueness_columns (or set truncate_onstart)");
    } else if (!job.target_info.HasUniqueIndexOn(job.upsert_keys)) {
      std::string keys;
      for (const auto& k : job.upsert_keys) keys += (keys.empty() ? "" : ", ") + k;
      problems.push_back("UPSERT needs a unique index or primary key on (" + keys +
                         ") in the target");
    }
  }
  if (target_wm) job.upsert_watermark = target_wm->name;
  if (!problems.empty()) {
    std::string message = "table " + job.Name() + " -> " + job.target_schema + "." +
                          job.target_table + " cannot be loaded:";
    for (const auto& p : problems) message += "\n  - " + p;
    throw ConfigError(message);
  }

  if (!planned) {
    if (job.upsert && source_wm && target_wm && !created && !table.repair) {
      job.plan_input.table.floor =
          WatermarkFloor(tconn, job, *source_wm, *target_wm, &job.plan_input.up_to_date_rows,
                         &job.plan_input.newer_than_target);
      std::string high;
      int64_t high_rows = 0;
      if (!job.plan_input.table.floor.empty() &&
          PreviousHighMark(*ctx.tracker, job, &high, &high_rows)) {
        // The target's newest row can be newer than a row changed after its chunk was read
        // (by a run that was resumed while the source changed); the previous plan's high mark
        // is not: every row changed since has a larger watermark. The target can also be older
        // than the high mark (restored from a backup). So the lower of the two floors, and
        // "nothing new" only when both views agree.
        std::string col = sf::QuoteIdent(source_wm->name);
        job.plan_input.table.floor =
            "(" + col + " >= " + high + " OR " + job.plan_input.table.floor + ")";
        if (job.plan_input.up_to_date_rows != high_rows) job.plan_input.up_to_date_rows = -1;
        job.plan_input.newer_than_target =
            "(" + col + " > " + high + " OR " + job.plan_input.newer_than_target + ")";
      }
    }
    if (source_wm && !table.repair) ReadHighMark(*ctx.source, job, *source_wm);
    job.plan_input.batch_size = job.upsert ? table.batch_size : table.batch_size_copy_mode;
    job.plan_input.parallelism = table.parallel_threads;
    plan::Plan p;
    if (table.repair && !table.repair_ranges.empty()) {
      // sf2pg verify --repair: one chunk per batch of differing key ranges.
      p.strategy = config::ChunkingStrategy::kSingle;
      p.reason = "verify --repair: the key ranges that differ";
      std::string any;
      for (const auto& range : table.repair_ranges) {
        plan::ChunkSpec chunk;
        chunk.predicate = range;
        chunk.lower = "key ranges that differ";
        p.chunks.push_back(chunk);
        any += (any.empty() ? "(" : " OR (") + range + ")";
      }
      p.total_rows = ctx.source->CountWhere(job.plan_input.table, any);
      p.queries = 1;
    } else {
      p = plan::PlanTable(job.plan_input, *ctx.source);
    }
    if (table.delete_mode != config::DeleteMode::kNone || table.repair) {
      // Last, so that workers reach it after the table's loads as a rule (not a guarantee:
      // a key that vanishes while the run loads may be loaded again and is deleted next run).
      plan::ChunkSpec deletes;
      deletes.delete_vanished = true;
      deletes.lower = "target rows whose key is no longer in the source";
      p.chunks.push_back(deletes);
      char share[32];
      std::snprintf(share, sizeof share, "%g", table.max_delete_share * 100);
      notes.push_back((table.repair ? std::string("verify --repair")
                                    : "delete_mode " + config::ToString(table.delete_mode)) +
                      ": the last chunk compares checksums of key ranges, reads the source's "
                      "keys where they differ and " +
                      (table.delete_mode == config::DeleteMode::kSoft
                           ? "sets " + table.soft_delete_column + " of"
                           : std::string("deletes")) +
                      " the target rows whose key is gone; more than " + share +
                      " % of the target's rows needs --allow-deletes");
    }
    job.strategy = p.strategy;
    job.order_by = p.order_by;
    log::Info("planned table", {{"table", job.Name()},
                                {"method", ToString(job.Method())},
                                {"strategy", ToString(p.strategy)},
                                {"reason", p.reason},
                                {"chunks", static_cast<int64_t>(p.chunks.size())},
                                {"rows", p.total_rows},
                                {"queries", p.queries}});
    if (report) {
      report->table = job.Name();
      report->method = job.Method();
      report->strategy = p.strategy;
      report->reason = p.reason;
      report->rows = p.total_rows;
      // sf2pg streams: per worker, the partition being decoded and the ones fetched ahead
      // (two), each held compressed and decompressed; the SQL API's partitions reach about
      // 16 MB of JSON.
      constexpr int64_t kPartitionMb = 16, kInFlight = 3;
      report->threads = table.parallel_threads;
      report->memory_mb_sf2pg = table.parallel_threads * kInFlight * kPartitionMb * 2;
      report->memory_mb_seed = table.parallel_threads * job.plan_input.batch_size *
                               table.bytes_per_row * 2 / (1024 * 1024);
      for (const auto& c : p.chunks)
        report->chunk_sql.push_back(ctx.source->Explain(job.ChunkRead(RangeToJson(c, p.strategy))));
      report->target_ddl = ddl;
      report->notes = notes;
      if (table.truncate_onstart && !created) {
        report->target_ddl.push_back("TRUNCATE TABLE " +
                                     postgres::Qualified(job.target_schema, job.target_table));
      }
    }
    if (!ctx.dry_run) StorePlan(ctx, job, p, table.truncate_onstart);
  }
  return job;
}

ChunkRequest TableJob::ChunkRead(const json& range) const {
  plan::ChunkSpec spec = RangeFromJson(range);
  if (spec.delete_vanished) {
    // Every key of the source within the table's filter: no floor, no window, no order.
    plan::TableInput whole = plan_input;
    whole.table.floor.clear();
    std::vector<std::string> keys;
    ChunkRequest request;
    for (int i : key_columns) keys.push_back(source_columns[static_cast<size_t>(i)]);
    request = plan::ChunkRead(whole, keys, "", plan::ChunkSpec{});
    for (size_t k = 0; k < keys.size(); ++k) {
      request.targets.push_back(targets[static_cast<size_t>(key_columns[k])]);
      request.key_columns.push_back(static_cast<int>(k));
    }
    return request;
  }
  ChunkRequest request = plan::ChunkRead(plan_input, source_columns, order_by, spec);
  request.targets = targets;
  request.key_columns = key_columns;
  return request;
}

json RangeToJson(const plan::ChunkSpec& c, config::ChunkingStrategy strategy) {
  json j = {{"strategy", ToString(strategy)},
            {"predicate", c.predicate},
            {"estimated_rows", c.estimated_rows}};
  if (c.limit >= 0) j["limit"] = c.limit;
  if (c.offset > 0) j["offset"] = c.offset;
  if (!c.lower.empty()) j["lower"] = c.lower;
  if (!c.upper.empty()) j["upper"] = c.upper;
  if (c.delete_vanished) j["delete_vanished"] = true;
  return j;
}

plan::ChunkSpec RangeFromJson(const json& j) {
  plan::ChunkSpec c;
  c.predicate = j.value("predicate", "");
  c.limit = j.value("limit", int64_t{-1});
  c.offset = j.value("offset", int64_t{0});
  c.estimated_rows = j.value("estimated_rows", int64_t{0});
  c.lower = j.value("lower", "");
  c.upper = j.value("upper", "");
  c.delete_vanished = j.value("delete_vanished", false);
  return c;
}

}  // namespace sf2pg::plan
