#include "plan/planner.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include "core/error.h"
#include "plan/sql.h"

namespace sf2pg::plan {
namespace {

using Row = std::vector<Cell>;
using Strategy = config::ChunkingStrategy;
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

ChunkSpec MakeChunk(std::string predicate, int64_t rows) {
  ChunkSpec c;
  c.predicate = std::move(predicate);
  c.estimated_rows = rows;
  return c;
}

// A decimal value as a scaled 128-bit integer: any NUMBER(38,s) fits (10^38 < 2^127). Empty
// when the text is not a plain decimal, has more fraction digits than `scale`, or has more
// than 38 digits once scaled (a DECFLOAT, say).
std::optional<Int128> ToScaled(std::string_view wire, int scale) {
  bool negative = !wire.empty() && wire.front() == '-';
  if (negative) wire.remove_prefix(1);
  if (wire.empty() || scale < 0 || scale > 38) return std::nullopt;
  Int128 v = 0;
  int digits = 0;
  int fraction_digits = -1;
  for (char c : wire) {
    if (c == '.' && fraction_digits < 0) {
      fraction_digits = 0;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    if (v != 0 || c != '0') ++digits;
    if (digits > 38) return std::nullopt;
    v = v * 10 + (c - '0');
    if (fraction_digits >= 0) ++fraction_digits;
  }
  if (fraction_digits > scale) return std::nullopt;
  for (int i = std::max(fraction_digits, 0); i < scale; ++i) {
    if (v != 0 && ++digits > 38) return std::nullopt;
    v *= 10;
  }
  return negative ? -v : v;
}

std::string FromScaled(Int128 v, int scale) {
  bool negative = v < 0;
  UInt128 u = negative ? -static_cast<UInt128>(v) : static_cast<UInt128>(v);
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  } while (u > 0);
  if (scale > 0) {
    if (digits.size() <= static_cast<size_t>(scale)) {
      digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(scale), ".");
  }
  return (negative ? "-" : "") + digits;
}

// A double as a FLOAT literal that goes through no NUMBER: '1e+38'::FLOAT (a bare 1e+38 could
// be read as a 39-digit NUMBER).
std::string FloatLiteral(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "'%.17g'::FLOAT", v);
  return buf;
}

// A non-empty histogram bucket: rows whose bucket expression equals `id`, starting at the
// SQL literal `lower`.
struct Bucket {
  std::string id;     // wire text of the bucket expression
  std::string lower;  // SQL literal of the bucket's lower edge (inclusive)
  int64_t count = 0;
};

// Rows per chunk for a table of `total` rows: batch_size, or less when that would leave
// workers idle, but never below min_split_rows (a chunk costs a statement and a commit).
int64_t EvenBatch(const TableInput& t, int64_t total) {
  if (t.parallelism <= 1 || total <= t.min_split_rows) return t.batch_size;
  int64_t even = (total + t.parallelism - 1) / t.parallelism;
  return std::min(t.batch_size, std::max(even, t.min_split_rows));
}

class Planner {
 public:
  Planner(const TableInput& t, SourceStatistics& source) : t_(t), source_(source) {
    // Deterministic order: chunking columns, then uniqueness columns not already listed.
    for (const auto& c : t.chunking) keys_.push_back(c);
    for (const auto& u : t.uniqueness) {
      if (std::none_of(keys_.begin(), keys_.end(),
                       [&](const SourceColumn& k) { return k.name == u.name; })) {
        keys_.push_back(u);
      }
    }
    unique_ = !t.uniqueness.empty();
    if (keys_.empty())
      order_keys_ = t.all_columns;  // offset without a key: every column
    else
      order_keys_ = keys_;
    for (const auto& k : order_keys_) {
      if (!plan_.order_by.empty()) plan_.order_by += ", ";
      plan_.order_by += sf::QuoteIdent(k.name);
    }
  }

  Plan Run() {
    if (t_.up_to_date_rows >= 0 && !t_.newer_than_target.empty()) {
      // A row whose watermark moved past the target's newest one keeps the count of rows at
      // or above the floor unchanged (an update of the newest row): only when no such row
      // exists can equal counts mean that nothing is new.
      ++plan_.queries;
      int64_t newer = source_.CountWhere(t_.table, t_.newer_than_target);
      up_to_date_rows_ = newer != 0 ? -1 : t_.up_to_date_rows;
    }
    Strategy strategy = t_.strategy == Strategy::kAuto ? Choose() : t_.strategy;
    switch (strategy) {
      case Strategy::kSingle:
        return Single("single strategy requested");
      case Strategy::kOffset:
        return Offset();
      case Strategy::kGroupedValues:
        return Grouped();
      case Strategy::kKeyRange:
        return KeyRange();
      case Strategy::kNumericRange:
      case Strategy::kDateRange:
        return Histogram(strategy);
      case Strategy::kAuto:
        break;
    }
    throw InternalError("unknown chunking strategy " + ToString(strategy));
  }

