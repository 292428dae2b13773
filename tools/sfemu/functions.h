// The function table: each supported Snowflake function maps to a handler that types its
// arguments and writes the PostgreSQL expression. Adding a function is one entry in
// functions.cc. Functions Snowflake has but sfemu cannot reproduce (HASH, HASH_AGG) are
// entries that refuse with a message saying why.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "translator.h"

namespace sf2pg::sfemu {

/// Everything a handler may use: the translated arguments, the call, the translator.
struct FunctionCall {
  const Expr& expr;
  std::vector<Typed> args;
  Translator& translator;
};

using FunctionHandler = std::function<Typed(FunctionCall&)>;

/// The handler for `name` (upper-case), or null when sfemu does not know the function.
const FunctionHandler* FindFunction(const std::string& name);

/// Whether `name` builds a semi-structured value (PARSE_JSON, ARRAY_CONSTRUCT, ...), which
/// Snowflake refuses inside INSERT ... VALUES.
bool IsSemiStructuredConstructor(const std::string& name);

}  // namespace sf2pg::sfemu
