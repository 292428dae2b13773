#include "generator.h"

#include <cstdio>

#include "core/error.h"
#include "ids.h"

namespace sf2pg::sfemu {
namespace {

constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

/// A small random stream for one row.
class Rng {
 public:
  Rng(uint64_t seed, uint64_t table, int64_t row)
      : state_(Mix(Mix(seed, table), static_cast<uint64_t>(row))) {}
  uint64_t Next() {
    state_ += kGolden;
    return Mix(state_, 0);
  }
  /// Uniform in [lo, hi].
  int64_t Range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool Chance(double p) {
    return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0) < p;
  }
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Next() % N];
  }

 private:
  uint64_t state_;
};

void CivilFromDays(int64_t z, int& y, int& m, int& d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = static_cast<uint64_t>(z - era * 146097);
  uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t year = static_cast<int64_t>(yoe) + era * 400;
  uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  uint64_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(year + (m <= 2));
}

std::string DateText(int64_t days) {
  int y, m, d;
  CivilFromDays(days, y, m, d);
  char b[32];
  std::snprintf(b, sizeof b, "%04d-%02d-%02d", y, m, d);
  return b;
}

/// "YYYY-MM-DD HH:MM:SS.ffffff" for microseconds since the epoch.
std::string TimestampText(int64_t micros) {
  int64_t seconds = micros / 1000000, frac = micros % 1000000;
  if (frac < 0) {
    frac += 1000000;
    --seconds;
  }
  int64_t days = seconds / 86400, rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  char b[64];
  std::snprintf(b, sizeof b, "%s %02lld:%02lld:%02lld.%06lld", DateText(days).c_str(),
                static_cast<long long>(rest / 3600), static_cast<long long>(rest / 60 % 60),
                static_cast<long long>(rest % 60), static_cast<long long>(frac));
  return b;
}

/// TimestampText with fraction digits 7-9 (for scale-9 columns): a function of the value, so
/// that rows sharing a value still share it.
std::string NanosText(int64_t micros) {
  uint64_t mixed = static_cast<uint64_t>(micros) * 0x9E3779B97F4A7C15ULL;
  char b[8];
  std::snprintf(b, sizeof b, "%03d", static_cast<int>((mixed >> 54) % 1000));
  return TimestampText(micros) + b;
}

std::string OffsetText(int minutes) {
  char b[16];
  int a = minutes < 0 ? -minutes : minutes;
  std::snprintf(b, sizeof b, "%c%02d:%02d", minutes < 0 ? '-' : '+', a / 60, a % 60);
  return b;
}

std::string Uuid(uint64_t seed, uint64_t table, int64_t row) {
  Rng r(seed, table ^ 0x55, row);
  uint64_t a = r.Next();
  return UuidText(a, r.Next());
}

std::string Money(Rng& r, int64_t max_cents, int scale) {
  int64_t v = r.Range(0, max_cents);
  int64_t unit = 1;
  for (int i = 0; i < scale; ++i) unit *= 10;
  char b[64];
  std::snprintf(b, sizeof b, "%lld.%0*lld", static_cast<long long>(v / unit), scale,
                static_cast<long long>(v % unit));
  return b;
}

const char* const kFirst[] = {"Ada",  "Grace", "Alan", "Zoë",  "Bjørn", "Mei",    "Ravi",  "Amara",
                              "José", "Olga",  "Liam", "Noor", "Kenji", "Fatima", "Chloé", "Ian"};
const char* const kLast[] = {"Lovelace", "Hopper", "Turing",  "Brontë", "O'Brien", "Nakamura",
                             "Okafor",   "García", "Ivanova", "Smith",  "Müller",  "Dubois",
                             "Kowalski", "Nguyen", "Rossi",   "Haddad"};
const char* const kCities[] = {"Springfield", "Portland", "Austin",    "Boston",   "Denver",
                               "Tokyo",       "Zürich",   "São Paulo", "Montréal", "Köln"};
const char* const kStreets[] = {"Main St", "Oak Ave", "Pine Rd", "Elm St", "Maple Dr", "Cedar Ln"};
const int kOffsets[] = {-480, -420, -300, -240, 0, 60, 120, 330, 540, 600};

constexpr int64_t kDay = 86400LL * 1000000LL;
constexpr int64_t kBase2023 = 19358LL * kDay;  // 2023-01-01