 private:
  ColumnStats Stats(const SourceColumn& column, bool min_max) {
    ++plan_.queries;
    return source_.Stats(t_.table, column.name, min_max);
  }
  ValueCounts CountByValue(const std::string& expression, const std::string& predicate) {
    ++plan_.queries;
    return source_.CountByValue(t_.table, expression, predicate);
  }

  // The strategy for `auto`, from the first chunking column's kind (the seed tool's rule).
  Strategy Choose() {
    if (t_.chunking.empty()) {
      plan_.reason = unique_ ? "no chunking columns; ranges of the uniqueness columns"
                             : "no chunking columns and no key; LIMIT/OFFSET over all columns";
      return unique_ ? Strategy::kKeyRange : Strategy::kOffset;
    }
    switch (t_.chunking_kinds.front()) {
      case KeyKind::kNumeric:
        plan_.reason = "numeric chunking column " + t_.chunking.front().name;
        return Strategy::kNumericRange;
      case KeyKind::kDate:
        plan_.reason = "date/timestamp chunking column " + t_.chunking.front().name;
        return Strategy::kDateRange;
      case KeyKind::kText:
        plan_.reason = "text/UUID chunking column " + t_.chunking.front().name +
                       "; key ranges computed once instead of OFFSET scans";
        return Strategy::kKeyRange;
    }
    return Strategy::kOffset;
  }

  int64_t Count() {
    ++plan_.queries;
    return source_.Count(t_.table);
  }

  Plan Finish(Strategy strategy) {
    plan_.strategy = strategy;
    CheckPlan(plan_);
    return std::move(plan_);
  }

  Plan Single(const std::string& why) {
    // A forced single strategy takes the whole table, whatever its size.
    if (!counted_) FitsOneChunk(Count());
    if (plan_.reason.find("up to date") == std::string::npos) {
      plan_.reason = why + " (" + std::to_string(plan_.total_rows) + " rows, batch " +
                     std::to_string(batch_) + ")";
    }
    if (plan_.total_rows > 0) plan_.chunks.push_back(MakeChunk("", plan_.total_rows));
    return Finish(Strategy::kSingle);
  }

  // Small tables end in one chunk whatever the strategy.
  bool FitsOneChunk(int64_t total) {
    counted_ = true;
    plan_.total_rows = total;
    batch_ = EvenBatch(t_, total);
    if (total == up_to_date_rows_) {
      // Every source row at or above the watermark is already in the target: rows sharing the
      // largest watermark are counted on both sides, so a new one would change the count, and
      // no source row is newer than the target's newest.
      plan_.reason = "up to date: the " + std::to_string(total) +
                     " source rows at or above the watermark are all in the target";
      plan_.total_rows = 0;
      return true;
    }
    return total <= batch_;
  }

  Plan Offset() {
    if (FitsOneChunk(Count())) return Single("table fits in one chunk");
    if (plan_.reason.empty()) plan_.reason = "offset strategy requested";
    int64_t n = (plan_.total_rows + batch_ - 1) / batch_;
    for (int64_t i = 0; i < n; ++i) {
      ChunkSpec c;
      c.offset = i * batch_;
      // The last chunk has no LIMIT, so rows added after planning are not lost.
      c.limit = i + 1 < n ? batch_ : -1;
      c.estimated_rows = std::min(batch_, plan_.total_rows - c.offset);
      c.lower = "OFFSET " + std::to_string(c.offset);
      plan_.chunks.push_back(c);
    }
    return Finish(Strategy::kOffset);
  }

  // Key boundaries of rows matching `range`: every batch_size-th key in key order, computed by
  // one sorted scan on the source. When `partition_expr` is set, numbering restarts at each
  // value of it, and each returned row starts with that value.
  std::vector<Row> Boundaries(const std::vector<SourceColumn>& keys, const std::string& range,
                              const std::string& partition_expr) {
    std::vector<std::string> names;
    for (const auto& k : keys) names.push_back(k.name);
    ++plan_.queries;
    return source_.KeyBoundaries(t_.table, names, range, partition_expr, batch_);
  }

