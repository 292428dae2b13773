// Randomized, seeded, model-based sequences of migrations against sfemu and a real PostgreSQL.
// Each sequence builds a small world (2-3 sources, several tables of every chunking strategy,
// keyed and keyless, incremental and truncated, awkward key values), then runs random
// operations on it: `sf2pg migrate` with random selections and resume options, SIGKILL or
// SIGTERM at random moments, a second process joining the run, sfemu faults, PostgreSQL
// restarts, and source rows inserted, updated or deleted between runs. The test keeps its own
// model of every source table. At the end it runs `sf2pg migrate` as a user would until it
// completes (following a refusal's instruction a bounded number of times), then compares every
// target table with the model as multisets of canonical rows (duplicates count).
//
//   SF2PG_SEQ_SEED=<seed>   base seed (sequence i uses seed + i); default fixed for CI
//   SF2PG_SEQ_COUNT=<n>     number of sequences (default 8)
//   SF2PG_SEQ_OPS=<n>       most random operations per sequence (default 6)
//   SF2PG_SEQ_SCENARIOS=a,b scenarios switched off in sequence_scenarios.h, turned on
//                           (sequence_scenarios.h)
// A failure prints the sequence's seed and its operation log; SF2PG_SEQ_SEED=<that seed>
// SF2PG_SEQ_COUNT=1 runs exactly that sequence again (timings aside).
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "core/exit_status.h"
#include "integration/chaos/chaos_fixture.h"
#include "integration/chaos/sequence_scenarios.h"

namespace sf2pg::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// One source row in the canonical text of its PostgreSQL target columns (NULL = nullopt):
// ID NUMBER(38,0), GRP NUMBER(9,0), NAME VARCHAR(40), D DATE, AMT NUMBER(12,2),
// UPDATED_AT TIMESTAMP_NTZ(6), FLAG BOOLEAN.
constexpr size_t kSequenceColumns = 7;
using SeqRow = std::array<std::optional<std::string>, kSequenceColumns>;
const char* const kColumnDdl =
    "ID NUMBER(38,0), GRP NUMBER(9,0), NAME VARCHAR(40), D DATE, AMT NUMBER(12,2), "
    "UPDATED_AT TIMESTAMP_NTZ(6), FLAG BOOLEAN";
const char* const kCanonicalSelect =
    "SELECT id::text, grp::text, name::text, d::text, amt::text, "
    "to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS.US'), flag::text FROM ";
const std::string kMaxNumber38(38, '9');

std::string RowText(const SeqRow& r) {
  std::string s;
  for (size_t i = 0; i < kSequenceColumns; ++i) {
    if (i) s += " | ";
    s += r[i] ? "'" + *r[i] + "'" : "NULL";
  }
  return s;
}

std::string SnowflakeLiteral(size_t column, const std::optional<std::string>& v) {
  if (!v) return "NULL";
  std::string q;
  for (char c : *v) q += c == '\'' ? std::string("''") : std::string(1, c);
  switch (column) {
    case 2:
      return "'" + q + "'";
    case 3:
      return "'" + q + "'::DATE";
    case 5:
      return "'" + q + "'::TIMESTAMP_NTZ";
    case 6:
      return *v == "true" ? "TRUE" : "FALSE";
    default:
      return q;
  }
}

enum class Kind {
  kNumericId,
  kNumericGrp,
  kDate,
  kKeyText,
  kKeyUnique,
  kGrouped,
  kOffset,
  kSingle
};
const char* KindName(Kind k) {
  switch (k) {
    case Kind::kNumericId:
      return "numeric_range(ID)";
    case Kind::kNumericGrp:
      return "numeric_range(GRP)";
    case Kind::kDate:
      return "date_range(D)";
    case Kind::kKeyText:
      return "key_range(NAME)";
    case Kind::kKeyUnique:
      return "key_range(uniqueness ID)";
    case Kind::kGrouped:
      return "grouped_values(GRP)";
    case Kind::kOffset:
      return "offset";
    case Kind::kSingle:
      return "single";
  }
  return "?";
}

struct Table {
  std::string source;  // Snowflake name, unique across sources
  std::string target;
  Kind kind = Kind::kSingle;
  bool keyed = true;
  bool incremental = false;
  bool truncate = false;
  json config;
  std::vector<SeqRow> rows;  // the model: what the source holds
};

struct Source {
  std::string name, sf_database, sf_schema, target_db, target_schema;
  std::vector<Table> tables;
};

class Rng {
 public:
  explicit Rng(uint64_t seed) : gen_(seed) {}
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen_); }
  int64_t Int64(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(gen_);
  }
  bool Chance(double p) { return std::bernoulli_distribution(p)(gen_); }
  double Real(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(gen_); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(Int(0, static_cast<int>(v.size()) - 1))];
  }

 private:
  std::mt19937_64 gen_;
};

std::string FormatTime(int64_t micros) {
  time_t seconds = static_cast<time_t>(micros / 1000000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%06lld", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(micros % 1000000));
  return buf;
}

std::string FormatDate(int64_t days) {
  time_t seconds = static_cast<time_t>(days * 86400);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return buf;
}

std::string FormatAmount(int64_t cents) {
  std::string sign = cents < 0 ? "-" : "";
  int64_t a = cents < 0 ? -cents : cents;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(a / 100),
                static_cast<long long>(a % 100));
  return sign + buf;
}

