#include "config/suggest.h"

#include <algorithm>
#include <cctype>

namespace sf2pg::config {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                  std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::optional<std::string> Suggest(std::string_view word,
                                   const std::vector<std::string>& candidates) {
  size_t best = SIZE_MAX;
  const std::string* best_candidate = nullptr;
  for (const auto& c : candidates) {
    size_t d = EditDistance(word, c);
    if (d < best) {
      best = d;
      best_candidate = &c;
    }
  }
  if (!best_candidate) return std::nullopt;
  size_t allowed = std::max<size_t>(2, std::min(word.size(), best_candidate->size()) / 3);
  if (best > allowed) return std::nullopt;
  return *best_candidate;
}

}  // namespace sf2pg::config
