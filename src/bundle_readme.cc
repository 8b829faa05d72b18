// bundle_readme.cc — README.txt of an export bundle: how to check it by hand.
#include "bundle_format.hpp"

namespace auditchain::detail {

std::string bundle_readme(const BundleFacts& f) {
  std::string t;
  t += "auditchain export bundle\n";
  t += "========================\n\n";
  t += "Ledger " + f.ledger_id + ", tenant \"" + f.tenant + "\": " + std::to_string(f.entries) + " entries,\n";
  t += "proven against a checkpoint of the tenant's first " + std::to_string(f.tree_size) + " entries";
  if (!f.key_name.empty()) t += ", signed by key \"" + f.key_name + "\"";
  t += ".\n";
  t += "Filter: " + f.filter_json + (f.contiguous ? " (a contiguous run of the chain)" : " (a selection)") + ".\n\n";
  t += R"(Files
-----
entries.jsonl    the entries, one per line: each line is an entry's bytes exactly as the ledger
                 hashed them (canonical JSON), followed by a newline that is not part of them.
entries.csv      the same entries for a spreadsheet (columns in docs/FORMAT.md, "Exports").
manifest.json    what the bundle holds: filter, counts, control totals, the SHA-256 of every
                 other file, a signed checkpoint and one inclusion proof per entry.
README.txt       this file.
)";
  if (f.decrypted) {
    t += R"(decrypted.jsonl  decrypted values, one per line: {"seq":N,"pointer":"/before/iban","value":...}.

This bundle holds DECRYPTED values (entries.csv and decrypted.jsonl). They are not part of the
hashed entry bytes (entries.jsonl keeps the encrypted envelopes), so no hash, proof or signature
covers them: their file hashes only show they were not changed after the export was written.
)";
  }
  t += R"(
Checking the bundle by hand
---------------------------
`auditchain verify` run on this directory with the ledger's verifier key does all of the
following. By hand:

1. Files. Compute the SHA-256 of each file named under "files" in manifest.json (for example
   `sha256sum entries.jsonl`) and compare it with the hex value there. The SHA-256 of
   manifest.json itself is recorded in the ledger, in the "data.export" entry of this export
   (metadata "sha256").

2. The checkpoint. "checkpoint" in manifest.json is a C2SP signed note. Its text (up to the blank
   line) says: the origin "auditchain/<ledger id>/<tenant>", the tree size, the root hash in
   base64 and the signing time. The last line holds the key name and base64(4-byte key id ||
   Ed25519 signature). Check the signature over the text (including its final newline) with the
   ledger's verifier key, obtained from its owner and not from this bundle, and that the origin
   names this ledger and tenant.

3. Each entry is in the signed tree. For line number i of entries.jsonl take its bytes without
   the newline. The leaf hash is SHA-256 of one 0x00 byte followed by those bytes. The i-th
   element of "proofs" in manifest.json gives the entry's seq, its leaf index (seq - 1) and its
   audit path, a list of hex hashes from the leaf upwards. Combine them as RFC 6962 / RFC 9162
   (section 2.1.3.2) say, where a node is SHA-256 of one 0x01 byte, the left and the right hash;
   the result must be the root in the checkpoint, for the tree size in the checkpoint.

4. The entries. Each line is an entry of this ledger and tenant ("ledger", "tenant"), seqs grow
   from line to line, and each entry satisfies the filter in manifest.json.

5. Counts and totals. Count the entries per "action" and add up "amount"."value" per
   "amount"."currency" exactly (decimal arithmetic, never floating point); compare with "counts"
   and "totals" in manifest.json, and the first and last seq with "first_seq" and "last_seq".
)";
  if (f.contiguous) {
    t += R"(
6. Nothing left out. The filter selects a contiguous run of the chain, so the seqs are
   consecutive and each entry's "prev" is the SHA-256 of the line before it (without the
   newline); entry 1's "prev" is the tenant's genesis value (docs/FORMAT.md, "Genesis"). The run
   starts at the filter's first seq (1 without one) and ends at its last seq, or at the
   checkpoint's size when that is smaller or no last seq was given. When times bound the run,
   "boundaries" in manifest.json holds the entry just before it (recorded before "from") and the
   entry just after it (recorded at or after "to"), each with its own proof: recorded times never
   decrease along a chain, so no entry outside the bundle falls inside the range.
)";
  }
  t += R"(
The CSV
-------
entries.csv shows the same entries. A cell that starts with = + - @, a tab, a carriage return or
an apostrophe got one apostrophe (') added in front, so that no spreadsheet runs it as a
formula; remove one leading apostrophe to get the value back. Numbers (seq, amount,
ai_confidence, derived_from, overrides) are written as they are.
)";
  t += f.decrypted ? "Encrypted values show as their plaintext; secrets as [secret].\n"
                   : "Protected values show as [encrypted], [erased] or [secret].\n";
  t += R"(
What the bundle does NOT prove
------------------------------
- That the ledger's owner recorded every event that happened: only what was recorded is here.
- That entries appended after the checkpoint exist or not: the bundle ends at its checkpoint.
)";
  if (!f.contiguous) {
    t += R"(- That no other entry matches the filter. The filter picks entries by their content, so the
  bundle is a selection; the proofs show that each entry in it is in the signed tree, not that
  the selection is complete. For completeness, export a contiguous range (seq or time bounds
  only) and filter it yourself.
)";
  }
  t += R"(- Anything about the verifier key: trust the checkpoint only as far as you trust the key that
  signed it, and obtain that key from the ledger's owner, not from this bundle.
)";
  if (f.decrypted) t += "- That the decrypted values are the ones that were encrypted.\n";
  return t;
}

}  // namespace auditchain::detail
