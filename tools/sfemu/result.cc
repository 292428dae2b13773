#include "result.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "error.h"
#include "gzip.h"
#include "json_text.h"

namespace sf2pg::sfemu {
namespace {

constexpr std::string_view kPrefix = "{\"data\":[";
constexpr std::string_view kSuffix = "]}";

}  // namespace

Blob::Blob(std::string bytes, std::shared_ptr<std::atomic<int64_t>> memory_used)
    : bytes_(std::move(bytes)), size_(bytes_.size()), memory_used_(std::move(memory_used)) {
  *memory_used_ += static_cast<int64_t>(size_);
}

Blob::Blob(std::string path, size_t size) : path_(std::move(path)), size_(size) {}

Blob::~Blob() {
  if (memory_used_) *memory_used_ -= static_cast<int64_t>(size_);
  if (!path_.empty()) std::remove(path_.c_str());
}

std::string Blob::Read() const {
  if (path_.empty()) return bytes_;
  std::ifstream in(path_, std::ios::binary);
  std::string out(size_, '\0');
  if (!in.read(out.data(), static_cast<std::streamsize>(size_))) {
    throw InternalError("cannot read spilled partition " + path_);
  }
  return out;
}

BlobStore::BlobStore(size_t memory_budget, std::string spill_dir)
    : budget_(memory_budget),
      spill_dir_(std::move(spill_dir)),
      memory_used_(std::make_shared<std::atomic<int64_t>>(0)) {}

std::shared_ptr<const Blob> BlobStore::Put(std::string bytes) {
  if (static_cast<size_t>(*memory_used_) + bytes.size() <= budget_ || spill_dir_.empty()) {
    return std::make_shared<Blob>(std::move(bytes), memory_used_);
  }
  std::filesystem::create_directories(spill_dir_);
  std::string path = spill_dir_ + "/partition-" + std::to_string(++next_) + ".gz";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw InternalError("cannot write spill file " + path);
  spilled_ += static_cast<int64_t>(bytes.size());
  return std::make_shared<Blob>(path, bytes.size());
}

std::string ResultSet::Rows(size_t i) const {
  std::string body = Gunzip(partitions.at(i).gzip->Read());
  return body.substr(kPrefix.size(), body.size() - kPrefix.size() - kSuffix.size());
}

int64_t ResultSet::CompressedBytes() const {
  int64_t total = 0;
  for (const auto& p : partitions) total += p.compressed;
  return total;
}

ResultBuilder::ResultBuilder(std::vector<ResultColumn> columns, RowLayout layout,
                             const PartitionPolicy& policy, BlobStore& store)
    : result_(std::make_shared<ResultSet>()),
      policy_(policy),
      store_(store),
      budget_(policy.first_bytes) {
  result_->columns = std::move(columns);
  result_->layout = layout;
  StartPartition();
}

void ResultBuilder::StartPartition() {
  current_.clear();
  current_.reserve(std::min(budget_ + 4096, policy_.max_bytes + 4096));
  current_ += kPrefix;
  partition_rows_ = 0;
}

std::string& ResultBuilder::BeginRow() {
  separator_at_ = current_.size();
  if (partition_rows_ > 0) current_ += result_->layout == RowLayout::kQuery ? ",\n" : ",";
  row_start_ = current_.size();
  return current_;
}

void ResultBuilder::EndRow() {
  if (partition_rows_ > 0 && current_.size() + kSuffix.size() > budget_) {
    std::string row = current_.substr(row_start_);
    current_.resize(separator_at_);
    ClosePartition();
    StartPartition();
    current_ += row;
  }
  ++partition_rows_;
  ++total_rows_;
}

void ResultBuilder::AddRow(const std::vector<std::optional<std::string>>& cells) {
  std::string& out = BeginRow();
  out += '[';
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) out += ',';
    if (cells[i]) {
      AppendJsonString(out, *cells[i]);
    } else {
      out += "null";
    }
  }
  out += ']';
  EndRow();
}

void ResultBuilder::ClosePartition() {
  current_ += kSuffix;
  Partition p;
  p.rows = partition_rows_;
  // An empty result reports 0 (observed), otherwise the layout decides what counts.
  p.uncompressed = partition_rows_ == 0 ? 0
                   : result_->layout == RowLayout::kQuery
                       ? static_cast<int64_t>(current_.size())
                       : static_cast<int64_t>(current_.size() - kPrefix.size() - kSuffix.size());
  while (pending_.size() >= 2) {
    result_->partitions.push_back(pending_.front().get());
    pending_.pop_front();
  }
  pending_.push_back(std::async(
      std::launch::async,
      [p, body = std::move(current_), level = policy_.gzip_level, &store = store_]() mutable {
        std::string gz = Gzip(body, level);
        p.compressed = static_cast<int64_t>(gz.size());
        p.gzip = store.Put(std::move(gz));
        return p;
      }));
  current_ = std::string();
  budget_ = std::min(policy_.max_bytes,
                     static_cast<size_t>(static_cast<double>(budget_) * policy_.growth));
}

std::shared_ptr<ResultSet> ResultBuilder::Finish() {
  ClosePartition();
  while (!pending_.empty()) {
    result_->partitions.push_back(pending_.front().get());
    pending_.pop_front();
  }
  result_->num_rows = total_rows_;
  return result_;
}

}  // namespace sf2pg::sfemu
