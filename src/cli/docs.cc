#include "cli/docs.h"

#include <iostream>
#include <map>
#include <sstream>
#include <vector>

namespace sf2pg::cli {
namespace {

// The command's name, as it is typed: the app's name (sf2pg, sfemu).
std::string Program(const CLI::App& app) {
  return app.get_name().empty() ? "sf2pg" : app.get_name();
}

// What the generators need of one option, read from CLI11's definition.
struct OptionDoc {
  std::vector<std::string> names;  // "-c", "--config"; a positional's name alone
  bool positional = false;
  bool takes_value = false;
  bool repeatable = false;
  std::string value;  // as --help shows it after the names: " TEXT=config.json"
  std::string description;
  std::vector<std::string> choices;  // IsMember's set, from the type name "TEXT:{a,b}"
  bool number = false;               // nothing to complete
};

OptionDoc Describe(const CLI::Option& option) {
  OptionDoc doc;
  for (const auto& name : option.get_snames()) doc.names.push_back("-" + name);
  for (const auto& name : option.get_lnames()) doc.names.push_back("--" + name);
  if (doc.names.empty()) {
    doc.positional = true;
    doc.names.push_back(option.get_name(true, false));
  }
  doc.takes_value = option.get_expected_max() != 0;  // a flag expects none
  doc.repeatable = option.get_items_expected_max() > 1;
  doc.value = doc.takes_value ? CLI::Formatter().make_option_opts(&option) : "";
  doc.description = option.get_description();
  const std::string type = option.get_type_name();
  if (auto open = type.find('{'), close = type.find('}');
      open != std::string::npos && close != std::string::npos && close > open) {
    std::stringstream set(type.substr(open + 1, close - open - 1));
    for (std::string choice; std::getline(set, choice, ',');) doc.choices.push_back(choice);
  }
  for (const char* numeric : {"INT", "UINT", "FLOAT", "NUMBER"}) {
    if (type.rfind(numeric, 0) == 0) doc.number = true;
  }
  return doc;
}

// The options --help lists (hidden ones have no group), but a subcommand's -h,--help.
std::vector<OptionDoc> Options(const CLI::App& app, bool with_help) {
  std::vector<OptionDoc> docs;
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_group().empty()) continue;
    if (!with_help && option == app.get_help_ptr()) continue;
    docs.push_back(Describe(*option));
  }
  return docs;
}

std::vector<const CLI::App*> Subcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App* sub) { return !sub->get_group().empty(); });
}

// The one-line summary: the app's description without its "sf2pg 0.1.0: " prefix.
std::string Summary(const CLI::App& app) {
  std::string text = app.get_description();
  if (auto colon = text.find(": "); colon != std::string::npos) text = text.substr(colon + 2);
  return text;
}

std::string Join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// --- man page ---

std::string Upper(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// Text in roff: backslashes escaped, no line taken for a request.
std::string Roff(const std::string& text) {
  std::string out = Replace(text, "\\", "\\e");
  out = Replace(out, "\n.", "\n\\&.");
  out = Replace(out, "\n'", "\n\\&'");
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

// A name the reader types: every hyphen a minus sign.
std::string RoffName(const std::string& name) { return Replace(Roff(name), "-", "\\-"); }

void ManOptions(std::ostream& out, const std::vector<OptionDoc>& options) {
  for (const auto& option : options) {
    out << ".TP\n";
    std::vector<std::string> names;
    for (const auto& name : option.names) {
      names.push_back((option.positional ? "\\fI" : "\\fB") + RoffName(name) + "\\fR");
    }
    out << Join(names, ", ");
    if (!option.value.empty()) out << "\\fI" << Roff(option.value) << "\\fR";
    out << "\n" << Roff(option.description) << "\n";
  }
}

void ManFooter(std::ostream& out, const std::string& footer) {
  std::vector<std::vector<std::string>> paragraphs(1);
  std::stringstream lines(footer);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) {
      if (!paragraphs.back().empty()) paragraphs.emplace_back();
    } else {
      paragraphs.back().push_back(line);
    }
  }
  bool notes = false;
  for (const auto& paragraph : paragraphs) {
    if (paragraph.empty()) continue;
    if (paragraph.size() > 1 && paragraph[0].back() == ':') {  // "Examples:" and its lines
      std::string title = paragraph[0].substr(0, paragraph[0].size() - 1);
      out << ".SH " << Roff(Upper(title)) << "\n.nf\n";
      for (size_t i = 1; i < paragraph.size(); ++i) {
        std::string line = paragraph[i];
        line.erase(0, std::min(line.find_first_not_of(' '), size_t{2}));
        out << RoffName(line) << "\n";  // commands: their hyphens are minus signs
      }
      out << ".fi\n";
      continue;
    }
    out << (notes ? ".PP\n" : ".SH NOTES\n") << Roff(Join(paragraph, "\n")) << "\n";
    notes = true;
  }
}