  // Splits rows matching `range` (the cell `cell`) at `bounds` (key tuples, wire text, in key
  // order): (-inf, b1], (b1, b2], ..., (bn, +inf), each also bounded by `range`. Repeated
  // boundaries (keys that are not unique) are dropped: they would only bound empty chunks.
  void AddKeyChunks(const std::vector<SourceColumn>& keys, const std::string& range,
                    const ChunkBounds& cell, std::vector<std::vector<std::string>> bounds,
                    int64_t rows) {
    bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
    auto literals = [&](const std::vector<std::string>& wire) {
      std::vector<std::string> out;
      for (size_t k = 0; k < keys.size(); ++k) out.push_back(Literal(keys[k], wire.at(k)));
      return out;
    };
    size_t n = bounds.size() + 1;
    for (size_t i = 0; i < n; ++i) {
      ChunkSpec c;
      c.bounds = cell;
      std::vector<std::string> parts = {range};
      if (i > 0) {
        parts.push_back(KeyAfter(keys, bounds[i - 1], false));
        c.lower = parts.back();
        c.bounds.key_lo = {literals(bounds[i - 1]), false};
      }
      if (i < bounds.size()) {
        parts.push_back(KeyBefore(keys, bounds[i], true));
        c.upper = parts.back();
        c.bounds.key_hi = {literals(bounds[i]), true};
      }
      c.predicate = And(parts);
      c.estimated_rows =
          i < bounds.size()
              ? batch_
              : std::max<int64_t>(0, rows - static_cast<int64_t>(bounds.size()) * batch_);
      plan_.chunks.push_back(c);
    }
  }

  // Rows matching `range` (the cell `cell`, `rows` of them), as chunks of at most batch_size
  // rows: one chunk, or key-bounded chunks. Without a key there is no deterministic order to
  // window rows that share their chunking values, so they stay in one chunk.
  void SplitRange(const std::vector<SourceColumn>& keys, const std::string& range,
                  const ChunkBounds& cell, int64_t rows) {
    if (rows <= batch_ || keys.empty()) {
      ChunkSpec c = MakeChunk(range, rows);
      c.bounds = cell;
      plan_.chunks.push_back(c);
      return;
    }
    std::vector<std::vector<std::string>> bounds;
    for (const auto& row : Boundaries(keys, range, "")) bounds.push_back(Values(row, 0));
    AddKeyChunks(keys, range, cell, std::move(bounds), rows);
  }

  static std::vector<std::string> Values(const Row& row, size_t from) {
    std::vector<std::string> out;
    for (size_t i = from; i < row.size(); ++i) {
      if (!row[i])
        throw InternalError("a key boundary is NULL; uniqueness columns must not be NULL");
      out.push_back(*row[i]);
    }
    return out;
  }

  // Keys that order rows sharing a value of the first key column: the rest of the key, when
  // there is a uniqueness key.
  std::vector<SourceColumn> NullKeys() const {
    if (!unique_) return {};
    return std::vector<SourceColumn>(keys_.begin() + 1, keys_.end());
  }

  // Rows whose first key column is NULL: a cell of their own.
  void AddNullChunks(int64_t nulls) {
    if (nulls <= 0) return;
    std::string is_null = sf::QuoteIdent(keys_.front().name) + " IS NULL";
    ChunkBounds cell;
    cell.cell = "null";
    size_t before = plan_.chunks.size();
    SplitRange(NullKeys(), is_null, cell, nulls);
    for (size_t i = before; i < plan_.chunks.size(); ++i) {
      if (plan_.chunks[i].lower.empty()) plan_.chunks[i].lower = is_null;
    }
  }

  Plan KeyRange() {
    if (keys_.empty()) throw InternalError("key_range needs chunking or uniqueness columns");
    const SourceColumn& first = keys_.front();
    ColumnStats stats = Stats(first, false);
    int64_t total = stats.rows;
    int64_t non_null = stats.non_null;
    plan_.null_rows = total - non_null;
    if (FitsOneChunk(total)) return Single("table fits in one chunk");
    if (plan_.reason.empty()) plan_.reason = "key ranges requested";
    std::string not_null = sf::QuoteIdent(first.name) + " IS NOT NULL";
    ChunkBounds cell;
    cell.cell = "range";
    SplitRange(keys_, not_null, cell, non_null);
    AddNullChunks(total - non_null);
    return Finish(Strategy::kKeyRange);
  }

  Plan Grouped() {
    const SourceColumn& c = t_.chunking.front();
    std::string col = sf::QuoteIdent(c.name);
    ValueCounts r = CountByValue(col, "");
    int64_t total = 0;
    for (const auto& v : r.values) {
      total += v.rows;
      if (!v.value) plan_.null_rows += v.rows;
    }
    if (FitsOneChunk(total)) return Single("table fits in one chunk");
    if (plan_.reason.empty()) plan_.reason = "grouped values requested: ranges of whole values";
    // Consecutive values merged up to the batch, each chunk a range from its first value to
    // the next chunk's first (the first open below, the last open above), so a value added
    // after planning, e.g. while a resumable run waits, still falls in exactly one chunk. A
    // value with more rows than the batch is split on the key.
    std::vector<Bucket> buckets;
    for (const auto& v : r.values) {
      if (v.value) buckets.push_back({*v.value, Literal(c, *v.value), v.rows});
    }
    MergeBuckets(c, buckets, col);
    AddNullChunks(plan_.null_rows);
    return Finish(Strategy::kGroupedValues);
  }