// The world and the operations of one sequence.
class Sequence {
 public:
  Sequence(uint64_t seed, const OwnCluster& pg, int max_ops)
      : seed_(seed), rng_(seed), pg_(pg), max_ops_(max_ops) {}

  // Runs the whole sequence; returns "" when the final state is exact, else what went wrong.
  std::string Run() {
    dir_ = MakeTempDir("sf2pg-seq");
    Build();
    int ops = rng_.Int(2, max_ops_);
    for (int i = 0; i < ops && failure_.empty(); ++i) RandomOp();
    if (failure_.empty()) Final();
    if (failure_.empty()) std::filesystem::remove_all(dir_);
    return failure_;
  }

  std::string Report() const {
    std::string s = "sequence seed " + std::to_string(seed_) +
                    " (SF2PG_SEQ_SEED=" + std::to_string(seed_) + " SF2PG_SEQ_COUNT=1), logs in " +
                    dir_ + "\nworld:\n" + world_ + "operations:\n";
    for (const auto& l : log_) s += "  " + l + "\n";
    return s + "failure: " + failure_;
  }

 private:
  // ---- the world ----

  void Build() {
    sfemu_ = std::make_unique<SfemuServer>("seq_sfemu", "", 0);
    target_dbs_ = {TestPg::Db("seq_target_a"), TestPg::Db("seq_target_b")};
    for (const auto& db : target_dbs_) pg_.CreateDatabase(db);
    int nsources = rng_.Int(2, 3);
    int table_no = 0;
    for (int s = 0; s < nsources; ++s) {
      Source src;
      src.name = "src" + std::to_string(s);
      src.sf_database = "SEQDB" + std::to_string(s);
      src.sf_schema = "DATA";
      // The first source's database holds the status tables; others may share it or not.
      src.target_db = s == 0 ? target_dbs_[0] : rng_.Pick(target_dbs_);
      src.target_schema = "s" + std::to_string(s);
      Sql("CREATE DATABASE IF NOT EXISTS " + src.sf_database);
      Sql("CREATE SCHEMA IF NOT EXISTS " + src.sf_database + "." + src.sf_schema);
      postgres::Connection(pg_.Params(src.target_db))
          .Exec("CREATE SCHEMA IF NOT EXISTS " + src.target_schema);
      int ntables = rng_.Int(1, 3);
      for (int t = 0; t < ntables; ++t) src.tables.push_back(MakeTable(src, table_no++));
      sources_.push_back(std::move(src));
    }
    WriteConfig();
  }

  Table MakeTable(const Source& src, int number) {
    Table t;
    t.source = "T" + std::to_string(number);
    t.target = "t" + std::to_string(number);
    t.kind = static_cast<Kind>(rng_.Int(0, 7));
    json c = {{"source", t.source}, {"target", t.target}};
    auto strategy = [&](const char* forced) {
      c["chunking_strategy"] = rng_.Chance(0.5) ? std::string(forced) : std::string("auto");
    };
    switch (t.kind) {
      case Kind::kNumericId:
        c["chunking_columns"] = json::array({"ID"});
        strategy("numeric_range");
        break;
      case Kind::kNumericGrp:
        c["chunking_columns"] = json::array({"GRP"});
        strategy("numeric_range");
        break;
      case Kind::kDate:
        c["chunking_columns"] = json::array({"D"});
        strategy("date_range");
        break;
      case Kind::kKeyText:
        c["chunking_columns"] = json::array({"NAME"});
        strategy("key_range");
        break;
      case Kind::kKeyUnique:
        break;
      case Kind::kGrouped:
        c["chunking_columns"] = json::array({"GRP"});
        c["chunking_strategy"] = "grouped_values";
        t.keyed = rng_.Chance(0.6);
        break;
      case Kind::kOffset:
        t.keyed = rng_.Chance(0.3);
        if (t.keyed) c["chunking_strategy"] = "offset";
        break;
      case Kind::kSingle:
        c["chunking_strategy"] = "single";
        t.keyed = rng_.Chance(0.6);
        break;
    }
    if (t.keyed) c["uniqueness_columns"] = json::array({"ID"});
    if (!t.keyed) {
      t.truncate = true;
    } else if (t.kind != Kind::kDate && rng_.Chance(0.3)) {
      t.truncate = true;  // date chunking loads with UPSERT; truncation is for COPY loads
    } else if (t.kind != Kind::kKeyText && t.kind != Kind::kOffset && rng_.Chance(0.4)) {
      t.incremental = true;
      c["source_watermark"] = "UPDATED_AT";
      c["target_watermark"] = "updated_at";
    }
    if (t.truncate) c["truncate_onstart"] = true;
    int nrows = rng_.Chance(0.3) ? rng_.Int(0, 60) : rng_.Int(60, 1500);
    int batch = rng_.Pick(std::vector<int>{7, 25, 60, 150, 400});
    batch = std::max(batch, nrows / 30 + 1);
    c["batch_size"] = batch;
    c["batch_size_copy_mode"] = batch;
    c["parallel_threads"] = rng_.Int(1, 4);
    t.config = c;
    id_profile_ = rng_.Int(0, 2);
    for (int i = 0; i < nrows; ++i) t.rows.push_back(NewRow(t, 0));
    InsertRows(src, t, t.rows);
    world_ += "  " + src.name + "." + t.source + ": " + KindName(t.kind) + ", " +
              std::to_string(nrows) + " rows, " + c.dump() + "\n";
    return t;
  }

