#include "verify/checksum.h"

#include <algorithm>
#include <future>
#include <map>

#include "core/error.h"
#include "core/pg_type.h"
#include "core/quote.h"
#include "core/sf_literal.h"
#include "core/sf_wire.h"
#include "core/strings.h"
#include "postgres/connection.h"

namespace sf2pg::verify {
namespace {

// A key column as compared in `engine`: text in byte order in PostgreSQL.
std::string KeyRef(const KeyColumn& key, Engine engine) {
  if (engine == Engine::kSnowflake) return sf::QuoteIdent(key.source.name);
  std::string ref = pg::QuoteIdent(key.target.name);
  return key.target.type == PgType::kText ? ref + " COLLATE \"C\"" : ref;
}

// (k1, ..., kn) > (v1, ..., vn) (`after`) or (k1, ..., kn) <= (v1, ..., vn), in lexicographic
// order, spelled out: k1 > v1 OR (k1 = v1 AND (k2 > v2 ...)).
std::string Lexicographic(const std::vector<KeyColumn>& keys, const Key& values, bool after,
                          Engine engine, size_t from = 0) {
  std::string k = KeyRef(keys[from], engine);
  std::string v = KeyLiteral(keys[from], values.at(from), engine);
  if (from + 1 == keys.size()) return k + (after ? " > " : " <= ") + v;
  return "(" + k + (after ? " > " : " < ") + v + " OR (" + k + " = " + v + " AND " +
         Lexicographic(keys, values, after, engine, from + 1) + "))";
}

std::string AnyNull(const std::vector<KeyColumn>& keys, Engine engine, bool null) {
  std::string out;
  for (const auto& k : keys) {
    std::string ref = engine == Engine::kSnowflake ? sf::QuoteIdent(k.source.name)
                                                   : pg::QuoteIdent(k.target.name);
    out += (out.empty() ? ""
            : null      ? " OR "
                        : " AND ") +
           ref + (null ? " IS NULL" : " IS NOT NULL");
  }
  return out;
}

std::string BucketOf(const std::vector<KeyRange>& ranges, const std::vector<KeyColumn>& keys,
                     Engine engine, size_t lo, size_t hi) {
  if (lo == hi) return std::to_string(lo);
  size_t mid = lo + (hi - lo) / 2;
  if (ranges[mid].hi.empty()) throw InternalError("a key range open above is not the last one");
  return "CASE WHEN " + Lexicographic(keys, ranges[mid].hi, false, engine) + " THEN " +
         BucketOf(ranges, keys, engine, lo, mid) + " ELSE " +
         BucketOf(ranges, keys, engine, mid + 1, hi) + " END";
}

// Decimal digits without leading zeros ("0" for none).
std::string Digits(const std::string& text) {
  size_t first = text.find_first_not_of('0');
  return first == std::string::npos ? "0" : text.substr(first);
}

// One pass: the checksums of `ranges` on both sides, into their row counts; the indexes of
// those that differ.
class Pass {
 public:
  Pass(SourceStatistics& source, const TableRef& table, const std::vector<KeyColumn>& keys,
       const std::string& source_hash, TargetChecksums& target, ChecksumOutcome* out)
      : source_(source),
        table_(table),
        keys_(keys),
        source_hash_(source_hash),
        target_(target),
        out_(out) {}

