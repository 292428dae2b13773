// Result partitions fetched on a background thread while the caller decodes the current one,
// never more than `depth` ahead, so memory stays bounded by a few partitions whatever the
// result size.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "snowflake/client.h"

namespace sf2pg::snowflake {

class PartitionPrefetcher {
 public:
  /// Starts fetching partitions [first, count) of the finished statement `handle`. While the
  /// prefetcher lives, its thread owns `client`: the caller must not use it.
  PartitionPrefetcher(Client& client, std::string handle, size_t first, size_t count, size_t depth);
  /// Gives up any fetch in progress and joins the thread.
  ~PartitionPrefetcher();
  PartitionPrefetcher(const PartitionPrefetcher&) = delete;
  PartitionPrefetcher& operator=(const PartitionPrefetcher&) = delete;

  /// The next partition's body, in order; nullopt after the last. Rethrows the error that
  /// ended fetching (after the partitions fetched before it).
  std::optional<std::string> Next();

  /// The most partitions held or being downloaded at once by the thread (at most `depth`).
  size_t max_ahead() const;

 private:
  void Run();

  Client& client_;
  const std::string handle_;
  const size_t first_;
  const size_t count_;
  const size_t depth_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> ready_;  ///< guarded by mu_
  size_t downloading_ = 0;         ///< guarded by mu_
  size_t max_ahead_ = 0;           ///< guarded by mu_
  std::exception_ptr error_;       ///< guarded by mu_
  bool done_ = false;              ///< guarded by mu_
  bool stop_ = false;              ///< guarded by mu_
  std::thread thread_;
};

}  // namespace sf2pg::snowflake
