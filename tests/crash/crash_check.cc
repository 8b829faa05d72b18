// crash_check.cc — the crash test: kills an appending process with SIGKILL at
// random moments, reopens the ledger each time and checks that nothing
// acknowledged was lost and nothing partial was left.
//
//   crash_check --appender PATH --dir DIR [--rounds N] [--seed S] [--threads T] [--max-delay-ms M]
//               [--full-verify-every K] [--durability full|normal|off] [--fault forge-acks]
//
// Each round starts crash_appender (crash_appender.cc) on the same ledger,
// reads its acknowledgements while it appends, kills it with SIGKILL after a
// delay drawn from the seeded generator, reads what is left in the pipe, and
// then checks the ledger as it was left:
//   - verify() finds it valid, checking the signatures of the stored
//     checkpoints and holding the newest checkpoint of every tenant from the
//     rounds before as trusted (so a rollback or truncation would show): the
//     whole chains of the tenants the round changed, and every K rounds
//     (default 100) and after the last the whole ledger;
//   - every acknowledged entry is there with the acknowledged hash, and every
//     acknowledged checkpoint is stored;
//   - what was there before the round is unchanged, and what is new is a run
//     of whole append calls of this round: every batch complete and
//     contiguous, no entry of any other round;
// and the next round appends to the same ledger, so recovery after a kill is
// exercised too. It prints the seed first and, on a failure, the round, its
// seed and the kill delay, so a failure can be replayed with the same
// --seed; the work directory (a new crash.XXXXXX under DIR) is kept then and
// removed after a clean run. Exit status: 0 all rounds passed, 1 a check
// failed, 2 the test could not run.
#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "auditchain/auditchain.hpp"
#include "child_process.hpp"
#include "flags.hpp"

namespace {

using namespace auditchain;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

// A check that did not hold; the message says which and where.
struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Settings {
  std::string appender;
  std::string dir;
  std::uint64_t rounds = 50;
  std::uint64_t seed = 1;
  std::uint64_t threads = 4;
  std::uint64_t max_delay_ms = 250;
  std::uint64_t full_verify_every = 100;
  std::string durability = "full";
  std::string fault = "none";  // passed on to the appender
};

struct EntryAck {
  std::string tenant;
  std::uint64_t seq = 0;
  std::string hash;
};

struct CheckpointAck {
  std::string tenant;
  std::uint64_t size = 0;
  std::string root;
};

// What one round's appender said before it died.
struct RoundOutput {
  bool opened = false;
  std::vector<EntryAck> entries;
  std::vector<CheckpointAck> checkpoints;
};

struct Head {
  std::uint64_t seq = 0;
  Hash hash;
  std::size_t checkpoints = 0;
};

struct Figures {
  std::uint64_t kills = 0;
  std::uint64_t before_open = 0;  // killed before the appender had the ledger open
  std::uint64_t before_file = 0;  // ... and before the file held a ledger at all
  std::uint64_t acked_entries = 0;
  std::uint64_t acked_checkpoints = 0;
  std::uint64_t unacked_found = 0;  // committed, but the kill came before the acknowledgement
  std::uint64_t rounds_with_unacked = 0;
  std::uint64_t most_unacked = 0;
  std::uint64_t unfinished_lines = 0;  // half-written acknowledgement lines (expected: none)
  std::uint64_t full_verifies = 0;     // verify() of the whole ledger
  std::uint64_t partial_verifies = 0;  // verify() of the tenants a round changed
  std::uint64_t verified_entries = 0;
  std::uint64_t shortest_delay_us = UINT64_MAX;
  std::uint64_t longest_delay_us = 0;
  double appending_s = 0;
  double checking_s = 0;
};

std::string hex_prefix(const std::string& hex) { return hex.substr(0, 16) + "…"; }

class CrashTest {
 public:
  explicit CrashTest(Settings s) : s_(std::move(s)), rng_(s_.seed) {}

