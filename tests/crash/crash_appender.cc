// crash_appender.cc — the process the crash test kills: appends durably and
// acknowledges on stdout only what the library has returned.
//
//   crash_appender --ledger PATH --key SIGNER_KEY_FILE --round R --seed S [--threads N]
//                  [--durability full|normal|off] [--fault forge-acks]
//
// Opens the ledger with Durability::kFull (unless told otherwise: a kill
// cannot tell the levels apart, see docs/TESTING.md) and automatic
// checkpoints, then
// appends from N threads (default 4) until it is killed: single appends
// (which group commit batches together), append_batch calls, to shared
// tenants (new ones every 50 rounds) and to a tenant created by this round's
// first append, and now and then an explicit checkpoint. After each call
// returns it writes one line per receipt or checkpoint to stdout, each line
// with a single write(2) (a pipe write of at most PIPE_BUF bytes is atomic,
// so a kill never leaves half an acknowledgement):
//
//   O <pid>                      the ledger is open
//   E <tenant> <seq> <hash hex>  an entry the library acknowledged
//   C <tenant> <size> <root hex> a checkpoint the library acknowledged
//
// Every event carries metadata naming its round, its append call ("op") and
// its place in that call, so the checker can tell that a batch was stored
// whole and that nothing of a later round appeared early. On any error it
// writes "X <message>" and exits with status 1: the checker counts an
// appender that ends by itself as a failure. "--fault forge-acks" makes it
// acknowledge entries it never wrote, to show that the checker notices.
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "auditchain/auditchain.hpp"
#include "flags.hpp"

