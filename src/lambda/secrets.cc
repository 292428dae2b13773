#include "lambda/secrets.h"

#include <curl/curl.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "core/error.h"
#include "core/secret.h"
#include "log/log.h"

namespace sf2pg::lambda {
namespace {

size_t CollectBody(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

std::string Escape(CURL* curl, const std::string& text) {
  char* escaped = curl_easy_escape(curl, text.c_str(), static_cast<int>(text.size()));
  std::string out = escaped ? escaped : "";
  curl_free(escaped);
  return out;
}

struct Reply {
  CURLcode rc = CURLE_OK;
  long status = 0;
  std::string body;
};

Reply Get(const std::string& secret_id, const ExtensionSettings& settings) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) throw InternalError("cannot create a libcurl handle");
  Reply reply;
  std::string url = "http://" + settings.host + ":" + std::to_string(settings.port) +
                    "/secretsmanager/get?secretId=" + Escape(curl.get(), secret_id);
  std::string token = "X-Aws-Parameters-Secrets-Token: " + settings.session_token;
  curl_slist* headers = curl_slist_append(nullptr, token.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, settings.timeout_ms);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, CollectBody);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &reply.body);
  reply.rc = curl_easy_perform(curl.get());
  curl_slist_free_all(headers);
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &reply.status);
  return reply;
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
  Reply reply;
  for (int attempt = 1; attempt <= settings.attempts; ++attempt) {
    reply = Get(secret_id, settings);
    bool not_ready = reply.rc != CURLE_OK || reply.status >= 500 ||
                     (reply.status == 400 && reply.body.find("not ready") != std::string::npos);
    if (!not_ready || attempt == settings.attempts) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200 * attempt));
  }
  std::string where = "secret " + secret_id + " via the Parameters and Secrets extension on port " +
                      std::to_string(settings.port);
  if (reply.rc != CURLE_OK) {
    throw Error("cannot read " + where + ": " + curl_easy_strerror(reply.rc) +
                    " (is the AWS-Parameters-and-Secrets-Lambda-Extension layer attached?)",
                Retry::kCall);
  }
  if (reply.status >= 500) {
    throw Error("cannot read " + where + ": HTTP " + std::to_string(reply.status) + ": " +
                    Short(reply.body),
                Retry::kCall);
  }
  if (reply.status != 200) {
    throw ConfigError("cannot read " + where + ": HTTP " + std::to_string(reply.status) + ": " +
                      Short(reply.body));
  }
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