  int run() {
    const auto started = Clock::now();
    fs::create_directories(s_.dir);
    std::string pattern = (fs::path(s_.dir) / "crash.XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a work directory in " + s_.dir);
    work_ = pattern;
    ledger_ = (fs::path(work_) / "ledger.db").string();
    key_path_ = (fs::path(work_) / "checkpoints.key").string();
    SignerKey key = SignerKey::generate("crash-test");
    key.save(key_path_);
    verifier_.push_back(key.verifier());

    std::printf("crash test: %llu rounds, seed %llu, %llu appender threads, durability %s, kill delays up to %llu ms\n",
                ull(s_.rounds), ull(s_.seed), ull(s_.threads), s_.durability.c_str(), ull(s_.max_delay_ms));
    std::fflush(stdout);
    for (std::uint64_t round = 1; round <= s_.rounds; ++round) {
      const std::uint64_t round_seed = rng_();
      const std::uint64_t delay_us = draw_delay();
      try {
        const RoundOutput out = run_appender(round, round_seed, delay_us);
        const auto checking = Clock::now();
        check(round, out);
        f_.checking_s += seconds_since(checking);
      } catch (const std::exception& e) {  // a Failure, or an Error from reading the ledger
        std::printf("FAILED in round %llu (seed %llu, round seed %llu, killed after %.3f ms): %s\n", ull(round),
                    ull(s_.seed), ull(round_seed), static_cast<double>(delay_us) / 1000.0, e.what());
        keep_or_remove_work();
        return 1;
      }
      if (round % 100 == 0 && round < s_.rounds) {
        std::printf("  ... %llu rounds, %llu entries acknowledged, all present\n", ull(round), ull(f_.acked_entries));
        std::fflush(stdout);
      }
    }
    try {
      final_checkpoints();
    } catch (const std::exception& e) {
      std::printf("FAILED after the last round: %s\n", e.what());
      keep_or_remove_work();
      return 1;
    }
    report(seconds_since(started));
    fs::remove_all(work_);
    return 0;
  }

 private:
  static unsigned long long ull(std::uint64_t v) { return static_cast<unsigned long long>(v); }
  static double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

  // After a failure the ledger is kept for study, unless the failure was
  // injected on purpose.
  void keep_or_remove_work() {
    if (s_.fault == "none") {
      std::printf("the ledger and the appender's stderr are kept in %s\n", work_.c_str());
    } else {
      fs::remove_all(work_);
    }
  }

  // One kill in eight lands in the first few milliseconds (while the process
  // starts, opens the file and recovers the WAL); the rest anywhere up to the
  // maximum, mostly while appends and checkpoints are being committed.
  std::uint64_t draw_delay() {
    const std::uint64_t max_us = s_.max_delay_ms * 1000;
    std::uint64_t us;
    if (rng_() % 8 == 0 || max_us <= 10000) {
      us = rng_() % std::min<std::uint64_t>(max_us + 1, 10000);
    } else {
      us = 10000 + rng_() % (max_us - 10000 + 1);
    }
    f_.shortest_delay_us = std::min(f_.shortest_delay_us, us);
    f_.longest_delay_us = std::max(f_.longest_delay_us, us);
    return us;
  }

  RoundOutput run_appender(std::uint64_t round, std::uint64_t round_seed, std::uint64_t delay_us) {
    const std::string err_path = (fs::path(work_) / "appender.err").string();
    const auto started = Clock::now();
    crash::ChildProcess child({s_.appender, "--ledger", ledger_, "--key", key_path_, "--round", std::to_string(round),
                               "--seed", std::to_string(round_seed), "--threads", std::to_string(s_.threads),
                               "--durability", s_.durability, "--fault", s_.fault},
                              err_path);
    std::vector<std::string> lines;
    const bool still_running = child.read_until(started + std::chrono::microseconds(delay_us), lines);
    child.kill_now();
    child.read_to_end(lines);
    const int status = child.wait();
    f_.appending_s += seconds_since(started);
    if (!still_running || !WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
      // It may have ended in the instant before the kill; it must not have.
      throw Failure("the appender ended before it was killed: " + crash::describe_status(status) + "; " +
                    last_error(lines) + crash::tail_of_file(err_path));
    }
    ++f_.kills;
    if (!child.unfinished_line().empty()) ++f_.unfinished_lines;  // not an acknowledgement
    RoundOutput out;
    for (const std::string& line : lines) {
      std::istringstream in(line);
      std::string kind;
      in >> kind;
      if (kind == "O") {
        out.opened = true;
      } else if (kind == "E") {
        EntryAck a;
        in >> a.tenant >> a.seq >> a.hash;
        if (!in || a.hash.size() != 64) throw Failure("malformed acknowledgement: " + line);
        out.entries.push_back(std::move(a));
      } else if (kind == "C") {
        CheckpointAck c;
        in >> c.tenant >> c.size >> c.root;
        if (!in || c.root.size() != 64) throw Failure("malformed acknowledgement: " + line);
        out.checkpoints.push_back(std::move(c));
      } else {
        throw Failure("the appender reported: " + line);
      }
    }
    if (!out.opened) ++f_.before_open;
    return out;
  }

