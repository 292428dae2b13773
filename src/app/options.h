// The options of each request, whether it comes from the command line or a Lambda event.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sf2pg::app {

struct GlobalOptions {
  std::string config_path = "config.json";
  std::string env_file = ".env";
  std::string log_format = "auto";  ///< auto (text on a terminal, else json), text, json
  std::string log_level;            ///< overrides LOG_LEVEL when set
  bool quiet = false;
};

struct MigrateOptions {
  std::vector<std::string> sources;
  std::vector<std::string> tables;
  bool no_resume = false;
  std::optional<double> resume_max_age_hours;
  std::string resume_run_id;
  bool dry_run = false;
  bool allow_deletes = false;  ///< confirm deletes above a table's max_delete_share
  std::optional<double> deadline_seconds;
  std::string run_id;  ///< join this run as an extra worker (never plans)
  std::string summary_json;
  double progress_interval = 0;  ///< seconds between JSON progress lines (0 = default)
};

struct StatusOptions {
  std::string run_id;
  int limit = 10;
  bool json = false;
  std::optional<int> prune_older_than_days;
};

struct VerifyOptions {
  std::vector<std::string> sources;
  std::vector<std::string> tables;
  bool json = false;
  int max_rows = 20;
  std::string method = "auto";  ///< auto, checksum or rows
  int64_t checksum_threshold = 1000000;
  int64_t leaf_rows = 4000;
  bool repair = false;         ///< reload what differs, then verify again
  bool allow_deletes = false;  ///< --repair may delete more than max_delete_share
};

}  // namespace sf2pg::app
