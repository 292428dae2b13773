// The man page and the bash and zsh completions of sf2pg, generated from the CLI::App that
// parses its command line (main.cc), so that they list exactly the subcommands and options that
// --help does. The build runs the generators (src/cli/CMakeLists.txt) and installs their output.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace sf2pg::cli {

/// Adds the hidden `--generate-man` flag, which prints the man page of `app` (named by
/// `app.get_name()`, "sf2pg" when unnamed) and ends the parse with CLI::Success.
void AddManGenerator(CLI::App& app);

/// Adds the hidden `--generate-man` flag and `completion bash|zsh` subcommand to `app`: each
/// prints what it generates from `app` (every visible subcommand and option, whenever they were
/// added) and ends the parse with CLI::Success.
void AddDocGenerators(CLI::App& app);

/// A man page (roff, man macros): the synopsis, every option, every subcommand with its options,
/// and the footer (the examples and exit codes).
std::string ManPage(const CLI::App& app);
/// A bash completion script: subcommands, their options, and the values of options that take
/// one of a set (--log-format), or a file.
std::string BashCompletion(const CLI::App& app);
/// A zsh completion script (#compdef), the same as the bash one, with descriptions.
std::string ZshCompletion(const CLI::App& app);

}  // namespace sf2pg::cli
