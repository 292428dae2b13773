#include "snowflake/json_text.h"

#include <climits>
#include <cstdint>
#include <string>

#include "core/strings.h"

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

// PostgreSQL's JSON lexer reads letters, digits, '_' and non-ASCII bytes as one token, so a
// number or literal followed by one of them is an error.
bool IsTokenChar(char c) { return IsWordChar(c) || static_cast<unsigned char>(c) >= 0x80; }

// numeric's limits (PostgreSQL's numeric.c): a base-10000 weight of at most 32767, so a leading
// digit of at most 10^131071, and a display scale of at most 16383; exponents as written are
// refused from INT_MAX / 2 on.
constexpr int64_t kMaxLeadingExponent = 4 * 32768 - 1;
constexpr int64_t kMaxScale = 16383;
constexpr int64_t kMaxWrittenExponent = INT_MAX / 2;

// A strict RFC 8259 reader that only checks, as PostgreSQL's json parser does. Iterative, so
// deep nesting costs one byte per level and no stack frames.
class JsonChecker {
 public:
  JsonChecker(std::string_view text, bool for_jsonb) : t_(text), jsonb_(for_jsonb) {}

  JsonFixup Check() {
    std::string open;  // '{' or '[' per open container
    SkipSpace();
    while (true) {
      if (At('{') || At('[')) {
        char close = At('{') ? '}' : ']';
        open.push_back(t_[at_++]);
        SkipSpace();
        if (At(close)) {
          ++at_;
          open.pop_back();
        } else {
          if (open.back() == '{' && (status_ = Key()) != JsonFixup::kOk) return status_;
          continue;  // the first value of the container
        }
      } else if ((status_ = Scalar()) != JsonFixup::kOk) {
        return status_;
      }
      // After a value: a separator, the end of containers, or the end of the text.
      while (true) {
        SkipSpace();
        if (open.empty()) return at_ == t_.size() ? JsonFixup::kOk : JsonFixup::kSyntax;
        if (At(',')) {
          ++at_;
          SkipSpace();
          if (open.back() == '{' && (status_ = Key()) != JsonFixup::kOk) return status_;
          break;
        }
        if (!At(open.back() == '{' ? '}' : ']')) return JsonFixup::kSyntax;
        ++at_;
        open.pop_back();
      }
    }
  }

 private:
  bool At(char c) const { return at_ < t_.size() && t_[at_] == c; }

  void SkipSpace() {
    while (at_ < t_.size() &&
           (t_[at_] == ' ' || t_[at_] == '\t' || t_[at_] == '\n' || t_[at_] == '\r')) {
      ++at_;
    }
  }

  // A member name and its colon.
  JsonFixup Key() {
    if (!At('"')) return JsonFixup::kSyntax;
    if (JsonFixup f = String(); f != JsonFixup::kOk) return f;
    SkipSpace();
    if (!At(':')) return JsonFixup::kSyntax;
    ++at_;
    SkipSpace();
    return JsonFixup::kOk;
  }

  JsonFixup Scalar() {
    if (At('"')) return String();
    if (At('-') || (at_ < t_.size() && IsAsciiDigit(t_[at_]))) return Number();
    size_t start = at_;
    while (at_ < t_.size() && IsTokenChar(t_[at_])) ++at_;
    std::string_view word = t_.substr(start, at_ - start);
    bool known = word == "true" || word == "false" || word == "null" || word == kUndefined;
    return known ? JsonFixup::kOk : JsonFixup::kSyntax;
  }

