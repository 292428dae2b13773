#include "snowflake/json_text.h"

namespace sf2pg::snowflake {
namespace {

constexpr std::string_view kUndefined = "undefined";
constexpr std::string_view kNulEscape = "u0000";

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool IsUndefinedToken(std::string_view text, size_t at) {
  if (text.compare(at, kUndefined.size(), kUndefined) != 0) return false;
  size_t end = at + kUndefined.size();
  return (at == 0 || !IsWordChar(text[at - 1])) && (end == text.size() || !IsWordChar(text[end]));
}

}  // namespace

JsonFixup AppendJsonFixed(std::string_view text, bool refuse_nul, CopyBuffer& out) {
  // Nearly every value has neither token: copy it in one go.
  if (text.find(kUndefined) == std::string_view::npos &&
      (!refuse_nul || text.find(kNulEscape) == std::string_view::npos)) {
    out.Append(text);
    return JsonFixup::kOk;
  }
  size_t copied = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        if (refuse_nul && text.compare(i + 1, kNulEscape.size(), kNulEscape) == 0) {
          return JsonFixup::kNulCharacter;
        }
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == 'u' && IsUndefinedToken(text, i)) {
      out.Append(text.substr(copied, i - copied));
      out.Append("null");
      copied = i + kUndefined.size();
      i = copied - 1;
    }
  }
  out.Append(text.substr(copied));
  return JsonFixup::kOk;
}

}  // namespace sf2pg::snowflake
