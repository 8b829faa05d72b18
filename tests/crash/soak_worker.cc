// soak_worker.cc — one process of the soak test: threads appending, reading,
// querying, verifying and checkpointing at once, each checking what it gets.
#include <chrono>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "auditchain/auditchain.hpp"
#include "soak.hpp"

namespace auditchain::soak {
namespace {

using Clock = std::chrono::steady_clock;

// A check that did not hold.
struct Mismatch : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void expect(bool ok, const std::string& what) {
  if (!ok) throw Mismatch(what);
}

struct ThreadResult {
  std::map<std::string, std::uint64_t> appended;  // entries stored, per tenant
  std::map<std::string, std::uint64_t> ops;       // operations done, per kind
  std::uint64_t errors = 0;
};

// One thread's work. Everything it appends is counted; nothing else appends
// to its own tenant, which makes some checks exact.
class SoakThread {
 public:
  SoakThread(const WorkerSettings& s, Ledger& ledger, const SignerKey& key, unsigned index)
      : s_(s),
        ledger_(ledger),
        key_(key),
        rng_(s.seed * 7919 + s.process * 131 + index),
        actor_("p" + std::to_string(s.process) + "-t" + std::to_string(index)) {
    for (const char* name : kSharedTenants) names_.push_back(name);
    names_.push_back("process-" + std::to_string(s.process));
    names_.push_back("process-" + std::to_string(s.process) + "-thread-" + std::to_string(index));
    keys_.push_back(key.verifier());
  }

  ThreadResult run() {
    try {
      for (const std::string& name : names_) tenants_.push_back(ledger_.tenant(name, TenantMode::kCreateIfMissing));
    } catch (const std::exception& e) {
      error("opening tenants", e.what());
      return std::move(result_);
    }
    const auto deadline = Clock::now() + std::chrono::seconds(s_.seconds);
    for (std::uint64_t n = 0; s_.seconds > 0 ? Clock::now() < deadline : n < s_.ops; ++n) one_op();
    return std::move(result_);
  }

 private:
  // Which tenant an operation is about: mostly the shared ones.
  std::size_t pick_tenant() {
    const unsigned r = static_cast<unsigned>(rng_() % 100);
    return r < 35 ? 0 : r < 60 ? 1 : r < 80 ? 2 : 3;
  }

  void one_op() {
    const std::size_t which = pick_tenant();
    const unsigned r = static_cast<unsigned>(rng_() % 100);
    const char* kind = r < 38   ? "append"
                       : r < 50 ? "append_batch"
                       : r < 70 ? "read"
                       : r < 85 ? "query"
                       : r < 91 ? "verify"
                                : "checkpoint";
    try {
      const std::string k = kind;
      if (k == "append") {
        append(which);
      } else if (k == "append_batch") {
        append_batch(which);
      } else if (k == "read") {
        read(which);
      } else if (k == "query") {
        query(which);
      } else if (k == "verify") {
        verify_some(which);
      } else {
        checkpoint(which);
      }
      ++result_.ops[kind];
    } catch (const std::exception& e) {
      error(std::string(kind) + " on " + names_[which], e.what());
    }
  }

  void error(const std::string& what, const std::string& why) {
    ++result_.errors;
    if (result_.errors <= 10) std::fprintf(stderr, "soak %s: %s: %s\n", actor_.c_str(), what.c_str(), why.c_str());
  }

  Event event(const char* action) {
    Event e;
    e.action = action;
    e.actor.id = actor_;
    e.actor.kind = ActorKind::kService;
    e.target = Target{"record", std::to_string(rng_() % 10000)};
    e.metadata["n"] = std::to_string(++made_);
    if (rng_() % 5 == 0) e.amount = Amount{std::to_string(rng_() % 100000) + ".25", "EUR"};
    if (rng_() % 3 == 0) e.after = "{\"status\":\"open\",\"lines\":" + std::to_string(rng_() % 50) + "}";
    return e;
  }

  std::string new_key() { return actor_ + "-k" + std::to_string(++keys_made_); }

  // A key this thread used in the tenant before, with its first receipt.
  const std::pair<std::string, Receipt>* old_key(std::size_t which) {
    const auto& used = used_keys_[which];
    if (used.empty()) return nullptr;
    return &used[rng_() % used.size()];
  }

  void remember(std::size_t which, const std::string& key, const Receipt& r) {
    auto& used = used_keys_[which];
    used.emplace_back(key, r);
    if (used.size() > 64) used.pop_front();
  }