  std::vector<size_t> Differing(std::vector<KeyRange>& ranges, bool whole_table) {
    std::string sf_bucket = BucketExpression(ranges, keys_, Engine::kSnowflake);
    std::string pg_bucket = BucketExpression(ranges, keys_, Engine::kPostgres);
    std::string sf_where = whole_table ? "" : AnyRange(ranges, keys_, Engine::kSnowflake);
    std::string pg_where = whole_table ? "" : AnyRange(ranges, keys_, Engine::kPostgres);
    // Both engines sum at the same time: the target on a thread of its own, its connection
    // used by nothing else meanwhile.
    ++out_->source_queries;
    ++out_->target_queries;
    auto on_target =
        std::async(std::launch::async, [&] { return target_.Checksums(pg_bucket, pg_where); });
    std::vector<RangeChecksum> source_sums;
    try {
      source_sums = source_.RangeChecksums(table_, sf_bucket, sf_where, source_hash_);
    } catch (...) {
      on_target.wait();
      throw;
    }
    auto t = ByBucket(on_target.get(), ranges, "target");
    auto s = ByBucket(source_sums, ranges, "source");
    out_->ranges += static_cast<int>(ranges.size());
    std::vector<size_t> differing;
    for (size_t i = 0; i < ranges.size(); ++i) {
      ranges[i].source_rows = s[i].rows;
      ranges[i].target_rows = t[i].rows;
      if (s[i].rows != t[i].rows || Digits(s[i].sum) != Digits(t[i].sum)) differing.push_back(i);
    }
    return differing;
  }

 private:
  static std::vector<RangeChecksum> ByBucket(const std::vector<RangeChecksum>& answer,
                                             const std::vector<KeyRange>& ranges,
                                             const char* side) {
    std::vector<RangeChecksum> out(ranges.size(), RangeChecksum{0, 0, "0"});
    std::vector<bool> seen(ranges.size(), false);
    for (const auto& r : answer) {
      if (r.bucket < 0 || static_cast<size_t>(r.bucket) >= ranges.size() ||
          seen[static_cast<size_t>(r.bucket)]) {
        throw InternalError(std::string("the ") + side + "'s checksums name key range " +
                            std::to_string(r.bucket) + " of " + std::to_string(ranges.size()) +
                            " (or name it twice)");
      }
      seen[static_cast<size_t>(r.bucket)] = true;
      out[static_cast<size_t>(r.bucket)] = r;
    }
    return out;
  }

