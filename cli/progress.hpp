// progress.hpp — a one-line progress bar on stderr for long commands.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace auditchain::cli {

// The bar appears only when stderr is a terminal and once the work proves
// long (a second, or a large total), so that short runs, pipes and log files
// never see carriage returns. Redrawn at most ten times a second.
class ProgressBar {
 public:
  // Whether a bar can be shown at all: stderr is a terminal.
  static bool possible();

  ProgressBar() = default;
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  // Also on errors: the message must start on a clean line.
  ~ProgressBar() { finish(); }

  // "verifying acme [#####.....] 50% 500/1000". `total` may be an upper
  // bound (the share is capped at 100%).
  void update(std::string_view verb, std::string_view subject, std::uint64_t done, std::uint64_t total);

  // Clears the bar's line.
  void finish();

 private:
  using Clock = std::chrono::steady_clock;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_draw_;
  std::string subject_;
  bool shown_ = false;
};

}  // namespace auditchain::cli