  // A stored (not duplicate) receipt: counted, and later than this thread's
  // previous one in the tenant.
  void stored(std::size_t which, const Receipt& r) {
    expect(!r.duplicate, "a new entry came back marked duplicate");
    expect(r.tenant == names_[which], "a receipt names tenant " + r.tenant);
    expect(r.seq > last_seq_[which],
           "seq " + std::to_string(r.seq) + " is not after this thread's previous " + std::to_string(last_seq_[which]));
    last_seq_[which] = r.seq;
    const std::uint64_t count = ++result_.appended[names_[which]];
    // Nobody else appends to this thread's own tenant.
    if (which == 3) {
      expect(r.seq == count, "own tenant: entry " + std::to_string(count) + " got seq " + std::to_string(r.seq));
    }
  }

  void append(std::size_t which) {
    Event e = event("soak.single");
    const auto* reuse = rng_() % 8 == 0 ? old_key(which) : nullptr;
    if (reuse) {
      e.idempotency_key = reuse->first;
      const Receipt r = tenants_[which].append(e);
      expect(r.duplicate && r.seq == reuse->second.seq && r.hash == reuse->second.hash,
             "idempotency key " + reuse->first + " did not return its first receipt");
      return;
    }
    if (rng_() % 4 == 0) e.idempotency_key = new_key();
    const Receipt r = tenants_[which].append(e);
    stored(which, r);
    if (e.idempotency_key) remember(which, *e.idempotency_key, r);
  }

  void append_batch(std::size_t which) {
    const std::size_t size = 2 + rng_() % 9;
    std::vector<Event> events;
    std::vector<int> repeat_of(size, -1);  // index of the event whose new key an event repeats
    for (std::size_t i = 0; i < size; ++i) {
      events.push_back(event("soak.batch"));
      if (rng_() % 4 == 0) events.back().idempotency_key = new_key();
      if (i > 0 && rng_() % 6 == 0 && events[0].idempotency_key) {
        events.back().idempotency_key = events[0].idempotency_key;
        repeat_of[i] = 0;
      }
    }
    const Receipt* reused = nullptr;
    const auto* old = rng_() % 6 == 0 ? old_key(which) : nullptr;
    if (old) {
      events.back().idempotency_key = old->first;
      repeat_of.back() = -1;
      reused = &old->second;
    }
    const std::vector<Receipt> receipts = tenants_[which].append_batch(events);
    expect(receipts.size() == size,
           "a batch of " + std::to_string(size) + " returned " + std::to_string(receipts.size()) + " receipts");
    std::uint64_t next = 0;
    for (std::size_t i = 0; i < size; ++i) {
      const Receipt& r = receipts[i];
      if (i + 1 == size && reused) {
        expect(r.duplicate && r.seq == reused->seq && r.hash == reused->hash, "a batch's reused key lost its receipt");
      } else if (repeat_of[i] >= 0) {
        expect(r.duplicate && r.seq == receipts[0].seq, "a key repeated within a batch was stored twice");
      } else {
        // The stored events of one batch sit at consecutive seqs.
        expect(next == 0 || r.seq == next, "a batch's entries are not contiguous");
        next = r.seq + 1;
        stored(which, r);
        if (events[i].idempotency_key) remember(which, *events[i].idempotency_key, r);
      }
    }
  }

  void read(std::size_t which) {
    const TenantLedger& t = tenants_[which];
    const ChainHead head = t.head();
    if (head.seq == 0) return;
    const std::uint64_t seq = 1 + rng_() % head.seq;
    const Entry e = t.read(seq);
    expect(e.seq == seq && e.tenant == names_[which], "read(" + std::to_string(seq) + ") returned another entry");
    expect(sha256(e.bytes) == e.hash, "entry " + std::to_string(seq) + ": bytes do not hash to its hash");
    expect(e.prev_hash == (seq == 1 ? t.genesis() : t.read(seq - 1).hash),
           "entry " + std::to_string(seq) + " does not link to the entry before it");
  }

