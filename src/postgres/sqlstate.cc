#include "postgres/sqlstate.h"

namespace sf2pg::postgres {

Retry ClassifySqlState(std::string_view sqlstate, bool connecting) {
  if (sqlstate.empty()) {
    // No SQLSTATE: the server is unreachable or the connection dropped.
    return connecting ? Retry::kCall : Retry::kChunk;
  }
  if (sqlstate == "53300" || sqlstate == "57P03") {  // too many connections; starting up
    return connecting ? Retry::kCall : Retry::kChunk;
  }
  if (sqlstate.starts_with("08")) return connecting ? Retry::kCall : Retry::kChunk;
  if (sqlstate == "40001" || sqlstate == "40P01") return Retry::kChunk;  // serialization, deadlock
  if (sqlstate == "57P01" || sqlstate == "57P02") return Retry::kChunk;  // admin/crash shutdown
  if (sqlstate == "55P03") return Retry::kChunk;                         // lock not available
  if (sqlstate == "53100" || sqlstate == "53200") return Retry::kChunk;  // disk full, OOM
  if (sqlstate == "57014") return Retry::kChunk;                         // query canceled
  if (sqlstate == "XX000" || sqlstate == "58000" || sqlstate == "58030") return Retry::kChunk;
  return Retry::kNever;  // 22xxx data, 23xxx constraints, 42xxx syntax/privileges, 28xxx auth
}

}  // namespace sf2pg::postgres
