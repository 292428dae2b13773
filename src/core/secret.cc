#include "core/secret.h"

#include <algorithm>
#include <mutex>
#include <vector>

namespace sf2pg {
namespace {

std::mutex& Mutex() {
  static std::mutex mu;
  return mu;
}

std::vector<std::string>& Registered() {
  static std::vector<std::string> secrets;
  return secrets;
}

void AddLocked(std::string_view piece) {
  // Short fragments ("-----", "a") would redact ordinary words; they are not secret on
  // their own.
  if (piece.size() < 6) return;
  auto& all = Registered();
  if (std::find(all.begin(), all.end(), piece) == all.end()) all.emplace_back(piece);
}

}  // namespace

Secret::Secret(std::string value) : value_(std::move(value)) {
  if (!value_.empty()) Redactor::Register(value_);
}

void Redactor::Register(std::string_view secret) {
  std::lock_guard lock(Mutex());
  AddLocked(secret);
  // A PEM key may surface one line at a time (for example in an OpenSSL error).
  size_t start = 0;
  while (start < secret.size()) {
    size_t end = secret.find('\n', start);
    if (end == std::string_view::npos) end = secret.size();
    std::string_view line = secret.substr(start, end - start);
    if (!line.starts_with("-----")) AddLocked(line);
    start = end + 1;
  }
  // Longest first, so a whole key is replaced before any of its lines.
  auto& all = Registered();
  std::sort(all.begin(), all.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string Redactor::Redact(std::string_view text) {
  std::string out(text);
  std::lock_guard lock(Mutex());
  for (const auto& secret : Registered()) {
    size_t pos = 0;
    while ((pos = out.find(secret, pos)) != std::string::npos) {
      out.replace(pos, secret.size(), "***");
      pos += 3;
    }
  }
  return out;
}

void Redactor::ClearForTesting() {
  std::lock_guard lock(Mutex());
  Registered().clear();
}

}  // namespace sf2pg
