// JSON rendering in the layout of Jackson's default pretty printer, which the SQL API uses
// for its response envelopes: `"key" : value`, 2-space indent, arrays inline as `[ a, b ]`,
// objects inside arrays as `[ {` ... `}, {` ... `} ]`, empty containers as `{ }` and `[ ]`.
// Clients must not depend on it, but sfemu reproduces it so that recorded responses and
// sfemu's answers can be compared byte for byte where the values agree.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace sf2pg::sfemu {

using Json = nlohmann::ordered_json;

/// Appends `value` pretty-printed; `indent` is the indentation of the line it starts on.
void AppendJackson(std::string& out, const Json& value, int indent = 0);
/// The whole document.
std::string JacksonText(const Json& value);

}  // namespace sf2pg::sfemu
