// The canonical row text of verify/canonical.h in both engines: every shared type case
// (tests/data/type_cases.json) and seeded random values per type are stored in sfemu, migrated
// by sf2pg, and then each row's canonical text and hash are computed by Snowflake SQL (through
// sfemu's SQL API) and by PostgreSQL SQL in the target: they must be equal row by row, and so
// must the per-table COUNT and SUM of the hashes. SF2PG_CANON_SEED replays other random values.
#include "verify/canonical.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>

#include "core/exit_status.h"
#include "core/quote.h"
#include "core/sf_wire.h"
#include "integration/pg_fixture.h"
#include "integration/sfemu_server.h"
#include "integration/type_cases.h"
#include "postgres/connection.h"
#include "snowflake/type_mapping.h"

namespace sf2pg::testing {
namespace {

using nlohmann::json;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr int kRandomPerType = 24;
constexpr int kFirstRandomId = 100000;

// Types compared row by row whatever the value: FLOAT, semi-structured, spatial, VECTOR.
const std::set<std::string> kRowByRowTypes = {"real", "variant", "object", "array", "vector"};

unsigned Seed() {
  const char* env = std::getenv("SF2PG_CANON_SEED");
  return env ? static_cast<unsigned>(std::strtoul(env, nullptr, 10)) : 20261205u;
}

// Random Snowflake input text for the types that take random values (NULL as nullopt).
class RandomValues {
 public:
  explicit RandomValues(unsigned seed) : rng_(seed) {}

  std::vector<std::optional<std::string>> For(const std::string& sf_type) {
    std::vector<std::optional<std::string>> out = {std::nullopt};
    if (sf_type == "NUMBER(38,0)") {
      out.push_back(std::string(38, '9'));
      out.push_back("-" + std::string(38, '9'));
      out.push_back("0");
    } else if (sf_type == "VARCHAR") {
      out.push_back("");
      out.push_back(" ");
      out.push_back("N");  // the row text's NULL marker, as a value
    } else if (sf_type == "TIME(9)") {
      out.push_back("23:59:59.999999500");  // rounds to 24:00:00
      out.push_back("00:00:00.000000500");  // a tie rounded down to the even 0
      out.push_back("00:00:00.000001500");  // a tie rounded up to the even 2
    } else if (sf_type == "TIMESTAMP_NTZ(9)") {
      out.push_back("1969-12-31 23:59:59.999999500");
      out.push_back("0001-01-01 00:00:00.000000500");
      out.push_back("9999-12-31 23:59:59.999999499");
    } else if (sf_type == "BINARY") {
      out.push_back("");
    }
    for (int i = 0; i < kRandomPerType; ++i) {
      auto v = One(sf_type);
      if (!v) return {};
      out.push_back(*v);
    }
    return out;
  }

 private:
  int64_t Uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  std::string Digits(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += static_cast<char>('0' + Uniform(0, 9));
    return s;
  }
  std::string Sign() { return Uniform(0, 1) ? "-" : ""; }
  std::string Integer(int max_digits) {
    std::string s =
        std::to_string(Uniform(1, 9)) + Digits(static_cast<int>(Uniform(0, max_digits - 1)));
    return Uniform(0, 3) == 0 ? "0" : s;
  }
  // Nanoseconds: a third of them ties (digits 7-9 are 500), a third below a microsecond.
  int32_t Nanos() {
    switch (Uniform(0, 2)) {
      case 0:
        return static_cast<int32_t>(Uniform(0, 999999) * 1000 + 500);
      case 1:
        return static_cast<int32_t>(Uniform(0, 999));
      default:
        return static_cast<int32_t>(Uniform(0, 999999999));
    }
  }
  std::string Timestamp(bool with_offset) {
    // A day away from Snowflake's limits, so that the wall clock at any offset is inside.
    sfwire::Seconds value{
        Uniform(sfwire::kMinSnowflakeSeconds + 86400, sfwire::kEndSnowflakeSeconds - 86401),
        Nanos()};
    if (Uniform(0, 2) == 0) value.seconds = Uniform(-86400 * 3650, 86400 * 3650);  // near 1970
    int offset = with_offset ? static_cast<int>(Uniform(-14 * 60, 14 * 60)) : 0;
    char text[sfwire::kMaxFormatted];
    size_t n = sfwire::FormatTimestamp(value, offset, with_offset, sfwire::Fraction::kNine,
                                       sfwire::Style::kSnowflake, text);
    return std::string(text, n);
  }

