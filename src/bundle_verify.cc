// bundle_verify.cc — checking an export bundle offline, with nothing but the
// bundle and trusted verifier keys. Reads each file front to back (the
// manifest three times: for its hash, its members and its proofs, which it
// walks in step with entries.jsonl), so memory does not grow with the number
// of entries.
#include <algorithm>
#include <filesystem>
#include <set>

#include "auditchain/error.hpp"
#include "auditchain/export.hpp"
#include "auditchain/json_io.hpp"
#include "auditchain/ledger.hpp"
#include "bundle_format.hpp"
#include "bundle_manifest.hpp"
#include "export_csv.hpp"
#include "export_internal.hpp"
#include "merkle.hpp"
#include "sha256.hpp"

namespace auditchain {
namespace {

namespace fs = std::filesystem;
using detail::ByteReader;
using detail::ProofRecord;
using detail::parse_proof;

constexpr std::size_t kMaxFindings = 1000;
// Longer than any entry can be (1 MiB), so a longer line is not one.
constexpr std::size_t kMaxLine = 2 * 1024 * 1024;

// An entry just outside a time-bounded range, as the manifest shows it.
struct Boundary {
  std::uint64_t seq = 0;
  Hash hash;  // SHA-256 of its bytes
  Hash prev;
  Timestamp recorded_at;
};

class BundleVerifier {
 public:
  BundleVerifier(const std::string& dir, std::span<const VerifierKey> keys) : dir_(dir), keys_(keys) {
    report_.directory = dir;
  }

  BundleReport run() {
    report_.manifest_sha256 = hash_file(detail::kManifestFile).value_or("");
    if (!read_manifest()) return std::move(report_);
    check_checkpoint();
    check_listed_files();
    check_entries();
    check_counts();
    if (filter_.contiguous() && cp_) check_range_ends();
    return std::move(report_);
  }

 private:
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  void find(const std::string& file, std::uint64_t seq, std::uint64_t line, const char* kind, std::string detail) {
    if (report_.findings.size() >= kMaxFindings) {
      ++report_.findings_dropped;
      return;
    }
    report_.findings.push_back(BundleFinding{file, seq, line, kind, std::move(detail)});
  }
  void malformed(const std::string& what) { find(detail::kManifestFile, 0, 0, "manifest_malformed", "manifest.json " + what); }

  // The hex SHA-256 of a file of the bundle; nullopt when it is missing.
  std::optional<std::string> hash_file(const std::string& name) {
    std::error_code ec;
    if (!fs::is_regular_file(path(name), ec)) return std::nullopt;
    ByteReader r(path(name), 0, true);
    r.drain();
    return r.sha256_hex();
  }

  // Compares a file's hash with the manifest's; reports a missing file.
  void compare_hash(const std::string& name, const std::optional<std::string>& actual) {
    const auto listed = files_.find(name);
    if (listed == files_.end()) return;
    if (!actual) {
      find(name, 0, 0, "missing_file", name + " is listed in manifest.json but not in the bundle");
    } else if (*actual != listed->second) {
      find(name, 0, 0, "file_hash_mismatch", name + " has SHA-256 " + *actual + ", the manifest says " + listed->second);
    }
  }

  const json::Value* member(std::string_view name, json::Type type, bool required = true) {
    const json::Value* v = header_.find(name);
    if (v == nullptr) {
      if (required) malformed("lacks the member \"" + std::string(name) + "\"");
      return nullptr;
    }
    if (v->type() != type) {
      malformed("has a member \"" + std::string(name) + "\" of the wrong type");
      return nullptr;
    }
    return v;
  }