  // numeric_range and date_range: a histogram in one query, buckets merged up to batch_size,
  // buckets denser than batch_size split on the key in one more query.
  Plan Histogram(Strategy strategy) {
    const SourceColumn& c = t_.chunking.front();
    std::string col = sf::QuoteIdent(c.name);
    ColumnStats s = Stats(c, true);
    int64_t total = s.rows;
    int64_t non_null = s.non_null;
    plan_.null_rows = total - non_null;
    if (FitsOneChunk(total)) return Single("table fits in one chunk");
    if (plan_.reason.empty()) plan_.reason = ToString(strategy) + " requested";

    std::string bucket_expr;
    std::vector<Bucket> buckets;
    if (non_null > 0) {
      if (!s.min || !s.max) throw InternalError("MIN/MAX of " + col + " is NULL for non-NULL rows");
      buckets = strategy == Strategy::kDateRange
                    ? DateBuckets(c, &bucket_expr)
                    : NumericBuckets(c, *s.min, *s.max, non_null, &bucket_expr);
    }
    MergeBuckets(c, buckets, bucket_expr);
    AddNullChunks(total - non_null);
    return Finish(strategy);
  }

  // No histogram: all non-NULL values in one bucket, split on key boundaries (ROW_NUMBER, no
  // arithmetic on the values).
  std::vector<Bucket> KeyFallback(const std::string& why, int64_t rows, std::string* expr) {
    plan_.reason += "; key-range boundaries (ROW_NUMBER) instead of a histogram: " + why;
    *expr = "";
    return {{"", "", rows}};
  }

  // Buckets of `width` from `lo` numbered by Snowflake: `ids` are the wire texts of the bucket
  // numbers (ascending), `edge(b)` the SQL literal of the lower edge of bucket b in [0,
  // max_b]. A bucket number only sizes chunks (chunk bounds are the edges), so one out of
  // [0, max_b] by rounding is clamped into it, and buckets whose edges coincide are merged.
  template <typename EdgeFn>
  static std::vector<Bucket> Clamped(const ValueCounts& counts, double max_b, EdgeFn edge) {
    std::vector<Bucket> out;
    double last = -1;
    for (const auto& v : counts.values) {
      if (!v.value) throw InternalError("a histogram bucket number is NULL");
      double b = std::strtod(v.value->c_str(), nullptr);
      if (std::isnan(b))
        throw InternalError("a histogram bucket number is not a number: " + *v.value);
      b = std::clamp(std::floor(b), 0.0, max_b);
      if (!out.empty() && b <= last) {
        out.back().count += v.rows;
        continue;
      }
      std::string lower = edge(b);
      if (!out.empty() && lower == out.back().lower) {
        out.back().count += v.rows;
        continue;
      }
      out.push_back({*v.value, lower, v.rows});
      last = b;
    }
    return out;
  }

