// The one place that turns PostgreSQL SQLSTATE codes into retry decisions.
#pragma once

#include <string_view>

#include "core/error.h"

namespace sf2pg::postgres {

/// What a caller may do after PostgreSQL reported `sqlstate` (5 characters; empty when the
/// connection itself failed). `connecting` tells whether the error came while opening the
/// connection (then class 08 and 53300 are worth another call).
Retry ClassifySqlState(std::string_view sqlstate, bool connecting);

}  // namespace sf2pg::postgres
