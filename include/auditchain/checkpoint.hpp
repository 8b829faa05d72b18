// auditchain/checkpoint.hpp — signed checkpoints, seals and Merkle proofs.
//
// Each tenant's entries are the leaves of an RFC 6962 Merkle tree (leaf =
// SHA-256(0x00 || entry bytes)). A checkpoint is a C2SP tlog-checkpoint body
//
//     auditchain/<ledger id>/<tenant, percent-encoded>
//     <tree size>
//     <base64 root hash>
//     time <RFC 3339 time of signing>
//     [seal <RFC 3339 end of the sealed period>]
//
// signed as a C2SP signed note with Ed25519 (keys.hpp). A checkpoint kept
// outside the ledger lets verify() detect truncation, rollback to an older
// copy and wholesale rewrites. Proofs are RFC 6962 inclusion and consistency
// proofs, serialised as JSON (docs/FORMAT.md "Proofs").
//
// Thread safety: plain value types and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auditchain/entry.hpp"
#include "auditchain/visibility.hpp"
#include "auditchain/keys.hpp"
#include "auditchain/timestamp.hpp"

namespace auditchain {

struct Checkpoint {
  std::string ledger_id;
  std::string tenant;
  std::uint64_t tree_size = 0;
  Hash root;
  Timestamp time;                          // when it was signed
  std::optional<Timestamp> sealed_through; // set for a period seal: nothing may occur at or before it
  std::string note;                        // the signed note, verbatim
};

// The origin line of `tenant`'s checkpoints.
AUDITCHAIN_API std::string checkpoint_origin(std::string_view ledger_id, std::string_view tenant);

// The checkpoint body (the text that is signed).
AUDITCHAIN_API std::string checkpoint_body(const Checkpoint& c);

// Parses a signed checkpoint note without checking its signatures.
// Throws Error(kInvalidArgument) when it is not an auditchain checkpoint.
AUDITCHAIN_API Checkpoint parse_checkpoint(std::string_view note);

// Checks the note's signature against trusted `keys` (open_note), then parses it.
// Throws Error(kBadSignature) or Error(kInvalidArgument).
AUDITCHAIN_API Checkpoint open_checkpoint(std::string_view note, std::span<const VerifierKey> keys);

struct InclusionProof {
  std::string ledger_id;
  std::string tenant;
  std::uint64_t seq = 0;        // the entry; its leaf index is seq - 1
  std::uint64_t tree_size = 0;  // the tree the proof is for
  std::string entry;            // the entry's canonical bytes
  std::vector<Hash> path;       // RFC 6962 audit path, leaf upwards
  Hash root;                    // root of the tree of tree_size
  std::optional<std::string> checkpoint;  // a signed checkpoint of tree_size, when one is stored
};

struct ConsistencyProof {
  std::string ledger_id;
  std::string tenant;
  std::uint64_t old_size = 0;
  std::uint64_t new_size = 0;
  Hash old_root;
  Hash new_root;
  std::vector<Hash> path;       // RFC 6962 consistency proof
  std::optional<std::string> old_checkpoint;  // signed checkpoints of the two sizes, when stored
  std::optional<std::string> new_checkpoint;
};

// JSON forms (docs/FORMAT.md "Proofs").
AUDITCHAIN_API std::string proof_to_json(const InclusionProof& proof);
AUDITCHAIN_API std::string proof_to_json(const ConsistencyProof& proof);

// The verdict on a proof checked offline.
struct ProofVerdict {
  bool valid = false;
  std::string kind;                   // "inclusion" or "consistency"
  std::vector<std::string> problems;  // empty when valid
  std::string summary;                // one line for people
};

// Checks a proof given as JSON: the Merkle path against the root(s), the
// entry's place (inclusion), and — when `keys` are given — that every
// embedded checkpoint is signed by a trusted key and states the same size and
// root as the proof; with keys, a proof without a checkpoint is not valid.
// Returns problems as data; throws Error(kInvalidArgument) only when the text
// is not a proof at all.
AUDITCHAIN_API ProofVerdict verify_proof_json(std::string_view json, std::span<const VerifierKey> keys);

}  // namespace auditchain
