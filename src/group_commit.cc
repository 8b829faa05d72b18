// group_commit.cc — concurrent appends sharing transactions and flushes.
#include "group_commit.hpp"

#include "auditchain/error.hpp"
#include "ledger_state.hpp"

namespace auditchain::detail {

void GroupCommit::submit(LedgerState& state, AppendRequest& request) {
  std::unique_lock lock(mutex_);
  queue_.push_back(&request);
  arrived_.notify_one();
  while (!request.done) {
    if (leading_) {
      changed_.wait(lock);
      continue;
    }
    // No commit under way: this thread leads the next one, once the appends
    // other threads have begun are queued too (or the wait is over).
    leading_ = true;
    const auto all_queued = [&] { return queue_.size() >= max_batch_ || queue_.size() >= under_way_; };
    if (wait_.count() > 0 && !all_queued()) arrived_.wait_for(lock, wait_, all_queued);
    std::deque<AppendRequest*> batch;
    while (!queue_.empty() && batch.size() < max_batch_) {
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
    lock.unlock();
    run_batch(state, batch);
    lock.lock();
    ++commits_;
    requests_ += batch.size();
    for (AppendRequest* r : batch) r->done = true;
    leading_ = false;
    changed_.notify_all();
  }
  lock.unlock();
  if (request.error) std::rethrow_exception(request.error);
}

void GroupCommit::run_batch(LedgerState& state, std::deque<AppendRequest*>& batch) {
  std::lock_guard writer_lock(state.writer_mutex);
  std::vector<AppendRequest*> written;
  try {
    state.check_open();
    if (!state.writer) throw Error(ErrorCode::kReadOnly, "cannot append: the ledger is open read-only");
    Database& db = *state.writer;
    Transaction tx(db, "BEGIN IMMEDIATE");
    if (batch.size() == 1) {
      // Alone, a refused request needs no savepoint: the transaction goes.
      batch.front()->write(db);
      written.push_back(batch.front());
    } else {
      for (AppendRequest* r : batch) {
        db.cached("SAVEPOINT append_request").run();
        try {
          r->write(db);
          db.cached("RELEASE append_request").run();
          written.push_back(r);
        } catch (const Error&) {
          r->error = std::current_exception();
          db.cached("ROLLBACK TO append_request").run();
          db.cached("RELEASE append_request").run();
        }
      }
    }
    if (before_commit) before_commit(batch.size());
    tx.commit();
  } catch (const Error& e) {
    // The transaction could not begin or commit, or a request failed in a way
    // that leaves the transaction unusable: every request of the batch not
    // already refused fails with it, and nothing of the batch is written.
    // Each gets an error of its own, message included (a copy would share
    // the message's storage): the threads that catch them share nothing.
    for (AppendRequest* r : batch) {
      if (!r->error) r->error = std::make_exception_ptr(Error(e.code(), std::string(e.what()), e.field()));
    }
    return;
  } catch (...) {
    const std::exception_ptr failure = std::current_exception();
    for (AppendRequest* r : batch) {
      if (!r->error) r->error = failure;
    }
    return;
  }
  for (AppendRequest* r : written) {
    try {
      if (r->after_commit) r->after_commit();
    } catch (...) {
    }
  }
}

GroupCommit::UnderWay::UnderWay(GroupCommit& commits) : commits_(commits) {
  std::lock_guard lock(commits_.mutex_);
  ++commits_.under_way_;
}

GroupCommit::UnderWay::~UnderWay() {
  std::lock_guard lock(commits_.mutex_);
  --commits_.under_way_;
  commits_.arrived_.notify_one();
}

std::size_t GroupCommit::commits() const {
  std::lock_guard lock(mutex_);
  return commits_;
}

std::size_t GroupCommit::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t GroupCommit::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

bool GroupCommit::leading() const {
  std::lock_guard lock(mutex_);
  return leading_;
}

}  // namespace auditchain::detail
