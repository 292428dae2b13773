// Fault injection: added latency, HTTP 429/500/503/403, lost responses, slow statements
// (answered 202), statement timeouts (408), connections reset in the middle of a partition
// body and truncated gzip bodies. Each kind has a rate; targeted rules fail the next N
// statements (or partitions) whose SQL matches a regex. Decisions come from one seeded
// generator, so a run with the same seed and the same request order injects the same faults.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <regex>
#include <string>
#include <vector>

namespace sf2pg::sfemu {

/// What to do to one request or response. kNone lets it through.
enum class FaultAction {
  kNone,
  kHttp429,
  kHttp500,
  kHttp503,
  kHttp403,
  kLostResponse,   ///< run the statement, then answer 500 (the client must retry with retry=true)
  kSlow,           ///< add slow_ms of execution time
  kTimeout,        ///< fail the statement as if it reached its timeout (408, 000630)
  kSqlError,       ///< fail the statement with the rule's code and message (422)
  kReset,          ///< send part of the partition body, then close the connection
  kTruncatedGzip,  ///< send a gzip body cut short (with a matching Content-Length)
};

std::string FaultName(FaultAction action);

struct FaultRule {
  std::string match;  ///< ECMAScript regex searched in the statement text
  std::regex compiled;
  int times = 1;  ///< how many more times it fires (-1 = always)
  FaultAction action = FaultAction::kSqlError;
  bool on_partition = false;  ///< applies to partition fetches instead of submissions
  int partition = -1;         ///< only this partition (-1 = any)
  std::string code = "000603";
  std::string sql_state = "XX000";
  std::string message = "SQL execution internal error: injected by sfemu";
};

struct FaultConfig {
  uint64_t seed = 1;
  int64_t latency_ms = 0;
  int64_t retry_after_seconds = 1;
  int64_t slow_ms = 2000;
  std::map<FaultAction, double> rates;
  std::vector<FaultRule> rules;
};

/// Parses the JSON of POST /sfemu/faults (see README.md); throws ConfigError.
FaultConfig ParseFaultConfig(const nlohmann::json& json);
nlohmann::json FaultConfigJson(const FaultConfig& config);
/// Parses a --fault-rate value "kind=rate" into `config`; throws ConfigError.
void ApplyFaultRate(FaultConfig& config, const std::string& spec);

/// The decisions. Thread-safe.
class FaultInjector {
 public:
  explicit FaultInjector(FaultConfig config);
  void Reset(FaultConfig config);
  FaultConfig config() const;

  int64_t LatencyMs() const;
  int64_t RetryAfterSeconds() const;
  int64_t SlowMs() const;
  /// For a statement submission: the first matching rule, else a rate-based fault among
  /// 429, 500, 503, 403, lost_response, slow and timeout.
  FaultAction OnSubmit(const std::string& sql, FaultRule* rule_out);
  /// For a status or partition fetch: 429/500/503 and, for partitions >= 1, reset and
  /// truncated_gzip.
  FaultAction OnFetch(const std::string& sql, int partition, FaultRule* rule_out);
  /// Counts an injected fault (stats).
  void Count(FaultAction action);
  void Count(const std::string& name);
  std::map<std::string, int64_t> Counts() const;

 private:
  bool Draw(FaultAction action);
  std::optional<FaultRule> MatchRule(const std::string& sql, bool partition_fetch, int partition);

  mutable std::mutex mu_;
  FaultConfig config_;
  std::mt19937_64 rng_;
  std::map<std::string, int64_t> counts_;
};

}  // namespace sf2pg::sfemu
