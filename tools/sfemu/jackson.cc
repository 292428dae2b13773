#include "jackson.h"

#include "json_text.h"

namespace sf2pg::sfemu {
namespace {

void Newline(std::string& out, int indent) {
  out += '\n';
  out.append(static_cast<size_t>(indent), ' ');
}

void AppendScalar(std::string& out, const Json& value) {
  if (value.is_string()) {
    AppendJsonString(out, value.get_ref<const std::string&>());
  } else {
    out += value.dump();
  }
}

}  // namespace

void AppendJackson(std::string& out, const Json& value, int indent) {
  if (value.is_object()) {
    if (value.empty()) {
      out += "{ }";
      return;
    }
    out += '{';
    bool first = true;
    for (const auto& [key, member] : value.items()) {
      if (!first) out += ',';
      first = false;
      Newline(out, indent + 2);
      AppendJsonString(out, key);
      out += " : ";
      AppendJackson(out, member, indent + 2);
    }
    Newline(out, indent);
    out += '}';
  } else if (value.is_array()) {
    if (value.empty()) {
      out += "[ ]";
      return;
    }
    out += "[ ";
    bool first = true;
    for (const auto& element : value) {
      if (!first) out += ", ";
      first = false;
      AppendJackson(out, element, indent);
    }
    out += " ]";
  } else {
    AppendScalar(out, value);
  }
}

std::string JacksonText(const Json& value) {
  std::string out;
  AppendJackson(out, value, 0);
  return out;
}

}  // namespace sf2pg::sfemu
