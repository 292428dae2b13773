// Secrets from AWS Secrets Manager through the AWS Parameters and Secrets Lambda Extension
// (an HTTP server on localhost inside the execution environment). When
// SNOWFLAKE_RSA_KEY_SECRET_ARN or POSTGRES_PASSWORD_SECRET_ARN names a secret, its value
// replaces SNOWFLAKE_RSA_KEY or POSTGRES_PASSWORD before the credentials are loaded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/load.h"

namespace sf2pg::lambda {

/// A credential that may come from a secret.
struct SecretBinding {
  const char* variable;      ///< the variable it fills, e.g. POSTGRES_PASSWORD
  const char* arn_variable;  ///< the variable naming the secret, e.g. POSTGRES_PASSWORD_SECRET_ARN
  const char* key_variable;  ///< optional variable naming the JSON key to read
  std::vector<std::string> keys;  ///< JSON keys tried in order when key_variable is unset
};

/// The two bindings sf2pg reads (documented in deploy/README.md).
const std::vector<SecretBinding>& SecretBindings();

/// The credential inside a SecretString: a JSON object's first present key of `keys` (a string
/// value), or the whole text when it is not a JSON object. Throws ConfigError naming `what`
/// and the keys tried when an object has none of them; never puts the secret in the message.
std::string SecretValue(std::string_view secret_string, const std::vector<std::string>& keys,
                        const std::string& what);

/// Where the extension listens and how to authenticate to it.
struct ExtensionSettings {
  std::string host = "localhost";
  int port = 2773;            ///< PARAMETERS_SECRETS_EXTENSION_HTTP_PORT
  std::string session_token;  ///< AWS_SESSION_TOKEN
  long timeout_ms = 10000;
  int attempts = 3;  ///< the extension answers 400 until it is ready
};

ExtensionSettings ExtensionSettingsFrom(const config::Environment& env);

/// GET /secretsmanager/get?secretId=... and returns the SecretString. Throws ConfigError for a
/// refused request (unknown secret, access denied, binary secret) and a retryable Error when
/// the extension cannot be reached.
std::string FetchSecretString(const std::string& secret_id, const ExtensionSettings& settings);

/// Fills every bound variable whose *_SECRET_ARN is set from its secret and registers the
/// values with the Redactor. Returns the names of the variables filled.
std::vector<std::string> ResolveSecrets(config::Environment& env);

}  // namespace sf2pg::lambda
