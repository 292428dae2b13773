// Type mapping end to end: a source table for every Snowflake type of the shared case table
// (tests/data/type_cases.json), created through the SQL API, migrated into targets that sf2pg
// creates itself, then compared value by value. A pre-created target of the wrong types is
// refused with each mismatch listed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/exit_status.h"
#include "core/quote.h"
#include "integration/pg_fixture.h"
#include "integration/sfemu_server.h"
#include "integration/type_cases.h"
#include "postgres/connection.h"

namespace sf2pg::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

class TypesE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("sf2pg-types");
    sfemu_ = std::make_unique<SfemuServer>("types_sfemu", "", 0);
    TestPg::CreateDatabase("types_target");
    sfemu_->Sql("CREATE DATABASE IF NOT EXISTS TYPES");
    sfemu_->Sql("CREATE SCHEMA IF NOT EXISTS TYPES.ALL_TYPES");
    // One table per declared type; each case is a row (ID = its position in the file).
    int id = 0;
    for (const auto& c : TypeCases()) {
      ++id;
      if (!c["sfemu"].get<bool>() || c.contains("pg_error")) continue;
      std::string type = c["sf_type"];
      std::string table = "TYPES.ALL_TYPES." + TypeCaseTable(type);
      if (!tables_.count(type)) {
        sfemu_->Sql("CREATE TABLE " + table + " (ID NUMBER(9,0) PRIMARY KEY, V " + type + ")");
      }
      sfemu_->Sql("INSERT INTO " + table + " (ID, V) SELECT " + std::to_string(id) + ", " +
                  TypeCaseValueSql(c));
      tables_[type].push_back(c);
      ids_[c["id"]] = id;
    }
  }

  // Every table of `types` (all of them when empty); with `create_postgis`, sf2pg creates the
  // postgis extension in the target database.
  void WriteConfig(bool create_postgis, std::vector<std::string> types = {}) {
    if (types.empty()) {
      for (const auto& [type, cases] : tables_) types.push_back(type);
    }
    json tables = json::array();
    for (const auto& type : types) {
      tables.push_back({{"source", TypeCaseTable(type)}, {"uniqueness_columns", {"ID"}}});
    }
    json c = {{"lambda_timeout_buffer_seconds", 0},
              {"sources",
               {{{"source_name", "types"},
                 {"source_sf_database", "TYPES"},
                 {"source_sf_schema", "ALL_TYPES"},
                 {"target_pg_database", TestPg::Db("types_target")},
                 {"target_pg_schema", "public"},
                 {"create_postgis_extension", create_postgis},
                 {"tables", tables}}}}};
    std::ofstream(dir_ + "/config.json") << c.dump(2);
  }

  std::string ColumnType(postgres::Connection& conn, const std::string& table) {
    auto r =
        conn.Exec("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '" +
                  table + "'::regclass AND attname = 'v'");
    return r.rows() == 1 ? std::string(r.Get(0, 0)) : "<no column v in " + table + ">";
  }

  // The target table sf2pg creates for the table of `type`: its lower-case name.
  static std::string Target(const std::string& type) {
    std::string table = TypeCaseTable(type);
    for (auto& ch : table) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return "public." + table;
  }

  // The landed value of case `c` in `table`, read as `expression` (over column v) of the
  // case's PostgreSQL type, is the case's pg_text.
  void ExpectCaseText(postgres::Connection& conn, const std::string& table, const json& c,
                      const std::string& expression) {
    auto r = conn.Exec("SELECT " + CaseTextSql(expression, c["pg_type"]) + " FROM " + table +
                       " WHERE id = " + std::to_string(ids_[c["id"]]));
    ASSERT_EQ(r.rows(), 1) << c["id"];
    if (c["pg_text"].is_null()) {
      EXPECT_TRUE(r.IsNull(0, 0)) << c["id"];
    } else {
      EXPECT_EQ(r.GetOptional(0, 0).value_or("<NULL>"), c["pg_text"].get<std::string>()) << c["id"];
    }
  }

  ProcessResult Sf2pg(std::vector<std::string> args) {
    args.insert(args.begin(), BinaryPath("sf2pg"));
    auto env = TestPg::Env();
    for (const auto& [k, v] : sfemu_->Env()) env[k] = v;
    return RunProcess(args, env, dir_);
  }

  std::string dir_;
  std::unique_ptr<SfemuServer> sfemu_;
  std::map<std::string, std::vector<json>> tables_;
  std::map<std::string, int> ids_;
};

