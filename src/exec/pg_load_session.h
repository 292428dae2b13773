// LoadSession on PostgreSQL: the status tables through run::StatusStore, and the rows by
// binary COPY (or COPY into a stage table and one upsert). A chunk's rows and its
// "completed" commit in one transaction when the target database holds the status tables;
// otherwise a commit marker in the target commits with the rows, and the status follows.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "exec/load_session.h"
#include "postgres/connection.h"

namespace sf2pg::exec {

class PgLoadSession : public LoadSession {
 public:
  /// Connects to the status database; throws Error when it cannot.
  PgLoadSession(std::string run_id, const std::string& status_database,
                std::function<postgres::ConnectParams(const std::string&)> pg_params,
                VanishedKeyRanges vanished_ranges = {});

  run::Claim ClaimChunk(const std::vector<run::TableKey>& tables) override;
  LoadResult Load(const plan::TableJob& job, const run::ChunkRecord& chunk, Source& source,
                  const ChunkRequest& request,
                  const std::function<nlohmann::json(const LoadResult&)>& extra) override;
  bool Landed(const plan::TableJob& job, const run::ChunkRecord& chunk, LoadResult* result,
              const std::function<nlohmann::json(const LoadResult&)>& extra) override;
  void ReturnChunk(const run::ChunkRecord& chunk) override;
  void FailChunk(const run::ChunkRecord& chunk, const std::string& error) override;
  void CountAttempt(const run::ChunkRecord& chunk) override;
  void ReleaseClaim(const run::ChunkRecord& chunk) override;
  bool ok() const override { return status_conn_->ok(); }
  void ResetTargets() override { target_conns_.clear(); }

 private:
  postgres::ConnectParams Params(const std::string& database) const;
  postgres::Connection& TargetConn(const plan::TableJob& job);
  int64_t CopyRows(postgres::Connection& conn, const plan::TableJob& job, Source& source,
                   const ChunkRequest& request, LoadResult* result, std::vector<BadRow>* rejects);
  /// The delete_mode chunk, in the open transaction on `conn`: the source's keys (`request`)
  /// into a temporary table, then the target rows without a key there deleted or marked.
  void DeleteVanished(postgres::Connection& conn, const plan::TableJob& job, Source& source,
                      const ChunkRequest& request, LoadResult* result);
  void StoreRejects(postgres::Connection& conn, const plan::TableJob& job,
                    const run::ChunkRecord& chunk, const std::vector<BadRow>& rejects);
  std::optional<int64_t> MarkedRows(postgres::Connection& tconn, const plan::TableJob& job,
                                    int chunk_id);
  void MarkCompleted(const run::ChunkRecord& chunk, const LoadResult& result,
                     const nlohmann::json& extra);

  std::string run_id_;
  std::function<postgres::ConnectParams(const std::string&)> pg_params_;
  VanishedKeyRanges vanished_ranges_;
  std::unique_ptr<postgres::Connection> status_conn_;
  std::unique_ptr<run::StatusStore> store_;
  std::map<std::string, std::unique_ptr<postgres::Connection>> target_conns_;
};

}  // namespace sf2pg::exec
