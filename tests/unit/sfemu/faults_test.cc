#include "faults.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace sf2pg::sfemu {
namespace {

std::vector<FaultAction> Draws(uint64_t seed) {
  FaultConfig c;
  c.seed = seed;
  c.rates[FaultAction::kHttp429] = 0.3;
  c.rates[FaultAction::kHttp503] = 0.2;
  FaultInjector f(c);
  std::vector<FaultAction> out;
  for (int i = 0; i < 200; ++i) out.push_back(f.OnSubmit("SELECT 1", nullptr));
  return out;
}

TEST(SfemuFaults, SameSeedSameFaults) {
  auto a = Draws(7), b = Draws(7), c = Draws(8);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  int n429 = 0;
  for (auto x : a) n429 += x == FaultAction::kHttp429;
  EXPECT_GT(n429, 30);
  EXPECT_LT(n429, 90);
}

TEST(SfemuFaults, RulesFireTheConfiguredNumberOfTimes) {
  FaultConfig c = ParseFaultConfig(nlohmann::json::parse(R"({"rules": [
      {"match": "FACTVISIT", "times": 2, "action": "422", "code": "100051"},
      {"match": "PATIENT", "action": "reset", "partition": 2}]})"));
  FaultInjector f(c);
  FaultRule rule;
  EXPECT_EQ(f.OnSubmit("select * from dimpatient", &rule), FaultAction::kNone);
  EXPECT_EQ(f.OnSubmit("SELECT * FROM factvisit", &rule), FaultAction::kSqlError);
  EXPECT_EQ(rule.code, "100051");
  EXPECT_EQ(f.OnSubmit("SELECT * FROM FACTVISIT", &rule), FaultAction::kSqlError);
  EXPECT_EQ(f.OnSubmit("SELECT * FROM FACTVISIT", &rule), FaultAction::kNone);
  EXPECT_EQ(f.OnFetch("SELECT * FROM PATIENT", 1, &rule), FaultAction::kNone);
  EXPECT_EQ(f.OnFetch("SELECT * FROM PATIENT", 2, &rule), FaultAction::kReset);
  EXPECT_EQ(f.OnFetch("SELECT * FROM PATIENT", 2, &rule), FaultAction::kNone);
  EXPECT_THROW(ParseFaultConfig(nlohmann::json::parse(R"({"rates": {"bogus": 0.1}})")),
               ConfigError);
}

}  // namespace
}  // namespace sf2pg::sfemu
