// workers.cc — helper threads joining the caller on one job at a time.
#include "workers.hpp"

namespace auditchain::detail {

Workers::Workers(unsigned helpers) {
  for (unsigned i = 0; i < helpers; ++i) threads_.emplace_back([this] { serve(); });
}

Workers::~Workers() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void Workers::start(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    job_ = std::move(job);
    have_job_ = true;
    ++generation_;
  }
  if (!threads_.empty()) wake_.notify_all();
}

void Workers::finish() {
  std::function<void()> job;
  {
    std::lock_guard lock(mutex_);
    if (!have_job_) return;
    job = job_;
  }
  job();
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return busy_ == 0; });
  have_job_ = false;
  job_ = nullptr;
}

void Workers::serve() {
  std::uint64_t seen = 0;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || (have_job_ && generation_ != seen); });
    if (stop_) return;
    seen = generation_;
    const std::function<void()> job = job_;
    ++busy_;
    lock.unlock();
    job();
    lock.lock();
    if (--busy_ == 0) idle_.notify_all();
  }
}

}  // namespace auditchain::detail
