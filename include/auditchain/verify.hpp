// auditchain/verify.hpp — re-walking chains to prove nothing was altered.
//
// verify() reads a ledger file and re-checks every chain it is asked about:
// each entry's hash from its stored bytes, the links, sequence continuity, the
// query columns against the bytes, recorded-time order, tenant and ledger
// binding, the genesis values and the append-only schema. What it finds is
// returned as data in a VerifyReport; it throws only when it cannot run at all.
// It streams: memory stays flat whatever the size of the ledger.
//
// Thread safety: verify() may run while other threads or processes append;
// it checks the snapshot it reads.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "auditchain/entry.hpp"
#include "auditchain/keys.hpp"
#include "auditchain/visibility.hpp"
#include "auditchain/timestamp.hpp"

namespace auditchain {

class Ledger;

// Kinds of finding. The numbers are stable (they appear in JSON reports).
enum class FindingKind : int {
  kHashMismatch = 1,       // stored bytes do not hash to the stored entry hash: bytes changed
  kColumnMismatch = 2,     // a query column disagrees with the entry's bytes
  kGap = 3,                // a sequence number is missing: an entry was deleted
  kDuplicateSeq = 4,       // a sequence number appears twice: an entry was inserted
  kReordered = 5,          // an entry sits at a position other than the one it was written for
  kBrokenLink = 6,         // prev_hash is not the previous entry's hash
  kForeignEntry = 7,       // the entry names another tenant or another ledger
  kTimeBackwards = 8,      // recorded time earlier than the previous entry's
  kSchemaTampered = 9,     // append-only triggers or tables dropped or altered
  kGenesisTampered = 10,   // the stored genesis value is not the one the format defines
  kDanglingReference = 11, // derived_from / overrides names no earlier entry of the tenant
  kMalformedEntry = 12,    // bytes are not a valid canonical entry
  kCheckpointMismatch = 13,     // a checkpoint's root is not the root of the entries at its size
  kTruncated = 14,              // a checkpoint vouches for more entries than the ledger holds
  kBadCheckpoint = 15,          // a checkpoint is forged, altered or not signed by a trusted key
  kConflictingCheckpoints = 16, // two checkpoints state different roots for one size
  kSealBroken = 17,             // an entry appended after a seal claims to have occurred inside it
};

// "hash_mismatch", "column_mismatch", "gap", ... (snake_case of the name).
AUDITCHAIN_API const char* finding_kind_name(FindingKind kind) noexcept;

struct Finding {
  std::string tenant;   // empty for ledger-wide findings (schema)
  std::uint64_t seq = 0;  // the first affected entry; 0 when not about one entry
  FindingKind kind;
  std::string detail;   // one human-readable sentence
};

struct TenantReport {
  std::string tenant;
  // What was asked for.
  std::optional<Timestamp> from;  // inclusive
  std::optional<Timestamp> to;    // exclusive
  // What was found.
  std::uint64_t first_seq = 0;        // first entry checked (0 when none)
  std::uint64_t last_seq = 0;         // last entry checked
  std::uint64_t entries_checked = 0;
  std::uint64_t entries_valid = 0;
  Hash head;                          // hash of the last entry checked (genesis when none)
  std::vector<Finding> findings;      // at most VerifyOptions::max_findings_per_tenant
  std::uint64_t findings_dropped = 0; // findings beyond that limit, counted only
  bool valid() const noexcept { return findings.empty() && findings_dropped == 0; }
};

struct AUDITCHAIN_API VerifyReport {
  std::string path;       // the file verified
  std::string ledger_id;
  int format_version = 0;
  std::vector<Finding> ledger_findings;  // about the file as a whole (schema)
  std::vector<TenantReport> tenants;
  bool valid() const noexcept;
  std::uint64_t entries_checked() const noexcept;
  std::uint64_t entries_valid() const noexcept;
};

struct VerifyProgress {
  std::string tenant;
  std::uint64_t done = 0;   // entries of this tenant checked so far
  std::uint64_t total = 0;  // entries of this tenant to check
};

struct VerifyOptions {
  // Tenants to check; empty: all. An unknown name fails with kNotFound.
  std::vector<std::string> tenants;
  // Only entries recorded in [from, to). The chain is still re-walked from the
  // nearest entry before `from` so that the first checked entry's link is
  // checked too.
  std::optional<Timestamp> from;
  std::optional<Timestamp> to;
  // Hashing threads; 0: one per core. Default: 0.
  unsigned jobs = 0;
  // Findings kept per tenant; the rest are only counted. Default: 1000.
  std::size_t max_findings_per_tenant = 1000;
  // Called now and then from the calling thread. May be empty.
  std::function<void(const VerifyProgress&)> progress;
  // Checkpoints (signed notes) the auditor holds from outside the ledger, and
  // the verifier keys that may sign checkpoints. With keys, the signature of
  // every checkpoint stored in the ledger is checked too; trusted checkpoints
  // need keys. The tree, checkpoint and seal checks run on whole chains only
  // (not when `from` or `to` limit the walk).
  std::vector<std::string> trusted_checkpoints;
  std::vector<VerifierKey> keys;
};

// Verifies the ledger file at `path` (opened read-only).
// Throws Error only when verification cannot run: kNotFound (no such file or
// tenant), kNotALedger, kUnsupportedVersion, kIo.
AUDITCHAIN_API VerifyReport verify(const std::string& path, const VerifyOptions& options = {});

}  // namespace auditchain