  std::optional<std::string> One(const std::string& sf_type) {
    if (sf_type == "NUMBER(38,0)") return Sign() + Integer(38);
    if (sf_type == "NUMBER(10,2)") return Sign() + Integer(8) + "." + Digits(2);
    if (sf_type == "NUMBER(38,37)") return Sign() + Digits(1) + "." + Digits(37);
    if (sf_type == "BOOLEAN") return Uniform(0, 1) ? "true" : "false";
    if (sf_type == "VARCHAR") {
      static const std::vector<std::string> kPieces = {"a",   "Z",    " ",  "'", "\"",   "\\",
                                                       "\n",  "\r\n", "\t", "é", "日本", "😀",
                                                       "V3:", "N",    "%",  "_"};
      std::string s;
      for (int64_t i = Uniform(0, 6); i > 0; --i)
        s += kPieces[static_cast<size_t>(Uniform(0, static_cast<int64_t>(kPieces.size()) - 1))];
      return s;
    }
    if (sf_type == "BINARY") {
      static constexpr char kHex[] = "0123456789ABCDEFabcdef";
      std::string s;
      for (int64_t i = Uniform(0, 8) * 2; i > 0; --i) s += kHex[Uniform(0, 21)];
      return s;
    }
    if (sf_type == "DATE") {
      int64_t days =
          Uniform(sfwire::DaysFromCivil({1, 1, 1}), sfwire::DaysFromCivil({9999, 12, 31}));
      char text[sfwire::kMaxFormatted];
      return std::string(text, sfwire::FormatDate(days, sfwire::Style::kSnowflake, text));
    }
    if (sf_type == "TIME(9)") {
      char text[sfwire::kMaxFormatted];
      return std::string(
          text, sfwire::FormatTime(Uniform(0, 86399), Nanos(), sfwire::Fraction::kNine, text));
    }
    if (sf_type == "TIMESTAMP_NTZ(9)") return Timestamp(false);
    if (sf_type == "TIMESTAMP_LTZ(9)" || sf_type == "TIMESTAMP_TZ(9)") return Timestamp(true);
    return std::nullopt;
  }