  std::vector<Bucket> NumericBuckets(const SourceColumn& c, const std::string& lo_wire,
                                     const std::string& hi_wire, int64_t rows, std::string* expr) {
    std::string col = sf::QuoteIdent(c.name);
    // About 8 buckets per chunk, so merging can even out skew; at most 100,000.
    int64_t want = std::clamp<int64_t>((rows / batch_ + 1) * 8, 1, 100000);
    auto histogram = [&](const std::string& e) {
      *expr = e;
      return CountByValue(e, col + " IS NOT NULL");
    };
    if (c.type == "fixed") {
      // Edges in exact integer arithmetic in units of the column's scale: the span of a
      // NUMBER(38,s) needs 39 digits, so it is unsigned (< 2^128) and every edge lo + b * width
      // lies in [lo, hi]. Snowflake numbers the buckets in FLOAT, which cannot overflow where
      // NUMBER arithmetic would (col - lo of two NUMBER(38) values can exceed 38 digits).
      int scale = c.scale;
      auto lo = ToScaled(lo_wire, scale), hi = ToScaled(hi_wire, scale);
      if (!lo || !hi || *hi < *lo) {
        return KeyFallback("MIN " + lo_wire + " and MAX " + hi_wire + " are not exact NUMBER(38," +
                               std::to_string(scale) + ") bounds",
                           rows, expr);
      }
      UInt128 span = static_cast<UInt128>(*hi) - static_cast<UInt128>(*lo);
      UInt128 width = span / static_cast<UInt128>(want) + 1;
      double unit = std::pow(10.0, -scale);
      auto as_double = [&](Int128 v) { return static_cast<double>(v) * unit; };
      auto r = histogram("FLOOR((" + col + "::FLOAT - " + FloatLiteral(as_double(*lo)) + ") / " +
                         FloatLiteral(static_cast<double>(width) * unit) + ")");
      plan_.reason += "; histogram edges in exact decimal arithmetic (scale " +
                      std::to_string(scale) + "), bucket numbers in FLOAT";
      return Clamped(r, static_cast<double>(span / width), [&](double b) {
        UInt128 offset = static_cast<UInt128>(b) * width;  // <= span
        return FromScaled(static_cast<Int128>(static_cast<UInt128>(*lo) + offset), scale);
      });
    }
    if (c.type != "real")
      return KeyFallback(c.type + " values allow no safe arithmetic", rows, expr);
    double lo = std::strtod(lo_wire.c_str(), nullptr);
    double hi = std::strtod(hi_wire.c_str(), nullptr);
    // Snowflake sorts NaN above +inf, so a NaN anywhere makes MAX NaN.
    if (!std::isfinite(lo) || !std::isfinite(hi)) {
      return KeyFallback("NaN or infinite FLOAT values", rows, expr);
    }
    if (hi <= lo) return KeyFallback("a single value", rows, expr);
    constexpr double kLargest = 1e300;  // col - lo and the edges stay finite below this
    if (std::fabs(lo) > kLargest || std::fabs(hi) > kLargest) {
      return KeyFallback("FLOAT values beyond 1e300 could overflow FLOAT arithmetic", rows, expr);
    }
    double width = (hi - lo) / static_cast<double>(want) * (1 + 1e-9);
    if (!(width > 0) || !std::isfinite(width)) {
      return KeyFallback("the FLOAT span cannot be divided into buckets", rows, expr);
    }
    auto r =
        histogram("FLOOR((" + col + " - " + FloatLiteral(lo) + ") / " + FloatLiteral(width) + ")");
    plan_.reason += "; FLOAT histogram";
    return Clamped(r, std::floor((hi - lo) / width), [&](double b) {
      // Edges must increase: one that rounds to the previous edge is merged into it.
      return FloatLiteral(lo + b * width);
    });
  }

  std::vector<Bucket> DateBuckets(const SourceColumn& c, std::string* expr) {
    std::string col = sf::QuoteIdent(c.name);
    *expr = c.type == "date" ? col : "DATE_TRUNC('DAY', " + col + ")";
    ValueCounts r = CountByValue(*expr, col + " IS NOT NULL");
    std::vector<Bucket> out;
    // DATE_TRUNC keeps the column's type; a source that reports none keeps the column's.
    SourceColumn edge = r.type.type.empty() ? c : r.type;
    for (const auto& v : r.values) {
      if (!v.value) throw InternalError("a histogram day is NULL");
      out.push_back({*v.value, Literal(edge, *v.value), v.rows});
    }
    return out;
  }

