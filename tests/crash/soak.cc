// soak.cc — the soak test: several processes, each with several threads,
// appending, reading, querying, verifying and checkpointing one ledger at once;
// then no error, a valid ledger and exact counts.
//
//   auditchain_soak --dir DIR (--seconds S | --ops N) [--processes P] [--threads T] [--seed S]
//                   [--fault overcount]
//
// Runs P worker processes (default 2; this same program, started with
// "worker", soak_worker.cc) with T threads each (default 8), for S seconds or
// N operations per thread. Checkpoints are signed with a key made by the
// library's key generation. Afterwards: every worker ended without an error;
// verify() finds the ledger valid with that key; and every tenant holds exactly
// as many entries as the threads of all processes say they stored in it, at
// seqs 1..n with no idempotency key used twice. Exit status: 0 passed,
// 1 failed, 2 could not run. The work directory (a new soak.XXXXXX under DIR)
// is removed after a clean run and kept after a failure. "--fault overcount"
// makes the workers report one entry too many, to show that the count check
// notices.
#include "soak.hpp"

#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "auditchain/auditchain.hpp"
#include "child_process.hpp"
#include "flags.hpp"

namespace {

using namespace auditchain;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

unsigned long long ull(std::uint64_t v) { return static_cast<unsigned long long>(v); }

struct Settings {
  std::string dir;
  std::uint64_t seconds = 0;
  std::uint64_t ops = 0;
  std::uint64_t processes = 2;
  std::uint64_t threads = 8;
  std::uint64_t seed = 1;
  std::string fault = "none";  // "overcount": passed on to the workers
};

int coordinate(const Settings& s) {
  const auto started = Clock::now();
  fs::create_directories(s.dir);
  std::string pattern = (fs::path(s.dir) / "soak.XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a work directory in " + s.dir);
  const fs::path work = pattern;
  const std::string ledger_path = (work / "ledger.db").string();
  const std::string key_path = (work / "checkpoints.key").string();
  const SignerKey key = SignerKey::generate("soak");
  key.save(key_path);

  std::printf("soak: %llu processes x %llu threads, %s, seed %llu\n", ull(s.processes), ull(s.threads),
              s.seconds > 0 ? (std::to_string(s.seconds) + " s").c_str()
                            : (std::to_string(s.ops) + " operations per thread").c_str(),
              ull(s.seed));
  std::fflush(stdout);

  // The workers start together and race to create the ledger file.
  std::vector<std::unique_ptr<crash::ChildProcess>> workers;
  const std::string self = crash::self_path();
  for (std::uint64_t p = 0; p < s.processes; ++p) {
    std::vector<std::string> argv = {self,        "worker",
                                     "--ledger",  ledger_path,
                                     "--key",     key_path,
                                     "--process", std::to_string(p),
                                     "--threads", std::to_string(s.threads),
                                     "--seed",    std::to_string(s.seed),
                                     "--fault",   s.fault};
    argv.insert(argv.end(), {s.seconds > 0 ? "--seconds" : "--ops", std::to_string(s.seconds > 0 ? s.seconds : s.ops)});
    workers.push_back(
        std::make_unique<crash::ChildProcess>(argv, (work / ("worker-" + std::to_string(p) + ".err")).string()));
  }

  std::vector<std::string> problems;
  std::map<std::string, std::uint64_t> expected;  // entries per tenant, summed over every thread
  std::map<std::string, std::uint64_t> ops;
  for (std::uint64_t p = 0; p < s.processes; ++p) {
    std::vector<std::string> lines;
    workers[p]->read_to_end(lines);
    const int status = workers[p]->wait();
    const std::string err = crash::tail_of_file((work / ("worker-" + std::to_string(p) + ".err")).string());
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      problems.push_back("worker " + std::to_string(p) + " " + crash::describe_status(status) +
                         (err.empty() ? "" : ":\n" + err));
    }
    for (const std::string& line : lines) {
      std::istringstream in(line);
      std::string what, name;
      std::uint64_t n = 0;
      in >> what;
      if (what == "errors") {
        in >> n;
      } else {
        in >> name >> n;
      }
      if (!in) {
        problems.push_back("worker " + std::to_string(p) + " printed: " + line);
      } else if (what == "appended") {
        expected[name] += n;
      } else if (what == "op") {
        ops[name] += n;
      } else if (what == "errors" && n > 0) {
        problems.push_back("worker " + std::to_string(p) + " had " + std::to_string(n) + " errors");
      }
    }
  }
  const double run_s = std::chrono::duration<double>(Clock::now() - started).count();