TEST_F(TypesE2eTest, EveryTypeLandsExactlyInATargetSf2pgCreates) {
  WriteConfig(/*create_postgis=*/true);
  auto run = Sf2pg({"migrate", "--log-level", "warning"});
  ASSERT_EQ(run.exit_code, kExitDone) << run.out << run.err;
  auto verify = Sf2pg({"verify", "--log-level", "warning"});
  EXPECT_EQ(verify.exit_code, kExitDone) << verify.out;

  postgres::Connection conn(TestPg::Params("types_target"));
  int compared = 0;
  for (const auto& [type, cases] : tables_) {
    std::string table = Target(type);
    std::string mapped = ColumnType(conn, table);
    for (const auto& c : cases) {
      // Values are compared where the created column has the case's PostgreSQL type.
      if (c["pg_type"] != mapped) continue;
      ExpectCaseText(conn, table, c, "v");
      ++compared;
    }
  }
  EXPECT_GT(compared, 60);  // most cases use the type sf2pg would create
  EXPECT_EQ(ColumnType(conn, "public.t_geography"), "geography");
  EXPECT_EQ(ColumnType(conn, "public.t_geometry"), "geometry");
}

// With pgvector in the target database, VECTOR(FLOAT, n) lands as vector(n) with the same
// float4 elements; VECTOR(INT, n) stays integer[] (a float4 holds integers exactly only up to
// 2^24); an existing vector column of another dimension is refused before loading.
TEST_F(TypesE2eTest, WithPgvectorVectorFloatLandsAsVector) {
  postgres::Connection conn(TestPg::Params("types_target"));
  conn.Exec("CREATE EXTENSION IF NOT EXISTS vector");
  WriteConfig(/*create_postgis=*/false, {"VECTOR(FLOAT, 4)", "VECTOR(FLOAT, 2)", "VECTOR(INT, 4)"});
  auto run = Sf2pg({"migrate", "--log-level", "warning"});
  ASSERT_EQ(run.exit_code, kExitDone) << run.out << run.err;
  EXPECT_EQ(ColumnType(conn, Target("VECTOR(FLOAT, 4)")), "vector(4)");
  EXPECT_EQ(ColumnType(conn, Target("VECTOR(FLOAT, 2)")), "vector(2)");
  EXPECT_EQ(ColumnType(conn, Target("VECTOR(INT, 4)")), "integer[]");
  int compared = 0;
  for (const char* type : {"VECTOR(FLOAT, 4)", "VECTOR(FLOAT, 2)"}) {
    for (const auto& c : tables_[type]) {
      if (c["pg_type"] != "real[]") continue;  // the cases of the real[] mapping
      ExpectCaseText(conn, Target(type), c, "v::real[]");
      ++compared;
    }
  }
  EXPECT_GE(compared, 3);
  auto verify = Sf2pg({"verify", "--log-level", "warning"});
  EXPECT_EQ(verify.exit_code, kExitDone) << verify.out << verify.err;

  // A vector(3) target for vectors of dimension 4: refused, naming both.
  std::string four = Target("VECTOR(FLOAT, 4)");
  conn.Exec("DROP TABLE " + four);
  conn.Exec("CREATE TABLE " + four + " (id numeric(9,0) PRIMARY KEY, v vector(3))");
  auto refused = Sf2pg({"migrate", "--no-resume", "--log-level", "warning"});
  EXPECT_NE(refused.exit_code, kExitDone);
  EXPECT_THAT(refused.out + refused.err,
              HasSubstr("has vectors of dimension 4; PostgreSQL column v (vector(3)) holds "
                        "dimension 3"));
  EXPECT_EQ(conn.Exec("SELECT count(*) FROM " + four).GetInt(0, 0), 0);
}

TEST_F(TypesE2eTest, WithoutPostgisSpatialColumnsLandAsJsonbAndPlanSaysSo) {
  WriteConfig(/*create_postgis=*/false, {"GEOGRAPHY", "GEOMETRY"});
  auto plan = Sf2pg({"plan"});
  ASSERT_EQ(plan.exit_code, kExitDone) << plan.out << plan.err;
  EXPECT_THAT(plan.out,
              HasSubstr("note: column V (GEOGRAPHY) lands as jsonb (GeoJSON): the target database "
                        "has no PostGIS extension"));
  EXPECT_THAT(plan.out, HasSubstr("note: column V (GEOMETRY) lands as jsonb (GeoJSON)"));
  EXPECT_THAT(plan.out, Not(HasSubstr("CREATE EXTENSION")));
  auto run = Sf2pg({"migrate", "--log-level", "warning"});
  ASSERT_EQ(run.exit_code, kExitDone) << run.out << run.err;
  postgres::Connection conn(TestPg::Params("types_target"));
  EXPECT_EQ(ColumnType(conn, "public.t_geography"), "jsonb");
  EXPECT_EQ(ColumnType(conn, "public.t_geometry"), "jsonb");
  EXPECT_EQ(conn.Exec("SELECT count(*) FROM pg_extension WHERE extname = 'postgis'").GetInt(0, 0),
            0);
  auto r = conn.Exec("SELECT v::text FROM public.t_geography WHERE id = " +
                     std::to_string(ids_["geography_point"]));
  ASSERT_EQ(r.rows(), 1);
  EXPECT_EQ(r.Get(0, 0), "{\"type\": \"Point\", \"coordinates\": [1, 2]}");
}

