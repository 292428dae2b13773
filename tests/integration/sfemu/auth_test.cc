// Key-pair JWT and programmatic access token authentication (spec §5).
#include <gtest/gtest.h>

#include "integration/sfemu/sfemu_fixture.h"

namespace sf2pg::testing {
namespace {

class SfemuAuth : public ::testing::Test {
 protected:
  void SetUp() override { shared_ = &SharedSfemu::Get(); }

  /// POST SELECT 1 with these headers.
  HttpResult With(const std::map<std::string, std::string>& headers) {
    SfemuClient client = shared_->Client();
    return client.Submit("SELECT 1", {}, "", headers);
  }
  HttpResult WithToken(const std::string& token, const std::string& type = "KEYPAIR_JWT") {
    return With(
        {{"Authorization", "Bearer " + token}, {"X-Snowflake-Authorization-Token-Type", type}});
  }
  static void ExpectInvalidJwt(const HttpResult& r) {
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(r.json["code"], "390144");
    EXPECT_EQ(r.json["message"].get<std::string>().rfind("JWT token is invalid.", 0), 0u);
    EXPECT_FALSE(r.json.contains("statementHandle"));
  }

  SharedSfemu* shared_;
};

TEST_F(SfemuAuth, AcceptsAValidKeyPairJwtAndTheRotatedKey) {
  EXPECT_EQ(WithToken(MintJwt(shared_->key, {"SFEMU-TEST", "TESTER"})).status, 200);
  EXPECT_EQ(WithToken(MintJwt(shared_->rotated_key, {"SFEMU-TEST", "TESTER"})).status, 200);
  // Without the token type header the server infers it from the token.
  EXPECT_EQ(With({{"Authorization", "Bearer " + MintJwt(shared_->key, {"SFEMU-TEST", "TESTER"})},
                  {"X-Snowflake-Authorization-Token-Type", ""}})
                .status,
            200);
}

TEST_F(SfemuAuth, RejectsWrongKeyFingerprintAccountUserAndTimes) {
  // Signed by a key nobody registered, claiming the registered key's fingerprint.
  JwtClaims forged{"SFEMU-TEST", "TESTER", shared_->key.fingerprint};
  ExpectInvalidJwt(WithToken(MintJwt(shared_->other_key, forged)));
  // Signed by the registered key but naming another fingerprint.
  ExpectInvalidJwt(
      WithToken(MintJwt(shared_->key, {"SFEMU-TEST", "TESTER", shared_->other_key.fingerprint})));
  ExpectInvalidJwt(WithToken(MintJwt(shared_->key, {"OTHER-ACCOUNT", "TESTER"})));
  // The account is normalised (region cut, upper-case): the raw configured form is wrong.
  ExpectInvalidJwt(WithToken(MintJwt(shared_->key, {"sfemu-test.us-east-1", "TESTER"})));
  ExpectInvalidJwt(WithToken(MintJwt(shared_->key, {"SFEMU-TEST", "NOBODY"})));
  ExpectInvalidJwt(
      WithToken(MintJwt(shared_->key, {"SFEMU-TEST", "TESTER", "", -7200, 3600})));  // expired
  ExpectInvalidJwt(
      WithToken(MintJwt(shared_->key, {"SFEMU-TEST", "TESTER", "", 600, 3000})));  // future iat
  // exp far in the future does not extend validity beyond one hour after iat.
  ExpectInvalidJwt(WithToken(MintJwt(shared_->key, {"SFEMU-TEST", "TESTER", "", -3700, 86400})));
  ExpectInvalidJwt(WithToken("not.a.jwt"));
  HttpResult garbage = WithToken("garbage");
  EXPECT_EQ(garbage.status, 401);
  EXPECT_EQ(garbage.json["message"], "JWT token is invalid. null");
}

TEST_F(SfemuAuth, MissingTokenIs400With390146) {
  HttpResult r = With({{"Authorization", ""}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json["code"], "390146");
}

TEST_F(SfemuAuth, ProgrammaticAccessTokens) {
  EXPECT_EQ(WithToken(shared_->pat, "PROGRAMMATIC_ACCESS_TOKEN").status, 200);
  EXPECT_EQ(With({{"Authorization", "Bearer " + shared_->pat},
                  {"X-Snowflake-Authorization-Token-Type", ""}})
                .status,
            200);
  HttpResult wrong = WithToken("not-the-pat", "PROGRAMMATIC_ACCESS_TOKEN");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.json["code"], "390303");
  // A JWT sent as a PAT (or as OAuth) is not accepted.
  EXPECT_EQ(WithToken(MintJwt(shared_->key, {"SFEMU-TEST", "TESTER"}), "OAUTH").status, 401);
  HttpResult who = SharedSfemu::Get().Client().Submit(
      "SELECT CURRENT_USER()", {}, "",
      {{"Authorization", "Bearer " + shared_->pat},
       {"X-Snowflake-Authorization-Token-Type", "PROGRAMMATIC_ACCESS_TOKEN"}});
  EXPECT_EQ(who.json["data"][0][0], "PAT_USER");
}

TEST_F(SfemuAuth, BlockedUserIs403) {
  // BLOCKED's key is registered but the user is blocked (a network policy).
  HttpResult r = WithToken(MintJwt(shared_->blocked_key, {"SFEMU-TEST", "BLOCKED"}));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.json["code"], "390432");
  // Signed with another user's key: refused as an invalid token before the block applies.
  ExpectInvalidJwt(WithToken(MintJwt(shared_->key, {"SFEMU-TEST", "BLOCKED"})));
}

TEST_F(SfemuAuth, EveryEndpointRequiresAuthenticationButSfemusOwn) {
  SfemuClient client = shared_->Client();
  std::map<std::string, std::string> none = {{"Authorization", ""}};
  EXPECT_EQ(client.Get("/api/v2/statements/abc", none).status, 400);
  EXPECT_EQ(client.Post("/api/v2/statements/abc/cancel", "", none).status, 400);
  EXPECT_EQ(client.Get("/api/v2/statements/abc", {{"Authorization", "Bearer x.y.z"}}).status, 401);
  EXPECT_EQ(client.Get("/sfemu/health", none).status, 200);
  EXPECT_EQ(client.Get("/sfemu/stats", none).status, 200);
}

}  // namespace
}  // namespace sf2pg::testing