  std::mt19937_64 rng_;
};

std::string Lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// One table of the suite: its source type and its rows (what each row's value was).
struct Table {
  json first_case;
  std::map<int, std::string> inputs;  // id -> a description of the value, for messages
};

class CanonicalTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(MakeTempDir("sf2pg-canonical"));
    tables_ = new std::map<std::string, Table>();
    sfemu_ = new SfemuServer("canonical_sfemu", "", 0);
    TestPg::CreateDatabase("canonical_target");
    sfemu_->Sql("CREATE DATABASE IF NOT EXISTS CANON");
    sfemu_->Sql("CREATE SCHEMA IF NOT EXISTS CANON.ALL_TYPES");
    int id = 0;
    for (const auto& c : TypeCases()) {
      ++id;
      if (!c["sfemu"].get<bool>() || c.contains("pg_error")) continue;
      std::string type = c["sf_type"];
      std::string table = "CANON.ALL_TYPES." + TypeCaseTable(type);
      if (!tables_->count(type)) {
        sfemu_->Sql("CREATE TABLE " + table + " (ID NUMBER(9,0) PRIMARY KEY, V " + type + ")");
        (*tables_)[type].first_case = c;
      }
      sfemu_->Sql("INSERT INTO " + table + " (ID, V) SELECT " + std::to_string(id) + ", " +
                  TypeCaseValueSql(c));
      (*tables_)[type].inputs[id] = "case " + c["id"].get<std::string>();
    }
    RandomValues random(Seed());
    int random_id = kFirstRandomId;
    for (auto& [type, t] : *tables_) {
      std::string values;
      for (const auto& v : random.For(type)) {
        ++random_id;
        std::string sql = v ? "CAST(" + sf::QuoteLiteral(*v) + " AS " + type + ")" : "NULL";
        values +=
            (values.empty() ? "" : ", ") + ("(" + std::to_string(random_id) + ", " + sql + ")");
        t.inputs[random_id] = "random " + (v ? sf::QuoteLiteral(*v) : "NULL");
      }
      if (!values.empty()) {
        sfemu_->Sql("INSERT INTO CANON.ALL_TYPES." + TypeCaseTable(type) + " (ID, V) VALUES " +
                    values);
      }
    }
    json tables = json::array();
    for (const auto& [type, t] : *tables_) {
      tables.push_back({{"source", TypeCaseTable(type)}, {"uniqueness_columns", {"ID"}}});
    }
    json config = {{"lambda_timeout_buffer_seconds", 0},
                   {"sources",
                    {{{"source_name", "canon"},
                      {"source_sf_database", "CANON"},
                      {"source_sf_schema", "ALL_TYPES"},
                      {"target_pg_database", TestPg::Db("canonical_target")},
                      {"target_pg_schema", "public"},
                      {"tables", tables}}}}};
    std::ofstream(*dir_ + "/config.json") << config.dump(2);
    auto run = RunSf2pg(*sfemu_, {"migrate", "--log-level", "warning"}, *dir_);
    ASSERT_EQ(run.exit_code, kExitDone) << run.out << run.err;
  }

  static void TearDownTestSuite() {
    delete sfemu_;
    delete tables_;
    delete dir_;
  }

  // The ID and V columns of a table as the checksums see them.
  static std::vector<verify::CanonicalColumn> Columns(const Table& t) {
    SourceColumn id_source;
    id_source.name = "ID";
    id_source.type = "fixed";
    id_source.precision = 9;
    SourceColumn v = TypeCaseColumn(t.first_case, "V");
    TargetColumn id_target = snowflake::MapColumn(id_source, {});
    id_target.name = "id";
    TargetColumn v_target = snowflake::MapColumn(v, {});
    v_target.name = "v";
    return {verify::Canonical(id_source, id_target), verify::Canonical(v, v_target)};
  }

  static std::string SfTable(const std::string& type) {
    return "CANON.ALL_TYPES." + TypeCaseTable(type);
  }
  static std::string PgTable(const std::string& type) {
    return "public." + Lower(TypeCaseTable(type));
  }

  // COUNT(*) and SUM of the row hashes of `columns`, in each engine.
  static std::pair<std::string, std::string> Sums(
      const std::string& type, const std::vector<verify::CanonicalColumn>& columns,
      const std::string& database = "canonical_target") {
    auto sf = sfemu_->Sql("SELECT COUNT(*), SUM(" + verify::SnowflakeRowHash(columns) + ") FROM " +
                          SfTable(type));
    postgres::Connection conn(TestPg::Params(database));
    auto pg = conn.Exec("SELECT count(*), sum(" + verify::PostgresRowHash(columns) + ") FROM " +
                        PgTable(type));
    return {sf.at(0).at(0) + " " + sf.at(0).at(1),
            std::string(pg.Get(0, 0)) + " " + std::string(pg.Get(0, 1))};
  }

