// Environment variables, .env files and credentials.
#include <unistd.h>  // environ

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>

#include "config/load.h"
#include "core/error.h"
#include "core/strings.h"

namespace sf2pg::config {
namespace {

// A TCP port written as 1 to 5 decimal digits, from 1 to 65535.
std::optional<int> ParsePort(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (!IsAsciiDigit(c)) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value < 1 || value > 65535) return std::nullopt;
  return value;
}

// Why the host and port of an http(s) URL cannot be used, if they cannot: an empty host, or a
// port that is empty ("http://host:" would silently mean port 80), not a number or out of range.
std::optional<std::string> UrlAuthorityProblem(const std::string& url) {
  std::string_view rest(url);
  rest.remove_prefix(rest.find("://") + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  size_t host_end = authority.starts_with('[') ? authority.find(']') : authority.find(':');
  if (authority.starts_with('[') && host_end != std::string_view::npos) ++host_end;
  std::string_view host = authority.substr(0, host_end);
  if (host.empty() || host == "[]") return "has no host name";
  if (host_end >= authority.size()) return std::nullopt;
  if (authority[host_end] != ':') return "has no valid host name";
  std::string_view port = authority.substr(host_end + 1);
  if (port.empty()) return "ends its host with ':' but gives no port";
  if (!ParsePort(port)) return "has a port that is not a number from 1 to 65535";
  return std::nullopt;
}

bool ValidName(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char n = s[++i];
      out += n == 'n' ? '\n' : n == 't' ? '\t' : n == 'r' ? '\r' : n;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::map<std::string, std::string> ParseDotenv(std::string_view text, std::string_view origin) {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  int line_no = 0;
  auto fail = [&](int line, const std::string& why) {
    throw ConfigError(std::string(origin) + ":" + std::to_string(line) + ": " + why);
  };
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = Trim(text.substr(pos, end - pos));
    int start_line = ++line_no;
    pos = end + 1;
    if (line.empty() || line.front() == '#') continue;
    if (line.starts_with("export ")) line = Trim(line.substr(7));
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) fail(start_line, "expected KEY=VALUE");
    std::string name(Trim(line.substr(0, eq)));
    if (!ValidName(name)) fail(start_line, "\"" + name + "\" is not a valid variable name");
    std::string_view value = Trim(line.substr(eq + 1));
    if (!value.empty() && (value.front() == '"' || value.front() == '\'')) {
      char quote = value.front();
      // A quoted value may continue over the following lines until its closing quote.
      std::string raw(value.substr(1));
      size_t close;
      auto find_close = [&](const std::string& s) {
        for (size_t i = 0; i < s.size(); ++i) {
          if (quote == '"' && s[i] == '\\') {
            ++i;
            continue;
          }
          if (s[i] == quote) return i;
        }
        return std::string::npos;
      };
      while ((close = find_close(raw)) == std::string::npos) {
        if (pos >= text.size()) fail(start_line, "unterminated quoted value for " + name);
        size_t next = text.find('\n', pos);
        if (next == std::string_view::npos) next = text.size();
        raw += "\n";
        raw += std::string(text.substr(pos, next - pos));
        ++line_no;
        pos = next + 1;
      }
      std::string_view rest = Trim(std::string_view(raw).substr(close + 1));
      if (!rest.empty() && rest.front() != '#') {
        fail(start_line, "unexpected text after the closing quote of " + name);
      }
      std::string inner = raw.substr(0, close);
      out[name] = quote == '"' ? Unescape(inner) : inner;
    } else {
      size_t hash = value.find(" #");
      if (hash != std::string_view::npos) value = Trim(value.substr(0, hash));
      out[name] = std::string(value);
    }
  }
  return out;
}

Environment Environment::FromMaps(std::map<std::string, std::string> process,
                                  std::map<std::string, std::string> dotenv) {
  Environment env;
  env.values_ = std::move(dotenv);
  for (auto& [k, v] : process) env.values_[k] = std::move(v);
  return env;
}

Environment Environment::FromProcess(const std::string& dotenv_path) {
  std::map<std::string, std::string> process;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    process.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  std::map<std::string, std::string> dotenv;
  if (!dotenv_path.empty()) {
    std::ifstream in(dotenv_path, std::ios::binary);
    if (in) {
      std::stringstream buffer;
      buffer << in.rdbuf();
      dotenv = ParseDotenv(buffer.str(), dotenv_path);
    }
  }
  return FromMaps(std::move(process), std::move(dotenv));
}

std::optional<std::string> Environment::Get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::string NormalizePemKey(std::string_view value) {
  std::string key(Trim(value));
  if (key.size() >= 2 && (key.front() == '"' || key.front() == '\'') && key.back() == key.front()) {
    key = key.substr(1, key.size() - 2);
  }
  // Environment variables often carry the key on one line with literal "\n" sequences.
  std::string out;
  for (size_t i = 0; i < key.size(); ++i) {
    if (key[i] == '\\' && i + 1 < key.size() && key[i + 1] == 'n') {
      out += '\n';
      ++i;
    } else if (key[i] != '\r') {
      out += key[i];
    }
  }
  if (out.find("-----BEGIN") == std::string::npos) {
    // A bare base64 body: wrap it as an unencrypted PKCS#8 key, 64 characters a line.
    std::string body;
    for (char c : out) {
      if (!std::isspace(static_cast<unsigned char>(c))) body += c;
    }
    std::string wrapped = "-----BEGIN PRIVATE KEY-----\n";
    for (size_t i = 0; i < body.size(); i += 64) wrapped += body.substr(i, 64) + "\n";
    wrapped += "-----END PRIVATE KEY-----\n";
    return wrapped;
  }
  if (out.back() != '\n') out += '\n';
  return out;
}

Credentials LoadCredentials(const Environment& env, CredentialNeeds needs,
                            std::vector<Problem>* problems) {
  Credentials c;
  auto get = [&](const char* name) { return env.Get(name).value_or(""); };
  auto require = [&](const char* name, bool needed) {
    auto value = env.Get(name);
    if (!value && needed) problems->push_back({std::string("env.") + name, "not set", false});
    return value.value_or("");
  };

  auto& sf = c.snowflake;
  sf.account = require("SNOWFLAKE_ACCOUNT", needs.snowflake);
  sf.user = require("SNOWFLAKE_USER", needs.snowflake);
  sf.warehouse = get("SNOWFLAKE_WAREHOUSE");
  sf.role = get("SNOWFLAKE_ROLE");
  sf.url = get("SNOWFLAKE_URL");
  sf.ca_bundle = get("SF2PG_CA_BUNDLE");
  sf.token = Secret(get("SNOWFLAKE_TOKEN"));
  sf.token_type = get("SNOWFLAKE_TOKEN_TYPE");
  sf.private_key_passphrase = Secret(get("SNOWFLAKE_RSA_KEY_PASSPHRASE"));
  std::string key = get("SNOWFLAKE_RSA_KEY");
  std::string key_file = get("SNOWFLAKE_RSA_KEY_FILE");
  if (key.empty() && !key_file.empty()) {
    std::ifstream in(key_file, std::ios::binary);
    if (!in) {
      problems->push_back({"env.SNOWFLAKE_RSA_KEY_FILE", "cannot read " + key_file, false});
    } else {
      std::stringstream buffer;
      buffer << in.rdbuf();
      key = buffer.str();
    }
  }
  if (!key.empty()) {
    Redactor::Register(key);  // As given, before normalisation, too.
    sf.private_key = Secret(NormalizePemKey(key));
  }
  if (needs.snowflake) {
    if (sf.private_key.empty() && sf.token.empty()) {
      problems->push_back({"env.SNOWFLAKE_RSA_KEY",
                           "not set (set SNOWFLAKE_RSA_KEY, SNOWFLAKE_RSA_KEY_FILE or "
                           "SNOWFLAKE_TOKEN)",
                           false});
    }
    if (!sf.token.empty()) {
      if (sf.token_type.empty()) sf.token_type = "PROGRAMMATIC_ACCESS_TOKEN";
      if (sf.token_type != "OAUTH" && sf.token_type != "PROGRAMMATIC_ACCESS_TOKEN") {
        problems->push_back({"env.SNOWFLAKE_TOKEN_TYPE",
                             "\"" + sf.token_type + "\" is not OAUTH or PROGRAMMATIC_ACCESS_TOKEN",
                             false});
      }
    }
    if (!sf.url.empty() && !sf.url.starts_with("http://") && !sf.url.starts_with("https://")) {
      problems->push_back({"env.SNOWFLAKE_URL", "must start with http:// or https://", false});
    } else if (!sf.url.empty()) {
      if (auto why = UrlAuthorityProblem(sf.url)) {
        problems->push_back({"env.SNOWFLAKE_URL", "\"" + sf.url + "\" " + *why, false});
      }
    }
  }

  auto& pg = c.postgres;
  pg.host = require("POSTGRES_HOST", needs.postgres);
  pg.user = require("POSTGRES_USER", needs.postgres);
  pg.password = Secret(get("POSTGRES_PASSWORD"));
  if (auto port = env.Get("POSTGRES_PORT")) {
    if (auto value = ParsePort(*port)) {
      pg.port = *value;
    } else {
      problems->push_back({"env.POSTGRES_PORT", "\"" + *port + "\" is not a port number", false});
    }
  }
  if (auto mode = env.Get("POSTGRES_SSLMODE")) {
    static const std::vector<std::string> kModes = {"disable", "allow",     "prefer",
                                                    "require", "verify-ca", "verify-full"};
    if (std::find(kModes.begin(), kModes.end(), *mode) == kModes.end()) {
      problems->push_back({"env.POSTGRES_SSLMODE",
                           "\"" + *mode +
                               "\" is not one of disable, allow, prefer, require, "
                               "verify-ca, verify-full",
                           false});
    } else {
      pg.sslmode = *mode;
    }
  }
  pg.sslrootcert = get("POSTGRES_SSLROOTCERT");
  static const std::vector<std::string> kLocalHosts = {"localhost", "127.0.0.1", "::1"};
  if (!env.Get("POSTGRES_SSLMODE") && !pg.host.empty() && !pg.host.starts_with('/') &&
      std::find(kLocalHosts.begin(), kLocalHosts.end(), Lower(pg.host)) == kLocalHosts.end()) {
    problems->push_back(
        {"env.POSTGRES_SSLMODE",
         "not set, so the connection to " + pg.host +
             " uses TLS only if the server offers it (libpq's prefer) and checks no certificate; "
             "set POSTGRES_SSLMODE=verify-full with POSTGRES_SSLROOTCERT (for RDS, its CA "
             "bundle)",
         true});
  }

  if (auto level = env.Get("LOG_LEVEL")) {
    std::string l = Lower(*level);
    // Python's logging names, as the tool sf2pg replaces accepted them.
    if (l == "warn") l = "warning";
    if (l == "critical" || l == "fatal") l = "error";
    static const std::vector<std::string> kLevels = {"debug", "info", "warning", "error"};
    if (std::find(kLevels.begin(), kLevels.end(), l) == kLevels.end()) {
      problems->push_back({"env.LOG_LEVEL",
                           "\"" + *level +
                               "\" is not one of DEBUG, INFO, "
                               "WARNING, ERROR, CRITICAL",
                           false});
    } else {
      c.log_level = l;
    }
  }
  c.migration_version = get("MIGRATION_VERSION");
  return c;
}

}  // namespace sf2pg::config
