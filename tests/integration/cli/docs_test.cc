// The man page and the shell completions that the build generates (src/cli/docs.h) list every
// subcommand and option that `sf2pg --help` does, and are well-formed for man, bash and zsh.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "integration/files.h"
#include "integration/pg_fixture.h"

namespace sf2pg::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Names = std::set<std::string>;

std::string Sf2pg(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {BinaryPath("sf2pg")};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = RunProcess(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The entries of one section of --help ("Subcommands:", "Options:", "Positionals:"): the words
// of the left column, which starts with two spaces; options give each of their names.
Names HelpSection(const std::string& help, const std::string& section) {
  Names names;
  bool inside = false;
  for (const auto& line : Lines(help)) {
    if (line.empty() || line[0] != ' ') {
      inside = line == section;
      continue;
    }
    if (!inside || line.size() < 3 || line[2] == ' ') continue;   // a wrapped description
    std::string column = line.substr(2, line.find("  ", 2) - 2);  // "-c,--config TEXT=..."
    std::replace(column.begin(), column.end(), ',', ' ');
    std::stringstream words(column);
    for (std::string word; std::getline(words, word, ' ');) {
      if (section != "Options:" || word.rfind("-", 0) == 0) names.insert(word);
      if (section != "Options:") break;  // a positional's type follows its name
    }
  }
  return names;
}

// A program found on PATH (RunProcess takes a path).
ProcessResult Tool(std::vector<std::string> argv,
                   const std::map<std::string, std::string>& env = {}) {
  argv.insert(argv.begin(), {"/bin/sh", "-c", "exec \"$0\" \"$@\""});
  return RunProcess(argv, env);
}

Names Subcommands() { return HelpSection(Sf2pg({"--help"}), "Subcommands:"); }

class CliDocsTest : public ::testing::Test {
 protected:
  static std::string Generated(const std::string& path) {
    return ReadFileText(BinaryPath("share/" + path));
  }
  // One bash completion: the words typed so far, the last one being completed.
  static Names Complete(const std::string& words) {
    auto r = Tool({"bash", "-c",
                   ". \"$0\"; COMP_WORDS=($1); [[ $1 == *' ' ]] && COMP_WORDS+=('');"
                   "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _sf2pg;"
                   "for word in \"${COMPREPLY[@]}\"; do echo \"$word\"; done",
                   BinaryPath("share/bash-completion/completions/sf2pg"), words});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    Names names;
    for (const auto& line : Lines(r.out)) names.insert(line);
    return names;
  }
};

TEST_F(CliDocsTest, TheBuildInstallsWhatSf2pgGeneratesNow) {
  EXPECT_EQ(Generated("man/man1/sf2pg.1"), Sf2pg({"--generate-man"}));
  EXPECT_EQ(Generated("bash-completion/completions/sf2pg"), Sf2pg({"completion", "bash"}));
  EXPECT_EQ(Generated("zsh/vendor-completions/_sf2pg"), Sf2pg({"completion", "zsh"}));
  auto gz = Tool({"gzip", "-dc", BinaryPath("share/man/man1/sf2pg.1.gz")});
  EXPECT_EQ(gz.out, Generated("man/man1/sf2pg.1"));
  // The generators are hidden from --help.
  auto help = Sf2pg({"--help"});
  EXPECT_THAT(help, Not(HasSubstr("completion")));
  EXPECT_THAT(help, Not(HasSubstr("generate-man")));
}

TEST_F(CliDocsTest, ManPageHasEveryCommandAndOptionOfHelp) {
  const std::string man = Generated("man/man1/sf2pg.1");
  auto roff = [](std::string name) {
    std::string out;
    for (char c : name) out += c == '-' ? std::string("\\-") : std::string(1, c);
    return out;
  };
  // A section: from its heading to the next heading.
  auto section = [&](const std::string& heading) {
    auto start = man.find("\n" + heading + "\n");
    if (start == std::string::npos) return std::string();
    auto end = man.find("\n.S", start + 1);
    return man.substr(start, end == std::string::npos ? std::string::npos : end - start);
  };
  for (const auto& option : HelpSection(Sf2pg({"--help"}), "Options:")) {
    EXPECT_THAT(section(".SH OPTIONS"), HasSubstr("\\fB" + roff(option) + "\\fR")) << option;
  }
  Names commands = Subcommands();
  ASSERT_GE(commands.size(), 8u);
  for (const auto& command : commands) {
    std::string text = section(".SS \"" + roff(command) + "\"");
    ASSERT_FALSE(text.empty()) << command << " has no section in the man page";
    auto help = Sf2pg({command, "--help"});
    Names options = HelpSection(help, "Options:");
    EXPECT_TRUE(options.count("--config")) << command;
    for (const auto& option : options) {
      if (option == "-h" || option == "--help") continue;
      EXPECT_THAT(text, HasSubstr("\\fB" + roff(option) + "\\fR")) << command << " " << option;
    }
    for (const auto& positional : HelpSection(help, "Positionals:")) {
      EXPECT_THAT(text, HasSubstr("\\fI" + roff(positional) + "\\fR")) << command;
    }
  }
  // Every example of --help, as it is written there.
  const std::string help = Sf2pg({"--help"});
  const std::string examples = section(".SH EXAMPLES");
  auto from = help.find("\nExamples:\n");
  ASSERT_NE(from, std::string::npos) << help;
  std::istringstream lines(help.substr(from + 11));
  int count = 0;
  for (std::string line; std::getline(lines, line);) {
    auto first = line.find_first_not_of(' ');
    if (first == std::string::npos || line.compare(first, 6, "sf2pg ") != 0) continue;
    ++count;
    EXPECT_THAT(examples, HasSubstr("\n" + roff(line.substr(first)) + "\n")) << line;
  }
  EXPECT_GE(count, 10);
}

TEST_F(CliDocsTest, ManPageRendersWithoutWarnings) {
  auto r = Tool({"groff", "-man", "-Tutf8", "-ww", "-z", BinaryPath("share/man/man1/sf2pg.1")});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "");
  auto text = Tool({"man", "-l", BinaryPath("share/man/man1/sf2pg.1.gz")},
                   {{"MANPAGER", "cat"}, {"MANWIDTH", "100"}});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("sf2pg - migrate tables from Snowflake into PostgreSQL"));
  EXPECT_THAT(text.out, HasSubstr("--resume-max-age"));
}