  static std::string last_error(const std::vector<std::string>& lines) {
    for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
      if (it->rfind("X ", 0) == 0) return it->substr(2) + "; ";
    }
    return {};
  }

  void check(std::uint64_t round, const RoundOutput& out) {
    // Killed before the first transaction made the file a ledger: there may
    // be no file, or an SQLite file without the schema; the next round's
    // open must cope with either.
    const bool nothing_yet = f_.acked_entries == 0 && f_.acked_checkpoints == 0 && heads_.empty() &&
                             out.entries.empty() && out.checkpoints.empty();
    if (nothing_yet && !is_ledger_yet()) {
      ++f_.before_file;
      return;
    }
    OpenOptions read_only;
    read_only.read_only = true;
    Ledger ledger = Ledger::open(ledger_, read_only);
    const std::vector<std::string> names = ledger.tenants();
    const std::set<std::string> present(names.begin(), names.end());
    for (const auto& [name, head] : heads_) {
      if (!present.count(name)) throw Failure("tenant \"" + name + "\" is gone");
    }

    // After every kill the verifier walks the whole chains (with their trees
    // and checkpoints) of the tenants that changed, and every
    // `full_verify_every` rounds the whole ledger: walking every chain after
    // every kill would make the run quadratic in its length.
    std::vector<std::string> changed;
    std::string smallest;
    std::uint64_t smallest_seq = UINT64_MAX;
    for (const std::string& name : names) {
      TenantLedger t = ledger.tenant(name);
      const std::uint64_t seq = t.head().seq;
      const auto it = heads_.find(name);
      if (it == heads_.end() || it->second.seq != seq || it->second.checkpoints != t.checkpoints().size()) {
        changed.push_back(name);
      }
      if (seq < smallest_seq) {
        smallest = name;
        smallest_seq = seq;
      }
    }
    // With no chain changed, one small tenant still has the file's schema checked.
    if (changed.empty() && !smallest.empty()) changed.push_back(smallest);
    verify_ledger(round, round % s_.full_verify_every == 0 ? std::vector<std::string>{} : changed);

    // Every acknowledged entry: there, new in this round, once, with its hash.
    std::set<std::pair<std::string, std::uint64_t>> seen;
    for (const EntryAck& a : out.entries) {
      if (!present.count(a.tenant)) throw Failure("acknowledged tenant \"" + a.tenant + "\" does not exist");
      const std::string where = "acknowledged entry " + a.tenant + "/" + std::to_string(a.seq);
      if (!seen.emplace(a.tenant, a.seq).second) throw Failure(where + " was acknowledged twice");
      if (a.seq <= heads_[a.tenant].seq) throw Failure(where + " is not beyond the previous round's head");
      Entry e;
      try {
        e = ledger.tenant(a.tenant).read(a.seq);
      } catch (const Error& err) {
        throw Failure(where + " cannot be read: " + err.what());
      }
      if (e.hash.hex() != a.hash) {
        throw Failure(where + " has hash " + hex_prefix(e.hash.hex()) + ", acknowledged " + hex_prefix(a.hash));
      }
      if (sha256(e.bytes) != e.hash) throw Failure(where + ": its bytes do not hash to its hash");
    }

    // Every tenant: the old part unchanged, the new part whole calls of this round.
    std::uint64_t found_new = 0;
    for (const std::string& name : names) {
      TenantLedger t = ledger.tenant(name);
      const ChainHead head = t.head();
      const Head before = heads_[name];
      if (head.seq < before.seq) {
        throw Failure("tenant \"" + name + "\" went back from " + std::to_string(before.seq) + " to " +
                      std::to_string(head.seq) + " entries");
      }
      if (before.seq > 0 && t.read(before.seq).hash != before.hash) {
        throw Failure("tenant \"" + name + "\": entry " + std::to_string(before.seq) + " changed since the last round");
      }
      check_new_entries(t, before.seq, head.seq, round);
      found_new += head.seq - before.seq;
      heads_[name] = Head{head.seq, head.hash, t.checkpoints().size()};
    }

    for (const CheckpointAck& c : out.checkpoints) {
      bool stored = false;
      for (const Checkpoint& s : ledger.tenant(c.tenant).checkpoints()) {
        stored = stored || (s.tree_size == c.size && s.root.hex() == c.root);
      }
      if (!stored) {
        throw Failure("acknowledged checkpoint of " + c.tenant + " at size " + std::to_string(c.size) +
                      " is not stored");
      }
    }
    // The newest checkpoint of each tenant, kept from now on outside the
    // ledger, as an auditor would keep it.
    for (const std::string& name : names) {
      const std::vector<Checkpoint> stored = ledger.tenant(name).checkpoints();
      if (!stored.empty()) trusted_[name] = stored.back().note;
    }

    // Acknowledged entries are distinct, new and present, so they are a part
    // of what is new; the rest committed before the kill stopped their
    // acknowledgement.
    const std::uint64_t unacked = found_new - out.entries.size();
    f_.acked_entries += out.entries.size();
    f_.acked_checkpoints += out.checkpoints.size();
    f_.unacked_found += unacked;
    if (unacked > 0) ++f_.rounds_with_unacked;
    f_.most_unacked = std::max(f_.most_unacked, unacked);
  }

