#include "statements.h"

#include <unistd.h>

#include <cstdio>
#include <random>

#include "log/log.h"

namespace sf2pg::sfemu {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// The parent row of a multi-statement request (observed: a 134217728-long text column).
std::shared_ptr<ResultSet> MultiResult(const PartitionPolicy& policy, BlobStore& blobs,
                                       std::vector<std::string> handles) {
  ResultColumn c;
  c.name = "multiple statement execution";
  c.type = SfType::Text(kExpressionTextLength);
  c.nullable = false;
  ResultBuilder b({c}, RowLayout::kQuery, policy, blobs);
  b.AddRow({std::string("Multiple statements executed successfully.")});
  auto result = b.Finish();
  result->child_handles = std::move(handles);
  return result;
}

}  // namespace

StatementStore::StatementStore(postgres::ConnectParams pg, StoreOptions options)
    : options_(std::move(options)),
      pg_(std::move(pg)),
      blobs_(options_.memory_budget, options_.spill_dir) {
  std::random_device rd;
  handle_counter_ = (static_cast<uint64_t>(rd()) << 16) & 0xffffffffULL;
  handle_prefix_ = 0x01000000u | static_cast<uint32_t>((NowMs() / 60000) & 0xffffff);
  for (int i = 0; i < std::max(1, options_.executors); ++i) {
    workers_.emplace_back([this, i] { Worker(i); });
  }
}

StatementStore::~StatementStore() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (auto& [handle, record] : by_handle_) record->token->Cancel();
  }
  queue_cv_.notify_all();
  for (auto& t : workers_) t.join();
}

std::string StatementStore::NewHandle() {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%08x-0001-%04x-0000-%012llx", handle_prefix_,
                static_cast<unsigned>(getpid() & 0xffff),
                static_cast<unsigned long long>(++handle_counter_ & 0xffffffffffffULL));
  return buffer;
}

std::shared_ptr<StatementRecord> StatementStore::NewRecord(ExecRequest request,
                                                           std::string request_id) {
  auto r = std::make_shared<StatementRecord>();
  r->handle = NewHandle();
  r->request_id = std::move(request_id);
  r->created_on_ms = NowMs();
  r->created = std::chrono::steady_clock::now();
  r->request = std::move(request);
  return r;
}

std::shared_ptr<StatementRecord> StatementStore::Submit(ExecRequest request, std::string request_id,
                                                        int timeout_seconds, bool use_cache) {
  std::lock_guard lock(mu_);
  auto r = NewRecord(std::move(request), std::move(request_id));
  r->token = std::make_shared<CancelToken>(timeout_seconds);
  r->use_cache = use_cache && options_.cache_entries > 0;
  by_handle_[r->handle] = r;
  if (!r->request_id.empty()) by_request_id_[r->request_id] = r->handle;
  order_.push_back(r->handle);
  queue_.push_back(r);
  EvictLocked();
  queue_cv_.notify_one();
  return r;
}

std::shared_ptr<StatementRecord> StatementStore::SubmitFailed(ExecRequest request,
                                                              std::string request_id, Error error) {
  std::lock_guard lock(mu_);
  auto r = NewRecord(std::move(request), std::move(request_id));
  r->token = std::make_shared<CancelToken>(0);
  r->state = StatementState::kFailed;
  r->error = std::move(error);
  by_handle_[r->handle] = r;
  if (!r->request_id.empty()) by_request_id_[r->request_id] = r->handle;
  order_.push_back(r->handle);
  EvictLocked();
  return r;
}

std::shared_ptr<StatementRecord> StatementStore::Find(const std::string& handle) {
  std::lock_guard lock(mu_);
  auto it = by_handle_.find(handle);
  return it == by_handle_.end() ? nullptr : it->second;
}

std::shared_ptr<StatementRecord> StatementStore::FindByRequestId(const std::string& request_id) {
  std::lock_guard lock(mu_);
  auto it = by_request_id_.find(request_id);
  if (it == by_request_id_.end()) return nullptr;
  auto h = by_handle_.find(it->second);
  return h == by_handle_.end() ? nullptr : h->second;
}

bool StatementStore::Wait(const StatementRecord& record, int64_t ms) {
  std::unique_lock lock(mu_);
  auto done = [&] {
    return record.state == StatementState::kSucceeded || record.state == StatementState::kFailed;
  };
  if (ms <= 0) return done();
  return done_cv_.wait_for(lock, std::chrono::milliseconds(ms), done);
}

void StatementStore::Snapshot(const StatementRecord& record, StatementState& state,
                              std::shared_ptr<const ResultSet>& result,
                              std::optional<Error>& error) {
  std::lock_guard lock(mu_);
  state = record.state;
  result = record.result;
  error = record.error;
}

void StatementStore::Cancel(StatementRecord& record) {
  std::lock_guard lock(mu_);
  if (record.state == StatementState::kSucceeded || record.state == StatementState::kFailed) return;
  record.token->Cancel();
  if (record.state == StatementState::kQueued) {
    record.state = StatementState::kFailed;
    record.error = CanceledError();
    done_cv_.notify_all();
  }
}

