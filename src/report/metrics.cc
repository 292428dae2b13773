#include "report/metrics.h"

#include <string>

namespace sf2pg::report {
namespace {

using nlohmann::json;

struct Figures {
  int64_t rows = 0, chunks_loaded = 0, chunks_lost = 0, retries = 0, bytes_read = 0;
  double seconds = 0;

  void Add(const exec::TableSummary& t) {
    rows += t.rows;
    chunks_loaded += t.chunks_loaded;
    chunks_lost += t.chunks_lost;
    retries += t.retries + t.source_retries;
    bytes_read += t.bytes_read;
  }
};

// One document: the metric declarations under "_aws", the values and dimensions beside them.
json Document(const Figures& f, const std::vector<std::string>& dimensions, json properties,
              int64_t timestamp_ms) {
  json metrics = json::array();
  auto metric = [&](const char* name, const char* unit, json value) {
    metrics.push_back({{"Name", name}, {"Unit", unit}});
    properties[name] = std::move(value);
  };
  metric("Rows", "Count", f.rows);
  metric("RowsPerSecond", "Count/Second",
         f.seconds > 0 ? static_cast<double>(f.rows) / f.seconds : 0.0);
  metric("ChunksCompleted", "Count", f.chunks_loaded);
  metric("ChunksFailed", "Count", f.chunks_lost);
  metric("Retries", "Count", f.retries);
  metric("BytesRead", "Bytes", f.bytes_read);
  properties["_aws"] = {
      {"Timestamp", timestamp_ms},
      {"CloudWatchMetrics", json::array({{{"Namespace", "sf2pg"},
                                          {"Dimensions", json::array({dimensions})},
                                          {"Metrics", metrics}}})}};
  return properties;
}

}  // namespace

std::vector<json> MetricDocuments(const exec::MigrationResult& result, int64_t timestamp_ms) {
  std::vector<json> documents;
  Figures all;
  all.seconds = result.seconds;
  for (const auto& t : result.tables) {
    if (t.chunks_loaded == 0 && t.chunks_lost == 0 && t.retries == 0 && t.source_retries == 0)
      continue;  // planned or settled only: nothing of this table happened here
    Figures f;
    f.Add(t);
    f.seconds = t.seconds;
    all.Add(t);
    documents.push_back(Document(f, {"Source", "Table"},
                                 {{"Source", t.source_name},
                                  {"Table", t.table},
                                  {"Target", t.target},
                                  {"RunId", result.run_id}},
                                 timestamp_ms));
  }
  documents.push_back(Document(
      all, {}, {{"RunId", result.run_id}, {"Status", ToString(result.status)}}, timestamp_ms));
  return documents;
}

}  // namespace sf2pg::report