  // Reads the manifest's members; false when too little is usable to go on.
  bool read_manifest() {
    try {
      detail::ManifestReader reader(path(detail::kManifestFile));
      header_ = reader.header();
      has_proofs_ = reader.has_proofs();
      proofs_offset_ = reader.proofs_offset();
    } catch (const detail::ManifestError& e) {
      malformed(std::string("is malformed: ") + e.what());
      return false;
    } catch (const std::runtime_error& e) {
      malformed(std::string("cannot be read: ") + e.what());
      return false;
    }
    const json::Value* format = member("format", json::Type::kString);
    if (format == nullptr || format->as_string() != detail::kBundleFormat) {
      malformed("is not an auditchain export manifest (\"format\" is not \"auditchain-export\")");
      return false;
    }
    const json::Value* version = member("format_version", json::Type::kInteger);
    if (version == nullptr || version->as_integer() != detail::kBundleFormatVersion) {
      malformed("has a format version this auditchain does not read");
      return false;
    }
    if (const json::Value* v = member("entry_format", json::Type::kInteger); v && v->as_integer() != detail::kEntryVersion) {
      malformed("names an entry format this auditchain does not read");
    }
    const json::Value* ledger = member("ledger", json::Type::kString);
    const json::Value* tenant = member("tenant", json::Type::kString);
    const json::Value* note = member("checkpoint", json::Type::kString);
    const json::Value* filter = member("filter", json::Type::kObject);
    const json::Value* files = member("files", json::Type::kObject);
    if (ledger == nullptr || tenant == nullptr || note == nullptr || filter == nullptr || files == nullptr) return false;
    report_.ledger_id = ledger->as_string();
    report_.tenant = tenant->as_string();
    note_ = note->as_string();
    try {
      filter_ = detail::filter_from_json(*filter);
    } catch (const std::exception& e) {
      malformed(std::string("has a filter that cannot be read: ") + e.what());
      return false;
    }
    if (const json::Value* c = member("contiguous", json::Type::kBool); c && c->as_bool() != filter_.contiguous()) {
      malformed(std::string("says \"contiguous\": ") + (c->as_bool() ? "true" : "false") +
                ", which its filter does not select");
    }
    if (const json::Value* d = member("decrypted", json::Type::kBool)) report_.decrypted = d->as_bool();
    // Who exported and when: not covered by the checkpoint (the ledger's
    // data.export entry records them, with this file's SHA-256), but always
    // present, in these shapes, in a manifest export_bundle wrote.
    if (const json::Value* at = member("exported_at", json::Type::kString)) {
      try {
        Timestamp::parse(at->as_string(), "exported_at");
      } catch (const Error&) {
        malformed("gives \"exported_at\" a value that is not an RFC 3339 time");
      }
    }
    if (const json::Value* by = member("exported_by", json::Type::kObject)) {
      const json::Value* id = by->find("id");
      if (id == nullptr || !id->is_string() || id->as_string().empty()) malformed("names no actor id in \"exported_by\"");
    }
    for (const auto& [name, value] : files->as_object()) {
      const bool known = name == detail::kEntriesFile || name == detail::kCsvFile || name == detail::kReadmeFile ||
                         name == detail::kDecryptedFile;
      if (!known) {
        malformed("lists a file this format does not have: " + json_quote(name));
      } else if (!value.is_string() || !detail::is_lower_hex(value.as_string(), Hash::kSize)) {
        malformed("gives " + name + " a hash that is not 64 lowercase hex digits");
      } else {
        files_[name] = value.as_string();
      }
    }
    for (const char* required : {detail::kEntriesFile, detail::kCsvFile, detail::kReadmeFile}) {
      if (files->find(required) == nullptr) malformed(std::string("does not list ") + required);
    }
    if ((files->find(detail::kDecryptedFile) != nullptr) != report_.decrypted) {
      malformed(report_.decrypted ? "says the bundle is decrypted but lists no decrypted.jsonl"
                                  : "lists decrypted.jsonl but says the bundle is not decrypted");
    }
    if (!has_proofs_) malformed("lacks the member \"proofs\"");
    return true;
  }

  void check_checkpoint() {
    try {
      cp_ = open_checkpoint(note_, keys_);
      trusted_ = true;
    } catch (const Error& e) {
      find(detail::kManifestFile, 0, 0, "bad_checkpoint", std::string("the checkpoint: ") + e.what());
      // Still check the proofs against it, to say which entries it would cover.
      try {
        cp_ = parse_checkpoint(note_);
      } catch (const Error&) {
        cp_.reset();
      }
    }
    if (cp_ && (cp_->ledger_id != report_.ledger_id || cp_->tenant != report_.tenant)) {
      find(detail::kManifestFile, 0, 0, "checkpoint_mismatch",
           "the checkpoint is for ledger " + cp_->ledger_id + ", tenant " + json_quote(cp_->tenant) +
               ", but the manifest names ledger " + report_.ledger_id + ", tenant " + json_quote(report_.tenant));
      trusted_ = false;
    }
    if (trusted_) report_.checkpoint = cp_;
  }