namespace {

using namespace auditchain;

std::mutex out_mutex;

// One acknowledgement line, written with one write(2) straight to the pipe.
void emit(const std::string& line) {
  std::lock_guard lock(out_mutex);
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    const ssize_t n = write(1, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(3);  // the checker is gone
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

[[noreturn]] void fail(const std::string& what) {
  std::string one_line = what;
  for (char& c : one_line) {
    if (c == '\n') c = ' ';
  }
  emit("X " + one_line + "\n");
  std::fprintf(stderr, "crash_appender: %s\n", what.c_str());
  _exit(1);
}

const char* const kSharedTenants[] = {"alpha", "beta", "gamma"};
constexpr std::uint64_t kRoundsPerEpoch = 50;

struct Config {
  std::string ledger;
  Durability durability = Durability::kFull;
  std::uint64_t round = 0;
  std::uint64_t seed = 0;
  unsigned threads = 4;
  // Test of the test: also acknowledge entries that were never written, as a
  // library losing acknowledged entries would look to the checker.
  bool forge_acks = false;
};

Event make_event(const Config& config, unsigned thread, std::uint64_t op, std::size_t index, std::size_t size,
                 std::mt19937_64& rng) {
  Event e;
  e.action = size > 1 ? "crash.batch" : "crash.single";
  e.actor.id = "appender-" + std::to_string(thread);
  e.actor.kind = ActorKind::kService;
  e.target = Target{"doc", std::to_string(rng() % 1000)};
  e.metadata["round"] = std::to_string(config.round);
  e.metadata["op"] = std::to_string(config.round) + "." + std::to_string(thread) + "." + std::to_string(op);
  e.metadata["index"] = std::to_string(index);
  e.metadata["size"] = std::to_string(size);
  // Now and then a large entry, so that rows spill into overflow pages and a
  // commit spans many pages of the WAL.
  if (rng() % 16 == 0) {
    e.after = "{\"note\":\"" + std::string(1000 + rng() % 12000, 'p') + "\"}";
  } else if (rng() % 4 == 0) {
    e.after = "{\"state\":\"posted\",\"n\":" + std::to_string(rng() % 100000) + "}";
  }
  return e;
}

void run_thread(const Config& config, Ledger& ledger, const SignerKey& key, unsigned thread) {
  std::mt19937_64 rng(config.seed * 1000003 + thread);
  // The shared tenants change every kRoundsPerEpoch rounds, so that the
  // chains a round writes to (and the checker verifies) stay short while the
  // file keeps growing.
  const std::string epoch = std::to_string((config.round - 1) / kRoundsPerEpoch);
  std::vector<TenantLedger> tenants;
  for (const char* name : kSharedTenants) {
    tenants.push_back(ledger.tenant(std::string(name) + "-" + epoch, TenantMode::kCreateOnAppend));
  }
  // This round's own tenant: created by whichever append reaches it first.
  tenants.push_back(ledger.tenant("round-" + std::to_string(config.round), TenantMode::kCreateOnAppend));
  for (std::uint64_t op = 0;; ++op) {
    TenantLedger& tenant = tenants[rng() % tenants.size()];
    const unsigned pick = static_cast<unsigned>(rng() % 100);
    try {
      if (pick < 4) {
        const Checkpoint c = tenant.checkpoint(key);
        emit("C " + c.tenant + " " + std::to_string(c.tree_size) + " " + c.root.hex() + "\n");
      } else if (pick < 24) {
        const std::size_t size = 2 + rng() % 15;
        std::vector<Event> events;
        for (std::size_t i = 0; i < size; ++i) events.push_back(make_event(config, thread, op, i, size, rng));
        for (const Receipt& r : tenant.append_batch(events)) {
          emit("E " + r.tenant + " " + std::to_string(r.seq) + " " + r.hash.hex() + "\n");
        }
      } else {
        const Receipt r = tenant.append(make_event(config, thread, op, 0, 1, rng));
        emit("E " + r.tenant + " " + std::to_string(r.seq) + " " + r.hash.hex() + "\n");
        if (config.forge_acks) {
          emit("E " + r.tenant + " " + std::to_string(r.seq + 1000000) + " " + r.hash.hex() + "\n");
        }
      }
    } catch (const std::exception& e) {
      fail("thread " + std::to_string(thread) + ", " + tenant.name() + ": " + e.what());
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Die with the checker, should it die first.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  Config config;
  std::string key_path;
  try {
    const auditchain::crash::Flags flags(argc, argv, 1,
                                         {"ledger", "key", "round", "seed", "threads", "durability", "fault"});
    config.ledger = flags.text("ledger");
    key_path = flags.text("key");
    config.round = flags.number("round");
    if (config.round == 0) throw std::invalid_argument("--round counts from 1");
    config.seed = flags.number("seed");
    config.threads = static_cast<unsigned>(flags.number("threads", 4));
    const std::string fault = flags.text("fault", "none");
    if (fault != "none" && fault != "forge-acks") throw std::invalid_argument("--fault: expected none or forge-acks");
    config.forge_acks = fault == "forge-acks";
    const std::string durability = flags.text("durability", "full");
    if (durability == "normal") {
      config.durability = Durability::kNormal;
    } else if (durability == "off") {
      config.durability = Durability::kOff;
    } else if (durability != "full") {
      throw std::invalid_argument("--durability: expected full, normal or off");
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "crash_appender: %s\n", e.what());
    return 2;
  }
  try {
    auto key = std::make_shared<const SignerKey>(SignerKey::load(key_path));
    OpenOptions options;
    options.durability = config.durability;
    options.checkpoint_signer = key;
    options.checkpoint_every_entries = 40;
    Ledger ledger = Ledger::open(config.ledger, options);
    emit("O " + std::to_string(getpid()) + "\n");
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < config.threads; ++t) {
      threads.emplace_back([&, t] { run_thread(config, ledger, *key, t); });
    }
    // Appending goes on until the checker kills the process; a bound keeps an
    // orphan from running for ever should that kill never come.
    std::this_thread::sleep_for(std::chrono::minutes(2));
    fail("not killed within two minutes");
  } catch (const std::exception& e) {
    fail(e.what());
  }
}
