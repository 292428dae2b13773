#include "faults.h"

#include <stdexcept>

#include "core/error.h"

namespace sf2pg::sfemu {
namespace {

const std::map<std::string, FaultAction>& Names() {
  static const std::map<std::string, FaultAction> kNames = {
      {"429", FaultAction::kHttp429},
      {"500", FaultAction::kHttp500},
      {"503", FaultAction::kHttp503},
      {"403", FaultAction::kHttp403},
      {"lost_response", FaultAction::kLostResponse},
      {"slow", FaultAction::kSlow},
      {"timeout", FaultAction::kTimeout},
      {"422", FaultAction::kSqlError},
      {"reset", FaultAction::kReset},
      {"truncated_gzip", FaultAction::kTruncatedGzip}};
  return kNames;
}

FaultAction ParseAction(const std::string& name) {
  auto it = Names().find(name);
  if (it == Names().end()) throw ConfigError("unknown fault kind '" + name + "'");
  return it->second;
}

bool BodyFault(FaultAction a) {
  return a == FaultAction::kReset || a == FaultAction::kTruncatedGzip;
}

}  // namespace

std::string FaultName(FaultAction action) {
  for (const auto& [name, a] : Names()) {
    if (a == action) return name;
  }
  return "none";
}

FaultConfig ParseFaultConfig(const nlohmann::json& j) {
  if (!j.is_object()) throw ConfigError("the fault configuration must be a JSON object");
  FaultConfig c;
  c.seed = j.value("seed", static_cast<uint64_t>(1));
  c.latency_ms = j.value("latency_ms", static_cast<int64_t>(0));
  c.retry_after_seconds = j.value("retry_after_seconds", static_cast<int64_t>(1));
  c.slow_ms = j.value("slow_ms", static_cast<int64_t>(2000));
  if (j.contains("rates")) {
    if (!j["rates"].is_object()) throw ConfigError("rates must be an object");
    for (const auto& [name, rate] : j["rates"].items()) {
      FaultAction a = ParseAction(name);
      if (a == FaultAction::kSqlError) throw ConfigError("422 faults need a rule");
      double r = rate.get<double>();
      if (r < 0 || r > 1) throw ConfigError("rate of " + name + " must be within 0..1");
      c.rates[a] = r;
    }
  }
  if (j.contains("rules")) {
    for (const auto& rj : j["rules"]) {
      FaultRule r;
      r.match = rj.value("match", "");
      try {
        r.compiled = std::regex(r.match, std::regex::ECMAScript | std::regex::icase);
      } catch (const std::regex_error& e) {
        throw ConfigError("bad rule regex '" + r.match + "': " + e.what());
      }
      r.times = rj.value("times", 1);
      r.action = ParseAction(rj.value("action", "422"));
      r.on_partition = rj.value("on", BodyFault(r.action) ? "partition" : "submit") == "partition";
      r.partition = rj.value("partition", -1);
      r.code = rj.value("code", r.code);
      r.sql_state = rj.value("sql_state", r.sql_state);
      r.message = rj.value("message", r.message);
      if (BodyFault(r.action) && !r.on_partition) {
        throw ConfigError("reset and truncated_gzip rules apply to partitions");
      }
      c.rules.push_back(std::move(r));
    }
  }
  return c;
}

nlohmann::json FaultConfigJson(const FaultConfig& c) {
  nlohmann::json j;
  j["seed"] = c.seed;
  j["latency_ms"] = c.latency_ms;
  j["retry_after_seconds"] = c.retry_after_seconds;
  j["slow_ms"] = c.slow_ms;
  j["rates"] = nlohmann::json::object();
  for (const auto& [a, r] : c.rates) j["rates"][FaultName(a)] = r;
  j["rules"] = nlohmann::json::array();
  for (const auto& r : c.rules) {
    j["rules"].push_back({{"match", r.match},
                          {"times", r.times},
                          {"action", FaultName(r.action)},
                          {"on", r.on_partition ? "partition" : "submit"},
                          {"partition", r.partition},
                          {"code", r.code},
                          {"sql_state", r.sql_state},
                          {"message", r.message}});
  }
  return j;
}

void ApplyFaultRate(FaultConfig& config, const std::string& spec) {
  size_t eq = spec.find('=');
  if (eq == std::string::npos) throw ConfigError("expected KIND=RATE, got '" + spec + "'");
  FaultAction a = ParseAction(spec.substr(0, eq));
  double r = std::stod(spec.substr(eq + 1));
  if (r < 0 || r > 1) throw ConfigError("rate must be within 0..1");
  config.rates[a] = r;
}

FaultInjector::FaultInjector(FaultConfig config) { Reset(std::move(config)); }

void FaultInjector::Reset(FaultConfig config) {
  std::lock_guard lock(mu_);
  config_ = std::move(config);
  rng_.seed(config_.seed);
}

FaultConfig FaultInjector::config() const {
  std::lock_guard lock(mu_);
  return config_;
}

int64_t FaultInjector::LatencyMs() const {
  std::lock_guard lock(mu_);
  return config_.latency_ms;
}

int64_t FaultInjector::RetryAfterSeconds() const {
  std::lock_guard lock(mu_);
  return config_.retry_after_seconds;
}

int64_t FaultInjector::SlowMs() const {
  std::lock_guard lock(mu_);
  return config_.slow_ms;
}

bool FaultInjector::Draw(FaultAction action) {
  auto it = config_.rates.find(action);
  if (it == config_.rates.end() || it->second <= 0) return false;
  // One draw per configured kind keeps the sequence independent of the other kinds' rates.
  double u = static_cast<double>(rng_() >> 11) * (1.0 / 9007199254740992.0);
  return u < it->second;
}

std::optional<FaultRule> FaultInjector::MatchRule(const std::string& sql, bool partition_fetch,
                                                  int partition) {
  for (auto it = config_.rules.begin(); it != config_.rules.end(); ++it) {
    if (it->on_partition != partition_fetch || it->times == 0) continue;
    if (partition_fetch && it->partition >= 0 && it->partition != partition) continue;
    if (!std::regex_search(sql, it->compiled)) continue;
    FaultRule fired = *it;
    if (it->times > 0) --it->times;
    return fired;
  }
  return std::nullopt;
}

FaultAction FaultInjector::OnSubmit(const std::string& sql, FaultRule* rule_out) {
  std::lock_guard lock(mu_);
  if (auto rule = MatchRule(sql, false, -1)) {
    if (rule_out) *rule_out = *rule;
    return rule->action;
  }
  for (FaultAction a :
       {FaultAction::kHttp429, FaultAction::kHttp500, FaultAction::kHttp503, FaultAction::kHttp403,
        FaultAction::kLostResponse, FaultAction::kSlow, FaultAction::kTimeout}) {
    if (Draw(a)) return a;
  }
  return FaultAction::kNone;
}

FaultAction FaultInjector::OnFetch(const std::string& sql, int partition, FaultRule* rule_out) {
  std::lock_guard lock(mu_);
  if (partition >= 1) {
    if (auto rule = MatchRule(sql, true, partition)) {
      if (rule_out) *rule_out = *rule;
      return rule->action;
    }
  }
  for (FaultAction a : {FaultAction::kHttp429, FaultAction::kHttp500, FaultAction::kHttp503}) {
    if (Draw(a)) return a;
  }
  if (partition >= 1) {
    for (FaultAction a : {FaultAction::kReset, FaultAction::kTruncatedGzip}) {
      if (Draw(a)) return a;
    }
  }
  return FaultAction::kNone;
}

void FaultInjector::Count(FaultAction action) { Count(FaultName(action)); }

void FaultInjector::Count(const std::string& name) {
  std::lock_guard lock(mu_);
  ++counts_[name];
}

std::map<std::string, int64_t> FaultInjector::Counts() const {
  std::lock_guard lock(mu_);
  return counts_;
}

}  // namespace sf2pg::sfemu