  void check_listed_files() {
    compare_hash(detail::kReadmeFile, hash_file(detail::kReadmeFile));
    if (!report_.decrypted) return;
    report_.notes.push_back(
        "entries.csv and decrypted.jsonl hold decrypted values, which no hash or proof covers: entries.csv was checked "
        "by its SHA-256 only, not against the entries");
  }

  // A line of decrypted.jsonl, read ahead.
  struct Decrypted {
    std::uint64_t line = 0;
    std::uint64_t seq = 0;
    std::string pointer;
  };

  bool next_decrypted(ByteReader& r, std::optional<Decrypted>& out) {
    std::string text;
    bool terminated = false;
    bool too_long = false;
    out.reset();
    while (r.line(text, terminated, too_long, kMaxLine)) {
      ++decrypted_line_;
      try {
        const json::Value v = json::parse(text);
        const json::Value* seq = v.find("seq");
        const json::Value* pointer = v.find("pointer");
        if (!terminated || !v.is_object() || v.as_object().size() != 3 || seq == nullptr || !seq->is_integer() ||
            seq->as_integer() < 1 || pointer == nullptr || !pointer->is_string() || v.find("value") == nullptr) {
          throw std::invalid_argument("not {\"seq\":N,\"pointer\":\"...\",\"value\":...}");
        }
        out = Decrypted{decrypted_line_, static_cast<std::uint64_t>(seq->as_integer()), pointer->as_string()};
        return true;
      } catch (const std::exception& e) {
        find(detail::kDecryptedFile, 0, decrypted_line_, "decrypted_mismatch", std::string("the line is ") + e.what());
      }
    }
    return false;
  }

  // Matches the lines of decrypted.jsonl about entry `seq` with its encrypted values.
  void check_decrypted(ByteReader& r, std::optional<Decrypted>& pending, std::uint64_t seq,
                       const std::vector<std::pair<std::string, json::Value>>& envelopes) {
    std::set<std::string> encrypted;
    for (const auto& [pointer, value] : envelopes) {
      const auto envelope = detail::as_envelope(value);
      if (envelope && envelope->type == "encrypted") encrypted.insert(pointer);
    }
    while (pending && pending->seq <= seq) {
      if (pending->seq < seq) {
        find(detail::kDecryptedFile, pending->seq, pending->line, "decrypted_mismatch",
             "names entry " + std::to_string(pending->seq) + ", which is not in entries.jsonl at this place");
      } else if (encrypted.count(pending->pointer) == 0) {
        find(detail::kDecryptedFile, seq, pending->line, "decrypted_mismatch",
             "names " + pending->pointer + ", which is not an encrypted value of entry " + std::to_string(seq));
      }
      next_decrypted(r, pending);
    }
  }

