// progress.cc — the progress bar of long commands.
#include "progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <iostream>

namespace auditchain::cli {
namespace {

constexpr std::uint64_t kLargeTotal = 100000;
constexpr std::size_t kWidth = 30;

}  // namespace

bool ProgressBar::possible() { return isatty(STDERR_FILENO) == 1; }

void ProgressBar::update(std::string_view verb, std::string_view subject, std::uint64_t done, std::uint64_t total) {
  const Clock::time_point now = Clock::now();
  if (!shown_ && total < kLargeTotal && now - start_ < std::chrono::seconds(1)) return;
  if (shown_ && subject == subject_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  shown_ = true;
  subject_ = subject;
  last_draw_ = now;
  const std::uint64_t capped = std::min(done, total);
  const std::uint64_t percent = total ? capped * 100 / total : 100;
  const auto filled = static_cast<std::size_t>(percent * kWidth / 100);
  std::cerr << "\r\033[K" << verb << " " << subject << " [" << std::string(filled, '#')
            << std::string(kWidth - filled, '.') << "] " << percent << "% " << done << "/" << total << std::flush;
}

void ProgressBar::finish() {
  if (shown_) std::cerr << "\r\033[K" << std::flush;
  shown_ = false;
}

}  // namespace auditchain::cli