  // Chunks over consecutive buckets: [edge of first bucket, edge of the next chunk's first
  // bucket). The first chunk is open below and the last open above, so every value, even one
  // added after planning, falls in exactly one chunk.
  void MergeBuckets(const SourceColumn& c, const std::vector<Bucket>& buckets,
                    const std::string& bucket_expr) {
    if (buckets.empty()) return;
    std::string col = sf::QuoteIdent(c.name);
    struct Group {
      size_t first, last;
      int64_t rows;
    };
    std::vector<Group> groups;
    for (size_t i = 0; i < buckets.size(); ++i) {
      bool dense = buckets[i].count > batch_;
      if (!groups.empty() && !dense && buckets[groups.back().last].count <= batch_ &&
          groups.back().rows + buckets[i].count <= batch_) {
        groups.back().last = i;
        groups.back().rows += buckets[i].count;
      } else {
        groups.push_back({i, i, buckets[i].count});
      }
    }
    auto cell_of = [&](size_t g) {
      ChunkBounds cell;
      cell.cell = "range";
      if (g > 0) cell.lo = {{buckets[groups[g].first].lower}, true};
      if (g + 1 < groups.size()) cell.hi = {{buckets[groups[g + 1].first].lower}, false};
      return cell;
    };
    auto range_of = [&](size_t g) {
      std::vector<std::string> parts;
      if (g > 0) parts.push_back(col + " >= " + buckets[groups[g].first].lower);
      if (g + 1 < groups.size()) parts.push_back(col + " < " + buckets[groups[g + 1].first].lower);
      if (parts.empty()) parts.push_back(col + " IS NOT NULL");
      return parts;
    };
    // Dense buckets are split on the key; their boundaries come from one query for all.
    std::map<std::string, std::vector<std::vector<std::string>>> dense_bounds;
    std::vector<std::string> dense_ranges;
    for (size_t g = 0; g < groups.size(); ++g) {
      if (groups[g].rows > batch_) dense_ranges.push_back(And(range_of(g)));
    }
    if (!dense_ranges.empty() && !bucket_expr.empty()) {
      std::string any;
      for (const auto& r : dense_ranges) any += (any.empty() ? "(" : " OR (") + r + ")";
      for (const auto& row : Boundaries(keys_, any, bucket_expr)) {
        dense_bounds[row[0].value_or("")].push_back(Values(row, 1));
      }
    }
    for (size_t g = 0; g < groups.size(); ++g) {
      auto parts = range_of(g);
      std::string range = And(parts);
      const Bucket& b = buckets[groups[g].first];
      if (groups[g].rows <= batch_) {
        ChunkSpec chunk = MakeChunk(range, groups[g].rows);
        chunk.lower = g > 0 ? parts.front() : "";
        chunk.upper = g + 1 < groups.size() ? parts.back() : "";
        chunk.bounds = cell_of(g);
        plan_.chunks.push_back(chunk);
      } else if (bucket_expr.empty()) {
        SplitRange(keys_, range, cell_of(g), groups[g].rows);
      } else {
        AddKeyChunks(keys_, range, cell_of(g), dense_bounds[b.id], groups[g].rows);
      }
    }
  }

