#include "snowflake/prefetcher.h"

#include <algorithm>

namespace sf2pg::snowflake {

PartitionPrefetcher::PartitionPrefetcher(Client& client, std::string handle, size_t first,
                                         size_t count, size_t depth)
    : client_(client),
      handle_(std::move(handle)),
      first_(first),
      count_(count),
      depth_(std::max<size_t>(depth, 1)) {
  thread_ = std::thread([this] { Run(); });
}

PartitionPrefetcher::~PartitionPrefetcher() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  client_.Abandon(true);
  thread_.join();
  client_.Abandon(false);
}

void PartitionPrefetcher::Run() {
  for (size_t index = first_; index < count_; ++index) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stop_ || ready_.size() < depth_; });
      if (stop_) return;
      downloading_ = 1;
      max_ahead_ = std::max(max_ahead_, ready_.size() + downloading_);
    }
    std::string body;
    try {
      body = client_.FetchPartition(handle_, index);
    } catch (...) {
      std::lock_guard lock(mu_);
      downloading_ = 0;
      error_ = std::current_exception();
      cv_.notify_all();
      return;
    }
    std::lock_guard lock(mu_);
    downloading_ = 0;
    ready_.push_back(std::move(body));
    cv_.notify_all();
  }
  std::lock_guard lock(mu_);
  done_ = true;
  cv_.notify_all();
}

std::optional<std::string> PartitionPrefetcher::Next() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return !ready_.empty() || error_ || done_; });
  if (!ready_.empty()) {
    std::string body = std::move(ready_.front());
    ready_.pop_front();
    lock.unlock();
    cv_.notify_all();
    return body;
  }
  if (error_) std::rethrow_exception(error_);
  return std::nullopt;
}

size_t PartitionPrefetcher::max_ahead() const {
  std::lock_guard lock(mu_);
  return max_ahead_;
}

}  // namespace sf2pg::snowflake