  std::string NewId(const Table& t) {
    for (int attempt = 0;; ++attempt) {
      std::string id;
      int profile = attempt > 50 ? 1 : id_profile_;
      if (profile == 0) {
        id = std::to_string(++dense_id_);
      } else if (profile == 1) {
        id = std::to_string(rng_.Int64(-1000000, 1000000));
      } else {
        double r = rng_.Real(0, 1);
        if (r < 0.08 && ScenarioOn("numeric_extremes", kScenarioNumericExtremes)) {
          id = (rng_.Chance(0.5) ? "-" : "") + kMaxNumber38;
        } else if (r < 0.5 && ScenarioOn("numeric_extremes", kScenarioNumericExtremes)) {
          int digits = rng_.Int(19, 38);
          id = std::to_string(rng_.Int(1, 9));
          for (int d = 1; d < digits; ++d) id += std::to_string(rng_.Int(0, 9));
          if (rng_.Chance(0.5)) id = "-" + id;
        } else {
          id = std::to_string(rng_.Int64(-4000000000000000000LL, 4000000000000000000LL));
        }
      }
      if (!t.keyed) return id;  // keyless tables may repeat anything
      if (std::none_of(t.rows.begin(), t.rows.end(),
                       [&](const SeqRow& r) { return *r[0] == id; })) {
        return id;
      }
    }
  }

  SeqRow NewRow(const Table& t, int64_t watermark_micros) {
    // Keyless tables get whole duplicate rows now and then.
    if (!t.keyed && !t.rows.empty() && rng_.Chance(0.15)) return rng_.Pick(t.rows);
    static const std::vector<std::string> kNames = {
        "",      "a",   "A", "b",  "O'Brien", "zoë", "Zürich", "space x", "x_y", "ZZZ",
        "émile", "a%b", "0", "00", "10",      "9",   "dup",    "dup",     "dup", "~"};
    static const std::vector<std::string> kDays = {"2021-03-14", "2022-12-31", "2023-01-01",
                                                   "2024-02-29", "1969-12-31", "1970-01-01"};
    SeqRow r;
    r[0] = NewId(t);
    if (!rng_.Chance(0.1)) {
      double p = rng_.Real(0, 1);
      r[1] = std::to_string(p < 0.05  ? (rng_.Chance(0.5) ? 999999999 : -999999999)
                            : p < 0.6 ? rng_.Int(0, 6)
                                      : rng_.Int(-50000, 50000));
    }
    if (!rng_.Chance(0.1)) {
      r[2] = rng_.Chance(0.6) ? rng_.Pick(kNames) : "n" + std::to_string(rng_.Int(0, 100000));
    }
    if (!rng_.Chance(0.1)) {
      double p = rng_.Real(0, 1);
      r[3] = p < 0.5    ? rng_.Pick(kDays)
             : p < 0.53 ? std::string(rng_.Chance(0.5) ? "1900-01-01" : "2099-12-31")
                        : FormatDate(rng_.Int(-4000, 22000));
    }
    r[4] = FormatAmount(rng_.Int64(-9999999, 9999999));
    int64_t base = 1672531200LL * 1000000;  // 2023-01-01
    r[5] = FormatTime(watermark_micros > 0 ? watermark_micros
                                           : base + rng_.Int64(0, 300LL * 86400 * 1000000));
    if (!rng_.Chance(0.1)) r[6] = rng_.Chance(0.5) ? "true" : "false";
    return r;
  }

  std::string Qualified(const Source& s, const Table& t) const {
    return s.sf_database + "." + s.sf_schema + "." + t.source;
  }

  void InsertRows(const Source& s, const Table& t, const std::vector<SeqRow>& rows) {
    if (!created_.count(t.source)) {
      Sql("CREATE OR REPLACE TABLE " + Qualified(s, t) + " (" + kColumnDdl + ")");
      created_.insert(t.source);
    }
    for (size_t at = 0; at < rows.size(); at += 400) {
      std::string sql =
          "INSERT INTO " + Qualified(s, t) + " (ID, GRP, NAME, D, AMT, UPDATED_AT, FLAG) VALUES ";
      for (size_t i = at; i < rows.size() && i < at + 400; ++i) {
        sql += i == at ? "(" : ", (";
        for (size_t c = 0; c < kSequenceColumns; ++c)
          sql += (c ? ", " : "") + SnowflakeLiteral(c, rows[i][c]);
        sql += ")";
      }
      Sql(sql);
    }
  }

  void Sql(const std::string& statement) const {
    for (int attempt = 1;; ++attempt) {
      try {
        sfemu_->Sql(statement);
        return;
      } catch (const std::exception&) {
        if (attempt >= 3) throw;
      }
    }
  }

