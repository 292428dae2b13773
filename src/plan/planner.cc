#include "plan/planner.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "core/error.h"
#include "plan/sql.h"

namespace sf2pg::plan {
namespace {

using Row = std::vector<std::optional<std::string>>;
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

ChunkSpec MakeChunk(std::string predicate, int64_t rows) {
  ChunkSpec c;
  c.predicate = std::move(predicate);
  c.estimated_rows = rows;
  return c;
}

int64_t ToInt(const std::optional<std::string>& v) {
  if (!v) return 0;
  int64_t out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc()) throw InternalError("expected a count, got \"" + *v + "\"");
  (void)p;
  return out;
}

// A decimal value as a scaled 128-bit integer (NUMBER(38,s) fits: 10^38 < 2^127).
Int128 ToScaled(std::string_view wire, int scale) {
  bool negative = !wire.empty() && wire.front() == '-';
  if (negative) wire.remove_prefix(1);
  Int128 v = 0;
  int fraction_digits = -1;
  for (char c : wire) {
    if (c == '.') {
      fraction_digits = 0;
      continue;
    }
    if (c < '0' || c > '9') throw InternalError("not a decimal: " + std::string(wire));
    v = v * 10 + (c - '0');
    if (fraction_digits >= 0) ++fraction_digits;
  }
  for (int i = std::max(fraction_digits, 0); i < scale; ++i) v *= 10;
  return negative ? -v : v;
}

std::string FromScaled(Int128 v, int scale) {
  bool negative = v < 0;
  UInt128 u = negative ? static_cast<UInt128>(-v) : static_cast<UInt128>(v);
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
  Planner(const TableInput& t, QueryRunner& runner) : t_(t), runner_(runner) {
    where0_ = {t.filter, t.floor};
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
    std::string strategy = t_.strategy;
    if (strategy == "auto") strategy = Choose();
    if (strategy == "single") return Single("single strategy requested");
    if (strategy == "offset") return Offset();
    if (strategy == "grouped_values") return Grouped();
    if (strategy == "key_range") return KeyRange();
    if (strategy == "numeric_range" || strategy == "date_range") return Histogram(strategy);
    throw InternalError("unknown chunking strategy " + strategy);
  }

 private:
  QueryResult Query(const std::string& sql) {
    ++plan_.queries;
    return runner_.Query(sql);
  }

  std::string From() const { return " FROM " + t_.qualified_name; }
  std::string Where(const std::vector<std::string>& more) const {
    std::vector<std::string> all = where0_;
    all.insert(all.end(), more.begin(), more.end());
    std::string w = And(all);
    return w.empty() ? "" : " WHERE " + w;
  }

  // The strategy for `auto`, from the first chunking column's kind (the seed tool's rule).
  std::string Choose() {
    if (t_.chunking.empty()) {
      plan_.reason = unique_ ? "no chunking columns; ranges of the uniqueness columns"
                             : "no chunking columns and no key; LIMIT/OFFSET over all columns";
      return unique_ ? "key_range" : "offset";
    }
    switch (t_.chunking_kinds.front()) {
      case KeyKind::kNumeric:
        plan_.reason = "numeric chunking column " + t_.chunking.front().name;
        return "numeric_range";
      case KeyKind::kDate:
        plan_.reason = "date/timestamp chunking column " + t_.chunking.front().name;
        return "date_range";
      case KeyKind::kText:
        plan_.reason = "text/UUID chunking column " + t_.chunking.front().name +
                       "; key ranges computed once instead of OFFSET scans";
        return "key_range";
    }
    return "offset";
  }

  int64_t Count() {
    auto r = Query("SELECT COUNT(*) AS \"N\"" + From() + Where({}));
    return r.rows.empty() ? 0 : ToInt(r.rows[0][0]);
  }

  Plan Finish(std::string strategy) {
    plan_.strategy = std::move(strategy);
    return std::move(plan_);
  }

  Plan Single(const std::string& why) {
    // A forced single strategy takes the whole table, whatever its size.
    if (plan_.queries == 0) FitsOneChunk(Count());
    if (plan_.reason.find("up to date") == std::string::npos) {
      plan_.reason = why + " (" + std::to_string(plan_.total_rows) + " rows, batch " +
                     std::to_string(batch_) + ")";
    }
    if (plan_.total_rows > 0) plan_.chunks.push_back(MakeChunk("", plan_.total_rows));
    return Finish("single");
  }

  // Small tables end in one chunk whatever the strategy.
  bool FitsOneChunk(int64_t total) {
    plan_.total_rows = total;
    batch_ = EvenBatch(t_, total);
    if (total == t_.up_to_date_rows) {
      // Every source row at or above the watermark is already in the target: rows sharing the
      // largest watermark are counted on both sides, so a new one would change the count.
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
    return Finish("offset");
  }

  // Key boundaries of rows matching `range`: every batch_size-th key in key order, computed by
  // one sorted scan on the source. When `partition_expr` is set, numbering restarts at each
  // value of it, and each returned row starts with that value.
  std::vector<Row> Boundaries(const std::vector<SourceColumn>& keys, const std::string& range,
                              const std::string& partition_expr) {
    std::string cols, order;
    for (const auto& k : keys) {
      cols += (cols.empty() ? "" : ", ") + sf::QuoteIdent(k.name);
    }
    std::string select = partition_expr.empty() ? cols : partition_expr + " AS \"B\", " + cols;
    std::string outer = partition_expr.empty() ? cols : "\"B\", " + cols;
    std::string over =
        (partition_expr.empty() ? "" : "PARTITION BY " + partition_expr + " ") + "ORDER BY " + cols;
    std::string sql = "SELECT " + outer + " FROM (SELECT " + select + ", ROW_NUMBER() OVER (" +
                      over + ") AS \"RN\"" + From() + Where({range}) + ") WHERE MOD(\"RN\", " +
                      std::to_string(batch_) + ") = 0 ORDER BY " + outer;
    return Query(sql).rows;
  }

  // Splits rows matching `range` at `bounds` (key tuples, wire text): (-inf, b1], (b1, b2],
  // ..., (bn, +inf), each also bounded by `range`.
  void AddKeyChunks(const std::vector<SourceColumn>& keys, const std::string& range,
                    const std::vector<std::vector<std::string>>& bounds, int64_t rows) {
    size_t n = bounds.size() + 1;
    for (size_t i = 0; i < n; ++i) {
      ChunkSpec c;
      std::vector<std::string> parts = {range};
      if (i > 0) {
        parts.push_back(KeyAfter(keys, bounds[i - 1], false));
        c.lower = parts.back();
      }
      if (i < bounds.size()) {
        parts.push_back(KeyBefore(keys, bounds[i], true));
        c.upper = parts.back();
      }
      c.predicate = And(parts);
      c.estimated_rows =
          i < bounds.size()
              ? batch_
              : std::max<int64_t>(0, rows - static_cast<int64_t>(bounds.size()) * batch_);
      plan_.chunks.push_back(c);
    }
  }

  // Rows matching `range` (`rows` of them), as chunks of at most batch_size rows: one chunk,
  // or key-bounded chunks, or LIMIT/OFFSET windows when there is no key to split on.
  void SplitRange(const std::vector<SourceColumn>& keys, const std::string& range, int64_t rows) {
    if (rows <= batch_) {
      plan_.chunks.push_back(MakeChunk(range, rows));
      return;
    }
    if (keys.empty()) {
      for (int64_t off = 0; off < rows; off += batch_) {
        bool last = off + batch_ >= rows;
        ChunkSpec c = MakeChunk(range, std::min(batch_, rows - off));
        c.limit = last ? -1 : batch_;
        c.offset = off;
        c.lower = "OFFSET " + std::to_string(off);
        plan_.chunks.push_back(c);
      }
      return;
    }
    std::vector<std::vector<std::string>> bounds;
    for (const auto& row : Boundaries(keys, range, "")) bounds.push_back(Values(row, 0));
    AddKeyChunks(keys, range, bounds, rows);
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

  // Keys without the first (chunking) column: the tail that orders rows sharing a value.
  std::vector<SourceColumn> NullKeys() const {
    return unique_ ? t_.uniqueness : std::vector<SourceColumn>{};
  }

  void AddNullChunks(int64_t nulls) {
    if (nulls <= 0) return;
    std::string is_null = sf::QuoteIdent(t_.chunking.front().name) + " IS NULL";
    size_t before = plan_.chunks.size();
    SplitRange(NullKeys(), is_null, nulls);
    for (size_t i = before; i < plan_.chunks.size(); ++i) {
      if (plan_.chunks[i].lower.empty()) plan_.chunks[i].lower = is_null;
    }
  }

  Plan KeyRange() {
    if (keys_.empty()) throw InternalError("key_range needs chunking or uniqueness columns");
    const SourceColumn& first = keys_.front();
    auto stats = Query("SELECT COUNT(*) AS \"N\", COUNT(" + sf::QuoteIdent(first.name) +
                       ") AS \"NN\"" + From() + Where({}));
    int64_t total = ToInt(stats.rows[0][0]);
    int64_t non_null = ToInt(stats.rows[0][1]);
    if (FitsOneChunk(total)) return Single("table fits in one chunk");
    if (plan_.reason.empty()) plan_.reason = "key ranges requested";
    std::string not_null = sf::QuoteIdent(first.name) + " IS NOT NULL";
    SplitRange(keys_, not_null, non_null);
    if (!t_.chunking.empty()) AddNullChunks(total - non_null);
    return Finish("key_range");
  }

  Plan Grouped() {
    const SourceColumn& c = t_.chunking.front();
    std::string col = sf::QuoteIdent(c.name);
    auto r = Query("SELECT " + col + ", COUNT(*) AS \"N\"" + From() + Where({}) + " GROUP BY " +
                   col + " ORDER BY " + col);
    int64_t total = 0;
    for (const auto& row : r.rows) total += ToInt(row[1]);
    if (FitsOneChunk(total)) return Single("table fits in one chunk");
    if (plan_.reason.empty()) plan_.reason = "grouped values requested: IN lists of whole values";
    constexpr size_t kMaxInList = 1000;
    std::vector<std::string> group;
    int64_t group_rows = 0;
    auto flush = [&] {
      if (group.empty()) return;
      std::string in;
      for (const auto& v : group) in += (in.empty() ? "" : ", ") + v;
      ChunkSpec chunk = MakeChunk(col + " IN (" + in + ")", group_rows);
      chunk.lower = group.front();
      chunk.upper = group.back();
      plan_.chunks.push_back(chunk);
      group.clear();
      group_rows = 0;
    };
    int64_t nulls = 0;
    for (const auto& row : r.rows) {
      int64_t n = ToInt(row[1]);
      if (!row[0]) {
        nulls = n;
        continue;
      }
      std::string lit = Literal(c, *row[0]);
      if (n > batch_) {  // a value too big for one chunk is split on the key
        flush();
        SplitRange(NullKeys(), col + " = " + lit, n);
        continue;
      }
      if (group_rows + n > batch_ || group.size() >= kMaxInList) flush();
      group.push_back(lit);
      group_rows += n;
    }
    flush();
    AddNullChunks(nulls);
    return Finish("grouped_values");
  }

  // numeric_range and date_range: a histogram in one query, buckets merged up to batch_size,
  // buckets denser than batch_size split on the key in one more query.
  Plan Histogram(const std::string& strategy) {
    const SourceColumn& c = t_.chunking.front();
    std::string col = sf::QuoteIdent(c.name);
    auto stats = Query("SELECT COUNT(*) AS \"N\", COUNT(" + col + ") AS \"NN\", MIN(" + col +
                       ") AS \"LO\", MAX(" + col + ") AS \"HI\"" + From() + Where({}));
    const Row& s = stats.rows.at(0);
    int64_t total = ToInt(s[0]);
    int64_t non_null = ToInt(s[1]);
    if (FitsOneChunk(total)) return Single("table fits in one chunk");
    if (plan_.reason.empty()) plan_.reason = strategy + " requested";

    std::string bucket_expr;
    std::vector<Bucket> buckets;
    if (non_null > 0) {
      buckets = strategy == "date_range" ? DateBuckets(c, &bucket_expr)
                                         : NumericBuckets(c, *s[2], *s[3], non_null, &bucket_expr);
    }
    MergeBuckets(c, buckets, bucket_expr);
    AddNullChunks(total - non_null);
    return Finish(strategy);
  }

  std::vector<Bucket> NumericBuckets(const SourceColumn& c, const std::string& lo_wire,
                                     const std::string& hi_wire, int64_t rows, std::string* expr) {
    std::string col = sf::QuoteIdent(c.name);
    // About 8 buckets per chunk, so merging can even out skew; at most 100,000.
    int64_t want = std::clamp<int64_t>((rows / batch_ + 1) * 8, 1, 100000);
    std::vector<Bucket> out;
    if (c.type == "fixed") {
      int scale = c.scale;
      Int128 lo = ToScaled(lo_wire, scale), hi = ToScaled(hi_wire, scale);
      Int128 width = (hi - lo) / want + 1;
      std::string lo_text = FromScaled(lo, scale), width_text = FromScaled(width, scale);
      *expr = "FLOOR((" + col + " - " + lo_text + ") / " + width_text + ")";
      auto r = Query("SELECT " + *expr + " AS \"B\", COUNT(*) AS \"N\"" + From() +
                     Where({col + " IS NOT NULL"}) + " GROUP BY 1 ORDER BY 1");
      for (const auto& row : r.rows) {
        Int128 b = ToScaled(*row[0], 0);
        out.push_back({*row[0], FromScaled(lo + b * width, scale), ToInt(row[1])});
      }
    } else {  // real
      long double lo = std::strtold(lo_wire.c_str(), nullptr);
      long double hi = std::strtold(hi_wire.c_str(), nullptr);
      if (!std::isfinite(lo) || !std::isfinite(hi) || hi <= lo) {
        // NaN/infinite bounds or a single value: no usable histogram, split on the key.
        *expr = "";
        out.push_back({"", "", rows});
        return out;
      }
      long double width = (hi - lo) / static_cast<long double>(want) * (1 + 1e-9L);
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17Lg", lo);
      std::string lo_text = buf;
      std::snprintf(buf, sizeof buf, "%.17Lg", width);
      *expr = "FLOOR((" + col + " - " + lo_text + "::FLOAT) / " + buf + "::FLOAT)";
      auto r = Query("SELECT " + *expr + " AS \"B\", COUNT(*) AS \"N\"" + From() +
                     Where({col + " IS NOT NULL"}) + " GROUP BY 1 ORDER BY 1");
      for (const auto& row : r.rows) {
        long double b = std::strtold(row[0]->c_str(), nullptr);
        std::snprintf(buf, sizeof buf, "%.17Lg", lo + b * width);
        out.push_back({*row[0], std::string(buf) + "::FLOAT", ToInt(row[1])});
      }
    }
    return out;
  }

  std::vector<Bucket> DateBuckets(const SourceColumn& c, std::string* expr) {
    std::string col = sf::QuoteIdent(c.name);
    *expr = c.type == "date" ? col : "DATE_TRUNC('DAY', " + col + ")";
    auto r = Query("SELECT " + *expr + " AS \"D\", COUNT(*) AS \"N\"" + From() +
                   Where({col + " IS NOT NULL"}) + " GROUP BY 1 ORDER BY 1");
    std::vector<Bucket> out;
    SourceColumn edge = c;
    if (!r.columns.empty()) edge = r.columns[0];  // DATE_TRUNC keeps the column's type
    for (const auto& row : r.rows) out.push_back({*row[0], Literal(edge, *row[0]), ToInt(row[1])});
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
        plan_.chunks.push_back(chunk);
      } else if (bucket_expr.empty()) {
        SplitRange(keys_, range, groups[g].rows);
      } else {
        AddKeyChunks(keys_, range, dense_bounds[b.id], groups[g].rows);
      }
    }
  }

  const TableInput& t_;
  int64_t batch_ = t_.batch_size;  ///< rows per chunk, at most t_.batch_size
  QueryRunner& runner_;
  std::vector<std::string> where0_;  // filter and floor
  std::vector<SourceColumn> keys_;
  std::vector<SourceColumn> order_keys_;
  bool unique_ = false;
  Plan plan_;
};

}  // namespace

Plan PlanTable(const TableInput& table, QueryRunner& runner) {
  if (table.batch_size < 1) throw InternalError("batch_size must be positive");
  if (table.chunking.size() != table.chunking_kinds.size()) {
    throw InternalError("one kind per chunking column expected");
  }
  return Planner(table, runner).Run();
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

std::string ChunkQuery(const TableInput& table, const std::vector<std::string>& columns,
                       const std::string& order_by, const ChunkSpec& chunk) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < columns.size(); ++i) sql += (i ? ", " : "") + sf::QuoteIdent(columns[i]);
  sql += " FROM " + table.qualified_name;
  std::string where = And({table.filter, table.floor, chunk.predicate});
  if (!where.empty()) sql += " WHERE " + where;
  if (!order_by.empty()) sql += " ORDER BY " + order_by;
  if (chunk.limit >= 0) sql += " LIMIT " + std::to_string(chunk.limit);
  if (chunk.offset > 0) {
    if (chunk.limit < 0) sql += " LIMIT NULL";  // Snowflake needs LIMIT before OFFSET
    sql += " OFFSET " + std::to_string(chunk.offset);
  }
  return sql;
}

}  // namespace sf2pg::plan