void StatementStore::ClearCache() {
  std::lock_guard lock(mu_);
  cache_.clear();
  cache_lru_.clear();
}

size_t StatementStore::size() {
  std::lock_guard lock(mu_);
  return by_handle_.size();
}

void StatementStore::EvictLocked() {
  auto now = std::chrono::steady_clock::now();
  auto ttl = std::chrono::seconds(options_.result_ttl_seconds);
  while (!order_.empty()) {
    auto it = by_handle_.find(order_.front());
    if (it == by_handle_.end()) {
      order_.pop_front();
      continue;
    }
    const auto& r = *it->second;
    bool finished = r.state == StatementState::kSucceeded || r.state == StatementState::kFailed;
    bool old = now - r.created > ttl || order_.size() > options_.max_statements;
    if (!finished || !old) break;
    auto rid = by_request_id_.find(r.request_id);
    if (rid != by_request_id_.end() && rid->second == r.handle) by_request_id_.erase(rid);
    by_handle_.erase(it);
    order_.pop_front();
  }
}

std::string StatementStore::CacheKey(const ExecRequest& r) const {
  return r.sql + '\x1f' + r.session.database + '\x1f' + r.session.schema + '\x1f' + r.timezone +
         '\x1f' + (r.nullable ? "1" : "0") + '\x1f' + std::to_string(r.statement_count) + '\x1f' +
         (r.bindings.is_null() ? "" : r.bindings.dump());
}

void StatementStore::Worker(int index) {
  Executor executor(pg_, blobs_, catalog_cache_, options_.policy);
  (void)index;
  while (true) {
    std::shared_ptr<StatementRecord> record;
    {
      std::unique_lock lock(mu_);
      queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      record = queue_.front();
      queue_.pop_front();
      if (record->state != StatementState::kQueued) continue;  // cancelled while queued
      record->state = StatementState::kRunning;
    }
    Execute(executor, *record);
  }
}

void StatementStore::Execute(Executor& executor, StatementRecord& record) {
  std::shared_ptr<const ResultSet> result;
  std::optional<Error> error;
  bool from_cache = false;
  std::vector<std::shared_ptr<StatementRecord>> children;
  try {
    record.token->Check();
    int64_t generation = executor.Generation();
    std::string key;
    if (record.use_cache) {
      key = CacheKey(record.request);
      std::lock_guard lock(mu_);
      auto it = cache_.find(key);
      if (it != cache_.end() && it->second.generation == generation) {
        result = it->second.result;
        cache_lru_.splice(cache_lru_.begin(), cache_lru_, it->second.lru);
        from_cache = true;
      }
    }
    if (record.use_cache) (from_cache ? counters_.cache_hits : counters_.cache_misses)++;
    if (!result) {
      ExecResult out = executor.Run(record.request, *record.token, generation);
      ++counters_.statements_executed;
      if (out.multi) {
        std::vector<std::string> handles;
        std::lock_guard lock(mu_);
        for (auto& child : out.children) {
          auto c = NewRecord(record.request, "");
          c->token = std::make_shared<CancelToken>(0);
          c->state = StatementState::kSucceeded;
          c->result = child;
          handles.push_back(c->handle);
          children.push_back(c);
        }
        result = MultiResult(options_.policy, blobs_, handles);
      } else {
        result = out.result;
        counters_.rows_produced += out.result->num_rows;
      }
      if (record.use_cache && out.cacheable) {
        std::lock_guard lock(mu_);
        auto existing = cache_.find(key);
        if (existing != cache_.end()) {
          cache_lru_.erase(existing->second.lru);
          cache_.erase(existing);
        }
        cache_lru_.push_front(key);
        cache_[key] = CacheEntry{generation, result, cache_lru_.begin()};
        while (cache_.size() > options_.cache_entries) {
          cache_.erase(cache_lru_.back());
          cache_lru_.pop_back();
        }
      }
    }
  } catch (const Error& e) {
    if (e.code() == kInternalCode) {
      log::Error("statement failed inside sfemu", {{"handle", record.handle}, {"error", e.what()}});
    }
    error = e;
  } catch (const std::exception& e) {
    // Anything else (a bug, or a library's exception) is an internal error too.
    log::Error("statement failed inside sfemu", {{"handle", record.handle}, {"error", e.what()}});
    error = InternalError(e.what());
  }
  if (error) ++counters_.statements_failed;
  std::lock_guard lock(mu_);
  for (auto& c : children) {
    by_handle_[c->handle] = c;
    order_.push_back(c->handle);
  }
  record.result = result;
  record.error = error;
  record.from_cache = from_cache;
  record.state = error ? StatementState::kFailed : StatementState::kSucceeded;
  done_cv_.notify_all();
}

}  // namespace sf2pg::sfemu