  bool is_ledger_yet() const {
    std::error_code ec;
    if (!fs::exists(ledger_, ec) || fs::file_size(ledger_, ec) == 0) return false;
    try {
      OpenOptions read_only;
      read_only.read_only = true;
      Ledger::open(ledger_, read_only);
      return true;
    } catch (const Error& e) {
      if (e.code() == ErrorCode::kNotALedger) return false;
      throw Failure(std::string("the ledger cannot be opened: ") + e.what());
    }
  }

  // Verifies `tenants` (empty: all), holding the checkpoints kept from earlier
  // rounds as trusted and checking every stored checkpoint's signature.
  void verify_ledger(std::uint64_t round, const std::vector<std::string>& tenants) {
    VerifyOptions options;
    options.keys = verifier_;
    options.tenants = tenants;
    const std::set<std::string> wanted(tenants.begin(), tenants.end());
    for (const auto& [name, note] : trusted_) {
      if (wanted.empty() || wanted.count(name)) options.trusted_checkpoints.push_back(note);
    }
    VerifyReport report;
    try {
      report = verify(ledger_, options);
    } catch (const Error& e) {
      throw Failure(std::string("verify could not run: ") + e.what());
    }
    ++(tenants.empty() ? f_.full_verifies : f_.partial_verifies);
    f_.verified_entries += report.entries_checked();
    if (report.valid()) return;
    std::string why = "verify found the ledger invalid after round " + std::to_string(round) + ":";
    for (const Finding& f : report.ledger_findings) why += "\n  " + f.detail;
    for (const TenantReport& t : report.tenants) {
      for (const Finding& f : t.findings) {
        why += "\n  " + t.tenant + " " + std::to_string(f.seq) + " " + finding_kind_name(f.kind) + ": " + f.detail;
      }
    }
    throw Failure(why);
  }

  // Entries (from, to] are all of this round, and every append call among
  // them is there whole and in one run: its events at consecutive seqs, in
  // the order given.
  static void check_new_entries(const TenantLedger& t, std::uint64_t from, std::uint64_t to, std::uint64_t round) {
    struct Call {
      std::uint64_t first_seq = 0;
      std::uint64_t size = 0;
      std::uint64_t count = 0;
    };
    std::map<std::string, Call> calls;
    std::uint64_t expected = from + 1;
    Query q;
    q.seq_from = from + 1;
    for (const Entry& e : t.entries(q)) {
      const std::string where = "tenant \"" + t.name() + "\" entry " + std::to_string(e.seq);
      if (e.seq != expected) throw Failure(where + ": expected entry " + std::to_string(expected) + " next");
      ++expected;
      const auto& m = e.event.metadata;
      if (!m.count("round") || m.at("round") != std::to_string(round)) {
        throw Failure(where + " is new since the last round but belongs to round " +
                      (m.count("round") ? m.at("round") : std::string("(none)")));
      }
      Call& call = calls[m.at("op")];
      const std::uint64_t index = std::stoull(m.at("index"));
      if (call.count == 0) {
        call.first_seq = e.seq;
        call.size = std::stoull(m.at("size"));
      }
      if (e.seq != call.first_seq + index || index != call.count) {
        throw Failure(where + ": event " + m.at("index") + " of append call " + m.at("op") + " is out of place");
      }
      ++call.count;
    }
    if (expected != to + 1) {
      throw Failure("tenant \"" + t.name() + "\": the head is " + std::to_string(to) + " but entries end at " +
                    std::to_string(expected - 1));
    }
    for (const auto& [op, call] : calls) {
      if (call.count != call.size) {
        throw Failure("tenant \"" + t.name() + "\": append call " + op + " stored " + std::to_string(call.count) +
                      " of its " + std::to_string(call.size) + " events");
      }
    }
  }

