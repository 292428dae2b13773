// The config hash and the execution hash that decide which runs may be resumed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace sf2pg::config {

/// MD5 (lower-case hex) of `data`.
std::string Md5Hex(std::string_view data);

/// The canonical form of everything that defines *what* a run moves: sources, tables and
/// their keys, filters, watermarks, chunking and batch sizes. Keys are sorted and there is no
/// whitespace, so reordering or reformatting config.json does not change it. Knobs that only
/// change *how* the work is done (parallel_threads, max_retry_attempts,
/// lambda_timeout_buffer_seconds, resume_max_age, memory_limit_mb, statement_timeout_seconds,
/// request_timeout_seconds) are left out, so a run can be resumed with fewer threads after an
/// out-of-memory stop. Credentials are never part of the config.
std::string CanonicalJson(const Config& config);

/// MD5 of CanonicalJson(config).
std::string ConfigHash(const Config& config);

/// MD5 of {"config": config_hash, "sources": [sorted selected source names]}: a run may only
/// be resumed by an execution that selects the same sources.
std::string ExecutionHash(const std::string& config_hash, std::vector<std::string> source_names);

}  // namespace sf2pg::config