TEST_F(TypesE2eTest, PlanShowsTheExtensionItWouldCreate) {
  WriteConfig(/*create_postgis=*/true, {"GEOGRAPHY"});
  auto plan = Sf2pg({"plan"});
  ASSERT_EQ(plan.exit_code, kExitDone) << plan.out << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("target: CREATE EXTENSION IF NOT EXISTS postgis"));
  EXPECT_THAT(plan.out, HasSubstr("\"v\" geography"));
  EXPECT_THAT(plan.out, Not(HasSubstr("lands as jsonb")));
  postgres::Connection conn(TestPg::Params("types_target"));
  // A dry run changes nothing.
  EXPECT_EQ(conn.Exec("SELECT count(*) FROM pg_extension WHERE extname = 'postgis'").GetInt(0, 0),
            0);
}

TEST_F(TypesE2eTest, AnInstalledPostgisIsUsedWithoutTheOption) {
  postgres::Connection conn(TestPg::Params("types_target"));
  conn.Exec("CREATE EXTENSION postgis");
  WriteConfig(/*create_postgis=*/false, {"GEOMETRY"});
  auto plan = Sf2pg({"plan"});
  ASSERT_EQ(plan.exit_code, kExitDone) << plan.out << plan.err;
  EXPECT_THAT(plan.out, Not(HasSubstr("lands as")));
  EXPECT_THAT(plan.out, Not(HasSubstr("CREATE EXTENSION")));
  auto run = Sf2pg({"migrate", "--log-level", "warning"});
  ASSERT_EQ(run.exit_code, kExitDone) << run.out << run.err;
  EXPECT_EQ(ColumnType(conn, "public.t_geometry"), "geometry");
  auto r = conn.Exec("SELECT ST_AsEWKT(v, 17) FROM public.t_geometry WHERE id = " +
                     std::to_string(ids_["geometry_polygon_with_hole"]));
  ASSERT_EQ(r.rows(), 1);
  EXPECT_EQ(r.Get(0, 0), "POLYGON((0 0,10 0,10 10,0 10,0 0),(1 1,1 2,2 2,2 1,1 1))");
}

// GEOMETRY values of two SRIDs whose coordinates need 17 significant digits (the SQL API's
// GeoJSON has no SRID and 16 digits): sf2pg selects their EWKB, so each lands with its own SRID
// and doubles. A spatial column into jsonb keeps its GeoJSON in the same query.
TEST_F(TypesE2eTest, GeometryLandsWithEachValuesSridAndExactDoubles) {
  sfemu_->Sql(
      "CREATE TABLE TYPES.ALL_TYPES.T_SRID (ID NUMBER(9,0) PRIMARY KEY, V GEOMETRY, J GEOMETRY)");
  sfemu_->Sql(
      "INSERT INTO TYPES.ALL_TYPES.T_SRID (ID, V, J) SELECT 1, "
      "TO_GEOMETRY('POINT(123.45678901234567 -0.1)', 3857), TO_GEOMETRY('POINT(1 2)', 3857)");
  sfemu_->Sql(
      "INSERT INTO TYPES.ALL_TYPES.T_SRID (ID, V) SELECT 2, "
      "TO_GEOMETRY('SRID=2056;POINT(1234.5678901234567 1200000.25)')");
  postgres::Connection conn(TestPg::Params("types_target"));
  conn.Exec("CREATE EXTENSION postgis");
  conn.Exec("CREATE TABLE public.t_srid (id integer PRIMARY KEY, v geometry, j jsonb)");
  WriteConfig(/*create_postgis=*/false, {"SRID"});
  auto plan = Sf2pg({"plan"});
  ASSERT_EQ(plan.exit_code, kExitDone) << plan.out << plan.err;
  EXPECT_THAT(plan.out, Not(HasSubstr("lands as")));
  auto run = Sf2pg({"migrate", "--log-level", "warning"});
  ASSERT_EQ(run.exit_code, kExitDone) << run.out << run.err;
  EXPECT_THAT(run.out + run.err, Not(HasSubstr("no SRID")));
  auto r = conn.Exec(
      "SELECT ST_SRID(v), encode(ST_AsEWKB(v, 'NDR'), 'hex'), ST_X(v)::text, j ->> 'type', "
      "j -> 'coordinates' ->> 0 FROM public.t_srid ORDER BY id");
  ASSERT_EQ(r.rows(), 2);
  EXPECT_EQ(r.Get(0, 0), "3857");
  EXPECT_EQ(r.Get(0, 1), "0101000020110f0000984cfb073cdd5e409a9999999999b9bf");
  EXPECT_EQ(r.Get(0, 2), "123.45678901234567");
  EXPECT_EQ(r.Get(0, 3), "Point");
  EXPECT_EQ(r.Get(0, 4), "1.000000000000000");  // the GeoJSON's 1.000000000000000e+00
  EXPECT_EQ(r.Get(1, 0), "2056");
  EXPECT_EQ(r.Get(1, 1), "010100002008080000df0ffd84454a934000000040804f3241");
  EXPECT_EQ(r.Get(1, 2), "1234.5678901234567");
  auto verify = Sf2pg({"verify", "--log-level", "warning"});
  EXPECT_EQ(verify.exit_code, kExitDone) << verify.out;
}

