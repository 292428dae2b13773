// sf2pg as an AWS Lambda custom runtime (provided.al2023): the process is the `bootstrap`,
// initialises once, then serves invocations one after another until Lambda stops it.
#pragma once

#include <optional>
#include <string>

#include "app/options.h"

namespace sf2pg::lambda {

/// The configuration file inside Lambda: SF2PG_CONFIG, else config.json in LAMBDA_TASK_ROOT,
/// else config.json in the working directory.
std::string LambdaConfigPath();

/// Runs the Runtime API loop against AWS_LAMBDA_RUNTIME_API. Initialisation only reads the
/// configuration file (no network): a broken one is reported as an init error. Returns the
/// exit status when the Runtime API fails.
int RunRuntime(const app::GlobalOptions& global);

/// Handles one event without Lambda (local testing): prints the answer envelope, or the error
/// JSON, to stdout. `deadline_seconds` plays Lambda's remaining time.
int RunOneEvent(const app::GlobalOptions& global, const std::string& event,
                std::optional<double> deadline_seconds);

}  // namespace sf2pg::lambda
