// Decoding throughput: a result partition shaped like a patient table (ids, names, numbers,
// flags, dates, NTZ and TZ timestamps, a VARIANT), as the SQL API sends it, decoded into binary
// COPY rows. Reports JSON bytes/s and rows/s on one core.
//
//   build/sf2pg_decode_bench --benchmark_min_time=2
#include <benchmark/benchmark.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/source.h"
#include "snowflake/decoder.h"
#include "snowflake/http.h"

namespace {

using sf2pg::ChunkRequest;
using sf2pg::PgType;
using sf2pg::SourceColumn;
using sf2pg::TargetColumn;

constexpr int kRows = 20000;

// A small deterministic generator (no <random> distribution differences between libraries).
struct Lcg {
  uint64_t state = 42;
  uint64_t Next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  }
  int64_t Range(int64_t low, int64_t high) {
    return low + static_cast<int64_t>(Next() % static_cast<uint64_t>(high - low + 1));
  }
};

const char* const kFirst[] = {"Ada",     "Grace", "Zoë",      "Alan", "Edsger", "Barbara", "Donald",
                              "Frances", "Ken",   "Margaret", "Tim",  "Radia",  "Dennis",  "Hedy"};
const char* const kLast[] = {"Lovelace", "Hopper",  "Brontë",  "Turing",   "Dijkstra",
                             "Liskov",   "Knuth",   "Allen",   "Thompson", "Hamilton",
                             "O'Brien",  "Perlman", "Ritchie", "Lamarr"};
const char* const kAllergies[] = {"peanut", "penicillin", "latex", "shellfish", "pollen"};

struct Column {
  SourceColumn source;
  TargetColumn target;
};

Column Make(const char* name, const char* type, int precision, int scale, int64_t length, PgType pg,
            int pg_precision = 0, int pg_scale = 0, int64_t max_length = 0) {
  Column c;
  c.source.name = name;
  c.source.type = type;
  c.source.precision = precision;
  c.source.scale = scale;
  c.source.length = length;
  c.target.name = name;
  c.target.type = pg;
  c.target.precision = pg_precision;
  c.target.scale = pg_scale;
  c.target.max_length = max_length;
  return c;
}

std::vector<Column> PatientColumns() {
  return {
      Make("PATIENT_ID", "fixed", 38, 0, 0, PgType::kInt8),
      Make("MRN", "text", 0, 0, 20, PgType::kText, 0, 0, 20),
      Make("FIRST_NAME", "text", 0, 0, 16777216, PgType::kText),
      Make("LAST_NAME", "text", 0, 0, 16777216, PgType::kText),
      Make("BIRTH_DATE", "date", 0, 0, 0, PgType::kDate),
      Make("SEX", "text", 0, 0, 1, PgType::kText, 0, 0, 1),
      Make("WEIGHT_KG", "fixed", 5, 1, 0, PgType::kNumeric, 5, 1),
      Make("BALANCE", "fixed", 12, 2, 0, PgType::kNumeric, 12, 2),
      Make("IS_ACTIVE", "boolean", 0, 0, 0, PgType::kBool),
      Make("ADMITTED_AT", "timestamp_ntz", 0, 9, 0, PgType::kTimestamp),
      Make("UPDATED_AT", "timestamp_tz", 0, 9, 0, PgType::kTimestamptz),
      Make("ATTRIBUTES", "variant", 0, 0, 0, PgType::kJsonb),
  };
}

std::string Fixed(int64_t units, int scale) {
  std::string digits = std::to_string(units < 0 ? -units : units);
  if (scale > 0) {
    if (digits.size() <= static_cast<size_t>(scale)) {
      digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(scale), ".");
  }
  return (units < 0 ? "-" : "") + digits;
}

std::string Nanos(int64_t seconds, int64_t nanos) {
  std::string frac = std::to_string(nanos);
  return std::to_string(seconds) + "." + std::string(9 - frac.size(), '0') + frac;
}

// One row as the SQL API renders it (spec §4): every value a string, VARIANT pretty-printed.
nlohmann::json PatientRow(Lcg& g, int id) {
  nlohmann::json attributes = {{"blood", g.Range(0, 1) ? "A+" : "O-"},
                               {"allergies", nlohmann::json::array()},
                               {"visits", g.Range(0, 40)}};
  for (int64_t i = g.Range(0, 2); i > 0; --i) {
    attributes["allergies"].push_back(kAllergies[g.Range(0, 4)]);
  }
  int64_t admitted = g.Range(946684800, 1700000000);
  return nlohmann::json::array({
      std::to_string(1000000 + id),
      "MRN" + std::to_string(g.Range(10000000, 99999999)),
      kFirst[g.Range(0, 13)],
      kLast[g.Range(0, 13)],
      std::to_string(g.Range(-25000, 19000)),
      g.Range(0, 1) ? "F" : "M",
      Fixed(g.Range(25, 1500), 1),
      Fixed(g.Range(-500000, 99999999), 2),
      g.Range(0, 9) ? "true" : "false",
      Nanos(admitted, g.Range(0, 999) * 1000000),
      Nanos(admitted + g.Range(0, 86400), g.Range(0, 999999999)) + " " +
          std::to_string(1440 + 30 * g.Range(-16, 28)),
      g.Range(0, 9) ? nlohmann::json(attributes.dump(2)) : nlohmann::json(nullptr),
  });
}

std::string PatientPartition() {
  Lcg g;
  nlohmann::json data = nlohmann::json::array();
  for (int i = 0; i < kRows; ++i) data.push_back(PatientRow(g, i));
  nlohmann::json body = nlohmann::json::object();
  body["data"] = data;
  std::string text = body.dump();
  std::string padded;
  padded.reserve(text.size() + sf2pg::snowflake::kBodyPadding);
  padded.append(text);
  return padded;
}

class CountingSink : public sf2pg::CopySink {
 public:
  void Write(std::string_view piece, int64_t row_count) override {
    bytes += piece.size();
    rows += row_count;
    benchmark::DoNotOptimize(piece.data());
  }
  bool Reject(const sf2pg::BadRow&) override { return false; }
  size_t bytes = 0;
  int64_t rows = 0;
};

void BM_DecodePatientPartition(benchmark::State& state) {
  std::vector<Column> columns = PatientColumns();
  std::vector<SourceColumn> sources;
  ChunkRequest request;
  request.description = "bench";
  for (const Column& c : columns) {
    sources.push_back(c.source);
    request.targets.push_back(c.target);
  }
  std::string body = PatientPartition();
  CountingSink sink;
  sf2pg::snowflake::ChunkDecoder decoder(sources, request, sink);
  for (auto _ : state) {
    decoder.Decode(body, kRows);
  }
  decoder.Flush();
  if (sink.rows != kRows * static_cast<int64_t>(state.iterations())) {
    state.SkipWithError("rows were lost");
  }
  state.SetBytesProcessed(static_cast<int64_t>(body.size()) * state.iterations());
  state.SetItemsProcessed(kRows * state.iterations());
  state.counters["json_bytes_per_row"] =
      static_cast<double>(body.size()) / static_cast<double>(kRows);
  state.counters["copy_bytes_per_row"] =
      static_cast<double>(sink.bytes) / static_cast<double>(sink.rows);
}
BENCHMARK(BM_DecodePatientPartition)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