  void WriteConfig() {
    json sources = json::array();
    for (const auto& s : sources_) {
      json tables = json::array();
      for (const auto& t : s.tables) tables.push_back(t.config);
      sources.push_back({{"source_name", s.name},
                         {"source_sf_database", s.sf_database},
                         {"source_sf_schema", s.sf_schema},
                         {"target_pg_database", s.target_db},
                         {"target_pg_schema", s.target_schema},
                         {"tables", tables}});
    }
    json config = {{"parallel_threads", rng_.Int(1, 4)},
                   {"batch_size", 100},
                   {"batch_size_copy_mode", 100},
                   {"max_retry_attempts", 3},
                   {"sources", sources}};
    std::ofstream(dir_ + "/config.json") << config.dump(2);
  }

  // ---- observing the status tables ----

  postgres::Connection Status() const {
    auto p = pg_.Params(target_dbs_[0]);
    p.application_name = "sf2pg-seq-test";
    p.connect_timeout_seconds = 3;
    return postgres::Connection(p);
  }

  int64_t CompletedChunks() const {
    try {
      return Status()
          .Exec(
              "SELECT count(*) FROM migration_status.migration_chunk_status WHERE status = "
              "'completed'")
          .GetInt(0, 0);
    } catch (const std::exception&) {
      return -1;
    }
  }

  struct RunRow {
    std::string id, status;
    std::vector<std::string> sources, tables;
  };
  // Runs that are not completed, newest first.
  std::vector<RunRow> UnfinishedRuns() const {
    std::vector<RunRow> out;
    try {
      auto r = Status().Exec(
          "SELECT run_id::text, status, coalesce(metadata->'sources', '[]')::text, "
          "coalesce(metadata->'tables_filter', '[]')::text FROM migration_status.migration_runs "
          "WHERE status <> 'completed' ORDER BY started_at DESC");
      for (int i = 0; i < r.rows(); ++i) {
        RunRow row{std::string(r.Get(i, 0)), std::string(r.Get(i, 1)), {}, {}};
        auto sources = json::parse(r.Get(i, 2), nullptr, false);
        auto tables = json::parse(r.Get(i, 3), nullptr, false);
        if (sources.is_array())
          for (const auto& s : sources) row.sources.push_back(s.get<std::string>());
        if (tables.is_array())
          for (const auto& t : tables) row.tables.push_back(t.get<std::string>());
        out.push_back(row);
      }
    } catch (const std::exception&) {
    }
    return out;
  }

  // The run a process started or resumed, from its log ("" until it says).
  static std::string RunOf(const Background& b) {
    static const std::regex kRunId(
        "\"run_id\": ?\"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\"");
    std::string out = b.Output();
    std::smatch m;
    return std::regex_search(out, m, kRunId) ? std::string(m[1]) : "";
  }

  // ---- processes ----

  std::map<std::string, std::string> Env() const {
    auto env = pg_.Env();
    for (const auto& [k, v] : sfemu_->Env()) env[k] = v;
    return env;
  }

  std::unique_ptr<Background> Start(std::vector<std::string> args, const std::string& name) {
    args.insert(args.begin(), BinaryPath("sf2pg"));
    for (const std::string& a :
         {std::string("--config"), dir_ + "/config.json", std::string("--log-format"),
          std::string("json"), std::string("--summary-json"),
          dir_ + "/" + name + ".summary.json"}) {
      args.push_back(a);
    }
    std::remove((dir_ + "/" + name + ".summary.json").c_str());
    return std::make_unique<Background>(args, Env(), dir_ + "/" + name + ".log");
  }