  // After the last kill: the ledger opens for writing, every tenant gets a
  // checkpoint signed from the tree as stored (the frontier the next append
  // would build on), and verify agrees with all of them.
  void final_checkpoints() {
    std::error_code ec;
    if (!fs::exists(ledger_, ec)) return;
    SignerKey key = SignerKey::load(key_path_);
    {
      Ledger ledger = Ledger::open(ledger_);
      for (const std::string& name : ledger.tenants()) {
        const Checkpoint c = ledger.tenant(name).checkpoint(key);
        if (c.tree_size != heads_[name].seq) throw Failure("the final checkpoint of " + name + " has the wrong size");
        trusted_[name] = c.note;
      }
    }
    verify_ledger(s_.rounds, {});
  }

  void report(double wall_s) {
    std::uint64_t entries = 0;
    std::uint64_t checkpoints = 0;
    std::size_t tenants = 0;
    {
      OpenOptions read_only;
      read_only.read_only = true;
      std::error_code ec;
      if (fs::exists(ledger_, ec)) {
        Ledger ledger = Ledger::open(ledger_, read_only);
        for (const std::string& name : ledger.tenants()) {
          ++tenants;
          entries += ledger.tenant(name).head().seq;
          checkpoints += ledger.tenant(name).checkpoints().size();
        }
      }
    }
    std::printf("crash test passed: %llu kills (SIGKILL), seed %llu\n", ull(f_.kills), ull(s_.seed));
    std::printf(
        "  kill delays: %.3f .. %.3f ms; %llu kills before the ledger was open (%llu before the file was a "
        "ledger)\n",
        static_cast<double>(f_.shortest_delay_us) / 1000.0, static_cast<double>(f_.longest_delay_us) / 1000.0,
        ull(f_.before_open), ull(f_.before_file));
    std::printf("  acknowledged: %llu entries and %llu checkpoints, every one present and equal after each reopen\n",
                ull(f_.acked_entries), ull(f_.acked_checkpoints));
    std::printf(
        "  committed but not yet acknowledged when killed: %llu entries, in %llu rounds (at most %llu in one)\n",
        ull(f_.unacked_found), ull(f_.rounds_with_unacked), ull(f_.most_unacked));
    std::printf("  half-written acknowledgement lines: %llu\n", ull(f_.unfinished_lines));
    std::printf("  ledger at the end: %llu entries in %zu tenants, %llu checkpoints\n", ull(entries), tenants,
                ull(checkpoints));
    std::printf(
        "  verify: valid every time; %llu runs over the tenants a round changed, %llu over the whole ledger "
        "(%llu entries checked in all)\n",
        ull(f_.partial_verifies), ull(f_.full_verifies), ull(f_.verified_entries));
    std::printf("  wall time %.1f s (appending until killed %.1f s, reopening and checking %.1f s)\n", wall_s,
                f_.appending_s, f_.checking_s);
  }

  Settings s_;
  std::mt19937_64 rng_;
  Figures f_;
  std::string work_;
  std::string ledger_;
  std::string key_path_;
  std::vector<VerifierKey> verifier_;
  std::map<std::string, Head> heads_;           // each tenant's head after the last round
  std::map<std::string, std::string> trusted_;  // each tenant's newest checkpoint, held outside
};

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  try {
    const crash::Flags flags(
        argc, argv, 1,
        {"appender", "dir", "rounds", "seed", "threads", "max-delay-ms", "full-verify-every", "durability", "fault"});
    s.appender = flags.text("appender");
    s.dir = flags.text("dir");
    s.rounds = flags.number("rounds", 50);
    s.seed = flags.number("seed", 1);
    s.threads = flags.number("threads", 4);
    s.max_delay_ms = flags.number("max-delay-ms", 250);
    s.full_verify_every = flags.number("full-verify-every", 100);
    s.durability = flags.text("durability", "full");
    s.fault = flags.text("fault", "none");
    if (s.rounds == 0 || s.threads == 0 || s.max_delay_ms == 0 || s.full_verify_every == 0) {
      throw std::invalid_argument("--rounds, --threads, --max-delay-ms and --full-verify-every must be at least 1");
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "crash_check: %s\n", e.what());
    return 2;
  }
  try {
    return CrashTest(s).run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "crash_check: %s\n", e.what());
    return 2;
  }
}
