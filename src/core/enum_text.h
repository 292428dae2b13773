// Enums that have a fixed text form (a stored status, a config value, a payload field): the
// table of names each of them keeps next to its definition, and the lookups both ways.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace sf2pg {

template <typename E>
struct EnumName {
  E value;
  std::string_view text;
};

template <typename E, std::size_t N>
using EnumNames = std::array<EnumName<E>, N>;

/// The text of `value`; every value must be in `names`.
template <typename E, std::size_t N>
std::string EnumToString(const EnumNames<E, N>& names, E value) {
  for (const auto& n : names)
    if (n.value == value) return std::string(n.text);
  throw InternalError("enum value " + std::to_string(static_cast<int>(value)) + " has no name");
}

/// The value whose text is exactly `text`, if any.
template <typename E, std::size_t N>
std::optional<E> EnumFromText(const EnumNames<E, N>& names, std::string_view text) {
  for (const auto& n : names)
    if (n.text == text) return n.value;
  return std::nullopt;
}

/// "a, b, c": the allowed texts, in table order.
template <typename E, std::size_t N>
std::string EnumTexts(const EnumNames<E, N>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + std::string(n.text);
  return out;
}

/// The value whose text is `text`; otherwise throws Error naming `what`, the text and the
/// allowed ones: `unknown run status "x" (allowed: running, completed, ...)`.
template <typename E, std::size_t N>
E ParseEnum(const EnumNames<E, N>& names, std::string_view what, std::string_view text) {
  if (auto value = EnumFromText(names, text)) return *value;
  throw Error("unknown " + std::string(what) + " \"" + std::string(text) +
                  "\" (allowed: " + EnumTexts(names) + ")",
              Retry::kNever);
}

}  // namespace sf2pg
