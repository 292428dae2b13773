#include "lambda/request.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>

namespace sf2pg::lambda {
namespace {

using nlohmann::json;

// The value of `name` at the top level, else in "input"; nullptr when absent or null.
const json* Field(const json& event, const char* name) {
  auto it = event.find(name);
  if (it != event.end() && !it->is_null()) return &*it;
  auto input = event.find("input");
  if (input != event.end() && input->is_object()) {
    auto inner = input->find(name);
    if (inner != input->end() && !inner->is_null()) return &*inner;
  }
  return nullptr;
}

std::string String(const json& event, const char* name) {
  const json* v = Field(event, name);
  if (!v) return "";
  if (!v->is_string())
    throw PayloadError(std::string(name) + ": expected a string, got " + v->dump());
  return v->get<std::string>();
}

bool Bool(const json& event, const char* name) {
  const json* v = Field(event, name);
  if (!v) return false;
  if (!v->is_boolean())
    throw PayloadError(std::string(name) + ": expected true or false, got " + v->dump());
  return v->get<bool>();
}

void AddSplit(const std::string& text, std::vector<std::string>* out) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(start, comma - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out->push_back(item);
    start = comma + 1;
  }
}

// A string (comma-separated) or a list of strings.
std::vector<std::string> Names(const json& event, const char* name) {
  std::vector<std::string> out;
  const json* v = Field(event, name);
  if (!v) return out;
  if (v->is_string()) {
    AddSplit(v->get<std::string>(), &out);
    return out;
  }
  if (!v->is_array())
    throw PayloadError(std::string(name) + ": expected a string or a list of strings");
  for (const auto& item : *v) {
    if (!item.is_string())
      throw PayloadError(std::string(name) + ": every item must be a string, got " + item.dump());
    AddSplit(item.get<std::string>(), &out);
  }
  return out;
}

std::optional<double> PositiveNumber(const json& event, const char* name) {
  const json* v = Field(event, name);
  if (!v) return std::nullopt;
  if (!v->is_number() || v->get<double>() <= 0) {
    throw PayloadError(std::string(name) + ": expected a positive number, got " + v->dump());
  }
  return v->get<double>();
}

}  // namespace

std::string ToString(Action action) { return EnumToString(kActionNames, action); }
Action ParseAction(std::string_view text) { return ParseEnum(kActionNames, "action", text); }
std::ostream& operator<<(std::ostream& out, Action action) { return out << ToString(action); }

Request ParseRequest(std::string_view event_text) {
  json event = json::parse(event_text, nullptr, false);
  if (event.is_discarded()) throw PayloadError("the event is not valid JSON");
  if (!event.is_object())
    throw PayloadError("the event must be a JSON object, got " + event.dump());
  Request r;
  std::string action = String(event, "action");
  if (!action.empty()) {
    auto known = EnumFromText(kActionNames, action);
    if (!known)
      throw PayloadError("action: \"" + action + "\" is not one of " + EnumTexts(kActionNames));
    r.action = *known;
  }
  r.migrate.sources = Names(event, "source_name");
  r.migrate.tables = Names(event, "tables_filter");
  r.migrate.no_resume = Bool(event, "no_resume");
  r.migrate.allow_deletes = Bool(event, "allow_deletes");
  r.migrate.resume_max_age_hours = PositiveNumber(event, "resume_max_age");
  r.migrate.resume_run_id = String(event, "resume_run_id");
  r.migrate.run_id = String(event, "join_run_id");
  r.plan_only = Bool(event, "plan_only");
  r.run_id = String(event, "run_id");
  if (auto limit = PositiveNumber(event, "limit"))
    r.limit = static_cast<int>(std::min(*limit, 1000.0));
  if (!r.migrate.run_id.empty() && (r.migrate.no_resume || !r.migrate.resume_run_id.empty())) {
    throw PayloadError("join_run_id cannot be combined with no_resume or resume_run_id");
  }
  return r;
}

}  // namespace sf2pg::lambda