  const TableInput& t_;
  int64_t batch_ = t_.batch_size;  ///< rows per chunk, at most t_.batch_size
  bool counted_ = false;           ///< FitsOneChunk has seen the row count
  int64_t up_to_date_rows_ = -1;   ///< t_.up_to_date_rows once confirmed, else -1
  SourceStatistics& source_;
  std::vector<SourceColumn> keys_;
  std::vector<SourceColumn> order_keys_;
  bool unique_ = false;
  Plan plan_;
};

// A decimal literal split for exact comparison: sign, integer digits without leading zeros,
// fraction digits without trailing zeros.
struct Decimal {
  bool negative = false;
  std::string whole, fraction;
};

std::optional<Decimal> ParseDecimal(std::string_view s) {
  Decimal d;
  if (!s.empty() && s.front() == '-') {
    d.negative = true;
    s.remove_prefix(1);
  }
  size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : s.substr(dot + 1);
  auto digits = [](std::string_view t) {
    return std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole.empty() || !digits(whole) || !digits(fraction)) return std::nullopt;
  while (!whole.empty() && whole.front() == '0') whole.remove_prefix(1);
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  d.whole = whole;
  d.fraction = fraction;
  if (d.whole.empty() && d.fraction.empty()) d.negative = false;  // -0 is 0
  return d;
}

int CompareDecimals(const Decimal& a, const Decimal& b) {
  if (a.negative != b.negative) return a.negative ? -1 : 1;
  int m = 0;
  if (a.whole.size() != b.whole.size()) {
    m = a.whole.size() < b.whole.size() ? -1 : 1;
  } else if (int c = a.whole.compare(b.whole); c != 0) {
    m = c < 0 ? -1 : 1;
  } else if (int f = a.fraction.compare(b.fraction); f != 0) {
    m = f < 0 ? -1 : 1;
  }
  return a.negative ? -m : m;
}

// A FLOAT literal (a number, or 'text'::FLOAT) as a double.
std::optional<double> ParseFloatLiteral(std::string_view s) {
  constexpr std::string_view kCast = "::FLOAT";
  if (s.ends_with(kCast)) {
    s.remove_suffix(kCast.size());
    if (s.size() < 2 || s.front() != '\'' || s.back() != '\'') return std::nullopt;
    s = s.substr(1, s.size() - 2);
  }
  std::string text(s);
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return v;
}

// The order of two SQL literals when both are numbers: plain decimals exactly, FLOAT literals
// as doubles with NaN above everything (Snowflake's order). Empty when they cannot be compared
// here (text, dates, ...).
std::optional<int> CompareLiterals(const std::string& a, const std::string& b) {
  auto da = ParseDecimal(a), db = ParseDecimal(b);
  if (da && db) return CompareDecimals(*da, *db);
  auto fa = ParseFloatLiteral(a), fb = ParseFloatLiteral(b);
  if (!fa || !fb) return std::nullopt;
  if (std::isnan(*fa) || std::isnan(*fb)) {
    return std::isnan(*fa) == std::isnan(*fb) ? 0 : (std::isnan(*fa) ? 1 : -1);
  }
  return *fa < *fb ? -1 : (*fa > *fb ? 1 : 0);
}

std::optional<int> CompareTuples(const std::vector<std::string>& a,
                                 const std::vector<std::string>& b) {
  if (a.size() != b.size()) return std::nullopt;
  for (size_t i = 0; i < a.size(); ++i) {
    auto c = CompareLiterals(a[i], b[i]);
    if (!c) return std::nullopt;
    if (*c != 0) return c;
  }
  return 0;
}

std::string Describe(const Bound& b, bool lower) {
  if (b.open()) return lower ? "unbounded below" : "unbounded above";
  std::string v;
  for (const auto& x : b.values) v += (v.empty() ? "" : ", ") + x;
  if (b.values.size() > 1) v = "(" + v + ")";
  return std::string(lower ? (b.inclusive ? ">= " : "> ") : (b.inclusive ? "<= " : "< ")) + v;
}

std::string Describe(const ChunkBounds& c) {
  std::string out = c.cell;
  if (c.cell == "range") out += " [" + Describe(c.lo, true) + ", " + Describe(c.hi, false) + "]";
  return out;
}

[[noreturn]] void Violation(const Plan& plan, const std::string& what) {
  throw InternalError("the " + ToString(plan.strategy) +
                      " chunk plan is not a partition of the table (a bug in the planner; "
                      "nothing was loaded): " +
                      what);
}

// Ranges (lo, hi) that must tile their space: open below first, open above last, each upper
// bound the next lower one with exactly one of them inclusive, numbers increasing.
void CheckChain(const Plan& plan, const std::string& what,
                const std::vector<std::pair<Bound, Bound>>& ranges) {
  if (!ranges.front().first.open()) {
    Violation(plan, what + ": the first is " + Describe(ranges.front().first, true));
  }
  if (!ranges.back().second.open()) {
    Violation(plan, what + ": the last is " + Describe(ranges.back().second, false));
  }
  for (size_t i = 0; i < ranges.size(); ++i) {
    const auto& [lo, hi] = ranges[i];
    std::string which = what + ": #" + std::to_string(i + 1) + " of " +
                        std::to_string(ranges.size()) + " [" + Describe(lo, true) + ", " +
                        Describe(hi, false) + "]";
    if (i > 0 && lo.open()) Violation(plan, which + " is unbounded below but not first");
    if (i + 1 < ranges.size()) {
      const Bound& next = ranges[i + 1].first;
      if (hi.open()) Violation(plan, which + " is unbounded above but not last");
      if (next.open() || next.values != hi.values) {
        Violation(plan, which + " is not followed by a range starting at its upper bound (next: " +
                            Describe(next, true) + "): a gap or an overlap");
      }
      if (hi.inclusive == next.inclusive) {
        Violation(
            plan,
            which + (hi.inclusive ? " and the next both include " : " and the next both exclude ") +
                Describe(next, true) + (hi.inclusive ? ": an overlap" : ": a gap"));
      }
    }
    if (!lo.open() && !hi.open()) {
      auto c = CompareTuples(lo.values, hi.values);
      if (c && (*c > 0 || (*c == 0 && !(lo.inclusive && hi.inclusive)))) {
        Violation(plan, which + " is empty: its bounds do not increase");
      }
    }
  }
}

}  // namespace