// --- bash ---

std::string BashWords(const std::vector<std::string>& words) { return Join(words, " "); }

// --- zsh ---

// Inside a single-quoted zsh word.
std::string ZshQuoted(const std::string& text) { return Replace(text, "'", "'\\''"); }

// An _arguments explanation, in brackets.
std::string ZshExplanation(const std::string& text) {
  return Replace(Replace(Replace(text, "\\", "\\\\"), "[", "\\["), "]", "\\]");
}

std::string ZshAction(const OptionDoc& option) {
  if (!option.choices.empty()) return "(" + Join(option.choices, " ") + ")";
  if (option.number) return " ";
  return "_files";
}

void ZshSpecs(std::ostream& out, const std::vector<OptionDoc>& options, bool exclusive_all) {
  for (const auto& option : options) {
    const std::string help = ZshQuoted(ZshExplanation(option.description));
    if (option.positional) {
      out << " \\\n    '" << (option.repeatable ? "*" : "") << ":"
          << Replace(ZshQuoted(option.description), ":", "\\:") << ":" << ZshAction(option) << "'";
      continue;
    }
    std::string exclusion;
    if (exclusive_all) {
      exclusion = "(- *)";  // --help, --version: nothing else
    } else if (!option.repeatable && option.names.size() > 1) {
      exclusion = "(" + Join(option.names, " ") + ")";
    }
    for (const auto& name : option.names) {
      out << " \\\n    '" << exclusion << (option.repeatable ? "*" : "") << name;
      if (option.takes_value && name.rfind("--", 0) == 0) out << "=";
      out << "[" << help << "]";
      if (option.takes_value)
        out << ":" << name.substr(name.find_first_not_of('-')) << ":"
            << ZshQuoted(ZshAction(option));
      out << "'";
    }
  }
}

}  // namespace

std::string ManPage(const CLI::App& app) {
  const std::string program = Program(app);
  std::ostringstream out;
  out << ".\\\" Generated by `" << program
      << " --generate-man` from its command line definition: do not edit.\n"
      << ".TH " << Upper(program) << " 1 \"\" \"" << program << " " << SF2PG_VERSION
      << "\" \"User Commands\"\n"
      << ".SH NAME\n"
      << program << " \\- " << Roff(Summary(app)) << "\n"
      << ".SH SYNOPSIS\n";
  for (const CLI::App* sub : Subcommands(app)) {
    out << ".B " << program << " " << RoffName(sub->get_name()) << "\n";
    if (!Options(*sub, false).empty()) out << ".RI [ options ]\n";
    for (const auto& option : Options(*sub, false)) {
      if (option.positional) out << ".I " << RoffName(option.names[0]) << "\n";
    }
    out << ".br\n";
  }
  std::vector<std::string> top;
  for (const auto& option : Options(app, true)) {
    for (const auto& name : option.names) top.push_back(RoffName(name));
  }
  out << ".B " << program << "\n.RB [ " << Join(top, " | ") << " ]\n"
      << ".SH DESCRIPTION\n"
      << "\\fB" << program << "\\fR: " << Roff(Summary(app)) << ".\n"
      << "Its first argument names a command; the command's options follow it.\n"
      << ".SH OPTIONS\n";
  ManOptions(out, Options(app, true));
  out << ".SH COMMANDS\n";
  for (const CLI::App* sub : Subcommands(app)) {
    out << ".SS \"" << RoffName(sub->get_name()) << "\"\n" << Roff(sub->get_description()) << "\n";
    ManOptions(out, Options(*sub, false));
  }
  ManFooter(out, app.get_footer());
  return out.str();
}

