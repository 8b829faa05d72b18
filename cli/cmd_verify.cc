// cmd_verify.cc — `auditchain verify`: re-walk chains and report what was found.
//
// Exit status: 0 every checked chain is intact, 1 problems were found,
// 2 verification could not run.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>

#include "auditchain/auditchain.hpp"
#include "commands.hpp"
#include "options.hpp"
#include "report.hpp"

namespace auditchain::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kMaxJobs = 256;

struct VerifyArgs {
  std::string path;
  std::vector<std::string> tenants;
  TimeRange range;
  OptionalText jobs;
  bool json = false;
  bool quiet = false;
};

// A one-line bar on stderr. It appears only once the work proves long, so
// that short runs, pipes and log files never see carriage returns.
class ProgressBar {
 public:
  static bool possible() { return isatty(STDERR_FILENO) == 1; }
  ProgressBar() = default;
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  // Also on errors: the message must start on a clean line.
  ~ProgressBar() { finish(); }

  void update(const VerifyProgress& p) {
    const Clock::time_point now = Clock::now();
    if (!shown_ && p.total < kLargeTenant && now - start_ < std::chrono::seconds(1)) return;
    if (shown_ && p.tenant == tenant_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
    shown_ = true;
    tenant_ = p.tenant;
    last_draw_ = now;
    // With --to the total is an upper bound, so the share is capped.
    const std::uint64_t done = std::min(p.done, p.total);
    const std::uint64_t percent = p.total ? done * 100 / p.total : 100;
    const std::size_t filled = static_cast<std::size_t>(percent * kWidth / 100);
    std::cerr << "\r\033[Kverifying " << p.tenant << " [" << std::string(filled, '#')
              << std::string(kWidth - filled, '.') << "] " << percent << "% " << p.done << "/" << p.total
              << std::flush;
  }

  void finish() {
    if (shown_) std::cerr << "\r\033[K" << std::flush;
    shown_ = false;
  }

 private:
  static constexpr std::uint64_t kLargeTenant = 100000;
  static constexpr std::size_t kWidth = 30;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_draw_;
  std::string tenant_;
  bool shown_ = false;
};

int run_verify(const VerifyArgs& args) {
  VerifyOptions options;
  for (const std::string& name : args.tenants) {
    if (std::find(options.tenants.begin(), options.tenants.end(), name) == options.tenants.end()) {
      options.tenants.push_back(name);
    }
  }
  options.from = args.range.from_time();
  options.to = args.range.to_time();
  // An empty range would report "valid" having checked nothing.
  if (options.from && options.to && *options.to <= *options.from) usage_error("--to", "must be later than --from");
  const std::uint64_t jobs = parse_optional_count(args.jobs).value_or(0);
  // A thread is started per job for every chunk of entries; a typo must not start thousands.
  if (jobs > kMaxJobs) usage_error("--jobs", "must be at most " + std::to_string(kMaxJobs));
  options.jobs = static_cast<unsigned>(jobs);

  ProgressBar bar;
  if (ProgressBar::possible()) options.progress = [&bar](const VerifyProgress& p) { bar.update(p); };
  const VerifyReport report = verify(args.path, options);
  bar.finish();

  if (args.json) {
    std::cout << report_to_json(report) << "\n";
  } else {
    print_report_text(std::cout, args.path, report, args.quiet);
  }
  return report.valid() ? 0 : 1;
}

}  // namespace

void add_verify_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "verify", "Re-walk the hash chains and report entries modified, deleted, inserted, reordered or backdated");
  auto args = std::make_shared<VerifyArgs>();
  add_ledger_argument(*cmd, args->path);
  one_value_per_use(cmd->add_option("--tenant", args->tenants, "Verify only tenant NAME (repeatable; default: all)"))
      ->type_name("NAME");
  add_time_range(*cmd, args->range);
  add_text_option(*cmd, "--jobs", args->jobs, "Hashing threads, 0..256 (default 0: one per core)", "N");
  auto* json = cmd->add_flag("--json", args->json, "Print the report as one JSON document");
  cmd->add_flag("-q,--quiet", args->quiet, "Print only problems and the summary lines")->excludes(json);
  cmd->footer(examples({
      "auditchain verify audit.db",
      "auditchain verify audit.db --tenant acme --from 2026-11-01T00:00:00Z --to 2026-12-01T00:00:00Z",
      "auditchain verify audit.db --quiet || echo 'ledger altered!'",
      "auditchain verify audit.db --json > report.json",
  },
  "Prints what was asked for, one line per problem (tenant, seq, reason) and \"N/M entries valid\" per\n"
  "tenant. Exit status: 0 every checked chain is intact, 1 problems were found, 2 verification could\n"
  "not run (no such file, not a ledger, unknown tenant, bad arguments)."));
  cmd->callback([args, &exit_code] { exit_code = run_verify(*args); });
}

}  // namespace auditchain::cli