  // Each row's canonical texts and hash in both engines, then the sums; the number of rows
  // compared.
  static int ExpectSameInBothEngines(const std::string& type, const Table& t,
                                     const std::vector<verify::CanonicalColumn>& columns,
                                     const std::string& database) {
    std::string sf_select = "SELECT ID", pg_select = "SELECT id";
    for (const auto& c : columns) {
      if (!c.row_by_row.empty()) continue;
      sf_select += ", " + c.snowflake;
      pg_select += ", " + c.postgres;
    }
    auto sf = sfemu_->Sql(sf_select + ", " + verify::SnowflakeRowHash(columns) + " FROM " +
                          SfTable(type) + " ORDER BY ID");
    postgres::Connection conn(TestPg::Params(database));
    auto pg = conn.Exec(pg_select + ", " + verify::PostgresRowHash(columns) + " FROM " +
                        PgTable(type) + " ORDER BY id");
    EXPECT_EQ(sf.size(), t.inputs.size());
    EXPECT_EQ(pg.rows(), static_cast<int>(sf.size()));
    if (pg.rows() != static_cast<int>(sf.size())) return 0;
    for (int i = 0; i < pg.rows(); ++i) {
      const auto& row = sf[static_cast<size_t>(i)];
      int id = std::stoi(row[0]);
      EXPECT_EQ(std::string(pg.Get(i, 0)), row[0]);
      for (size_t k = 1; k < row.size(); ++k) {
        EXPECT_EQ(row[k], pg.GetOptional(i, static_cast<int>(k)).value_or("NULL"))
            << t.inputs.at(id) << " (column " << k << ")";
      }
    }
    auto [sf_sum, pg_sum] = Sums(type, columns, database);
    EXPECT_EQ(sf_sum, pg_sum);
    return pg.rows();
  }

  static std::string* dir_;
  static std::map<std::string, Table>* tables_;
  static SfemuServer* sfemu_;
};

std::string* CanonicalTest::dir_ = nullptr;
std::map<std::string, Table>* CanonicalTest::tables_ = nullptr;
SfemuServer* CanonicalTest::sfemu_ = nullptr;

TEST_F(CanonicalTest, EveryRowHasTheSameTextAndHashInBothEnginesAndTheSumsAgree) {
  SCOPED_TRACE("SF2PG_CANON_SEED=" + std::to_string(Seed()));
  int exact_rows = 0;
  for (const auto& [type, t] : *tables_) {
    SCOPED_TRACE(type);
    auto columns = Columns(t);
    if (!columns[1].row_by_row.empty()) continue;  // RowByRowTypesSayWhy
    exact_rows += ExpectSameInBothEngines(type, t, columns, "canonical_target");
  }
  EXPECT_GT(exact_rows, 300);
}

// Target types other than those sf2pg creates, into a target created beforehand: numbers as
// double precision, text and another scale, text as uuid, dates and
// timestamps as timestamptz, every date and time type as text, and keep_tz_offset's companion
// column.
TEST_F(CanonicalTest, OtherTargetTypesSf2pgLoadsHaveTheSameTextToo) {
  struct Alternative {
    std::string sf_type;
    std::string pg_sql;
    PgType type;
  };
  const std::vector<Alternative> alternatives = {
      {"NUMBER(10,2)", "double precision", PgType::kFloat8},
      {"NUMBER(38,0)", "text", PgType::kText},
      {"NUMBER(9,0)", "numeric(12,3)", PgType::kNumeric},
      {"VARCHAR(36)", "uuid", PgType::kUuid},
      {"BINARY", "text", PgType::kText},
      {"BOOLEAN", "text", PgType::kText},
      {"DATE", "timestamp with time zone", PgType::kTimestamptz},
      {"TIME(9)", "text", PgType::kText},
      {"TIMESTAMP_NTZ(9)", "timestamp with time zone", PgType::kTimestamptz},
      {"TIMESTAMP_LTZ(9)", "text", PgType::kText},
      {"TIMESTAMP_TZ(9)", "text", PgType::kText},
      {"TIMESTAMP_TZ(6)", "timestamp with time zone", PgType::kTimestamptz},  // keep_tz_offset
  };
  TestPg::CreateDatabase("canonical_alt");
  postgres::Connection conn(TestPg::Params("canonical_alt"));
  json tables = json::array();
  for (const auto& a : alternatives) {
    bool offset = a.sf_type.starts_with("TIMESTAMP_TZ(6)");
    conn.Exec("CREATE TABLE " + PgTable(a.sf_type) + " (id integer PRIMARY KEY, v " + a.pg_sql +
              (offset ? ", v_offset_minutes smallint" : "") + ")");
    json table = {{"source", TypeCaseTable(a.sf_type)}, {"uniqueness_columns", {"ID"}}};
    if (offset) table["keep_tz_offset"] = true;
    tables.push_back(table);
  }
  std::string dir = MakeTempDir("sf2pg-canonical-alt");
  json config = {{"lambda_timeout_buffer_seconds", 0},
                 {"sources",
                  {{{"source_name", "canon"},
                    {"source_sf_database", "CANON"},
                    {"source_sf_schema", "ALL_TYPES"},
                    {"target_pg_database", TestPg::Db("canonical_alt")},
                    {"target_pg_schema", "public"},
                    {"tables", tables}}}}};
  std::ofstream(dir + "/config.json") << config.dump(2);
  auto run = RunSf2pg(*sfemu_, {"migrate", "--log-level", "warning"}, dir);
  ASSERT_EQ(run.exit_code, kExitDone) << run.out << run.err;

  for (const auto& a : alternatives) {
    SCOPED_TRACE(a.sf_type + " as " + a.pg_sql);
    const Table& t = tables_->at(a.sf_type);
    auto columns = Columns(t);
    SourceColumn v = TypeCaseColumn(t.first_case, "V");
    TargetColumn target;
    target.name = "v";
    target.type = a.type;
    target.sql_type = a.pg_sql;
    columns[1] = verify::Canonical(v, target);
    ASSERT_THAT(columns[1].row_by_row, IsEmpty());
    if (a.sf_type == "TIMESTAMP_TZ(6)") {
      TargetColumn companion;
      companion.name = "v_offset_minutes";
      companion.type = PgType::kInt2;
      companion.tz_offset = true;
      columns.push_back(verify::Canonical(v, companion));
      ASSERT_THAT(columns.back().row_by_row, IsEmpty());
    }
    EXPECT_GT(ExpectSameInBothEngines(a.sf_type, t, columns, "canonical_alt"), 0);
  }
}