void CheckPlan(const Plan& plan) {
  const auto& chunks = plan.chunks;
  if (chunks.empty()) {
    if (plan.total_rows > 0) {
      Violation(plan, "no chunk for " + std::to_string(plan.total_rows) + " rows");
    }
    return;
  }
  auto same_cell = [](const ChunkBounds& a, const ChunkBounds& b) {
    return a.cell == b.cell && a.lo == b.lo && a.hi == b.hi;
  };
  struct Cell {
    size_t first, last;
  };
  std::vector<Cell> cells;
  for (size_t i = 0; i < chunks.size(); ++i) {
    if (!cells.empty() && same_cell(chunks[cells.back().first].bounds, chunks[i].bounds)) {
      cells.back().last = i;
      continue;
    }
    for (const auto& c : cells) {
      if (same_cell(chunks[c.first].bounds, chunks[i].bounds)) {
        Violation(plan, "cell " + Describe(chunks[i].bounds) + " appears in chunks " +
                            std::to_string(c.first + 1) + " and " + std::to_string(i + 1));
      }
    }
    cells.push_back({i, i});
  }

  int all = 0, nulls = 0;
  std::vector<std::pair<Bound, Bound>> ranges;
  for (const auto& cell : cells) {
    const ChunkBounds& b = chunks[cell.first].bounds;
    std::string name = "cell " + Describe(b);
    // Within the cell: LIMIT/OFFSET windows one after the other, or chained key ranges.
    bool windows = false;
    for (size_t i = cell.first; i <= cell.last; ++i) {
      windows = windows || chunks[i].limit >= 0 || chunks[i].offset > 0;
    }
    if (windows) {
      int64_t expected = 0;
      for (size_t i = cell.first; i <= cell.last; ++i) {
        const ChunkSpec& c = chunks[i];
        std::string which = name + ", window " + std::to_string(i - cell.first + 1);
        if (!c.bounds.key_lo.open() || !c.bounds.key_hi.open()) {
          Violation(plan, which + " has both key bounds and LIMIT/OFFSET");
        }
        if (c.offset != expected) {
          Violation(plan, which + " starts at OFFSET " + std::to_string(c.offset) + ", not " +
                              std::to_string(expected));
        }
        bool last = i == cell.last;
        if (last && c.limit != -1) Violation(plan, which + " is the last but has a LIMIT");
        if (!last && c.limit <= 0) Violation(plan, which + " is not the last but has no LIMIT");
        expected += c.limit;
      }
    } else {
      std::vector<std::pair<Bound, Bound>> keys;
      for (size_t i = cell.first; i <= cell.last; ++i) {
        keys.emplace_back(chunks[i].bounds.key_lo, chunks[i].bounds.key_hi);
      }
      CheckChain(plan, "key ranges of " + name, keys);
    }
    if (b.cell == "all") {
      ++all;
    } else if (b.cell == "null") {
      ++nulls;
    } else if (b.cell == "range") {
      ranges.emplace_back(b.lo, b.hi);
    } else {
      Violation(plan, "unknown " + name);
    }
  }
  if (all > 0) {
    if (cells.size() != 1) Violation(plan, "an unbounded cell alongside other cells");
    return;
  }
  if (plan.null_rows > 0 && nulls == 0) {
    Violation(plan, std::to_string(plan.null_rows) + " NULL rows counted but no chunk for NULLs");
  }
  if (!ranges.empty()) CheckChain(plan, "ranges of the first key column", ranges);
  if (ranges.empty() && plan.total_rows > plan.null_rows) {
    Violation(plan, "no chunk for the non-NULL rows");
  }
}

Plan PlanTable(const TableInput& table, SourceStatistics& source) {
  if (table.batch_size < 1) throw InternalError("batch_size must be positive");
  if (table.chunking.size() != table.chunking_kinds.size()) {
    throw InternalError("one kind per chunking column expected");
  }
  return Planner(table, source).Run();
}

KeyKind KindOfColumn(const SourceColumn& column) {
  const std::string& t = column.type;
  if (t == "fixed" || t == "real" || t == "decfloat") return KeyKind::kNumeric;
  if (t == "date" || t.starts_with("timestamp")) return KeyKind::kDate;
  return KeyKind::kText;
}

bool KindOfConfigType(const std::string& type, KeyKind* kind) {
  static const std::map<std::string, KeyKind> kKinds = {
      {"int", KeyKind::kNumeric},        {"integer", KeyKind::kNumeric},
      {"bigint", KeyKind::kNumeric},     {"smallint", KeyKind::kNumeric},
      {"number", KeyKind::kNumeric},     {"numeric", KeyKind::kNumeric},
      {"decimal", KeyKind::kNumeric},    {"float", KeyKind::kNumeric},
      {"double", KeyKind::kNumeric},     {"real", KeyKind::kNumeric},
      {"date", KeyKind::kDate},          {"timestamp", KeyKind::kDate},
      {"datetime", KeyKind::kDate},      {"timestamp_ntz", KeyKind::kDate},
      {"timestamp_ltz", KeyKind::kDate}, {"timestamp_tz", KeyKind::kDate},
      {"varchar", KeyKind::kText},       {"text", KeyKind::kText},
      {"string", KeyKind::kText},        {"char", KeyKind::kText},
      {"uuid", KeyKind::kText}};
  auto it = kKinds.find(type);
  if (it == kKinds.end()) return false;
  *kind = it->second;
  return true;
}

ChunkRequest ChunkRead(const TableInput& table, const std::vector<std::string>& columns,
                       const std::string& order_by, const ChunkSpec& chunk) {
  ChunkRequest request;
  request.table = table.table;
  request.columns = columns;
  request.predicate = chunk.predicate;
  request.order_by = order_by;
  request.limit = chunk.limit;
  request.offset = chunk.offset;
  return request;
}

}  // namespace sf2pg::plan
