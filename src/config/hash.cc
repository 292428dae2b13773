#include "config/hash.h"

#include <openssl/evp.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/error.h"

namespace sf2pg::config {

std::string Md5Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_md5(), nullptr) != 1) {
    throw InternalError("MD5 digest failed");
  }
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

std::string CanonicalJson(const Config& config) {
  using Json = nlohmann::json;  // std::map keys: dump() is sorted and compact.
  Json root;
  root["batch_size"] = config.settings.batch_size;
  root["batch_size_copy_mode"] = config.settings.batch_size_copy_mode;
  root["status_pg_database"] = config.StatusDatabase();
  Json sources = Json::array();
  for (const auto& s : config.sources) {
    Json js;
    js["source_name"] = s.source_name;
    js["source_sf_database"] = s.source_sf_database;
    js["source_sf_schema"] = s.source_sf_schema;
    js["target_pg_database"] = s.target_pg_database;
    js["target_pg_schema"] = s.target_pg_schema;
    js["enabled"] = s.enabled;
    Json tables = Json::array();
    for (const auto& t : s.tables) {
      Json jt;
      jt["enabled"] = t.enabled;
      jt["source"] = t.source;
      jt["target"] = t.target;
      jt["source_filter"] = t.source_filter;
      jt["chunking_columns"] = t.chunking_columns;
      jt["chunking_column_types"] = t.chunking_column_types;
      jt["uniqueness_columns"] = t.uniqueness_columns;
      jt["source_watermark"] = t.source_watermark;
      jt["target_watermark"] = t.target_watermark;
      jt["truncate_onstart"] = t.truncate_onstart;
      jt["disable_index"] = t.disable_index;
      jt["chunking_strategy"] = ToString(t.chunking_strategy);
      jt["identifier_case"] = ToString(t.identifier_case);
      jt["on_bad_row"] = t.on_bad_row;
      jt["batch_size"] = t.batch_size;
      jt["batch_size_copy_mode"] = t.batch_size_copy_mode;
      // Only when set, so the hash of a config without it stays what it was.
      if (t.keep_tz_offset) jt["keep_tz_offset"] = true;
      if (t.delete_mode != DeleteMode::kNone) {
        jt["delete_mode"] = ToString(t.delete_mode);
        if (t.delete_mode == DeleteMode::kSoft) jt["soft_delete_column"] = t.soft_delete_column;
      }
      tables.push_back(std::move(jt));
    }
    js["tables"] = std::move(tables);
    sources.push_back(std::move(js));
  }
  root["sources"] = std::move(sources);
  return root.dump();
}

std::string ConfigHash(const Config& config) { return Md5Hex(CanonicalJson(config)); }

std::string ExecutionHash(const std::string& config_hash, std::vector<std::string> source_names) {
  std::sort(source_names.begin(), source_names.end());
  nlohmann::json j;
  j["config"] = config_hash;
  j["sources"] = source_names;
  return Md5Hex(j.dump());
}

}  // namespace sf2pg::config