  // Waits at most `seconds` for the end; kills a process that hangs and records the failure.
  int WaitEnd(Background& b, const std::string& name, double seconds = 120) {
    auto start = Clock::now();
    while (b.Running()) {
      if (std::chrono::duration<double>(Clock::now() - start).count() > seconds) {
        b.Signal(SIGKILL);
        b.Wait();
        Fail(name + " did not end within " + std::to_string(static_cast<int>(seconds)) + " s");
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return b.Wait();
  }

  json Summary(const std::string& name) const {
    std::ifstream in(dir_ + "/" + name + ".summary.json");
    if (!in) return json();
    return json::parse(in, nullptr, false);
  }

  void Fail(const std::string& what) {
    if (failure_.empty()) failure_ = what;
  }

  // Judges one finished process: no crash, a documented exit code, and exit 0 only for a
  // completed run (or a joined process that left the rest to others). A fresh run that completes
  // must leave its tables equal to the source.
  void Judge(const std::string& name, int code, int signal_sent, Background& b, bool joined,
             bool in_join = false) {
    json summary = Summary(name);
    std::string status = summary.is_object() ? summary.value("status", "") : "";
    log_.back() += " -> exit " + std::to_string(code) + (status.empty() ? "" : " " + status);
    if (code < 0) return;
    bool by_signal = signal_sent != 0 && code == 128 + signal_sent;
    if (code >= 128 && !by_signal) {
      return Fail(name + " crashed (exit " + std::to_string(code) + "):\n" + Tail(b.Output()));
    }
    // 4: completed, but a table copied fewer rows than planned (the source lost rows while the
    // run was unfinished); loud, so the final runs start over.
    if (code > kExitResumable && code != kExitShortfall && !by_signal) {
      return Fail(name + " exited with undocumented code " + std::to_string(code));
    }
    if (code != kExitDone) return;
    if (!summary.is_object()) return Fail(name + " exited 0 without writing its summary");
    if (status != "completed" && !(status == "running")) {
      return Fail(name + " exited 0 with run status '" + status + "'");
    }
    if (status == "running" && !in_join) {
      return Fail(name + " exited 0 leaving the run 'running' with no other process on it");
    }
    if (status != "completed") return;
    for (const auto& t : summary["tables"]) {
      if (t.value("status", "") != "completed") {
        return Fail(name + " exited 0 with table " + t.value("table", "?") + " '" +
                    t.value("status", "") + "'");
      }
    }
    if (!summary.value("resumed", true) && !joined) {
      for (const auto& t : summary["tables"]) {
        if (const Table* table = FindTable(t.value("table", ""))) {
          std::string diff = Compare(*table);
          if (!diff.empty()) {
            return Fail(name + " (a fresh run) exited 0 but " + table->source +
                        " differs from the source:\n" + diff);
          }
        }
      }
    }
  }

  static std::string Tail(const std::string& s) {
    return s.size() > 3000 ? "..." + s.substr(s.size() - 3000) : s;
  }

  // A table by its Snowflake name, plain or qualified (DB.SCHEMA.TABLE).
  const Table* FindTable(std::string name) const {
    if (auto dot = name.rfind('.'); dot != std::string::npos) name = name.substr(dot + 1);
    for (const auto& s : sources_)
      for (const auto& t : s.tables)
        if (t.source == name || t.target == name) return &t;
    return nullptr;
  }
  const Source* SourceOf(const Table& table) const {
    for (const auto& s : sources_)
      for (const auto& t : s.tables)
        if (&t == &table) return &s;
    return nullptr;
  }

  // ---- random operations ----

  std::vector<std::string> RandomArgs() {
    std::vector<std::string> args = {"migrate"};
    auto unfinished = UnfinishedRuns();
    if (!ScenarioOn("overlapping_runs", kScenarioOverlappingRuns) && !unfinished.empty()) {
      // Until the refusal of overlapping runs lands: only ever resume the unfinished run.
      const RunRow& run = unfinished.front();
      if (rng_.Chance(0.3)) {
        args.push_back("--resume-run-id");
        args.push_back(run.id);
      }
      for (const auto& s : run.sources) args.insert(args.end(), {"--source", s});
      if (!run.tables.empty()) {
        std::string list;
        for (const auto& t : run.tables) list += (list.empty() ? "" : ",") + t;
        args.insert(args.end(), {"--tables", list});
      }
      return args;
    }
    double p = rng_.Real(0, 1);
    if (p < 0.25) {
      for (const auto& s : sources_)
        if (rng_.Chance(0.5)) args.insert(args.end(), {"--source", s.name});
    } else if (p < 0.45) {
      std::string list;
      for (const auto& s : sources_)
        for (const auto& t : s.tables)
          if (rng_.Chance(0.4)) list += (list.empty() ? "" : ",") + t.source;
      if (!list.empty()) args.insert(args.end(), {"--tables", list});
    }
    double q = rng_.Real(0, 1);
    if (q < 0.2) {
      args.push_back("--no-resume");
    } else if (q < 0.35 && !unfinished.empty()) {
      args.push_back("--resume-run-id");
      args.push_back(rng_.Pick(unfinished).id);
    }
    return args;
  }

  // `migrate` resuming `run_id` with the selection it was started with.
  std::vector<std::string> ResumeArgs(const std::string& run_id) const {
    std::vector<std::string> args = {"migrate", "--resume-run-id", run_id};
    for (const auto& run : UnfinishedRuns()) {
      if (run.id != run_id) continue;
      for (const auto& s : run.sources) args.insert(args.end(), {"--source", s});
      std::string list;
      for (const auto& t : run.tables) list += (list.empty() ? "" : ",") + t;
      if (!list.empty()) args.insert(args.end(), {"--tables", list});
    }
    return args;
  }

  static std::string Join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& a : v) s += (s.empty() ? "" : " ") + a;
    return s;
  }

  void RandomOp() {
    double p = rng_.Real(0, 1);
    if (p < 0.22) {
      ChangeSource();
    } else if (p < 0.32) {
      SetRandomFaults();
    } else {
      Migrate(p);
    }
  }

  void SetRandomFaults() {
    if (!faults_.empty() && rng_.Chance(0.4)) {
      faults_.clear();
      sfemu_->SetFaults(R"({"rates": {}})");
      log_.push_back("sfemu faults off");
      return;
    }
    json rates = json::object();
    for (const char* kind : {"429", "500", "503", "reset", "truncated_gzip"}) {
      if (rng_.Chance(0.5)) rates[kind] = rng_.Pick(std::vector<double>{0.02, 0.05, 0.1});
    }
    if (ScenarioOn("request_timeouts", kScenarioRequestTimeouts) && rng_.Chance(0.3))
      rates["lost_response"] = 0.03;
    if (rng_.Chance(0.15)) rates["403"] = 0.02;
    json faults = {{"seed", rng_.Int(1, 1000000)}, {"rates", rates}, {"retry_after_seconds", 0}};
    faults_ = faults.dump();
    sfemu_->SetFaults(faults_);
    log_.push_back("sfemu faults " + faults_);
  }