  void check_entries() {
    std::optional<ByteReader> jsonl;
    std::optional<ByteReader> csv;
    std::optional<ByteReader> decrypted;
    std::error_code ec;
    if (fs::is_regular_file(path(detail::kEntriesFile), ec)) {
      jsonl.emplace(path(detail::kEntriesFile), 0, true);
    } else {
      find(detail::kEntriesFile, 0, 0, "missing_file", "entries.jsonl is not in the bundle");
    }
    if (fs::is_regular_file(path(detail::kCsvFile), ec)) {
      csv.emplace(path(detail::kCsvFile), 0, true);
    } else {
      find(detail::kCsvFile, 0, 0, "missing_file", "entries.csv is not in the bundle");
    }
    if (report_.decrypted) {
      if (fs::is_regular_file(path(detail::kDecryptedFile), ec)) {
        decrypted.emplace(path(detail::kDecryptedFile), 0, true);
      } else {
        find(detail::kDecryptedFile, 0, 0, "missing_file", "decrypted.jsonl is not in the bundle");
      }
    }
    std::optional<detail::ProofStream> proofs;
    if (has_proofs_) proofs.emplace(path(detail::kManifestFile), proofs_offset_);

    bool compare_csv = csv.has_value() && !report_.decrypted;
    if (compare_csv && !csv->next_is(detail::csv_header())) {
      find(detail::kCsvFile, 0, 1, "csv_mismatch", "the header row is not the one this format defines");
      compare_csv = false;
    }
    std::optional<Decrypted> pending;
    if (decrypted) next_decrypted(*decrypted, pending);

    const detail::EntryFilter filter(filter_);
    const bool contiguous = filter_.contiguous();
    const Hash genesis = genesis_hash(report_.ledger_id, report_.tenant);
    std::uint64_t proofs_read = 0;
    bool proofs_open = proofs.has_value();
    std::string line, row;
    detail::FieldScratch scratch;
    detail::EntryFields fields;
    std::optional<std::uint64_t> prev_seq;
    Hash prev_line_hash;
    bool chain_known = false;  // the previous line was a readable entry
    std::uint64_t n = 0;
    bool terminated = false;
    bool too_long = false;
    while (jsonl && jsonl->line(line, terminated, too_long, kMaxLine)) {
      ++n;
      ++report_.entries;
      std::optional<ProofRecord> proof;
      if (proofs_open) {
        try {
          json::Value v;
          if (proofs->next(v)) {
            ++proofs_read;
            std::string why;
            ProofRecord p;
            if (parse_proof(v, p, why)) {
              proof = std::move(p);
            } else {
              find(detail::kManifestFile, 0, 0, "not_included", "proof " + std::to_string(proofs_read) + " " + why);
            }
          } else {
            proofs_open = false;
          }
        } catch (const detail::ManifestError& e) {
          malformed(std::string("has malformed proofs: ") + e.what());
          proofs_open = false;
          has_proofs_ = false;
        }
      }
      if (!terminated) find(detail::kEntriesFile, 0, n, "entry_malformed", "the last line does not end with a newline");
      detail::DecodedEntry d;
      try {
        if (too_long) throw detail::DecodeError("", "the line is longer than any entry can be");
        d = detail::decode_entry(line);
      } catch (const detail::DecodeError& e) {
        find(detail::kEntriesFile, proof ? proof->seq : 0, n, "entry_malformed",
             std::string("the line is not an entry's canonical bytes: ") + e.what());
        chain_known = false;
        compare_csv = false;  // the row cannot be recomputed: the rest would not line up
        continue;
      }
      const Entry& e = d.entry;
      const std::uint64_t seq = e.seq;
      const Hash line_hash = detail::sha256(line);
      const bool ours = d.ledger_id == report_.ledger_id && e.tenant == report_.tenant;
      if (!ours) {
        find(detail::kEntriesFile, seq, n, "foreign_entry",
             "the entry belongs to ledger " + d.ledger_id + ", tenant " + json_quote(e.tenant));
      }
      if (prev_seq && seq <= *prev_seq) {
        find(detail::kEntriesFile, seq, n, "out_of_order",
             "entry " + std::to_string(seq) + " follows entry " + std::to_string(*prev_seq));
      }
      // What the CSV shows: protected values as markers.
      if (!d.envelopes.empty()) detail::mark_protected(d.entry, d.envelopes, kEncryptedMarker);
      scratch.reset();
      detail::fields_from_entry(d.entry, d.ledger_id, fields, scratch);
      if (!filter.matches(fields)) {
        find(detail::kEntriesFile, seq, n, "filter_mismatch", "the entry does not satisfy the manifest's filter");
      }
      bool included = false;
      if (proof) {
        if (proof->seq != seq || proof->leaf_index != seq - 1) {
          find(detail::kManifestFile, seq, n, "not_included",
               "the proof for line " + std::to_string(n) + " is for entry " + std::to_string(proof->seq));
        } else if (cp_) {
          included = detail::merkle::verify_inclusion(seq - 1, cp_->tree_size, detail::merkle::leaf_hash(line),
                                                      proof->path, cp_->root);
          if (!included) {
            find(detail::kEntriesFile, seq, n, "not_included",
                 "the entry's proof does not lead to the root of the checkpoint of size " +
                     std::to_string(cp_->tree_size));
          }
        }
      }
      if (included && trusted_ && ours) ++report_.entries_valid;
      if (contiguous) {
        if (prev_seq && chain_known && seq != *prev_seq + 1 && seq > *prev_seq) {
          find(detail::kEntriesFile, seq, n, "not_contiguous",
               "entries " + std::to_string(*prev_seq + 1) + " to " + std::to_string(seq - 1) + " are missing");
        } else if (prev_seq && chain_known && seq == *prev_seq + 1 && e.prev_hash != prev_line_hash) {
          find(detail::kEntriesFile, seq, n, "not_contiguous",
               "the entry's \"prev\" is not the SHA-256 of the line before it");
        }
        if (seq == 1 && e.prev_hash != genesis) {
          find(detail::kEntriesFile, seq, n, "not_contiguous",
               "entry 1's \"prev\" is not the genesis value of this ledger and tenant");
        }
        if (!first_prev_) first_prev_ = e.prev_hash;
      }
      tally_.add(fields, std::string_view(reinterpret_cast<const char*>(line_hash.bytes.data()), Hash::kSize));
      if (compare_csv) {
        row.clear();
        detail::append_csv_row(row, fields, line_hash.hex());
        bool same = csv->next_is(row);
        if (!same && detail::has_encrypted(d.envelopes)) {
          // A destroyed key shows as [erased]: the same for every value of the entry.
          Entry erased = detail::decode_entry(line).entry;
          detail::mark_protected(erased, d.envelopes, kErasedMarker);
          detail::FieldScratch erased_scratch;
          detail::EntryFields erased_fields;
          detail::fields_from_entry(erased, d.ledger_id, erased_fields, erased_scratch);
          row.clear();
          detail::append_csv_row(row, erased_fields, line_hash.hex());
          same = csv->next_is(row);
        }
        if (!same) {
          find(detail::kCsvFile, seq, 0, "csv_mismatch",
               "the row of entry " + std::to_string(seq) + " is not the one its line in entries.jsonl gives");
          compare_csv = false;
        }
      }
      if (decrypted) check_decrypted(*decrypted, pending, seq, d.envelopes);
      prev_seq = seq;
      prev_line_hash = line_hash;
      chain_known = true;
      last_line_hash_ = line_hash;
    }

    // Every line has its proof, and every proof its line.
    if (has_proofs_) {
      std::uint64_t extra = 0;
      try {
        json::Value v;
        while (proofs_open && proofs->next(v)) ++extra;
      } catch (const detail::ManifestError& e) {
        malformed(std::string("has malformed proofs: ") + e.what());
      }
      if (proofs_read + extra != report_.entries) {
        find(detail::kManifestFile, 0, 0, "proof_count_mismatch",
             "manifest.json holds " + std::to_string(proofs_read + extra) + " proofs for " +
                 std::to_string(report_.entries) + " lines of entries.jsonl");
      }
    }
    if (jsonl) compare_hash(detail::kEntriesFile, jsonl->sha256_hex());
    if (csv) {
      if (compare_csv && !csv->at_end()) {
        find(detail::kCsvFile, 0, 0, "csv_mismatch", "entries.csv holds rows beyond the entries of entries.jsonl");
      }
      csv->drain();
      compare_hash(detail::kCsvFile, csv->sha256_hex());
    }
    if (decrypted) {
      while (pending) {
        find(detail::kDecryptedFile, pending->seq, pending->line, "decrypted_mismatch",
             "names entry " + std::to_string(pending->seq) + ", which is not in entries.jsonl at this place");
        next_decrypted(*decrypted, pending);
      }
      decrypted->drain();
      compare_hash(detail::kDecryptedFile, decrypted->sha256_hex());
    }
  }

