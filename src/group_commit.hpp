// group_commit.hpp — concurrent appends sharing transactions and flushes.
//
// Every append becomes a request in one queue per ledger. The first thread to
// find no commit under way becomes the leader: it takes the queued requests
// (up to a batch), writes them in one transaction — each inside a savepoint,
// so that a request refused in the transaction (a sealed period, an
// idempotency clash) is rolled back alone — and commits once: one flush for
// the whole batch. Requests arriving meanwhile form the next batch. Before it
// takes the batch, the leader waits (up to the configured wait) while appends
// other threads have begun are not yet queued — threads still validating
// their events, or just released by the previous commit — so that a steady
// set of appending threads shares each commit instead of splitting into
// two alternating halves; with no other append under way it never waits.
// Each append returns when its request's commit is durable, or fails with
// the error of its own request or of the commit it was part of.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>

#include "sqlite.hpp"

namespace auditchain::detail {

struct LedgerState;

struct AppendRequest {
  // Writes the request's entries inside the open write transaction, or
  // throws to refuse the request (its savepoint is then rolled back).
  std::function<void(Database&)> write;
  // Runs after the commit made the request durable, still holding the writer
  // (automatic checkpoints); its errors are ignored.
  std::function<void()> after_commit;
  std::exception_ptr error;  // set when the request failed
  bool done = false;
};

class GroupCommit {
 public:
  // Defaults of OpenOptions::group_commit_max_batch and group_commit_wait.
  static constexpr std::size_t kDefaultMaxBatch = 256;
  static constexpr std::chrono::microseconds kDefaultWait{500};

  GroupCommit(std::size_t max_batch, std::chrono::microseconds wait) : max_batch_(max_batch), wait_(wait) {}

  // Queues `request` and returns once it is committed; rethrows its error.
  void submit(LedgerState& state, AppendRequest& request);

  // An append call under way, from its start (before its events are
  // validated) until it returns: what a leader waits for.
  class UnderWay {
   public:
    explicit UnderWay(GroupCommit& commits);
    UnderWay(const UnderWay&) = delete;
    UnderWay& operator=(const UnderWay&) = delete;
    ~UnderWay();

   private:
    GroupCommit& commits_;
  };

  // Batches committed and requests in them, since the ledger was opened.
  std::size_t commits() const;
  std::size_t requests() const;

  // For tests: requests waiting for a leader, whether a commit is under way,
  // and a hook run just before each COMMIT with the batch's size, which may
  // throw to make the commit fail.
  std::size_t queued() const;
  bool leading() const;
  std::function<void(std::size_t)> before_commit;

 private:
  void run_batch(LedgerState& state, std::deque<AppendRequest*>& batch);

  const std::size_t max_batch_;
  const std::chrono::microseconds wait_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;  // a batch finished
  std::condition_variable arrived_;  // a request was queued or an append returned
  std::deque<AppendRequest*> queue_;
  std::size_t under_way_ = 0;
  bool leading_ = false;
  std::size_t commits_ = 0;
  std::size_t requests_ = 0;
};

}  // namespace auditchain::detail
