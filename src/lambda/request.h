// The Lambda event sf2pg accepts (the seed tool's payloads plus fan-out fields), parsed and
// checked before anything connects anywhere.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/options.h"
#include "core/enum_text.h"
#include "core/error.h"

namespace sf2pg::lambda {

/// A malformed event: wrong types, unknown action. Reported as Sf2pg.InvalidPayload.
class PayloadError : public ConfigError {
 public:
  explicit PayloadError(const std::string& what) : ConfigError(what) {}
};

/// What an event asks for (its "action").
enum class Action { kValidateConfig, kTestConnections, kMigrate, kStatus };
inline constexpr EnumNames<Action, 4> kActionNames = {{
    {Action::kValidateConfig, "validate_config"},
    {Action::kTestConnections, "test_connections"},
    {Action::kMigrate, "migrate"},
    {Action::kStatus, "status"},
}};
std::string ToString(Action action);
Action ParseAction(std::string_view text);
std::ostream& operator<<(std::ostream& out, Action action);  // for test failure messages

struct Request {
  Action action = Action::kMigrate;
  /// migrate's fields, as the command line has them: source_name (a string or a list; empty =
  /// all enabled), tables_filter (a list or a comma-separated string), no_resume,
  /// resume_max_age (hours), resume_run_id, and join_run_id (fan-out workers: claim this run's
  /// chunks, plan nothing) in `run_id`.
  app::MigrateOptions migrate;
  bool plan_only = false;  ///< open or resume the run, plan it, claim no chunk
  std::string run_id;      ///< status: show this run
  int limit = 10;          ///< status: how many recent runs
};

/// Parses an event. Fields may also sit in an "input" object (the seed's state machines send
/// {"action": ..., "input": {...}}); top-level fields win. null means "not given"; unknown
/// fields are ignored. Throws PayloadError naming the field.
Request ParseRequest(std::string_view event);

}  // namespace sf2pg::lambda
