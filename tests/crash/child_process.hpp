// child_process.hpp — starting another program with its stdout on a pipe,
// reading what it writes line by line, killing it and collecting its status.
//
// Used by the crash test (which kills its appender at a chosen moment) and by
// the soak (which runs its worker processes to the end). Linux/POSIX only.
//
// Thread safety: a ChildProcess is used by one thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace auditchain::crash {

class ChildProcess {
 public:
  // Starts `argv` (argv[0] is the program's path) with stdin from /dev/null,
  // stdout on a pipe read by this object and stderr appended to `stderr_path`.
  // Throws std::runtime_error when the program cannot be started.
  ChildProcess(const std::vector<std::string>& argv, const std::string& stderr_path);
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // Kills (SIGKILL) and reaps the child if it is still running.
  ~ChildProcess();

  pid_t pid() const { return pid_; }

  // Reads what the child writes until `deadline`, or until it closes its
  // stdout (returns false then), appending each complete line (without its
  // newline) to `lines`.
  bool read_until(std::chrono::steady_clock::time_point deadline, std::vector<std::string>& lines);
  // Reads to end of file.
  void read_to_end(std::vector<std::string>& lines);
  // Bytes written after the last newline once the pipe reached end of file: a
  // line the child did not finish writing.
  const std::string& unfinished_line() const { return pending_; }

  // Sends SIGKILL (no effect when the child has already exited).
  void kill_now();
  // Waits for the child to end and returns its wait status.
  int wait();

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  bool eof_ = false;
  bool reaped_ = false;
  int status_ = 0;
  std::string pending_;
};

// Describes a wait status: "exited with status 1", "killed by signal 9".
std::string describe_status(int status);

// The path of the running program (to start another copy of it).
std::string self_path();

// The last `max_bytes` of the file at `path` (empty when it cannot be read):
// the end of a child's stderr, for failure messages.
std::string tail_of_file(const std::string& path, std::size_t max_bytes = 4000);

}  // namespace auditchain::crash