  void count_mismatch(const std::string& what) { find(detail::kManifestFile, 0, 0, "count_mismatch", what); }

  void check_counts() {
    const json::Value* counts = member("counts", json::Type::kObject);
    if (counts != nullptr) {
      const json::Value* total = counts->find("total");
      const json::Value* per_action = counts->find("per_action");
      if (total == nullptr || !total->is_integer() || per_action == nullptr || !per_action->is_object()) {
        malformed("has \"counts\" without an integer \"total\" and an object \"per_action\"");
      } else {
        if (static_cast<std::uint64_t>(total->as_integer()) != report_.entries) {
          count_mismatch("manifest.json counts " + std::to_string(total->as_integer()) + " entries; entries.jsonl holds " +
                         std::to_string(report_.entries));
        }
        const auto actual = tally_.per_action();
        std::set<std::string> actions;
        for (const auto& [action, n] : actual) actions.insert(action);
        for (const auto& [action, n] : per_action->as_object()) actions.insert(action);
        for (const std::string& action : actions) {
          const json::Value* stated = per_action->find(action);
          const auto it = actual.find(action);
          const std::uint64_t found = it == actual.end() ? 0 : it->second;
          if (stated == nullptr || !stated->is_integer() || static_cast<std::uint64_t>(stated->as_integer()) != found) {
            count_mismatch("manifest.json counts " + (stated && stated->is_integer() ? std::to_string(stated->as_integer()) : "no") +
                           " entries of action " + json_quote(action) + "; entries.jsonl holds " + std::to_string(found));
          }
        }
      }
    }
    for (const auto& [name, actual] : {std::pair{"first_seq", tally_.first()}, std::pair{"last_seq", tally_.last()}}) {
      const json::Value* v = header_.find(name);
      if (v == nullptr || !(v->is_null() || v->is_integer())) {
        malformed(std::string("lacks \"") + name + "\" (an integer or null)");
        continue;
      }
      const std::optional<std::uint64_t> stated =
          v->is_null() ? std::nullopt : std::optional<std::uint64_t>(static_cast<std::uint64_t>(v->as_integer()));
      if (stated != actual) {
        count_mismatch(std::string("manifest.json says ") + name + " is " + (stated ? std::to_string(*stated) : "null") +
                       "; entries.jsonl gives " + (actual ? std::to_string(*actual) : "null"));
      }
    }
    const json::Value* totals = member("totals", json::Type::kObject);
    if (totals == nullptr) return;
    const auto actual = tally_.totals();
    std::set<std::string> currencies;
    for (const auto& [currency, sum] : actual) currencies.insert(currency);
    for (const auto& [currency, value] : totals->as_object()) currencies.insert(currency);
    for (const std::string& currency : currencies) {
      const json::Value* stated = totals->find(currency);
      if (stated != nullptr && (!stated->is_string() || !Decimal::is_valid(stated->as_string()))) {
        malformed("gives a total for " + json_quote(currency) + " that is not a decimal string");
        continue;
      }
      const auto it = actual.find(currency);
      const std::string found = it == actual.end() ? "nothing" : it->second.to_string();
      if (stated == nullptr || it == actual.end() || Decimal::parse(stated->as_string()) != it->second) {
        find(detail::kManifestFile, 0, 0, "total_mismatch",
             "manifest.json gives the total of " + currency + " as " + (stated ? stated->as_string() : std::string("nothing")) +
                 "; the entries add up to " + found);
      }
    }
  }