  SourceStatistics& source_;
  const TableRef& table_;
  const std::vector<KeyColumn>& keys_;
  const std::string& source_hash_;
  TargetChecksums& target_;
  ChecksumOutcome* out_;
};

Key Values(const std::vector<Cell>& row, size_t from) {
  Key key;
  for (size_t i = from; i < row.size(); ++i) {
    // The boundaries are read from rows whose key columns are all non-NULL.
    if (!row[i]) throw InternalError("a key boundary is NULL");
    key.push_back(*row[i]);
  }
  return key;
}

}  // namespace

std::string KeyProblem(const KeyColumn& key) {
  const std::string& type = key.source.type;
  std::string what = "key column " + key.source.name + " (" + type + " as " +
                     (key.target.sql_type.empty() ? "?" : key.target.sql_type) + ")";
  if (type == "fixed") {
    if (IsIntegerType(key.target.type) || key.target.type == PgType::kNumeric) return "";
    return what + ": a number is compared only as an integer or numeric target column";
  }
  if (type == "text") {
    if (key.target.type != PgType::kText) return what + ": text needs a text target column";
    std::string t = Lower(key.target.sql_type);
    if (t.starts_with("character(") || t.starts_with("char(") || t == "bpchar" ||
        t.starts_with("character (")) {
      return what + ": character(n) compares without trailing spaces, unlike Snowflake";
    }
    return "";
  }
  if (type == "date") {
    return key.target.type == PgType::kDate ? "" : what + ": a date needs a date target column";
  }
  if (type == "timestamp_ntz") {
    return key.target.type == PgType::kTimestamp
               ? ""
               : what + ": a timestamp_ntz needs a timestamp target column";
  }
  return what +
         ": key ranges are compared over integer, decimal, text, date and timestamp_ntz "
         "keys only";
}

std::string KeyLiteral(const KeyColumn& key, const std::string& wire, Engine engine) {
  std::string checked = SnowflakeLiteral(wire, key.source);  // refuses unparsable wire text
  const std::string& type = key.source.type;
  if (type == "fixed") return "(" + checked + ")";
  if (engine == Engine::kSnowflake) return checked;
  if (type == "text") return pg::QuoteLiteral(wire);
  char text[sfwire::kMaxFormatted];
  if (type == "date") {
    int64_t days = 0;
    if (!sfwire::ParseDays(wire, &days)) throw DataError("not a date: " + wire);
    size_t n = sfwire::FormatDate(days, sfwire::Style::kPostgres, text);
    return pg::QuoteLiteral({text, n}) + "::date";
  }
  if (type == "timestamp_ntz") {
    sfwire::Seconds value;
    if (!sfwire::ParseSeconds(wire, &value)) throw DataError("not a timestamp: " + wire);
    size_t n = sfwire::FormatTimestamp(value, 0, false, sfwire::Fraction::kNine,
                                       sfwire::Style::kPostgres, text);
    return pg::QuoteLiteral({text, n}) + "::timestamp";
  }
  throw DataError("column " + key.source.name + ": " + type + " cannot bound a key range");
}

std::string RangePredicate(const std::vector<KeyColumn>& keys, const KeyRange& range,
                           Engine engine) {
  if (keys.empty()) return range.null_keys ? "FALSE" : "TRUE";
  if (range.null_keys) return "(" + AnyNull(keys, engine, true) + ")";
  std::string out = AnyNull(keys, engine, false);
  if (!range.lo.empty()) out += " AND " + Lexicographic(keys, range.lo, true, engine);
  if (!range.hi.empty()) out += " AND " + Lexicographic(keys, range.hi, false, engine);
  return "(" + out + ")";
}

std::string AnyRange(const std::vector<KeyRange>& ranges, const std::vector<KeyColumn>& keys,
                     Engine engine) {
  std::string out;
  for (const auto& r : ranges) out += (out.empty() ? "" : " OR ") + RangePredicate(keys, r, engine);
  return out.empty() ? "FALSE" : "(" + out + ")";
}

std::string BucketExpression(const std::vector<KeyRange>& ranges,
                             const std::vector<KeyColumn>& keys, Engine engine) {
  if (ranges.empty()) throw InternalError("no key ranges to compare");
  if (keys.empty()) {
    if (ranges.size() != 1) throw InternalError("without a key the table is one range");
    return "0";
  }
  size_t n = ranges.size();
  bool nulls = ranges.back().null_keys;
  if (nulls) --n;
  for (size_t i = 0; i < n; ++i) {
    if (ranges[i].null_keys) throw InternalError("the NULL key range must be the last one");
  }
  if (n == 0) return "0";
  std::string inner = BucketOf(ranges, keys, engine, 0, n - 1);
  if (!nulls) return inner;
  return "CASE WHEN " + AnyNull(keys, engine, true) + " THEN " + std::to_string(n) + " ELSE " +
         inner + " END";
}

std::vector<KeyRange> Split(const KeyRange& range, const std::vector<Key>& bounds) {
  std::vector<KeyRange> out;
  Key lo = range.lo;
  for (const auto& b : bounds) {
    if (b == lo || (!range.hi.empty() && b == range.hi)) continue;
    if (!out.empty() && b == out.back().hi) continue;
    KeyRange r;
    r.lo = lo;
    r.hi = b;
    r.depth = range.depth + 1;
    out.push_back(r);
    lo = b;
  }
  KeyRange last;
  last.lo = lo;
  last.hi = range.hi;
  last.depth = range.depth + 1;
  out.push_back(last);
  return out;
}

std::vector<RangeChecksum> PgChecksums::Checksums(const std::string& bucket,
                                                  const std::string& predicate) {
  std::string sql = "SELECT (" + bucket + ")::bigint, count(*), sum(" + row_hash_ +
                    ")::text FROM " + table_ + (predicate.empty() ? "" : " WHERE " + predicate) +
                    " GROUP BY 1 ORDER BY 1";
  auto r = conn_.Exec(sql);
  std::vector<RangeChecksum> out;
  for (int i = 0; i < r.rows(); ++i) {
    if (r.IsNull(i, 0) || r.IsNull(i, 2)) throw InternalError("a NULL checksum from " + sql);
    out.push_back({r.GetInt(i, 0), r.GetInt(i, 1), std::string(r.Get(i, 2))});
  }
  return out;
}

ChecksumOutcome CompareChecksums(SourceStatistics& source, const TableRef& table,
                                 const std::vector<KeyColumn>& keys, const std::string& source_hash,
                                 TargetChecksums& target, int64_t source_rows,
                                 const ChecksumOptions& options) {
  ChecksumOutcome out;
  Pass pass(source, table, keys, source_hash, target, &out);
  std::vector<std::string> names;
  for (const auto& k : keys) names.push_back(k.source.name);

  // The first pass: the whole table, cut on every n-th key.
  std::vector<KeyRange> ranges;
  if (keys.empty()) {
    ranges.push_back(KeyRange{});
  } else {
    std::vector<Key> bounds;
    int64_t every = std::max<int64_t>(
        std::max<int64_t>(1, options.leaf_rows / 2),
        (source_rows + options.initial_ranges - 1) / std::max(1, options.initial_ranges));
    if (source_rows > every) {
      ++out.source_queries;
      for (const auto& row : source.KeyBoundaries(
               table, names, AnyNull(keys, Engine::kSnowflake, false), "", every)) {
        if (row.size() != keys.size()) throw InternalError("a key boundary of the wrong width");
        bounds.push_back(Values(row, 0));
      }
    }
    ranges = Split(KeyRange{}, bounds);
    for (auto& r : ranges) r.depth = 0;
    KeyRange nulls;
    nulls.null_keys = true;
    ranges.push_back(nulls);
  }
  std::vector<size_t> differing = pass.Differing(ranges, true);
  for (const auto& r : ranges) {
    out.source_rows += r.source_rows;
    out.target_rows += r.target_rows;
  }

  // Cut the differing ranges until they are small enough.
  for (;;) {
    std::vector<KeyRange> cut;
    for (size_t i : differing) {
      const KeyRange& r = ranges[i];
      bool small = r.source_rows <= options.leaf_rows;
      if (keys.empty() || r.null_keys || small || r.depth >= options.max_depth) {
        if (!keys.empty() && !r.null_keys && !small) {
          out.note = "ranges cut " + std::to_string(options.max_depth) +
                     " times are compared row by row as they are";
        }
        out.differing.push_back(r);
      } else {
        cut.push_back(r);
      }
    }
    if (cut.empty()) break;
    if (static_cast<int>(cut.size()) > options.max_bisect) {
      out.note = std::to_string(cut.size()) +
                 " ranges differ in one pass: they are compared row by row without cutting them";
      out.differing.insert(out.differing.end(), cut.begin(), cut.end());
      break;
    }
    // The boundaries within each range to cut, numbered per range, in one statement.
    int64_t largest = 0;
    for (const auto& r : cut) largest = std::max(largest, r.source_rows);
    int64_t every = std::max<int64_t>(1, (largest + options.fanout - 1) / options.fanout);
    ++out.source_queries;
    auto rows = source.KeyBoundaries(table, names, AnyRange(cut, keys, Engine::kSnowflake),
                                     BucketExpression(cut, keys, Engine::kSnowflake), every);
    std::map<size_t, std::vector<Key>> bounds;
    for (const auto& row : rows) {
      if (row.size() != keys.size() + 1 || !row[0]) {
        throw InternalError("a key boundary of the wrong width");
      }
      size_t b = static_cast<size_t>(std::stoll(*row[0]));
      if (b >= cut.size()) throw InternalError("a key boundary in no range: " + *row[0]);
      bounds[b].push_back(Values(row, 1));
    }
    std::vector<KeyRange> next;
    for (size_t i = 0; i < cut.size(); ++i) {
      auto parts = Split(cut[i], bounds[i]);
      if (parts.size() < 2) {
        out.differing.push_back(cut[i]);  // no key to cut it at: compared as it is
        continue;
      }
      ++out.bisected;
      next.insert(next.end(), parts.begin(), parts.end());
    }
    if (next.empty()) break;
    ranges = std::move(next);
    differing = pass.Differing(ranges, false);
  }
  std::stable_sort(
      out.differing.begin(), out.differing.end(),
      [](const KeyRange& a, const KeyRange& b) { return !a.null_keys && b.null_keys; });
  return out;
}

}  // namespace sf2pg::verify
