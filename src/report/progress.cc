#include "report/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>

#include "report/log.h"
#include "report/table_text.h"

namespace sf2pg::report {
namespace {

double Rate(const exec::TableProgress& p) {
  return p.seconds > 0 ? static_cast<double>(p.rows_this_run) / p.seconds : 0;
}

bool Finished(const exec::TableProgress& p) {
  return p.chunks_done + p.chunks_failed >= p.chunks_total && p.in_flight == 0;
}

std::string Bar(double fraction, int width) {
  int filled = static_cast<int>(fraction * width + 0.5);
  filled = std::clamp(filled, 0, width);
  return "[" + std::string(static_cast<size_t>(filled), '#') +
         std::string(static_cast<size_t>(width - filled), '.') + "]";
}

}  // namespace

double EtaSeconds(const exec::TableProgress& p) {
  if (Finished(p)) return 0;
  double rate = Rate(p);
  if (p.rows_estimated > p.rows && rate > 0) {
    return static_cast<double>(p.rows_estimated - p.rows) / rate;
  }
  int done_now = p.chunks_done;  // fall back on chunks
  if (done_now > 0 && p.seconds > 0 && p.rows_this_run > 0) {
    double per_chunk = p.seconds / std::max(1, done_now);
    return per_chunk * (p.chunks_total - p.chunks_done);
  }
  return -1;
}

std::string ProgressLine(const exec::TableProgress& p, size_t name_width) {
  double fraction = p.chunks_total > 0 ? static_cast<double>(p.chunks_done) / p.chunks_total : 1;
  std::string name = p.table;
  if (name.size() > name_width) name = "..." + name.substr(name.size() - name_width + 3);
  name.resize(name_width, ' ');
  char pct[16];
  std::snprintf(pct, sizeof pct, "%3d%%", static_cast<int>(fraction * 100));
  std::string eta;
  double e = EtaSeconds(p);
  if (Finished(p))
    eta = p.chunks_failed > 0 ? "failed" : "done";
  else if (e >= 0)
    eta = "ETA " + Duration(e);
  else
    eta = "ETA ?";
  return name + " " + Bar(fraction, 20) + " " + pct + "  " + std::to_string(p.chunks_done) + "/" +
         std::to_string(p.chunks_total) + " chunks  " + Thousands(p.rows) + " rows  " +
         Thousands(static_cast<int64_t>(Rate(p))) + " rows/s  " + eta;
}

TerminalProgress::TerminalProgress(std::FILE* out, int rows) : out_(out), max_lines_(rows) {
  if (max_lines_ <= 0) {
    winsize ws{};
    max_lines_ = ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_row > 4 ? ws.ws_row - 2 : 20;
  }
  // Log lines are written above the display: erase it first, redraw at the next update.
  log::SetConsoleHook([this] { Erase(); });
}

TerminalProgress::~TerminalProgress() { log::SetConsoleHook(nullptr); }

void TerminalProgress::Erase() {
  for (int i = 0; i < drawn_; ++i) std::fputs("\033[1A\033[2K", out_);
  std::fputs("\r", out_);
  drawn_ = 0;
}

void TerminalProgress::Update(const std::vector<exec::TableProgress>& tables, bool final) {
  std::vector<const exec::TableProgress*> shown;
  int folded_done = 0, folded_waiting = 0;
  size_t room = static_cast<size_t>(std::max(1, max_lines_ - 2));
  // Tables at work first, then waiting ones, then finished ones, as room allows.
  for (int pass = 0; pass < 3; ++pass) {
    for (const auto& p : tables) {
      int kind = p.in_flight > 0 ? 0 : Finished(p) ? 2 : 1;
      if (kind != pass) continue;
      if (shown.size() < room || final)
        shown.push_back(&p);
      else if (kind == 2)
        ++folded_done;
      else
        ++folded_waiting;
    }
  }
  std::stable_sort(shown.begin(), shown.end(), [&](const auto* a, const auto* b) {
    return (a - tables.data()) < (b - tables.data());
  });
  size_t width = 10;
  for (const auto* p : shown) width = std::max(width, std::min<size_t>(p->table.size(), 40));
  std::string text;
  int lines = 0;
  exec::TableProgress total;
  total.table = "total";
  for (const auto& p : tables) {
    total.chunks_total += p.chunks_total;
    total.chunks_done += p.chunks_done;
    total.chunks_failed += p.chunks_failed;
    total.in_flight += p.in_flight;
    total.rows += p.rows;
    total.rows_estimated += p.rows_estimated;
    total.rows_this_run += p.rows_this_run;
    total.seconds = p.seconds;
  }
  for (const auto* p : shown) {
    text += ProgressLine(*p, width) + "\n";
    ++lines;
  }
  if (folded_done + folded_waiting > 0) {
    text += "... and " + std::to_string(folded_done + folded_waiting) + " more tables (" +
            std::to_string(folded_done) + " finished, " + std::to_string(folded_waiting) +
            " waiting)\n";
    ++lines;
  }
  text += ProgressLine(total, width) + "\n";
  ++lines;
  log::WithConsole([&] {
    Erase();
    std::fputs(text.c_str(), out_);
    std::fflush(out_);
    drawn_ = final ? 0 : lines;
  });
}

void JsonProgress::Update(const std::vector<exec::TableProgress>& tables, bool final) {
  if (final) return;  // the summary follows
  for (const auto& p : tables) {
    if (Finished(p) && p.rows_this_run == 0) continue;
    double eta = EtaSeconds(p);
    log::Info("progress", {{"table", p.table},
                           {"chunks_done", p.chunks_done},
                           {"chunks_total", p.chunks_total},
                           {"chunks_failed", p.chunks_failed},
                           {"rows", p.rows},
                           {"rows_per_second", static_cast<int64_t>(Rate(p))},
                           {"eta_seconds", eta >= 0 ? static_cast<int64_t>(eta) : int64_t{-1}}});
  }
}

}  // namespace sf2pg::report
