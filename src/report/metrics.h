// CloudWatch Embedded Metric Format (EMF): log lines that CloudWatch Logs turns into metrics by
// itself, so operators get graphs and alarms of a Lambda deployment without parsing logs.
// Namespace sf2pg; per table the dimensions Source and Table, for the whole invocation none.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "exec/migration.h"

namespace sf2pg::report {

/// The EMF documents of one invocation: one per table that it worked on, then one for the
/// invocation as a whole. Metrics (all of this invocation): Rows, RowsPerSecond,
/// ChunksCompleted, ChunksFailed, Retries and BytesRead. `timestamp_ms` is milliseconds since
/// the Unix epoch.
std::vector<nlohmann::json> MetricDocuments(const exec::MigrationResult& result,
                                            int64_t timestamp_ms);

}  // namespace sf2pg::report
