// delete_mode's narrowing: the key ranges in which the source's keys and the target's may
// differ, found with the checksum method's key-range checksums (checksum.h) over the key
// columns alone, so that the delete chunk reads the keys of those ranges only, not the whole
// key set. Wired into the engine by app/ (exec::MigrationDeps::vanished_ranges).
#pragma once

#include "core/source.h"
#include "exec/load_session.h"
#include "plan/table_job.h"
#include "postgres/connection.h"
#include "verify/checksum.h"

namespace sf2pg::verify {

/// The key ranges of `job`'s table (within its source_filter, whatever the incremental floor)
/// whose keys differ between `source` and the target on `target`; with delete_mode soft, the
/// target's marked rows do not count. `all` (every key is read) when the key has no exact
/// canonical text or order in both engines, `none` when the checksums of every range agree.
exec::KeyRanges VanishedKeyRanges(postgres::Connection& target, const plan::TableJob& job,
                                  Source& source, const ChecksumOptions& options = {});

}  // namespace sf2pg::verify