// A target column that declares an SRID takes only values of that SRID: another is refused,
// naming the row, its key and both SRIDs, and never rewritten.
TEST_F(TypesE2eTest, AValueWhoseSridIsNotTheDeclaredOneIsRefused) {
  sfemu_->Sql("CREATE TABLE TYPES.ALL_TYPES.T_SRID (ID NUMBER(9,0) PRIMARY KEY, V GEOMETRY)");
  sfemu_->Sql(
      "INSERT INTO TYPES.ALL_TYPES.T_SRID (ID, V) SELECT 1, TO_GEOMETRY('POINT(1 2)', 3857)");
  sfemu_->Sql(
      "INSERT INTO TYPES.ALL_TYPES.T_SRID (ID, V) SELECT 2, TO_GEOMETRY('POINT(3 4)', 2056)");
  postgres::Connection conn(TestPg::Params("types_target"));
  conn.Exec("CREATE EXTENSION postgis");
  conn.Exec("CREATE TABLE public.t_srid (id integer PRIMARY KEY, v geometry(Point,3857))");
  WriteConfig(/*create_postgis=*/false, {"SRID"});
  auto run = Sf2pg({"migrate", "--log-level", "warning"});
  EXPECT_EQ(run.exit_code, kExitFailed) << run.out << run.err;
  EXPECT_THAT(run.out + run.err,
              HasSubstr("(ID=2), column v: value has SRID 2056 but geometry(Point,3857) declares "
                        "SRID 3857"));
  EXPECT_EQ(conn.Exec("SELECT count(*) FROM public.t_srid WHERE ST_SRID(v) <> 3857").GetInt(0, 0),
            0);
}

TEST_F(TypesE2eTest, APreCreatedIncompatibleTargetIsRefusedWithEachMismatch) {
  postgres::Connection conn(TestPg::Params("types_target"));
  conn.Exec("CREATE TABLE public.t_date (id integer PRIMARY KEY, v boolean)");
  conn.Exec("CREATE TABLE public.t_variant (id integer PRIMARY KEY, other text NOT NULL)");
  json c = {{"lambda_timeout_buffer_seconds", 0},
            {"sources",
             {{{"source_name", "types"},
               {"source_sf_database", "TYPES"},
               {"source_sf_schema", "ALL_TYPES"},
               {"target_pg_database", TestPg::Db("types_target")},
               {"target_pg_schema", "public"},
               {"tables",
                {{{"source", "T_DATE"}, {"uniqueness_columns", {"ID"}}},
                 {{"source", "T_VARIANT"}, {"uniqueness_columns", {"ID"}}}}}}}}};
  std::ofstream(dir_ + "/config.json") << c.dump(2);
  auto run = Sf2pg({"migrate", "--log-level", "warning"});
  EXPECT_EQ(run.exit_code, kExitFailed);
  EXPECT_THAT(run.out, HasSubstr("Snowflake column V (DATE) cannot be loaded into PostgreSQL "
                                 "column v (boolean)"));
  EXPECT_THAT(run.out,
              HasSubstr("column \"v\" (from Snowflake V variant) is missing in the target"));
  EXPECT_THAT(run.out, HasSubstr("target column \"other\" is NOT NULL but has no source column"));
  EXPECT_EQ(conn.Exec("SELECT count(*) FROM t_date").GetInt(0, 0), 0);  // nothing half-written
}

}  // namespace
}  // namespace sf2pg::testing