  JsonFixup String() {
    ++at_;  // the opening quote
    bool high_surrogate = false;
    while (at_ < t_.size()) {
      auto c = static_cast<unsigned char>(t_[at_]);
      if (c != '\\') {
        if (high_surrogate) return JsonFixup::kSurrogate;
        if (c < 0x20) return JsonFixup::kSyntax;  // control characters must be escaped
        ++at_;
        if (c == '"') return JsonFixup::kOk;
        continue;
      }
      if (at_ + 1 >= t_.size()) return JsonFixup::kSyntax;
      char escaped = t_[at_ + 1];
      if (escaped != 'u') {
        if (high_surrogate) return JsonFixup::kSurrogate;
        if (std::string_view("\"\\/bfnrt").find(escaped) == std::string_view::npos) {
          return JsonFixup::kSyntax;
        }
        at_ += 2;
        continue;
      }
      uint32_t code = 0;
      for (size_t i = at_ + 2; i < at_ + 6; ++i) {
        int digit = i < t_.size() ? HexDigit(t_[i]) : -1;
        if (digit < 0) return JsonFixup::kSyntax;
        code = code << 4 | static_cast<uint32_t>(digit);
      }
      at_ += 6;
      bool high = code >= 0xD800 && code <= 0xDBFF;
      bool low = code >= 0xDC00 && code <= 0xDFFF;
      if (high_surrogate != low) return JsonFixup::kSurrogate;
      high_surrogate = high;
      if (code == 0 && jsonb_) return JsonFixup::kNulCharacter;
    }
    return JsonFixup::kSyntax;
  }

  static int HexDigit(char c) {
    if (IsAsciiDigit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  size_t Digits() {
    size_t start = at_;
    while (at_ < t_.size() && IsAsciiDigit(t_[at_])) ++at_;
    return at_ - start;
  }

  JsonFixup Number() {
    if (At('-')) ++at_;
    size_t int_start = at_;
    if (At('0')) {
      ++at_;
    } else if (Digits() == 0) {
      return JsonFixup::kSyntax;
    }
    size_t int_digits = at_ - int_start;
    size_t frac_start = at_, frac_digits = 0;
    if (At('.')) {
      ++at_;
      frac_start = at_;
      if ((frac_digits = Digits()) == 0) return JsonFixup::kSyntax;
    }
    int64_t exponent = 0;
    if (At('e') || At('E')) {
      ++at_;
      bool negative = At('-');
      if (At('-') || At('+')) ++at_;
      if (at_ >= t_.size() || !IsAsciiDigit(t_[at_])) return JsonFixup::kSyntax;
      for (; at_ < t_.size() && IsAsciiDigit(t_[at_]); ++at_) {
        exponent = std::min<int64_t>(exponent * 10 + (t_[at_] - '0'), kMaxWrittenExponent);
      }
      if (negative) exponent = -exponent;
    }
    if (at_ < t_.size() && IsTokenChar(t_[at_])) return JsonFixup::kSyntax;
    if (!jsonb_) return JsonFixup::kOk;
    // jsonb stores numbers as numeric.
    if (exponent >= kMaxWrittenExponent || exponent <= -kMaxWrittenExponent) {
      return JsonFixup::kNumberRange;
    }
    if (static_cast<int64_t>(frac_digits) - exponent > kMaxScale) return JsonFixup::kNumberRange;
    std::string_view digits = t_.substr(int_start, int_digits);
    std::string_view fraction = t_.substr(frac_start, frac_digits);
    size_t first = digits.find_first_not_of('0');
    int64_t lead;  // the power of ten of the first non-zero digit
    if (first != std::string_view::npos) {
      lead = static_cast<int64_t>(int_digits - first) - 1 + exponent;
    } else if ((first = fraction.find_first_not_of('0')) != std::string_view::npos) {
      lead = -static_cast<int64_t>(first) - 1 + exponent;
    } else {
      return JsonFixup::kOk;  // zero
    }
    return lead > kMaxLeadingExponent ? JsonFixup::kNumberRange : JsonFixup::kOk;
  }

  std::string_view t_;
  bool jsonb_;
  size_t at_ = 0;
  JsonFixup status_ = JsonFixup::kOk;
};

}  // namespace

JsonFixup CheckJson(std::string_view text, bool for_jsonb) {
  return JsonChecker(text, for_jsonb).Check();
}

std::string_view JsonProblem(JsonFixup fixup) {
  switch (fixup) {
    case JsonFixup::kOk:
      return "no problem";
    case JsonFixup::kNulCharacter:
      return "a \\u0000 escape, which jsonb cannot store";
    case JsonFixup::kSyntax:
      return "text that is not JSON as PostgreSQL reads it (RFC 8259: no NaN, Infinity, bare "
             "words or unescaped control characters)";
    case JsonFixup::kSurrogate:
      return "an unpaired UTF-16 surrogate escape";
    case JsonFixup::kNumberRange:
      return "a number beyond the range of jsonb's numeric";
  }
  return "an unknown problem";
}

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