  std::uint64_t entries = 0;
  std::uint64_t checkpoints = 0;
  std::uint64_t verified = 0;
  if (problems.empty()) {
    VerifyOptions options;
    options.keys = {key.verifier()};
    const VerifyReport report = verify(ledger_path, options);
    verified = report.entries_valid();
    if (!report.valid()) {
      std::string why = "verify found the ledger invalid:";
      for (const Finding& f : report.ledger_findings) why += "\n  " + f.detail;
      for (const TenantReport& t : report.tenants) {
        for (const Finding& f : t.findings) why += "\n  " + t.tenant + "/" + std::to_string(f.seq) + ": " + f.detail;
      }
      problems.push_back(why);
    }
    OpenOptions read_only;
    read_only.read_only = true;
    Ledger ledger = Ledger::open(ledger_path, read_only);
    std::set<std::string> names;
    for (const std::string& name : ledger.tenants()) {
      names.insert(name);
      TenantLedger t = ledger.tenant(name);
      std::uint64_t seq = 0;
      std::set<std::string> keys;
      for (const Entry& e : t.entries()) {
        if (e.seq != seq + 1) {
          problems.push_back(name + ": entry " + std::to_string(e.seq) + " follows " + std::to_string(seq));
        }
        seq = e.seq;
        if (e.event.idempotency_key && !keys.insert(*e.event.idempotency_key).second) {
          problems.push_back(name + ": idempotency key " + *e.event.idempotency_key + " stored twice");
        }
      }
      if (t.head().seq != seq) problems.push_back(name + ": the head is not the last entry");
      if (seq != expected[name]) {
        problems.push_back(name + ": " + std::to_string(seq) + " entries, but the threads stored " +
                           std::to_string(expected[name]));
      }
      entries += seq;
      checkpoints += t.checkpoints().size();
    }
    for (const auto& [name, n] : expected) {
      if (!names.count(name)) {
        problems.push_back(name + ": the threads stored " + std::to_string(n) + " entries in a missing tenant");
      }
    }
  }

  if (!problems.empty()) {
    std::printf("soak FAILED:\n");
    for (const std::string& p : problems) std::printf("  %s\n", p.c_str());
    if (s.fault == "none") {
      std::printf("the ledger and the workers' stderr are kept in %s\n", work.c_str());
    } else {
      fs::remove_all(work);  // the failure was injected on purpose
    }
    return 1;
  }
  std::uint64_t all_ops = 0;
  std::string by_kind;
  for (const auto& [kind, n] : ops) {
    all_ops += n;
    by_kind += (by_kind.empty() ? "" : ", ") + kind + " " + std::to_string(n);
  }
  std::printf("soak passed: no error in %llu threads of %llu processes, %.1f s\n", ull(s.processes * s.threads),
              ull(s.processes), run_s);
  std::printf("  operations: %llu (%s)\n", ull(all_ops), by_kind.c_str());
  std::printf("  entries: %llu in %zu tenants, each count equal to the sum the threads reported:\n", ull(entries),
              expected.size());
  for (const auto& [name, n] : expected) std::printf("    %-28s %llu\n", name.c_str(), ull(n));
  std::printf("  checkpoints stored: %llu; verify: valid, %llu entries checked\n", ull(checkpoints), ull(verified));
  fs::remove_all(work);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const bool worker = argc > 1 && std::string(argv[1]) == "worker";
  Settings s;
  soak::WorkerSettings w;
  try {
    if (worker) {
      const crash::Flags flags(argc, argv, 2,
                               {"ledger", "key", "process", "threads", "seconds", "ops", "seed", "fault"});
      w.ledger = flags.text("ledger");
      w.key = flags.text("key");
      w.process = flags.number("process");
      w.threads = flags.number("threads", 8);
      w.seconds = flags.number("seconds", 0);
      w.ops = flags.number("ops", 0);
      w.seed = flags.number("seed", 1);
      w.overcount = flags.text("fault", "none") == "overcount";
    } else {
      const crash::Flags flags(argc, argv, 1, {"dir", "seconds", "ops", "processes", "threads", "seed", "fault"});
      s.dir = flags.text("dir");
      s.seconds = flags.number("seconds", 0);
      s.ops = flags.number("ops", 0);
      s.processes = flags.number("processes", 2);
      s.threads = flags.number("threads", 8);
      s.seed = flags.number("seed", 1);
      s.fault = flags.text("fault", "none");
      if (s.fault != "none" && s.fault != "overcount") {
        throw std::invalid_argument("--fault: expected none or overcount");
      }
      if ((s.seconds == 0) == (s.ops == 0)) throw std::invalid_argument("give one of --seconds and --ops");
      if (s.processes == 0 || s.threads == 0) {
        throw std::invalid_argument("--processes and --threads must be at least 1");
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "auditchain_soak: %s\n", e.what());
    return 2;
  }
  try {
    return worker ? soak::run_worker(w) : coordinate(s);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "auditchain_soak: %s\n", e.what());
    return 2;
  }
}
