// workers.hpp — helper threads that join the calling thread on one job at a
// time: verify's hashing and export's formatting.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace auditchain::detail {

class Workers {
 public:
  explicit Workers(unsigned helpers);
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;
  ~Workers();

  unsigned helpers() const noexcept { return static_cast<unsigned>(threads_.size()); }

  // The helpers start running `job`, which must be safe to run on several
  // threads at once and return when no work is left. The caller goes on with
  // other work meanwhile. The job must stay alive until finish().
  void start(std::function<void()> job);

  // The caller runs the job too, then waits until every helper has returned
  // from it.
  void finish();

 private:
  void serve();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::function<void()> job_;
  bool have_job_ = false;
  std::uint64_t generation_ = 0;
  unsigned busy_ = 0;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace auditchain::detail