  void Migrate(double p) {
    int n = ++processes_;
    std::string name = "run" + std::to_string(n);
    auto args = RandomArgs();
    enum { kPlain, kKill, kTerm, kJoin, kRestart } mode;
    mode = p < 0.45 ? kPlain : p < 0.65 ? kKill : p < 0.75 ? kTerm : p < 0.87 ? kJoin : kRestart;
    // The moment: after a delay, or once some more chunks have completed.
    bool by_chunks = rng_.Chance(0.5);
    double delay = rng_.Real(0.05, 2.0);
    int chunks = rng_.Int(1, 12);
    std::string when = by_chunks
                           ? "after " + std::to_string(chunks) + " more completed chunks"
                           : "after " + std::to_string(static_cast<int>(delay * 1000)) + " ms";
    int64_t base = std::max<int64_t>(CompletedChunks(), 0);
    auto proc = Start(args, name);
    auto start = Clock::now();
    auto reached = [&] {
      if (by_chunks) return CompletedChunks() >= base + chunks;
      return std::chrono::duration<double>(Clock::now() - start).count() >= delay;
    };
    auto wait_moment = [&](Background& b) {
      while (b.Running() && !reached()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      return b.Running();
    };
    switch (mode) {
      case kPlain: {
        log_.push_back(name + ": " + Join(args));
        Judge(name, WaitEnd(*proc, name), 0, *proc, false);
        break;
      }
      case kKill:
      case kTerm: {
        int sig = mode == kKill ? SIGKILL : SIGTERM;
        log_.push_back(name + ": " + Join(args) + ", " +
                       (sig == SIGKILL ? "SIGKILL " : "SIGTERM ") + when);
        if (wait_moment(*proc)) {
          proc->Signal(sig);
          log_.back() += " (sent)";
        }
        Judge(name, WaitEnd(*proc, name), sig, *proc, false);
        break;
      }
      case kJoin: {
        log_.push_back(name + ": " + Join(args));
        std::string run_id;
        for (int i = 0; i < 500 && proc->Running() && run_id.empty(); ++i) {
          run_id = RunOf(*proc);
          if (run_id.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        if (run_id.empty()) {
          Judge(name, WaitEnd(*proc, name), 0, *proc, false);
          break;
        }
        std::string join_name = name + "j";
        std::vector<std::string> join_args = {"migrate", "--join-run-id", run_id};
        auto joiner = Start(join_args, join_name);
        int kill_which = rng_.Int(0, 2);  // 0 none, 1 the first, 2 the joiner
        log_.back() += ", joined by " + join_name + " (--join-run-id " + run_id + ")" +
                       (kill_which == 1   ? ", first SIGKILLed " + when
                        : kill_which == 2 ? ", joiner SIGKILLed " + when
                                          : "");
        if (kill_which && wait_moment(kill_which == 1 ? *proc : *joiner)) {
          (kill_which == 1 ? *proc : *joiner).Signal(SIGKILL);
        }
        int first = WaitEnd(*proc, name);
        int second = WaitEnd(*joiner, join_name);
        Judge(name, first, kill_which == 1 ? SIGKILL : 0, *proc, false, true);
        log_.push_back(join_name + ": " + Join(join_args));
        Judge(join_name, second, kill_which == 2 ? SIGKILL : 0, *joiner, true, true);
        break;
      }
      case kRestart: {
        log_.push_back(name + ": " + Join(args) + ", PostgreSQL restarted " + when);
        if (wait_moment(*proc)) {
          pg_.Restart();
          log_.back() += " (done)";
        }
        Judge(name, WaitEnd(*proc, name), 0, *proc, false);
        break;
      }
    }
  }

  // Inserts, updates or deletes source rows of 1-3 tables, as far as the model can follow:
  // an incremental table only sees new or newer rows (no deletes) and is changed only while no
  // unfinished run could have planned it already; UPSERT tables get no deletes.
  void ChangeSource() {
    if (!faults_.empty()) sfemu_->SetFaults(R"({"rates": {}})");
    bool unfinished = !UnfinishedRuns().empty();
    std::string what = "source changes:";
    int n = rng_.Int(1, 3);
    for (int i = 0; i < n; ++i) {
      Source& s = sources_[static_cast<size_t>(rng_.Int(0, static_cast<int>(sources_.size()) - 1))];
      Table& t = s.tables[static_cast<size_t>(rng_.Int(0, static_cast<int>(s.tables.size()) - 1))];
      if (t.incremental && unfinished &&
          !ScenarioOn("incremental_during_unfinished",
                      kScenarioIncrementalChangeDuringUnfinishedRun))
        continue;
      clock_micros_ += 3600LL * 1000000 + rng_.Int64(0, 999999);
      int inserts = rng_.Int(0, 40), updates = t.keyed ? rng_.Int(0, 30) : 0;
      int deletes = t.truncate ? rng_.Int(0, 20) : 0;
      // The rows to update, chosen before the inserts. Now and then an incremental table sees
      // only updates of rows at its newest watermark, and no insert.
      std::set<std::string> ids;
      if (updates && !t.rows.empty()) {
        std::string newest;
        for (const auto& r : t.rows) newest = std::max(newest, *r[5]);
        bool at_newest = t.incremental && rng_.Chance(0.25);
        std::vector<std::string> pool;
        for (const auto& r : t.rows)
          if (!at_newest || *r[5] == newest) pool.push_back(*r[0]);
        for (int k = 0; k < updates; ++k) ids.insert(rng_.Pick(pool));
        if (at_newest) inserts = 0;
        bool all_newest = std::all_of(t.rows.begin(), t.rows.end(), [&](const SeqRow& r) {
          return !ids.count(*r[0]) || *r[5] == newest;
        });
        if (!ScenarioOn("incremental_update_at_newest",
                        kScenarioIncrementalUpdateAtNewestWatermark) &&
            t.incremental && inserts == 0 && all_newest) {
          inserts = 1;  // keeps the count of rows at the watermark changing
        }
      }
      std::vector<SeqRow> added;
      for (int k = 0; k < inserts; ++k) {
        SeqRow r = NewRow(t, t.incremental ? clock_micros_ : 0);
        t.rows.push_back(r);
        added.push_back(r);
      }
      InsertRows(s, t, added);
      size_t updated = ids.size();
      if (!ids.empty()) {
        std::string name = "u" + std::to_string(rng_.Int(0, 1000)),
                    amount = FormatAmount(rng_.Int(-500, 500));
        std::string stamp = FormatTime(clock_micros_);
        std::string list;
        for (const auto& id : ids) list += (list.empty() ? "" : ", ") + id;
        Sql("UPDATE " + Qualified(s, t) + " SET NAME = '" + name + "', AMT = " + amount +
            ", UPDATED_AT = '" + stamp + "'::TIMESTAMP_NTZ WHERE ID IN (" + list + ")");
        for (auto& r : t.rows) {
          if (ids.count(*r[0])) {
            r[2] = name;
            r[4] = amount;
            r[5] = stamp;
          }
        }
      }
      if (deletes && !t.rows.empty()) {
        ids.clear();
        for (int k = 0; k < deletes; ++k) ids.insert(*rng_.Pick(t.rows)[0]);
        std::string list;
        for (const auto& id : ids) list += (list.empty() ? "" : ", ") + id;
        Sql("DELETE FROM " + Qualified(s, t) + " WHERE ID IN (" + list + ")");
        std::erase_if(t.rows, [&](const SeqRow& r) { return ids.count(*r[0]) > 0; });
      }
      what += " " + t.source + " +" + std::to_string(inserts) + " ~" + std::to_string(updated) +
              " -" + std::to_string(deletes) + ";";
    }
    if (!faults_.empty()) sfemu_->SetFaults(faults_);
    log_.push_back(what);
  }

  // ---- the end: complete as a user would, then compare ----

  void Final() {
    if (!faults_.empty()) sfemu_->SetFaults(R"({"rates": {}})");
    faults_.clear();
    log_.push_back("final runs (no faults):");
    std::vector<std::string> args = {"migrate"};
    bool done = false;
    int failed_in_a_row = 0;
    for (int attempt = 0; attempt < 8 && !done && failure_.empty(); ++attempt) {
      std::string name = "final" + std::to_string(attempt);
      auto proc = Start(args, name);
      log_.push_back(name + ": " + Join(args));
      int code = WaitEnd(*proc, name);
      Judge(name, code, 0, *proc, false);
      json summary = Summary(name);
      std::string out = proc->Output();
      args = {"migrate"};
      if (code != kExitFailed) failed_in_a_row = 0;
      if (code == kExitDone && summary.is_object() && summary.value("status", "") == "completed" &&
          !summary.value("resumed", true)) {
        done = true;
      } else if (code == kExitFailed && ++failed_in_a_row >= 2) {
        // The README's advice for a run that keeps failing: start over with --no-resume.
        args = {"migrate", "--no-resume"};
        failed_in_a_row = 0;
        log_.back() += " (failed twice: next with --no-resume)";
      } else if (code == kExitUsage || code == kExitFailed) {
        // A refusal names a run and what to do with it. Like a user: first resume that run
        // with its own selection, then take the refusal's other suggestion (abandon it).
        static const std::regex kSuggestion(
            "(--[a-z-]+|sf2pg abandon)[ "
            "=]([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{"
            "12})");
        std::vector<std::pair<std::string, std::string>> suggestions;
        for (std::sregex_iterator it(out.begin(), out.end(), kSuggestion), end; it != end; ++it) {
          suggestions.emplace_back((*it)[1], (*it)[2]);
        }
        if (suggestions.empty()) {
          if (code == kExitUsage) Fail(name + " refused without saying what to do:\n" + Tail(out));
          continue;
        }
        std::string run = suggestions.front().second;
        if (followed_.insert(run).second) {
          args = ResumeArgs(run);
          log_.back() += " (refused, naming run " + run + ": resuming it)";
        } else {
          auto pick = suggestions.front();
          for (const auto& sug : suggestions)
            if (sug.first.find("abandon") != std::string::npos) pick = sug;
          log_.back() += " (refused again: following its suggestion " + pick.first + ")";
          if (pick.first == "sf2pg abandon") {
            ProcessResult r = RunProcess(
                {BinaryPath("sf2pg"), "abandon", pick.second, "--config", dir_ + "/config.json"},
                Env());
            log_.push_back("abandon " + pick.second + " -> exit " + std::to_string(r.exit_code));
            if (r.exit_code != kExitDone)
              Fail("abandon " + pick.second + " failed:\n" + Tail(r.out + r.err));
          } else {
            args = {"migrate", pick.first, pick.second};
          }
        }
      }
    }
    if (!failure_.empty()) return;
    if (!done) return Fail("the final runs did not complete a fresh run within 8 attempts");
    std::string diffs;
    for (const auto& s : sources_)
      for (const auto& t : s.tables) {
        std::string d = Compare(t);
        if (!d.empty()) diffs += t.source + " (" + KindName(t.kind) + "): " + d;
      }
    if (!diffs.empty()) Fail("final state differs from the source:\n" + diffs);
  }

  // Target rows against the model as multisets; "" when equal.
  std::string Compare(const Table& t) const {
    const Source* s = SourceOf(t);
    std::map<std::string, int> want, have;
    for (const auto& r : t.rows) ++want[RowText(r)];
    try {
      auto p = pg_.Params(s->target_db);
      p.application_name = "sf2pg-seq-test";
      postgres::Connection conn(p);
      auto r = conn.Exec(std::string(kCanonicalSelect) + s->target_schema + "." + t.target);
      for (int i = 0; i < r.rows(); ++i) {
        SeqRow row;
        for (size_t c = 0; c < kSequenceColumns; ++c)
          if (!r.IsNull(i, static_cast<int>(c)))
            row[c] = std::string(r.Get(i, static_cast<int>(c)));
        ++have[RowText(row)];
      }
    } catch (const std::exception& e) {
      if (t.rows.empty()) return "";  // an empty source may leave no table
      return std::string("cannot read the target: ") + e.what() + "\n";
    }
    std::string out;
    int shown = 0;
    int64_t missing = 0, extra = 0;
    for (const auto& [row, n] : want) {
      int h = have.count(row) ? have[row] : 0;
      if (h < n) {
        missing += n - h;
        if (shown++ < 6) out += "    missing x" + std::to_string(n - h) + ": " + row + "\n";
      }
    }
    for (const auto& [row, n] : have) {
      int w = want.count(row) ? want.at(row) : 0;
      if (n > w) {
        extra += n - w;
        if (shown++ < 12) out += "    extra x" + std::to_string(n - w) + ": " + row + "\n";
      }
    }
    if (missing == 0 && extra == 0) return "";
    return std::to_string(t.rows.size()) + " source rows; " + std::to_string(missing) +
           " missing, " + std::to_string(extra) + " extra or duplicated\n" + out;
  }

  uint64_t seed_;
  Rng rng_;
  const OwnCluster& pg_;
  int max_ops_;
  std::string dir_;
  std::unique_ptr<SfemuServer> sfemu_;
  std::vector<std::string> target_dbs_;
  std::vector<Source> sources_;
  std::set<std::string> created_;
  std::set<std::string> followed_;  // runs named by a refusal that were resumed once
  std::vector<std::string> log_;
  std::string world_;
  std::string failure_;
  std::string faults_;
  int processes_ = 0;
  int id_profile_ = 0;
  int64_t dense_id_ = 0;
  int64_t clock_micros_ = 1704067200LL * 1000000;  // 2024-01-01: newer than every initial row
};

// Runs each {seed, most operations} sequence on a cluster of its own; a failure reports the
// sequence's seed and operation log.
void RunSequences(const std::vector<std::pair<uint64_t, int>>& plan) {
  OwnCluster pg;
  int failed = 0;
  for (const auto& [seed, ops] : plan) {
    auto start = Clock::now();
    Sequence sequence(seed, pg, ops);
    std::string failure;
    try {
      failure = sequence.Run();
    } catch (const std::exception& e) {
      failure = std::string("the test itself failed: ") + e.what();
    }
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::cout << "[ sequence ] seed " << seed << ": " << (failure.empty() ? "ok" : "FAILED")
              << " in " << static_cast<int>(seconds) << " s\n";
    if (!failure.empty()) {
      ++failed;
      // An exception in the test itself is not among the sequence's own findings.
      ADD_FAILURE() << sequence.Report()
                    << (failure.starts_with("the test itself") ? "\n" + failure : "");
    }
  }
  std::cout << "[ sequence ] " << plan.size() - static_cast<size_t>(failed) << " of " << plan.size()
            << " sequences passed\n";
}

TEST(ChaosSequence, RandomOperationsEndWithTheTargetEqualToTheSource) {
  const auto base = static_cast<uint64_t>(EnvInt("SF2PG_SEQ_SEED", 20261203));
  const int count = EnvInt("SF2PG_SEQ_COUNT", 8);
  const int max_ops = EnvInt("SF2PG_SEQ_OPS", 6);
  std::vector<std::pair<uint64_t, int>> plan;
  for (int i = 0; i < count; ++i) plan.emplace_back(base + static_cast<uint64_t>(i), max_ops);
  RunSequences(plan);
}

// Sequences that once found a defect: {seed, SF2PG_SEQ_OPS}. 777022: an incremental table
// changed while its run was unfinished lost the change for good (the next floor came from the
// target's newest row, above the changed one). 881028: a joined process whose planner was
// killed settled the run `completed` while tables planned after it joined still had pending
// chunks. Apart from the random ones, so that the two run side by side.
TEST(ChaosSequence, SequencesThatOnceFoundADefectPass) {
  if (std::getenv("SF2PG_SEQ_SEED")) GTEST_SKIP() << "SF2PG_SEQ_SEED replays one seed";
  RunSequences({{777022, 10}, {881028, 10}});
}

}  // namespace
}  // namespace sf2pg::testing
