#include "verify/vanished.h"

#include <algorithm>

#include "core/quote.h"
#include "postgres/target_table.h"
#include "verify/canonical.h"

namespace sf2pg::verify {

exec::KeyRanges VanishedKeyRanges(postgres::Connection& target, const plan::TableJob& job,
                                  Source& source, const ChecksumOptions& options) {
  exec::KeyRanges out;  // every key, unless the checksums can narrow it
  std::vector<KeyColumn> keys;
  std::vector<CanonicalColumn> canonical;
  for (const auto& u : job.plan_input.uniqueness) {
    auto it = std::find(job.source_columns.begin(), job.source_columns.end(), u.name);
    if (it == job.source_columns.end()) {
      out.how = "key column " + u.name + " is not loaded";
      return out;
    }
    keys.push_back({u, job.targets[static_cast<size_t>(it - job.source_columns.begin())]});
    if (std::string problem = KeyProblem(keys.back()); !problem.empty()) {
      out.how = problem;
      return out;
    }
    // A range bound with digits 7-9 becomes a microsecond literal in PostgreSQL, so a row near
    // it could fall in another range on each side; its key would then look gone. Deletes do not
    // take that chance: every key is read.
    if (u.type == "timestamp_ntz" && u.scale > 6) {
      out.how = "key column " + u.name + " holds nanoseconds; range bounds would be rounded";
      return out;
    }
    canonical.push_back(Canonical(u, keys.back().target));
    if (!canonical.back().row_by_row.empty()) {
      out.how = "key column " + u.name + ": " + canonical.back().row_by_row;
      return out;
    }
  }
  if (keys.empty()) return out;

  TableRef ref = job.plan_input.table;
  ref.floor.clear();  // every key of the source, not only the new rows'
  std::string table = postgres::Qualified(job.target_schema, job.target_table);
  if (job.table->delete_mode == config::DeleteMode::kSoft) {
    table = "(SELECT * FROM " + table + " WHERE " + pg::QuoteIdent(job.table->soft_delete_column) +
            " IS NULL) AS sf2pg_alive";
  }
  PgChecksums sums(target, table, PostgresRowHash(canonical));
  ChecksumOutcome o = CompareChecksums(source, ref, keys, SnowflakeRowHash(canonical), sums,
                                       source.Count(ref), options);
  out.all = false;
  if (o.differing.empty()) {
    out.none = true;
    out.how = "the checksums of the keys agree in all " + std::to_string(o.ranges) + " key ranges";
    return out;
  }
  out.source = AnyRange(o.differing, keys, Engine::kSnowflake);
  out.target = AnyRange(o.differing, keys, Engine::kPostgres);
  out.how = std::to_string(o.differing.size()) + " key ranges differ (of " +
            std::to_string(o.ranges) + " compared)";
  return out;
}

}  // namespace sf2pg::verify