std::optional<std::string> MaybeNull(Rng& r, double p, std::string value) {
  if (r.Chance(p)) return std::nullopt;
  return value;
}

std::string Attributes(Rng& r) {
  const char* tiers[] = {"gold", "silver", "bronze"};
  std::string s = "{\"tier\": \"" + std::string(r.Pick(tiers)) +
                  "\", \"visits\": " + std::to_string(r.Range(0, 500)) + ", \"flags\": [";
  int64_t n = r.Range(0, 3);
  for (int64_t i = 0; i < n; ++i)
    s += (i ? ", " : "") + std::string(r.Chance(0.5) ? "true" : "false");
  s += "], \"notes\": {\"lang\": \"" + std::string(r.Chance(0.5) ? "en" : "es") + "\"}}";
  return s;
}

using Fields = std::vector<std::optional<std::string>>;

/// A patient's name, birth date (1935-2015) and status, with some NULLs.
Fields Person(Rng& r) {
  const char* status[] = {"Active", "Active", "Inactive", "Deleted"};
  return {MaybeNull(r, 0.02, r.Pick(kFirst)), MaybeNull(r, 0.02, r.Pick(kLast)),
          MaybeNull(r, 0.03, DateText(r.Range(-12784, 16436))), std::string(r.Pick(status))};
}

/// Active flag, creation time (NTZ), last update (TZ with one of ten offsets), attributes.
Fields PatientTail(Rng& r, int64_t created) {
  return {
      MaybeNull(r, 0.02, r.Chance(0.7) ? "true" : "false"), NanosText(created),
      MaybeNull(r, 0.02,
                NanosText(created + r.Range(0, 30) * kDay) + " " + OffsetText(r.Pick(kOffsets))),
      MaybeNull(r, 0.1, Attributes(r))};
}

void Append(Fields& out, Fields more) {
  for (auto& f : more) out.push_back(std::move(f));
}

GeneratedTable Named(std::string database, std::string schema, std::string name, int64_t rows) {
  GeneratedTable t;
  t.database = std::move(database);
  t.schema = std::move(schema);
  t.name = std::move(name);
  t.rows = rows;
  return t;
}