  // Reads and checks a boundary entry; nullopt (with a finding) when unusable.
  std::optional<Boundary> boundary(const json::Value& boundaries, const char* which) {
    const json::Value* v = boundaries.find(which);
    if (v == nullptr) return std::nullopt;
    const std::string what = std::string("the boundary entry ") + which + " the range ";
    const auto fail = [&](const std::string& why) -> std::optional<Boundary> {
      find(detail::kManifestFile, 0, 0, "not_contiguous", what + why);
      return std::nullopt;
    };
    ProofRecord proof;
    std::string why;
    const json::Value* entry = v->find("entry");
    if (!parse_proof(*v, proof, why) || entry == nullptr || !entry->is_string()) return fail("is malformed");
    detail::DecodedEntry d;
    try {
      d = detail::decode_entry(entry->as_string());
    } catch (const detail::DecodeError& e) {
      return fail(std::string("is not an entry: ") + e.what());
    }
    if (d.ledger_id != report_.ledger_id || d.entry.tenant != report_.tenant || d.entry.seq != proof.seq ||
        proof.leaf_index != proof.seq - 1) {
      return fail("is not entry " + std::to_string(proof.seq) + " of this ledger and tenant");
    }
    if (!detail::merkle::verify_inclusion(proof.seq - 1, cp_->tree_size, detail::merkle::leaf_hash(entry->as_string()),
                                          proof.path, cp_->root)) {
      return fail("is not included in the checkpoint");
    }
    Boundary b{proof.seq, detail::sha256(entry->as_string()), d.entry.prev_hash, d.entry.recorded_at};
    if (std::string_view(which) == "before" && !(filter_.from && b.recorded_at < *filter_.from)) {
      return fail("was not recorded before the range's start");
    }
    if (std::string_view(which) == "after" && !(filter_.to && b.recorded_at >= *filter_.to)) {
      return fail("was not recorded at or after the range's end");
    }
    return b;
  }

