#include "lambda/secrets.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/clock.h"
#include "core/error.h"
#include "core/retry.h"
#include "core/secret.h"
#include "http/client.h"
#include "log/log.h"

namespace sf2pg::lambda {
namespace {

http::Response Get(const std::string& secret_id, const ExtensionSettings& settings) {
  http::Options options;
  options.no_proxy = true;
  http::Client client(options);  // a new connection for every try
  http::Request request;
  request.url = "http://" + settings.host + ":" + std::to_string(settings.port) +
                "/secretsmanager/get?secretId=" + http::Escape(secret_id);
  request.headers = {"X-Aws-Parameters-Secrets-Token: " + settings.session_token};
  request.timeout = std::chrono::milliseconds(settings.timeout_ms);
  request.unstoppable = true;
  return client.Send(request);
}

// The extension's error text may quote the request but never the secret; keep it short.
std::string Short(std::string text) {
  if (text.size() > 300) text = text.substr(0, 300) + "...";
  return text;
}

}  // namespace

const std::vector<SecretBinding>& SecretBindings() {
  static const std::vector<SecretBinding> kBindings = {
      {"SNOWFLAKE_RSA_KEY",
       "SNOWFLAKE_RSA_KEY_SECRET_ARN",
       "SNOWFLAKE_RSA_KEY_SECRET_KEY",
       {"SNOWFLAKE_RSA_KEY", "private_key", "private_key_pem"}},
      {"POSTGRES_PASSWORD",
       "POSTGRES_PASSWORD_SECRET_ARN",
       "POSTGRES_PASSWORD_SECRET_KEY",
       {"POSTGRES_PASSWORD", "password"}},
  };
  return kBindings;
}

std::string SecretValue(std::string_view secret_string, const std::vector<std::string>& keys,
                        const std::string& what) {
  nlohmann::json parsed = nlohmann::json::parse(secret_string, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return std::string(secret_string);
  std::string tried;
  for (const auto& key : keys) {
    auto it = parsed.find(key);
    if (it != parsed.end() && it->is_string() && !it->get<std::string>().empty()) {
      return it->get<std::string>();
    }
    tried += (tried.empty() ? "" : ", ") + key;
  }
  throw ConfigError(what + ": the secret is a JSON object without a non-empty string under " +
                    tried);
}

ExtensionSettings ExtensionSettingsFrom(const config::Environment& env) {
  ExtensionSettings s;
  if (auto port = env.Get("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT")) {
    char* end = nullptr;
    long value = std::strtol(port->c_str(), &end, 10);
    if (*end != '\0' || value < 1 || value > 65535) {
      throw ConfigError("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: \"" + *port +
                        "\" is not a port number");
    }
    s.port = static_cast<int>(value);
  }
  s.session_token = env.Get("AWS_SESSION_TOKEN").value_or("");
  return s;
}

std::string FetchSecretString(const std::string& secret_id, const ExtensionSettings& settings) {
  if (settings.session_token.empty()) {
    throw ConfigError(
        "AWS_SESSION_TOKEN is not set: the Parameters and Secrets extension "
        "cannot be asked for " +
        secret_id);
  }
  std::string where = "secret " + secret_id + " via the Parameters and Secrets extension on port " +
                      std::to_string(settings.port);
  // The extension answers 400 "not ready" (or 5xx) while it starts: tried again after 200 ms,
  // then 400 ms, ...
  RetryPolicy policy;
  policy.max_attempts = settings.attempts;
  policy.base = std::chrono::milliseconds(200);
  LinearBackoff backoff(policy);
  bool not_ready = false;
  http::Response reply = WithRetries<Error>(
      policy, Clock::Real(), backoff,
      [&](int) {
        http::Response r = Get(secret_id, settings);
        not_ready = r.failed() || r.status >= 500 ||
                    (r.status == 400 && r.body.find("not ready") != std::string::npos);
        if (r.failed()) {
          throw Error("cannot read " + where + ": " + r.transport.summary +
                          " (is the AWS-Parameters-and-Secrets-Lambda-Extension layer attached?)",
                      Retry::kCall);
        }
        if (r.status >= 500) {
          throw Error(
              "cannot read " + where + ": HTTP " + std::to_string(r.status) + ": " + Short(r.body),
              Retry::kCall);
        }
        if (r.status != 200) {
          throw ConfigError("cannot read " + where + ": HTTP " + std::to_string(r.status) + ": " +
                            Short(r.body));
        }
        return r;
      },
      [&](const Error&) { return not_ready; }, [](int, const Error&, std::chrono::milliseconds) {});
  nlohmann::json value = nlohmann::json::parse(reply.body, nullptr, false);
  if (!value.is_object()) throw ConfigError("cannot read " + where + ": the answer is not JSON");
  auto it = value.find("SecretString");
  if (it == value.end() || !it->is_string()) {
    throw ConfigError(where + " has no SecretString (binary secrets are not supported)");
  }
  return it->get<std::string>();
}

std::vector<std::string> ResolveSecrets(config::Environment& env) {
  std::vector<std::string> filled;
  std::optional<ExtensionSettings> settings;
  for (const auto& binding : SecretBindings()) {
    auto arn = env.Get(binding.arn_variable);
    if (!arn) continue;
    if (!settings) settings = ExtensionSettingsFrom(env);
    std::string text = FetchSecretString(*arn, *settings);
    Redactor::Register(text);
    std::vector<std::string> keys = binding.keys;
    if (auto key = env.Get(binding.key_variable)) keys = {*key};
    std::string value = SecretValue(text, keys, std::string(binding.arn_variable));
    Redactor::Register(value);
    if (env.Get(binding.variable)) {
      log::Warn("both a value and a secret are set; the secret wins",
                {{"variable", binding.variable}, {"secret", *arn}});
    }
    env.Set(binding.variable, value);
    filled.emplace_back(binding.variable);
  }
  return filled;
}

}  // namespace sf2pg::lambda
