#include "json_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <utility>
#include <vector>

#include "core/strings.h"

namespace sf2pg::sfemu {
namespace {

constexpr char kHexUpper[] = "0123456789ABCDEF";
constexpr char kHexLower[] = "0123456789abcdef";

enum class NumberStyle { kDecimal, kGeography, kGeometry };

class JsonCanonicalizer {
 public:
  JsonCanonicalizer(std::string_view in, NumberStyle style, bool allow_undefined = true)
      : in_(in), style_(style), allow_undefined_(allow_undefined) {}

  /// Leaves out the member `key` of the outermost object.
  JsonCanonicalizer& Dropping(std::string_view key) {
    drop_ = key;
    return *this;
  }

  std::string Run() {
    SkipSpace();
    std::string out = Value(false);
    SkipSpace();
    if (pos_ != in_.size()) Fail("unexpected text after the JSON value");
    return out;
  }

 private:
  [[noreturn]] void Fail(const std::string& why) const {
    throw ValueError("Error parsing JSON: " + why + ", pos " + std::to_string(pos_));
  }

  void SkipSpace() {
    while (pos_ < in_.size() &&
           (in_[pos_] == ' ' || in_[pos_] == '\t' || in_[pos_] == '\n' || in_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Consume(std::string_view word) {
    if (in_.substr(pos_, word.size()) == word) {
      pos_ += word.size();
      return true;
    }
    return false;
  }

  std::string Value(bool in_array) {
    if (pos_ >= in_.size()) Fail("unexpected end");
    char c = in_[pos_];
    if (c == '{') return Object();
    if (c == '[') return Array();
    if (c == '"') return CanonicalJsonString(String());
    if (Consume("true")) return "true";
    if (Consume("false")) return "false";
    if (Consume("null")) return "null";
    if (in_array && allow_undefined_ && Consume("undefined")) return "undefined";
    if (c == '-' || (c >= '0' && c <= '9')) return Number();
    Fail(std::string("unexpected character '") + c + "'");
  }

  std::string Object() {
    bool outermost = depth_++ == 0;
    ++pos_;
    std::vector<std::pair<std::string, std::string>> members;
    SkipSpace();
    if (pos_ < in_.size() && in_[pos_] == '}') {
      ++pos_;
      return "{}";
    }
    while (true) {
      SkipSpace();
      if (pos_ >= in_.size() || in_[pos_] != '"') Fail("expected a key");
      std::string key = String();
      SkipSpace();
      if (pos_ >= in_.size() || in_[pos_] != ':') Fail("expected ':'");
      ++pos_;
      SkipSpace();
      std::string value = Value(false);
      if (!(outermost && !drop_.empty() && key == drop_)) {
        members.emplace_back(std::move(key), std::move(value));
      }
      SkipSpace();
      if (pos_ < in_.size() && in_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < in_.size() && in_[pos_] == '}') {
        ++pos_;
        break;
      }
      Fail("expected ',' or '}'");
    }
    std::sort(members.begin(), members.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 1; i < members.size(); ++i) {
      if (members[i].first == members[i - 1].first) {
        throw ValueError("duplicate object key \"" + members[i].first + "\"");
      }
    }
    std::string out = "{";
    for (size_t i = 0; i < members.size(); ++i) {
      if (i) out += ',';
      out += CanonicalJsonString(members[i].first);
      out += ':';
      out += members[i].second;
    }
    return out + "}";
  }

  std::string Array() {
    ++pos_;
    SkipSpace();
    if (pos_ < in_.size() && in_[pos_] == ']') {
      ++pos_;
      return "[]";
    }
    std::string out = "[";
    while (true) {
      SkipSpace();
      out += Value(true);
      SkipSpace();
      if (pos_ < in_.size() && in_[pos_] == ',') {
        ++pos_;
        out += ',';
        continue;
      }
      if (pos_ < in_.size() && in_[pos_] == ']') {
        ++pos_;
        break;
      }
      Fail("expected ',' or ']'");
    }
    return out + "]";
  }

  uint32_t Hex4() {
    if (pos_ + 4 > in_.size()) Fail("short \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char h = in_[pos_++];
      v <<= 4;
      if (h >= '0' && h <= '9')
        v |= static_cast<uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f')
        v |= static_cast<uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F')
        v |= static_cast<uint32_t>(h - 'A' + 10);
      else
        Fail("bad \\u escape");
    }
    return v;
  }

  /// Decodes a JSON string (the cursor is on the opening quote).
  std::string String() {
    ++pos_;
    std::string out;
    while (true) {
      if (pos_ >= in_.size()) Fail("unterminated string");
      char c = in_[pos_++];
      if (c == '"') break;
      if (static_cast<unsigned char>(c) < 0x20) Fail("control character in string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= in_.size()) Fail("unterminated escape");
      char e = in_[pos_++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          uint32_t cp = Hex4();
          if (cp >= 0xD800 && cp < 0xDC00 && Consume("\\u")) {
            uint32_t low = Hex4();
            if (low < 0xDC00 || low > 0xDFFF) Fail("bad surrogate pair");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          AppendUtf8(out, cp);
          break;
        }
        default:
          Fail(std::string("bad escape \\") + e);
      }
    }
    return out;
  }

  std::string Number() {
    size_t start = pos_;
    if (in_[pos_] == '-') ++pos_;
    auto digits = [&] {
      size_t d = pos_;
      while (pos_ < in_.size() && in_[pos_] >= '0' && in_[pos_] <= '9') ++pos_;
      return pos_ - d;
    };
    size_t int_start = pos_;
    if (digits() == 0) Fail("bad number");
    if (in_[int_start] == '0' && pos_ - int_start > 1) Fail("leading zero in number");
    bool fraction = false, exponent = false;
    if (pos_ < in_.size() && in_[pos_] == '.') {
      ++pos_;
      fraction = true;
      if (digits() == 0) Fail("bad number fraction");
    }
    if (pos_ < in_.size() && (in_[pos_] == 'e' || in_[pos_] == 'E')) {
      ++pos_;
      exponent = true;
      if (pos_ < in_.size() && (in_[pos_] == '+' || in_[pos_] == '-')) ++pos_;
      if (digits() == 0) Fail("bad number exponent");
    }
    std::string text(in_.substr(start, pos_ - start));
    if (style_ != NumberStyle::kDecimal) return GeoNumber(text);
    if (exponent) {
      throw ValueError("sfemu cannot reproduce Snowflake's spelling of the VARIANT number " + text +
                           " (exponent notation)",
                       kNotEmulatedCode, kNotEmulatedState);
    }
    if (fraction && text.back() == '0') {
      throw ValueError("sfemu cannot reproduce Snowflake's spelling of the VARIANT number " + text +
                           " (trailing fraction zeros)",
                       kNotEmulatedCode, kNotEmulatedState);
    }
    size_t significant = 0;
    bool leading = true;
    for (char c : text) {
      if (c < '0' || c > '9') continue;
      if (leading && c == '0') continue;
      leading = false;
      ++significant;
    }
    if (significant > 38) {
      throw ValueError(
          "sfemu cannot store the VARIANT number " + text + " exactly (over 38 digits)",
          kNotEmulatedCode, kNotEmulatedState);
    }
    if (text == "-0") return "0";
    return text;
  }

  std::string GeoNumber(const std::string& text) const {
    double v = std::strtod(text.c_str(), nullptr);
    if (style_ == NumberStyle::kGeometry) {
      char buffer[64];
      std::snprintf(buffer, sizeof buffer, "%.15e", v);
      return buffer;
    }
    char buffer[64];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
    return std::string(buffer, result.ptr);
  }

  std::string_view in_;
  NumberStyle style_;
  bool allow_undefined_;
  size_t pos_ = 0;
  int depth_ = 0;          // objects entered
  std::string_view drop_;  // a member of the outermost object left out
};

}  // namespace

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

namespace {

/// JSON string escaping. `hex` spells the \u00XX escapes (the wire uses upper case, stored
/// VARIANT text lower case); `stand_in` turns sfemu's stored NULs back into \u0000.
void Escape(std::string& out, std::string_view text, const char* hex, bool stand_in) {
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    auto u = static_cast<unsigned char>(text[i]);
    if (stand_in && u == 0xEE && i + 2 < text.size() && text[i + 1] == '\x80' &&
        text[i + 2] == '\x80') {
      // U+E000 is how sfemu stores a NUL character in PostgreSQL text (see values.h).
      out.append(text.data() + run, i - run);
      out += "\\u0000";
      i += 2;
      run = i + 1;
      continue;
    }
    if (u >= 0x20 && u != '"' && u != '\\') continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
    if (const char* e = ShortEscape(text[i])) {
      out += e;
    } else if (u == '"') {
      out += "\\\"";
    } else {
      out += "\\u00";
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  out.append(text.data() + run, text.size() - run);
}

}  // namespace

const char* ShortEscape(char c) {
  switch (c) {
    case '\\':
      return "\\\\";
    case '\n':
      return "\\n";
    case '\r':
      return "\\r";
    case '\t':
      return "\\t";
    case '\b':
      return "\\b";
    case '\f':
      return "\\f";
    default:
      return nullptr;
  }
}

void AppendJsonEscaped(std::string& out, std::string_view text) {
  Escape(out, text, kHexUpper, true);
}

void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  AppendJsonEscaped(out, text);
  out += '"';
}

std::string CanonicalJsonString(std::string_view text) {
  std::string out = "\"";
  Escape(out, text, kHexLower, false);
  return out + "\"";
}

std::string CanonicalJson(std::string_view input, SfKind kind, bool allow_undefined) {
  if (kind == SfKind::kGeography || kind == SfKind::kGeometry) return CanonicalGeo(input, kind);
  std::string out = JsonCanonicalizer(input, NumberStyle::kDecimal, allow_undefined).Run();
  if (kind == SfKind::kObject && out.front() != '{') {
    throw ValueError("an OBJECT value must be a JSON object");
  }
  if (kind == SfKind::kArray && out.front() != '[') {
    throw ValueError("an ARRAY value must be a JSON array");
  }
  return out;
}

namespace {

// `text` (and its upper-case copy): WKT POINT(x y) or GeoJSON, as canonical compact GeoJSON.
std::string GeoJson(const std::string& text, const std::string& upper, SfKind kind) {
  NumberStyle style = NumberStyle::kGeography;  // stored numbers: shortest exact text
  if (upper.rfind("POINT", 0) == 0) {
    // WKT POINT(x y): the only WKT form sfemu reads; GeoJSON covers the rest.
    size_t open = text.find('('), close = text.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open) {
      throw ValueError("invalid WKT point '" + text + "'");
    }
    std::string inner = text.substr(open + 1, close - open - 1);
    char* end = nullptr;
    double x = std::strtod(inner.c_str(), &end);
    char* end2 = nullptr;
    double y = std::strtod(end, &end2);
    if (end == inner.c_str() || end2 == end || std::isnan(x) || std::isnan(y)) {
      throw ValueError("invalid WKT point '" + text + "'");
    }
    char bx[64], by[64];
    auto rx = std::to_chars(bx, bx + 64, x);
    auto ry = std::to_chars(by, by + 64, y);
    std::string json = "{\"coordinates\":[" + std::string(bx, rx.ptr) + "," +
                       std::string(by, ry.ptr) + "],\"type\":\"Point\"}";
    return JsonCanonicalizer(json, style).Run();
  }
  std::string out = JsonCanonicalizer(text, style).Run();
  if (out.front() != '{' || out.find("\"type\":") == std::string::npos) {
    throw ValueError("a " + std::string(kind == SfKind::kGeometry ? "GEOMETRY" : "GEOGRAPHY") +
                     " value must be WKT POINT(x y) or a GeoJSON object");
  }
  return out;
}

}  // namespace

std::string CanonicalGeo(std::string_view input, SfKind kind, std::optional<int64_t> srid) {
  std::string text(sf2pg::Trim(input));
  std::string upper = Upper(text);
  // EWKT / EWKB-like prefix: SRID=n;<WKT or GeoJSON>.
  std::optional<int64_t> own;
  if (upper.rfind("SRID=", 0) == 0) {
    size_t semicolon = text.find(';');
    int64_t n = -1;
    if (semicolon != std::string::npos) {
      auto parsed = std::from_chars(text.data() + 5, text.data() + semicolon, n);
      if (parsed.ec != std::errc() || parsed.ptr != text.data() + semicolon) n = -1;
    }
    if (n < 0 || n > INT32_MAX) {
      throw ValueError("invalid EWKT SRID prefix in '" + text.substr(0, 40) + "'");
    }
    own = n;
    text = std::string(sf2pg::Trim(std::string_view(text).substr(semicolon + 1)));
    upper = Upper(text);
  }
  if (kind == SfKind::kGeography) {
    // GEOGRAPHY is WGS 84 (SRID 4326) only.
    if ((own && *own != 4326) || (srid && *srid != 4326)) {
      throw ValueError("a GEOGRAPHY value has SRID 4326");
    }
    return GeoJson(text, upper, kind);
  }
  // GEOMETRY: the SRID argument, else the text's own, else 0 (Snowflake's default).
  int64_t id = srid ? *srid : own.value_or(0);
  if (id < 0 || id > INT32_MAX) throw ValueError("invalid SRID " + std::to_string(id));
  std::string json = GeoJson(text, upper, kind);
  if (id == 0) return json;
  json.pop_back();
  return JsonCanonicalizer(json + ",\"srid\":" + std::to_string(id) + "}", NumberStyle::kGeography)
      .Run();
}

int64_t StoredGeometrySrid(std::string_view stored) {
  size_t at = stored.find("\"srid\":");
  if (at == std::string_view::npos) return 0;
  int64_t srid = 0;
  const char* begin = stored.data() + at + 7;
  std::from_chars(begin, stored.data() + stored.size(), srid);
  return srid;
}

std::string GeometryWireJson(std::string_view stored) {
  return JsonCanonicalizer(stored, NumberStyle::kGeometry).Dropping("srid").Run();
}

namespace {

/// The pretty layout; `escaped` writes it JSON-escaped (as it appears inside a wire string).
void AppendPretty(std::string& out, std::string_view compact, bool escaped) {
  int indent = 0;
  const char* newline_text = escaped ? "\\n" : "\n";
  auto newline = [&] {
    out += newline_text;
    out.append(static_cast<size_t>(indent), ' ');
  };
  for (size_t i = 0; i < compact.size(); ++i) {
    char c = compact[i];
    switch (c) {
      case '"': {
        // The whole string token; escaped once more for the wire when asked.
        size_t j = i + 1;
        while (j < compact.size() && compact[j] != '"') j += compact[j] == '\\' ? 2u : 1u;
        std::string_view inner = compact.substr(i + 1, j - i - 1);
        if (escaped) {
          out += "\\\"";
          AppendJsonEscaped(out, inner);
          out += "\\\"";
        } else {
          out += '"';
          out += inner;
          out += '"';
        }
        i = j;
        break;
      }
      case '{':
      case '[':
        if (i + 1 < compact.size() && (compact[i + 1] == '}' || compact[i + 1] == ']')) {
          out += c;
          out += compact[++i];
          break;
        }
        out += c;
        indent += 2;
        newline();
        break;
      case '}':
      case ']':
        indent -= 2;
        newline();
        out += c;
        break;
      case ',':
        out += ',';
        newline();
        break;
      case ':':
        out += ": ";
        break;
      default:
        out += c;
    }
  }
}

}  // namespace

void AppendPrettyJsonEscaped(std::string& out, std::string_view compact) {
  AppendPretty(out, compact, true);
}

std::string PrettyJson(std::string_view compact) {
  std::string out;
  AppendPretty(out, compact, false);
  return out;
}

}  // namespace sf2pg::sfemu