  // A contiguous range must start and end where its filter and checkpoint say.
  void check_range_ends() {
    report_.contiguous = true;
    const std::uint64_t lowest = filter_.seq_from.value_or(1);
    const std::uint64_t highest = std::min(filter_.seq_to.value_or(cp_->tree_size), cp_->tree_size);
    std::optional<Boundary> before, after;
    if (const json::Value* b = member("boundaries", json::Type::kObject, false)) {
      before = boundary(*b, "before");
      after = boundary(*b, "after");
    }
    const auto gap = [&](const std::string& what) { find(detail::kEntriesFile, 0, 0, "not_contiguous", what); };
    const std::optional<std::uint64_t> first = tally_.first();
    const std::optional<std::uint64_t> last = tally_.last();
    if (!first || !last) {
      const std::uint64_t below = before ? before->seq : lowest - 1;
      const std::uint64_t above = after ? after->seq : highest + 1;
      if (lowest <= highest && above > below + 1) {
        gap("the bundle holds no entries, but nothing shows that entries " + std::to_string(below + 1) + " to " +
            std::to_string(above - 1) + " of the checkpoint lie outside the range");
      }
      return;
    }
    const bool starts = *first == lowest ||
                        (before && before->seq + 1 == *first && first_prev_ && before->hash == *first_prev_);
    if (!starts && *first > lowest) {
      gap("the range starts at entry " + std::to_string(lowest) + " but the bundle at entry " + std::to_string(*first) +
          (filter_.from ? ", and no boundary entry shows the entries before it were recorded before the range"
                        : ": entries are missing at the start"));
    }
    const bool ends = *last == highest || (after && after->seq == *last + 1 && after->prev == last_line_hash_);
    if (!ends && *last < highest) {
      gap("the range ends at entry " + std::to_string(highest) + " but the bundle at entry " + std::to_string(*last) +
          (filter_.to ? ", and no boundary entry shows the entries after it were recorded after the range"
                      : ": entries are missing at the end"));
    }
  }

  fs::path dir_;
  std::span<const VerifierKey> keys_;
  BundleReport report_;
  json::Value header_;
  bool has_proofs_ = false;
  std::uint64_t proofs_offset_ = 0;
  std::string note_;
  ExportFilter filter_;
  std::map<std::string, std::string> files_;
  std::optional<Checkpoint> cp_;
  bool trusted_ = false;
  detail::Tally tally_;
  std::optional<Hash> first_prev_;
  Hash last_line_hash_;
  std::uint64_t decrypted_line_ = 0;
};

}  // namespace

BundleReport verify_bundle(const std::string& directory, std::span<const VerifierKey> keys) {
  if (keys.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "keys: a bundle is checked against at least one trusted verifier key", "keys");
  }
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) throw Error(ErrorCode::kNotFound, "no bundle directory at " + directory);
  if (!fs::exists(fs::path(directory) / detail::kManifestFile, ec)) {
    throw Error(ErrorCode::kNotFound, directory + " holds no manifest.json: it is not an export bundle");
  }
  detail::ensure_sodium();
  return BundleVerifier(directory, keys).run();
}

}  // namespace auditchain