// sfemu's man page comes from the same generator: every command and option of its --help, and
// it renders cleanly.
TEST_F(CliDocsTest, SfemuManPageHasEveryCommandAndOption) {
  auto sfemu = [](const std::vector<std::string>& args) {
    std::vector<std::string> argv = {BinaryPath("sfemu")};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = RunProcess(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  };
  const std::string man = sfemu({"--generate-man"});
  EXPECT_THAT(man, HasSubstr(".TH SFEMU 1"));
  EXPECT_THAT(man, HasSubstr("sfemu \\- a Snowflake SQL API v2 emulator"));
  Names commands = HelpSection(sfemu({"--help"}), "Subcommands:");
  EXPECT_EQ(commands, Names({"serve", "load"}));
  for (const auto& command : commands) {
    auto start = man.find(".SS \"" + command + "\"");
    ASSERT_NE(start, std::string::npos) << command;
    std::string text = man.substr(start, man.find("\n.S", start + 1) - start);
    for (const auto& option : HelpSection(sfemu({command, "--help"}), "Options:")) {
      if (option == "-h" || option == "--help") continue;
      std::string roff;
      for (char c : option) roff += c == '-' ? std::string("\\-") : std::string(1, c);
      EXPECT_THAT(text, HasSubstr("\\fB" + roff + "\\fR")) << command << " " << option;
    }
  }
  auto r =
      Tool({"sh", "-c", "\"$0\" --generate-man | groff -man -Tutf8 -ww -z", BinaryPath("sfemu")});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "");
}

TEST_F(CliDocsTest, BashCompletesEveryCommandAndOption) {
  auto syntax = Tool({"bash", "-n", BinaryPath("share/bash-completion/completions/sf2pg")});
  EXPECT_EQ(syntax.exit_code, 0) << syntax.err;
  Names commands = Subcommands();
  Names first = Complete("sf2pg ");
  for (const auto& command : commands) EXPECT_TRUE(first.count(command)) << command;
  EXPECT_FALSE(first.count("completion"));
  EXPECT_EQ(Complete("sf2pg mig"), Names({"migrate"}));
  for (const auto& command : commands) {
    Names options = HelpSection(Sf2pg({command, "--help"}), "Options:");
    EXPECT_EQ(Complete("sf2pg " + command + " -"), options) << command;
  }
  EXPECT_EQ(Complete("sf2pg migrate --log-format "), Names({"auto", "text", "json"}));
  EXPECT_EQ(Complete("sf2pg status --log-level w"), Names({"warning"}));
  EXPECT_EQ(Complete("sf2pg migrate --deadline "), Names());  // a number
}

TEST_F(CliDocsTest, ZshCompletionNamesEveryCommandAndOption) {
  const std::string path = BinaryPath("share/zsh/vendor-completions/_sf2pg");
  auto syntax = Tool({"zsh", "-n", path});
  EXPECT_EQ(syntax.exit_code, 0) << syntax.err;
  const std::string zsh = ReadFileText(path);
  EXPECT_EQ(zsh.rfind("#compdef sf2pg\n", 0), 0u);
  for (const auto& command : Subcommands()) {
    EXPECT_THAT(zsh, HasSubstr("    '" + command + ":")) << command;
    auto start = zsh.find("\n        " + command + ")\n");
    ASSERT_NE(start, std::string::npos) << command;
    std::string block = zsh.substr(start, zsh.find(";;", start) - start);
    for (const auto& option : HelpSection(Sf2pg({command, "--help"}), "Options:")) {
      EXPECT_THAT(block, HasSubstr(option + (option.size() > 2 ? "" : "[")))
          << command << " " << option;
    }
  }
  EXPECT_THAT(zsh, HasSubstr("--log-format=[Log format: auto, text or json]:log-format:(auto "
                             "text json)'"));
}

}  // namespace
}  // namespace sf2pg::testing