TEST_F(CanonicalTest, RowByRowTypesSayWhyAndTheOthersAreExact) {
  std::vector<std::string> row_by_row;
  for (const auto& [type, t] : *tables_) {
    SourceColumn v = TypeCaseColumn(t.first_case, "V");
    auto c = Columns(t)[1];
    bool expected = kRowByRowTypes.count(v.type) > 0 || !v.ext_type.empty();
    if (expected) {
      EXPECT_THAT(c.row_by_row, Not(IsEmpty())) << type;
      row_by_row.push_back(type + ": " + c.row_by_row);
    } else {
      EXPECT_THAT(c.row_by_row, IsEmpty()) << type;
      EXPECT_THAT(c.snowflake, Not(IsEmpty())) << type;
    }
  }
  std::string report;
  for (const auto& line : row_by_row) report += "\n  " + line;
  std::printf("compared row by row:%s\n", report.c_str());
  EXPECT_EQ(row_by_row.size(), 9u) << report;  // FLOAT, VARIANT, OBJECT, ARRAY, 2 spatial, 3 VECTOR
}

TEST_F(CanonicalTest, AMicrosecondOrACharacterChangedInTheTargetChangesTheSum) {
  postgres::Connection conn(TestPg::Params("canonical_target"));
  for (const auto& [type, change] : std::vector<std::pair<std::string, std::string>>{
           {"TIMESTAMP_TZ(9)", "v = v + interval '1 microsecond'"},
           {"VARCHAR", "v = v || ' '"},
           {"NUMBER(10,2)", "v = v + 0.01"}}) {
    SCOPED_TRACE(type);
    const Table& t = tables_->at(type);
    auto [before_sf, before_pg] = Sums(type, Columns(t));
    ASSERT_EQ(before_sf, before_pg);
    conn.Exec("UPDATE " + PgTable(type) + " SET " + change +
              " WHERE id = " + std::to_string(t.inputs.rbegin()->first));
    auto [after_sf, after_pg] = Sums(type, Columns(t));
    EXPECT_EQ(after_sf, before_sf);
    EXPECT_NE(after_pg, before_pg);
  }
}

}  // namespace
}  // namespace sf2pg::testing
