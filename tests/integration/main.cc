// Integration tests: one throwaway PostgreSQL cluster for the whole binary.
#include <gtest/gtest.h>

#include "integration/pg_fixture.h"

namespace {

class PgEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { sf2pg::testing::TestPg::Start(); }
  void TearDown() override { sf2pg::testing::TestPg::Stop(); }
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new PgEnvironment);
  return RUN_ALL_TESTS();
}
