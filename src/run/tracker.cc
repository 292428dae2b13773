#include "run/tracker.h"

namespace sf2pg::run {

nlohmann::json RowCheckJson(const RowCheck& c) {
  return {{"planned", c.planned},   {"copied", c.copied},
          {"rejected", c.rejected}, {"difference", c.difference()},
          {"verdict", c.verdict()}, {"short_chunks", c.short_chunks}};
}

std::optional<RowCheck> RowCheckOf(const nlohmann::json& metadata) {
  if (!metadata.is_object() || !metadata.contains("row_check")) return std::nullopt;
  const auto& j = metadata["row_check"];
  if (!j.is_object()) return std::nullopt;
  RowCheck c;
  c.planned = j.value("planned", int64_t{0});
  c.copied = j.value("copied", int64_t{0});
  c.rejected = j.value("rejected", int64_t{0});
  c.short_chunks = j.value("short_chunks", std::vector<int>{});
  return c;
}

}  // namespace sf2pg::run