std::vector<GeneratedTable> Demo(int64_t rows, uint64_t seed) {
  int64_t visits = std::max<int64_t>(1, rows);
  int64_t patients = std::max<int64_t>(1, rows / 5);
  int64_t addresses = std::max<int64_t>(1, rows / 2);
  std::vector<GeneratedTable> out;

  GeneratedTable p = Named("ANALYTICS", "BI", "DIMPATIENT", patients);
  p.ddl = R"(CREATE OR REPLACE TABLE ANALYTICS.BI.DIMPATIENT (
  "Patient Id" VARCHAR(36) PRIMARY KEY, "First Name" VARCHAR, "Last Name" VARCHAR,
  "Birth Date" DATE, "Status" VARCHAR, "Source System" VARCHAR, "Risk Score" NUMBER(10,4),
  "Is Active" BOOLEAN, "Created At" TIMESTAMP_NTZ(9), "Updated Datatimestamp" TIMESTAMP_TZ(9),
  "Attributes" VARIANT))";
  p.source = [seed](int64_t i, std::vector<std::optional<std::string>>& f) {
    Rng r(seed, 1, i);
    const char* systems[] = {"hha", "ehr"};
    int64_t created = kBase2023 + r.Range(0, 365 * kDay / 1000000) * 1000000 + r.Range(0, 999999);
    f = {Uuid(seed, 1, i)};
    Append(f, Person(r));
    f.push_back(std::string(r.Pick(systems)));
    f.push_back(MaybeNull(r, 0.05, Money(r, 1000000, 4)));
    Append(f, PatientTail(r, created));
  };
  out.push_back(std::move(p));

  GeneratedTable v = Named("ANALYTICS", "BI", "FACTVISIT", visits);
  v.ddl = R"(CREATE OR REPLACE TABLE ANALYTICS.BI.FACTVISIT (
  VISIT_ID NUMBER(38,0) PRIMARY KEY, PATIENT_ID VARCHAR(36), VISIT_DATE DATE,
  AMOUNT NUMBER(12,2), DURATION_MIN NUMBER(6,0), UPDATED_AT TIMESTAMP_NTZ(9),
  CREATED_AT TIMESTAMP_LTZ(9), NOTES VARCHAR, TAGS ARRAY, LOCAL_TIME TIMESTAMP_TZ(9)))";
  v.source = [seed, patients](int64_t i, std::vector<std::optional<std::string>>& f) {
    Rng r(seed, 2, i);
    const char* notes[] = {"routine check",  "follow-up",   "said \"fine\"", "line one\nline two",
                           "tab\tseparated", "back\\slash", "café visit",    "東京 clinic"};
    const char* tags[] = {"\"urgent\"", "\"home\"", "\"lab\"", "\"tele\""};
    int64_t created = kBase2023 + i * 37 * 1000000 + r.Range(0, 999999);
    // The watermark: runs of 50 visits share one UPDATED_AT value.
    int64_t updated = kBase2023 + (i / 50) * 60 * 1000000;
    std::string tag_list = "[";
    int64_t n = r.Range(0, 3);
    for (int64_t k = 0; k < n; ++k)
      tag_list += (k ? ", " : "") + std::string(r.Chance(0.05) ? "undefined" : r.Pick(tags));
    tag_list += "]";
    int offset = r.Pick(kOffsets);
    f = {std::to_string(i + 1),
         Uuid(seed, 1, r.Range(0, patients - 1)),
         DateText(19358 + r.Range(0, 700)),
         MaybeNull(r, 0.03, Money(r, 5000000, 2)),
         MaybeNull(r, 0.05, std::to_string(r.Range(5, 240))),
         NanosText(updated),
         NanosText(created) + " +00:00",
         MaybeNull(r, 0.3, r.Pick(notes)),
         MaybeNull(r, 0.1, tag_list),
         MaybeNull(r, 0.02, NanosText(created) + " " + OffsetText(offset))};
  };
  out.push_back(std::move(v));

  GeneratedTable a = Named("CONFLICTREPORT", "PUBLIC", "PATIENTADDRESS", addresses);
  a.ddl = R"(CREATE OR REPLACE TABLE CONFLICTREPORT.PUBLIC.PATIENTADDRESS (
  "Patient Address Id" NUMBER(38,0) PRIMARY KEY, "Patient Id" VARCHAR(36),
  "Address Line" VARCHAR, "City" VARCHAR, "Zip" VARCHAR, "Updated Timestamp" TIMESTAMP_NTZ(9)))";
  a.source = [seed, patients](int64_t i, std::vector<std::optional<std::string>>& f) {
    Rng r(seed, 3, i);
    // Rows come in bursts of 20 sharing one timestamp; most bursts land on three busy days.
    int64_t burst = i / 20;
    Rng b(seed, 4, burst);
    int64_t day = b.Chance(0.6) ? 100 + b.Range(0, 2) * 7 : b.Range(0, 364);
    int64_t ts = kBase2023 + day * kDay + b.Range(0, 86399) * 1000000 + b.Range(0, 999) * 1000;
    char zip[8];
    std::snprintf(zip, sizeof zip, "%05lld", static_cast<long long>(r.Range(1000, 99999)));
    f = {std::to_string(i + 1),
         Uuid(seed, 1, r.Range(0, patients - 1)),
         std::to_string(r.Range(1, 9999)) + " " + r.Pick(kStreets),
         MaybeNull(r, 0.02, r.Pick(kCities)),
         MaybeNull(r, 0.02, zip),
         NanosText(ts)};
  };
  out.push_back(std::move(a));
  return out;
}