  void query(std::size_t which) {
    const TenantLedger& t = tenants_[which];
    if (rng_() % 5 < 3) {
      // A window of the chain: consecutive, linked, intact.
      Query q;
      q.seq_from = 1 + rng_() % (t.head().seq + 1);
      q.limit = 1 + rng_() % 40;
      std::uint64_t expected = q.seq_from;
      std::optional<Hash> prev;
      for (const Entry& e : t.entries(q)) {
        expect(e.seq == expected, "a query skipped from " + std::to_string(expected) + " to " + std::to_string(e.seq));
        ++expected;
        expect(sha256(e.bytes) == e.hash, "entry " + std::to_string(e.seq) + ": bytes do not hash to its hash");
        expect(!prev || e.prev_hash == *prev, "entry " + std::to_string(e.seq) + " does not link to the one before");
        prev = e.hash;
      }
      expect(expected - q.seq_from <= q.limit, "a query returned more than its limit");
    } else {
      // This thread's entries in the tenant: exactly as many as it stored.
      Query q;
      q.actor_id = actor_;
      std::uint64_t n = 0;
      for (const Entry& e : t.entries(q)) {
        expect(e.event.actor.id == actor_, "a query by actor returned another actor's entry");
        ++n;
      }
      const std::uint64_t mine = result_.appended[names_[which]];
      expect(n == mine, "a query finds " + std::to_string(n) + " entries by " + actor_ + " in " + names_[which] +
                            ", which stored " + std::to_string(mine));
    }
  }

  void verify_some(std::size_t which) {
    VerifyOptions options;
    options.keys = keys_;
    options.jobs = 1;
    if (rng_() % 8 != 0) options.tenants = {names_[which]};  // else all of them
    const VerifyReport report = verify(ledger_.path(), options);
    std::string why;
    for (const Finding& f : report.ledger_findings) why += " " + f.detail;
    for (const TenantReport& t : report.tenants) {
      for (const Finding& f : t.findings) why += " " + t.tenant + "/" + std::to_string(f.seq) + ": " + f.detail;
    }
    expect(report.valid(), "verify found problems:" + why);
  }

  void checkpoint(std::size_t which) {
    TenantLedger& t = tenants_[which];
    const Checkpoint c = t.checkpoint(key_);
    expect(c.tenant == names_[which], "a checkpoint names tenant " + c.tenant);
    expect(c.tree_size <= t.head().seq, "a checkpoint vouches for more entries than the tenant has");
    expect(c.root == t.merkle_root(c.tree_size), "a checkpoint's root is not the tree's root at its size");
    expect(open_checkpoint(c.note, keys_).root == c.root, "a checkpoint's note does not open with its key");
  }

  const WorkerSettings& s_;
  Ledger& ledger_;
  const SignerKey& key_;
  std::mt19937_64 rng_;
  std::string actor_;
  std::vector<std::string> names_;
  std::vector<TenantLedger> tenants_;
  std::vector<VerifierKey> keys_;
  std::map<std::size_t, std::deque<std::pair<std::string, Receipt>>> used_keys_;
  std::map<std::size_t, std::uint64_t> last_seq_;
  std::uint64_t made_ = 0;
  std::uint64_t keys_made_ = 0;
  ThreadResult result_;
};

}  // namespace

int run_worker(const WorkerSettings& s) {
  std::unique_ptr<SignerKey> key;
  std::optional<Ledger> ledger;
  try {
    key = std::make_unique<SignerKey>(SignerKey::load(s.key));
    ledger.emplace(Ledger::open(s.ledger));  // Durability::kFull, the default
  } catch (const std::exception& e) {
    std::fprintf(stderr, "soak worker %llu: %s\n", static_cast<unsigned long long>(s.process), e.what());
    std::printf("errors 1\n");
    return 1;
  }
  std::vector<ThreadResult> results(s.threads);
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < s.threads; ++i) {
    threads.emplace_back([&, i] { results[i] = SoakThread(s, *ledger, *key, i).run(); });
  }
  for (std::thread& t : threads) t.join();
  ledger->close();

  ThreadResult total;
  for (const ThreadResult& r : results) {
    for (const auto& [tenant, n] : r.appended) total.appended[tenant] += n;
    for (const auto& [kind, n] : r.ops) total.ops[kind] += n;
    total.errors += r.errors;
  }
  if (s.overcount) ++total.appended[kSharedTenants[0]];
  for (const auto& [tenant, n] : total.appended)
    std::printf("appended %s %llu\n", tenant.c_str(), static_cast<unsigned long long>(n));
  for (const auto& [kind, n] : total.ops) std::printf("op %s %llu\n", kind.c_str(), static_cast<unsigned long long>(n));
  std::printf("errors %llu\n", static_cast<unsigned long long>(total.errors));
  return total.errors == 0 ? 0 : 1;
}

}  // namespace auditchain::soak
