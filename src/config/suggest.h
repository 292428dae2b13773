// "Did you mean" suggestions for unknown keys and values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sf2pg::config {

/// Edit distance (insertions, deletions, substitutions; case-insensitive).
size_t EditDistance(std::string_view a, std::string_view b);

/// The closest candidate if it is close enough to be a likely typo, else nothing.
std::optional<std::string> Suggest(std::string_view word,
                                   const std::vector<std::string>& candidates);

}  // namespace sf2pg::config