std::vector<GeneratedTable> Bench(int64_t rows, uint64_t seed) {
  std::vector<GeneratedTable> out;
  GeneratedTable p = Named("BENCH", "PUBLIC", "PATIENTS", std::max<int64_t>(1, rows));
  p.ddl = R"(CREATE OR REPLACE TABLE BENCH.PUBLIC.PATIENTS (
  PATIENT_ID NUMBER(38,0) PRIMARY KEY, PATIENT_UUID VARCHAR(36), FIRST_NAME VARCHAR,
  LAST_NAME VARCHAR, BIRTH_DATE DATE, STATUS VARCHAR(16), RISK_SCORE NUMBER(10,4),
  BALANCE NUMBER(18,2), IS_ACTIVE BOOLEAN, CREATED_AT TIMESTAMP_NTZ(9),
  UPDATED_AT TIMESTAMP_TZ(9), ATTRIBUTES VARIANT))";
  p.source = [seed](int64_t i, std::vector<std::optional<std::string>>& f) {
    Rng r(seed, 11, i);
    int64_t created = kBase2023 + i * 13 * 1000000 + r.Range(0, 999999);
    f = {std::to_string(i + 1), Uuid(seed, 11, i)};
    Append(f, Person(r));
    f.push_back(MaybeNull(r, 0.05, Money(r, 1000000, 4)));
    f.push_back(Money(r, 100000000, 2));
    Append(f, PatientTail(r, created));
  };
  out.push_back(std::move(p));

  GeneratedTable w = Named("BENCH", "PUBLIC", "WIDE", std::max<int64_t>(1, rows / 10));
  static const char* kTypes[] = {"NUMBER(18,0)",     "NUMBER(12,2)",   "FLOAT",
                                 "VARCHAR(32)",      "BOOLEAN",        "DATE",
                                 "TIMESTAMP_NTZ(6)", "TIMESTAMP_TZ(3)"};
  w.ddl = "CREATE OR REPLACE TABLE BENCH.PUBLIC.WIDE (ID NUMBER(38,0) PRIMARY KEY";
  for (int c = 1; c < 120; ++c) {
    char name[16];
    std::snprintf(name, sizeof name, "C%03d", c);
    w.ddl += std::string(", ") + name + " " + kTypes[c % 8];
  }
  w.ddl += ")";
  w.source = [seed](int64_t i, std::vector<std::optional<std::string>>& f) {
    Rng r(seed, 12, i);
    f.assign(120, std::nullopt);
    f[0] = std::to_string(i + 1);
    for (int c = 1; c < 120; ++c) {
      if (r.Chance(0.05)) continue;
      switch (c % 8) {
        case 0:
          f[static_cast<size_t>(c)] = std::to_string(r.Range(-1000000000, 1000000000));
          break;
        case 1:
          f[static_cast<size_t>(c)] = Money(r, 99999999, 2);
          break;
        case 2:
          f[static_cast<size_t>(c)] = std::to_string(r.Range(0, 1000000)) + ".25";
          break;
        case 3:
          f[static_cast<size_t>(c)] = "v" + std::to_string(r.Next() % 1000000007ULL);
          break;
        case 4:
          f[static_cast<size_t>(c)] = r.Chance(0.5) ? "true" : "false";
          break;
        case 5:
          f[static_cast<size_t>(c)] = DateText(r.Range(0, 20000));
          break;
        case 6:
          f[static_cast<size_t>(c)] = TimestampText(kBase2023 + r.Range(0, 1000000000) * 1000);
          break;
        default:
          f[static_cast<size_t>(c)] = TimestampText(kBase2023 + r.Range(0, 1000000000) * 1000000) +
                                      " " + OffsetText(r.Pick(kOffsets));
      }
    }
  };
  out.push_back(std::move(w));

  GeneratedTable t = Named("BENCH", "PUBLIC", "BIGTEXT", std::max<int64_t>(1, rows / 100));
  t.ddl =
      "CREATE OR REPLACE TABLE BENCH.PUBLIC.BIGTEXT (ID NUMBER(38,0) PRIMARY KEY, "
      "TITLE VARCHAR(200), BODY VARCHAR, SUMMARY VARCHAR)";
  t.source = [seed](int64_t i, std::vector<std::optional<std::string>>& f) {
    Rng r(seed, 13, i);
    auto text = [&](int64_t bytes) {
      static const char* kWords[] = {"lorem", "ipsum",   "dolor",      "sit",
                                     "amet",  "patient", "visit",      "clinic",
                                     "café",  "naïve",   "\"quoted\"", "line\nbreak"};
      std::string s;
      while (static_cast<int64_t>(s.size()) < bytes) s += std::string(r.Pick(kWords)) + " ";
      return s;
    };
    f = {std::to_string(i + 1), text(r.Range(20, 150)), text(r.Range(2000, 8000)),
         MaybeNull(r, 0.1, text(r.Range(500, 2000)))};
  };
  out.push_back(std::move(t));
  return out;
}

}  // namespace

uint64_t Mix(uint64_t a, uint64_t b) {
  uint64_t z = a ^ (b * kGolden + 0x632be59bd9b4e019ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::vector<GeneratedTable> Dataset(const std::string& dataset, int64_t rows, uint64_t seed) {
  if (dataset == "demo") return Demo(rows, seed);
  if (dataset == "bench") return Bench(rows, seed);
  throw ConfigError("unknown data set '" + dataset + "' (demo or bench)");
}

}  // namespace sf2pg::sfemu
