#include "snowflake/auth.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "unit/snowflake/fake_clock.h"
#include "unit/snowflake/test_keys.h"

namespace sf2pg::snowflake {
namespace {

using sf2pg::testing::FakeClock;
using sf2pg::testing::MakeTestKey;
using sf2pg::testing::SharedTestKey;

std::string Base64UrlDecode(std::string text) {
  std::replace(text.begin(), text.end(), '-', '+');
  std::replace(text.begin(), text.end(), '_', '/');
  size_t padding = (4 - text.size() % 4) % 4;
  text.append(padding, '=');
  std::string out(text.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

struct DecodedJwt {
  nlohmann::json header;
  nlohmann::json claims;
  bool signature_valid = false;
};

DecodedJwt Decode(const std::string& token, const std::string& public_pem) {
  size_t first = token.find('.');
  size_t second = token.find('.', first + 1);
  DecodedJwt out;
  out.header = nlohmann::json::parse(Base64UrlDecode(token.substr(0, first)));
  out.claims = nlohmann::json::parse(Base64UrlDecode(token.substr(first + 1, second - first - 1)));
  std::string signature = Base64UrlDecode(token.substr(second + 1));
  std::string signed_part = token.substr(0, second);
  BIO* bio = BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  out.signature_valid =
      EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(signed_part.data()),
                       signed_part.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return out;
}

std::string RunShell(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return out;
  std::array<char, 256> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
  pclose(pipe);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

config::Credentials::Snowflake KeyCredentials(const std::string& pem,
                                              const std::string& passphrase = {}) {
  config::Credentials::Snowflake c;
  c.account = "acme.analytics";
  c.user = "pgmig_svc";
  c.private_key = Secret(pem);
  c.private_key_passphrase = Secret(passphrase);
  return c;
}

TEST(NormalizeAccount, FollowsTheSpecForEveryAccountForm) {
  struct Case {
    const char* input;
    const char* expected;
  };
  const Case cases[] = {
      {"xy12345", "XY12345"},
      {"xy12345.us-east-2.aws", "XY12345"},
      {"xy12345.us-east-1", "XY12345"},
      {"xy12345.east-us-2.azure", "XY12345"},
      {"xy12345.us-central1.gcp", "XY12345"},
      {"xy12345.eu-central-1.privatelink", "XY12345"},
      {"acme-analytics", "ACME-ANALYTICS"},
      {"acme.analytics", "ACME-ANALYTICS"},
      {"ACME.Analytics", "ACME-ANALYTICS"},
      {"acme-analytics.privatelink", "ACME-ANALYTICS"},
      {"acme-analytics.snowflakecomputing.com", "ACME-ANALYTICS"},
      {"https://xy12345.us-east-2.aws.snowflakecomputing.com/", "XY12345"},
      {"myorg-acct_1", "MYORG-ACCT_1"},
      {"  Acme-Analytics  ", "ACME-ANALYTICS"},
      {"acct-abc123.global", "ACCT"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(NormalizeAccount(c.input), c.expected) << c.input;
  }
}

TEST(AccountUrl, UsesTheLowerCaseAccountHostOrTheOverride) {
  EXPECT_EQ(AccountUrl("xy12345.us-east-2.aws", ""),
            "https://xy12345.us-east-2.aws.snowflakecomputing.com");
  EXPECT_EQ(AccountUrl("ACME.ANALYTICS", ""), "https://acme-analytics.snowflakecomputing.com");
  EXPECT_EQ(AccountUrl("Org-Acct", ""), "https://org-acct.snowflakecomputing.com");
  EXPECT_EQ(AccountUrl("acme-analytics.privatelink", ""),
            "https://acme-analytics.privatelink.snowflakecomputing.com");
  EXPECT_EQ(AccountUrl("xy1.snowflakecomputing.com", ""), "https://xy1.snowflakecomputing.com");
  EXPECT_EQ(AccountUrl("https://XY1.cn-north-1.snowflakecomputing.cn/", ""),
            "https://xy1.cn-north-1.snowflakecomputing.cn");
  EXPECT_EQ(AccountUrl("acme", "http://127.0.0.1:8089/"), "http://127.0.0.1:8089");
}

TEST(KeyPair, FingerprintMatchesTheOpensslCommandLine) {
  const auto& key = SharedTestKey();
  auto path =
      std::filesystem::temp_directory_path() / ("sf2pg-key-" + std::to_string(::getpid()) + ".p8");
  std::ofstream(path) << key.private_pem;
  std::string expected =
      RunShell("openssl pkey -in " + path.string() +
               " -pubout -outform DER | openssl dgst -sha256 -binary | openssl enc -base64");
  std::filesystem::remove(path);
  ASSERT_EQ(expected.size(), 44u) << "openssl printed: " << expected;
  KeyPair pair(Secret(key.private_pem), Secret());
  EXPECT_EQ(pair.fingerprint(), "SHA256:" + expected);
}

TEST(MakeClaims, BuildsIssuerAndSubjectFromTheNormalisedNames) {
  JwtClaims claims =
      MakeClaims("acme.analytics", "pgmig_svc", "SHA256:abc=", 1000, std::chrono::seconds(3540));
  EXPECT_EQ(claims.sub, "ACME-ANALYTICS.PGMIG_SVC");
  EXPECT_EQ(claims.iss, "ACME-ANALYTICS.PGMIG_SVC.SHA256:abc=");
  EXPECT_EQ(claims.iat, 1000);
  EXPECT_EQ(claims.exp, 4540);
}

TEST(MintJwt, TokenVerifiesWithThePublicKey) {
  const auto& key = SharedTestKey();
  KeyPair pair(Secret(key.private_pem), Secret());
  JwtClaims claims = MakeClaims("xy12345.us-east-2.aws", "svc", pair.fingerprint(), 1689327000,
                                std::chrono::seconds(3540));
  DecodedJwt jwt = Decode(MintJwt(pair, claims), key.public_pem);
  EXPECT_TRUE(jwt.signature_valid);
  EXPECT_EQ(jwt.header["alg"], "RS256");
  EXPECT_EQ(jwt.header["typ"], "JWT");
  EXPECT_EQ(jwt.claims["iss"], "XY12345.SVC." + pair.fingerprint());
  EXPECT_EQ(jwt.claims["sub"], "XY12345.SVC");
  EXPECT_EQ(jwt.claims["iat"], 1689327000);
  EXPECT_EQ(jwt.claims["exp"], 1689327000 + 3540);
}

TEST(MintJwt, TokenDoesNotVerifyWithAnotherKey) {
  KeyPair pair(Secret(SharedTestKey().private_pem), Secret());
  JwtClaims claims = MakeClaims("a", "b", pair.fingerprint(), 1, std::chrono::seconds(60));
  EXPECT_FALSE(Decode(MintJwt(pair, claims), MakeTestKey().public_pem).signature_valid);
}

TEST(Authenticator, RenewsTheTokenFiveMinutesBeforeItExpires) {
  FakeClock clock;
  Authenticator auth(KeyCredentials(SharedTestKey().private_pem), clock);
  EXPECT_EQ(auth.token_type(), "KEYPAIR_JWT");
  std::string first = auth.AuthorizationHeader();
  ASSERT_TRUE(first.starts_with("Bearer "));
  auto claims = Decode(first.substr(7), SharedTestKey().public_pem).claims;
  EXPECT_EQ(claims["exp"].get<int64_t>() - claims["iat"].get<int64_t>(), 59 * 60);

  clock.Advance(std::chrono::minutes(53));
  EXPECT_EQ(auth.AuthorizationHeader(), first);
  clock.Advance(std::chrono::minutes(1) + std::chrono::seconds(1));
  std::string renewed = auth.AuthorizationHeader();
  EXPECT_NE(renewed, first);
  auto renewed_claims = Decode(renewed.substr(7), SharedTestKey().public_pem).claims;
  EXPECT_EQ(renewed_claims["iat"].get<int64_t>() - claims["iat"].get<int64_t>(), 54 * 60 + 1);
}

TEST(Authenticator, InvalidateMintsAFreshToken) {
  FakeClock clock;
  Authenticator auth(KeyCredentials(SharedTestKey().private_pem), clock);
  std::string first = auth.AuthorizationHeader();
  clock.Advance(std::chrono::seconds(2));
  EXPECT_EQ(auth.AuthorizationHeader(), first);
  EXPECT_TRUE(auth.Invalidate());
  EXPECT_NE(auth.AuthorizationHeader(), first);
}

TEST(Authenticator, OpensAnEncryptedPkcs8KeyWithItsPassphrase) {
  auto key = MakeTestKey("s3cret-phrase");
  ASSERT_NE(key.private_pem.find("ENCRYPTED PRIVATE KEY"), std::string::npos);
  FakeClock clock;
  Authenticator auth(KeyCredentials(key.private_pem, "s3cret-phrase"), clock);
  EXPECT_TRUE(Decode(auth.AuthorizationHeader().substr(7), key.public_pem).signature_valid);
}

TEST(Authenticator, RefusesAnEncryptedKeyWithoutTheRightPassphrase) {
  auto key = MakeTestKey("s3cret-phrase");
  FakeClock clock;
  try {
    Authenticator auth(KeyCredentials(key.private_pem, "wrong-phrase"), clock);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("wrong passphrase"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("wrong-phrase"), std::string::npos);
  }
  try {
    Authenticator auth(KeyCredentials(key.private_pem), clock);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("SNOWFLAKE_RSA_KEY_PASSPHRASE"), std::string::npos);
  }
}

TEST(Authenticator, RefusesTextThatIsNotAKeyWithoutEchoingIt) {
  FakeClock clock;
  std::string bogus =
      "-----BEGIN PRIVATE KEY-----\nTUlJQm9ndXNLZXlNYXRlcmlhbA==\n-----END PRIVATE KEY-----\n";
  try {
    Authenticator auth(KeyCredentials(bogus), clock);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).find("TUlJQm9ndXNLZXlNYXRlcmlhbA"), std::string::npos);
  }
}

TEST(Authenticator, RefusesANonRsaKey) {
  EVP_PKEY* ec = EVP_EC_gen("P-256");
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PKCS8PrivateKey(bio, ec, nullptr, nullptr, 0, nullptr, nullptr);
  EVP_PKEY_free(ec);
  FakeClock clock;
  EXPECT_THROW(Authenticator(KeyCredentials(sf2pg::testing::BioText(bio)), clock), ConfigError);
}

TEST(Authenticator, SendsAFixedTokenWithItsType) {
  FakeClock clock;
  config::Credentials::Snowflake c;
  c.token = Secret("pat-token-value");
  Authenticator pat(c, clock);
  EXPECT_EQ(pat.AuthorizationHeader(), "Bearer pat-token-value");
  EXPECT_EQ(pat.token_type(), "PROGRAMMATIC_ACCESS_TOKEN");
  EXPECT_FALSE(pat.Invalidate());
  c.token_type = "OAUTH";
  EXPECT_EQ(Authenticator(c, clock).token_type(), "OAUTH");
}

TEST(Authenticator, NeedsSomeCredentials) {
  FakeClock clock;
  EXPECT_THROW(Authenticator(config::Credentials::Snowflake{}, clock), ConfigError);
}

}  // namespace
}  // namespace sf2pg::snowflake
