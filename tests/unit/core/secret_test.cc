#include "core/secret.h"

#include <gtest/gtest.h>

namespace sf2pg {
namespace {

TEST(Redactor, ReplacesRegisteredSecretsAndKeyLines) {
  Redactor::ClearForTesting();
  Secret password("hunter2-very-secret");
  Secret key(
      "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\nAQEFAASCBKcwggSjAgEAAo\n"
      "-----END PRIVATE KEY-----\n");
  EXPECT_EQ(Redactor::Redact("login failed for hunter2-very-secret!"), "login failed for ***!");
  EXPECT_EQ(Redactor::Redact("bad line AQEFAASCBKcwggSjAgEAAo here"), "bad line *** here");
  EXPECT_EQ(Redactor::Redact("nothing to hide"), "nothing to hide");
  EXPECT_EQ(password.reveal(), "hunter2-very-secret");
  Redactor::ClearForTesting();
}

TEST(Redactor, ShortValuesAreNotTreatedAsSecrets) {
  Redactor::ClearForTesting();
  Secret tiny("abc");
  EXPECT_EQ(Redactor::Redact("abc"), "abc");
  Redactor::ClearForTesting();
}

}  // namespace
}  // namespace sf2pg