std::string BashCompletion(const CLI::App& app) {
  const std::string program = Program(app);
  std::vector<std::string> commands;
  for (const CLI::App* sub : Subcommands(app)) commands.push_back(sub->get_name());
  // Completion of an option's value, per action: the "COMMAND OPTION" pairs that take it.
  std::map<std::string, std::vector<std::string>> values;
  std::map<std::string, std::vector<std::string>> words;  // per command ("" before one)
  auto collect = [&](const std::string& command, const std::vector<OptionDoc>& options) {
    auto& list = words[command];
    for (const auto& option : options) {
      if (option.positional) continue;
      for (const auto& name : option.names) {
        list.push_back(name);
        if (!option.takes_value) continue;
        std::string action = "return";  // a number: nothing to offer
        if (!option.choices.empty()) {
          action = "mapfile -t COMPREPLY < <(compgen -W \"" + BashWords(option.choices) +
                   "\" -- \"$cur\"); return";
        } else if (!option.number) {
          action =
              "compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "
              "\"$cur\"); return";
        }
        values[action].push_back("\"" + command + " " + name + "\"");
      }
    }
  };
  words[""] = commands;
  collect("", Options(app, true));
  for (const CLI::App* sub : Subcommands(app)) collect(sub->get_name(), Options(*sub, true));

  std::ostringstream out;
  out << "# bash completion for " << program << ": generated by `" << program
      << " completion bash` from its\n# command line definition; do not edit.\n"
      << "_" << program << "() {\n"
      << "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]} command=\"\" "
         "i\n"
      << "  COMPREPLY=()\n"
      << "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      << "    case ${COMP_WORDS[i]} in\n"
      << "      " << Join(commands, "|") << ")\n"
      << "        command=${COMP_WORDS[i]}\n"
      << "        break\n"
      << "        ;;\n"
      << "    esac\n"
      << "  done\n"
      << "  case \"$command $prev\" in\n";
  for (const auto& [action, patterns] : values) {
    out << "    " << Join(patterns, " | ") << ")\n      " << action << "\n      ;;\n";
  }
  out << "  esac\n"
      << "  case $command in\n";
  for (const auto& [command, list] : words) {
    out << "    \"" << command << "\") mapfile -t COMPREPLY < <(compgen -W \"" << BashWords(list)
        << "\" -- \"$cur\") ;;\n";
  }
  out << "  esac\n"
      << "}\n"
      << "complete -F _" << program << " " << program << "\n";
  return out.str();
}

std::string ZshCompletion(const CLI::App& app) {
  const std::string program = Program(app);
  std::ostringstream out;
  out << "#compdef " << program << "\n"
      << "# zsh completion for " << program << ": generated by `" << program
      << " completion zsh` from its\n# command line definition; do not edit.\n"
      << "_" << program << "() {\n"
      << "  local curcontext=$curcontext state line ret=1\n"
      << "  local -a commands\n"
      << "  commands=(\n";
  for (const CLI::App* sub : Subcommands(app)) {
    out << "    '" << ZshQuoted(Replace(sub->get_name(), ":", "\\:")) << ":"
        << ZshQuoted(sub->get_description()) << "'\n";
  }
  out << "  )\n"
      << "  _arguments -C";
  ZshSpecs(out, Options(app, true), true);
  out << " \\\n    '1:command:->command' \\\n    '*::argument:->argument' && ret=0\n"
      << "  case $state in\n"
      << "    command) _describe -t commands '" << program << " command' commands && ret=0 ;;\n"
      << "    argument)\n"
      << "      case $line[1] in\n";
  for (const CLI::App* sub : Subcommands(app)) {
    out << "        " << sub->get_name() << ")\n          _arguments";
    ZshSpecs(out, Options(*sub, true), false);
    out << " && ret=0\n          ;;\n";
  }
  out << "      esac\n"
      << "      ;;\n"
      << "  esac\n"
      << "  return ret\n"
      << "}\n"
      << "if [[ $funcstack[1] == _" << program << " ]]; then\n"
      << "  _" << program << " \"$@\"\n"
      << "else\n"
      << "  compdef _" << program << " " << program << "\n"
      << "fi\n";
  return out.str();
}

void AddManGenerator(CLI::App& app) {
  app.add_flag_callback(
         "--generate-man",
         [&app] {
           std::cout << ManPage(app);
           throw CLI::Success();
         },
         "Print the man page")
      ->group("");
}

void AddDocGenerators(CLI::App& app) {
  AddManGenerator(app);
  auto* completion = app.add_subcommand("completion", "Print a shell completion script");
  completion->group("");
  auto shell = std::make_shared<std::string>();
  completion->add_option("shell", *shell, "bash or zsh")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh"}));
  completion->callback([&app, shell] {
    std::cout << (*shell == "bash" ? BashCompletion(app) : ZshCompletion(app));
    throw CLI::Success();
  });
}

}  // namespace sf2pg::cli
