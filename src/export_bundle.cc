// export_bundle.cc — self-verifying export bundles: entries.jsonl,
// entries.csv, manifest.json (with a signed checkpoint and one inclusion
// proof per entry), README.txt and, when decrypting, decrypted.jsonl.
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "auditchain/error.hpp"
#include "auditchain/export.hpp"
#include "auditchain/json_io.hpp"
#include "bundle_format.hpp"
#include "bundle_paths.hpp"
#include "export_csv.hpp"
#include "export_internal.hpp"
#include "merkle.hpp"
#include "merkle_store.hpp"
#include "sha256.hpp"

namespace auditchain {
namespace {

namespace fs = std::filesystem;
using detail::HashingWriter;

constexpr std::uint64_t kProgressEvery = 4096;

// The bundle's directory while it is written. Files are written under
// temporary names and renamed once complete; unless commit() is called,
// everything written is removed again (and the directory, if it was made
// here), so a failed export leaves no half bundle that looks whole.
class BundleDirectory {
 public:
  explicit BundleDirectory(const std::string& dir) : dir_(dir) {
    if (dir.empty()) throw Error(ErrorCode::kInvalidArgument, "directory: is empty", "directory");
    std::error_code ec;
    if (fs::exists(dir_, ec)) {
      if (!fs::is_directory(dir_, ec)) {
        throw Error(ErrorCode::kInvalidArgument, "directory: " + dir + " exists and is not a directory", "directory");
      }
      if (!fs::is_empty(dir_, ec)) {
        throw Error(ErrorCode::kInvalidArgument, "directory: " + dir + " is not empty; a bundle needs a new or empty directory",
                    "directory");
      }
    } else {
      fs::create_directories(dir_, ec);
      if (ec) throw Error(ErrorCode::kIo, "cannot create the directory " + dir + ": " + ec.message());
      created_ = true;
    }
  }
  BundleDirectory(const BundleDirectory&) = delete;
  BundleDirectory& operator=(const BundleDirectory&) = delete;
  ~BundleDirectory() {
    if (committed_) return;
    std::error_code ec;
    for (const fs::path& p : written_) fs::remove(p, ec);
    if (created_) fs::remove(dir_, ec);
  }

  // Opens the temporary file of `name` for writing.
  std::ofstream open(const std::string& name) {
    const fs::path p = temp(name);
    written_.push_back(p);
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(ErrorCode::kIo, "cannot create " + p.string());
    return out;
  }
  std::string temp_path(const std::string& name) const { return temp(name).string(); }

  // Gives file `name` its final name.
  void publish(const std::string& name) {
    const fs::path final_path = dir_ / name;
    written_.push_back(final_path);
    std::error_code ec;
    fs::rename(temp(name), final_path, ec);
    if (ec) throw Error(ErrorCode::kIo, "cannot rename " + temp(name).string() + ": " + ec.message());
  }
  void discard(const std::string& name) {
    std::error_code ec;
    fs::remove(temp(name), ec);
  }
  void commit() { committed_ = true; }

 private:
  fs::path temp(const std::string& name) const { return dir_ / ("." + name + ".partial"); }

  fs::path dir_;
  bool created_ = false;
  bool committed_ = false;
  std::vector<fs::path> written_;
};

void close_file(std::ofstream& out, const std::string& name) {
  out.close();
  if (!out) throw Error(ErrorCode::kIo, "cannot write " + name);
}

void append_path(std::string& out, const std::vector<Hash>& path) {
  out += '[';
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (i) out += ',';
    out += '"';
    out += path[i].hex();
    out += '"';
  }
  out += ']';
}

std::string actor_json(const Actor& a) {
  json::Object o;
  o.emplace_back("id", json::Value(a.id));
  o.emplace_back("kind", json::Value(actor_kind_name(a.kind)));
  if (a.on_behalf_of) o.emplace_back("on_behalf_of", json::Value(*a.on_behalf_of));
  if (a.ip) o.emplace_back("ip", json::Value(*a.ip));
  if (a.session_id) o.emplace_back("session_id", json::Value(*a.session_id));
  if (a.request_id) o.emplace_back("request_id", json::Value(*a.request_id));
  return json::canonical(json::Value(std::move(o)));
}

std::string optional_seq(const std::optional<std::uint64_t>& seq) { return seq ? std::to_string(*seq) : "null"; }

// An entry just outside a contiguous range bounded by time, with its proof.
struct Boundary {
  std::uint64_t seq = 0;
  std::string bytes;
  std::vector<Hash> path;
};

Boundary read_boundary(detail::Database& db, std::int64_t tenant_id, std::uint64_t seq, detail::AuditPaths& paths) {
  detail::Statement s = db.prepare("SELECT body FROM entries WHERE tenant_id = ?1 AND seq = ?2");
  s.bind(1, tenant_id).bind(2, static_cast<std::int64_t>(seq));
  if (!s.step()) throw Error(ErrorCode::kCorrupt, "entry " + std::to_string(seq) + " is missing; run auditchain verify");
  Boundary b;
  b.seq = seq;
  b.bytes = s.column_blob(0);
  b.path = paths.path(seq - 1);
  return b;
}

std::string boundary_json(const Boundary& b) {
  std::string out = "{\"seq\":" + std::to_string(b.seq) + ",\"leaf_index\":" + std::to_string(b.seq - 1);
  out += ",\"entry\":" + json_quote(b.bytes) + ",\"path\":";
  append_path(out, b.path);
  out += '}';
  return out;
}

}  // namespace

BundleSummary export_bundle(TenantLedger& tenant, const std::string& directory, const BundleOptions& options) {
  const ExportOptions& eo = options.export_options;
  const ExportFilter& filter = eo.filter;
  const auto state = detail::tenant_state(tenant);
  const std::string longest = std::to_string(std::numeric_limits<std::uint64_t>::max());
  detail::check_export_options(*state, ExportFormat::kCsv, eo, {{"checkpoint_size", longest}});
  BundleDirectory dir(directory);
  std::optional<Checkpoint> signed_now;
  if (options.signer) signed_now = tenant.checkpoint(*options.signer);

  BundleSummary result;
  result.directory = directory;
  detail::Tally tally;
  const std::string filter_json = detail::filter_to_json(filter);
  const bool contiguous = filter.contiguous();
  const bool decrypt = eo.decrypt;
  std::string manifest_sha256;
  {
    auto lease = state->reader();
    detail::Database& db = lease.db();
    detail::Transaction snapshot(db, "BEGIN");
    const std::int64_t tenant_id = detail::find_tenant(db, tenant.name());

    // The checkpoint every proof is against, and the range it can prove.
    Checkpoint cp;
    if (signed_now) {
      cp = *signed_now;
    } else {
      const std::vector<Checkpoint> stored =
          tenant_id < 0 ? std::vector<Checkpoint>{} : detail::stored_checkpoints(db, tenant_id);
      if (stored.empty()) {
        throw Error(ErrorCode::kInvalidArgument,
                    "signer: tenant \"" + tenant.name() + "\" has no stored checkpoint; give a signer to sign one",
                    "signer");
      }
      cp = stored.back();
    }
    if (cp.tree_size > 0 && detail::MerkleStore(db, tenant_id).root(cp.tree_size) != cp.root) {
      throw Error(ErrorCode::kCorrupt, "the stored tree of tenant \"" + tenant.name() + "\" does not have the root of its checkpoint of size " +
                                           std::to_string(cp.tree_size) + "; run auditchain verify");
    }
    detail::ExportRange range =
        detail::resolve_range(db, tenant.name(), filter, std::numeric_limits<std::uint64_t>::max());
    if (!signed_now && (filter.seq_to || filter.to) && range.size() > 0 && range.last > cp.tree_size) {
      throw Error(ErrorCode::kInvalidArgument,
                  "signer: the newest stored checkpoint of tenant \"" + tenant.name() + "\" covers entries 1 to " +
                      std::to_string(cp.tree_size) + ", but the range asked for reaches entry " +
                      std::to_string(range.last) + "; give a signer to sign a fresh checkpoint, or lower the upper bound",
                  "signer");
    }
    range.last = std::min(range.last, cp.tree_size);
    result.checkpoint = cp;

    std::ofstream jsonl_file = dir.open(detail::kEntriesFile);
    std::ofstream csv_file = dir.open(detail::kCsvFile);
    std::ofstream proofs_file = dir.open("proofs");
    std::ofstream decrypted_file;
    if (decrypt) decrypted_file = dir.open(detail::kDecryptedFile);
    HashingWriter jsonl(jsonl_file, detail::kEntriesFile, true, true);
    HashingWriter csv(csv_file, detail::kCsvFile, true, true);
    HashingWriter proofs(proofs_file, "the proofs", false);
    std::optional<HashingWriter> decrypted;
    if (decrypt) decrypted.emplace(decrypted_file, detail::kDecryptedFile);

    const detail::EntryFilter entry_filter(filter);
    detail::AuditPaths paths(db, range.tenant_id, cp.tree_size);
    detail::ExportWalk walk(db, *state, tenant.name(), range, entry_filter, true, decrypt);
    ExportProgress progress{0, range.size()};
    std::uint64_t reported = 0;
    csv.buffer() += detail::csv_header();
    while (walk.next()) {
      const std::uint64_t seq = walk.seq();
      // The proofs and the hashes come from the stored tree and columns;
      // make sure they are those of the bytes written.
      const Hash leaf = detail::merkle::leaf_hash(walk.bytes());
      if (walk.merkle().size() < Hash::kSize || std::memcmp(walk.merkle().data(), leaf.bytes.data(), Hash::kSize) != 0) {
        throw Error(ErrorCode::kCorrupt, "entry " + std::to_string(seq) + "'s bytes are not the leaf its tree holds; run auditchain verify");
      }
      const Hash hash = detail::sha256(walk.bytes());
      if (std::memcmp(walk.stored_hash().data(), hash.bytes.data(), Hash::kSize) != 0) {
        throw Error(ErrorCode::kCorrupt, "entry " + std::to_string(seq) + "'s bytes do not have its stored hash; run auditchain verify");
      }
      tally.add(walk.fields(), std::string_view(reinterpret_cast<const char*>(hash.bytes.data()), Hash::kSize));
      jsonl.buffer() += walk.bytes();
      jsonl.buffer() += '\n';
      detail::append_csv_row(csv.buffer(), walk.shown(), hash.hex());
      if (decrypt) {
        for (const ProtectedValue& pv : walk.protected_values()) {
          if (pv.state != ProtectedValue::State::kPlaintext) continue;
          decrypted->buffer() += "{\"seq\":" + std::to_string(seq) + ",\"pointer\":" + json_quote(pv.pointer) +
                                ",\"value\":" + pv.plaintext + "}\n";
        }
      }
      std::string& p = proofs.buffer();
      if (tally.entries() > 1) p += ",\n";
      p += "{\"seq\":" + std::to_string(seq) + ",\"leaf_index\":" + std::to_string(seq - 1) + ",\"path\":";
      append_path(p, paths.path(seq - 1));
      p += '}';
      paths.offer(seq, walk.merkle());
      jsonl.maybe_flush();
      csv.maybe_flush();
      proofs.maybe_flush();
      if (decrypted) decrypted->maybe_flush();
      if (eo.progress && walk.rows_read() - reported >= kProgressEvery) {
        reported = walk.rows_read();
        progress.done = tally.entries();
        eo.progress(progress);
      }
    }

    // A run bounded by time: the entries just outside it show that nothing
    // else falls inside (recorded times never decrease along a chain).
    std::optional<Boundary> before, after;
    if (contiguous && (filter.from || filter.to) && range.tenant_id >= 0) {
      const std::uint64_t lowest = filter.seq_from.value_or(1);
      const std::uint64_t highest = std::min(filter.seq_to.value_or(cp.tree_size), cp.tree_size);
      if (filter.from && range.first > lowest) {
        const std::uint64_t b = std::min(range.first - 1, highest);
        if (b >= lowest) before = read_boundary(db, range.tenant_id, b, paths);
      }
      if (filter.to && range.last < highest) {
        const std::uint64_t a = std::max(range.last + 1, lowest);
        if (a <= highest) after = read_boundary(db, range.tenant_id, a, paths);
      }
    }

    const std::string jsonl_sha256 = jsonl.finish();
    const std::string csv_sha256 = csv.finish();
    proofs.finish();
    close_file(jsonl_file, detail::kEntriesFile);
    close_file(csv_file, detail::kCsvFile);
    close_file(proofs_file, "the proofs");
    std::string decrypted_sha256;
    if (decrypt) {
      decrypted_sha256 = decrypted->finish();
      close_file(decrypted_file, detail::kDecryptedFile);
    }

    detail::BundleFacts facts;
    facts.ledger_id = state->ledger_id;
    facts.tenant = tenant.name();
    facts.filter_json = filter_json;
    facts.entries = tally.entries();
    facts.tree_size = cp.tree_size;
    facts.contiguous = contiguous;
    facts.decrypted = decrypt;
    try {
      const SignedNote note = parse_note(cp.note);
      if (!note.signatures.empty()) facts.key_name = note.signatures.front().key_name;
    } catch (const Error&) {
    }
    std::string readme_sha256;
    {
      std::ofstream readme_file = dir.open(detail::kReadmeFile);
      HashingWriter readme(readme_file, detail::kReadmeFile);
      readme.buffer() = detail::bundle_readme(facts);
      readme_sha256 = readme.finish();
      close_file(readme_file, detail::kReadmeFile);
    }

    // manifest.json: one JSON object, one member per line, the proofs last.
    std::ofstream manifest_file = dir.open(detail::kManifestFile);
    HashingWriter manifest(manifest_file, detail::kManifestFile);
    std::string& m = manifest.buffer();
    m += "{\"format\":" + json_quote(detail::kBundleFormat);
    m += ",\n\"format_version\":" + std::to_string(detail::kBundleFormatVersion);
    m += ",\n\"entry_format\":" + std::to_string(detail::kEntryVersion);
    m += ",\n\"ledger\":" + json_quote(state->ledger_id);
    m += ",\n\"tenant\":" + json_quote(tenant.name());
    m += ",\n\"exported_at\":" + json_quote(Timestamp::now().to_string());
    m += ",\n\"exported_by\":" + actor_json(eo.exported_by);
    m += ",\n\"filter\":" + filter_json;
    m += ",\n\"contiguous\":" + std::string(contiguous ? "true" : "false");
    m += ",\n\"decrypted\":" + std::string(decrypt ? "true" : "false");
    if (decrypt) m += ",\n\"decrypted_notice\":" + json_quote(detail::kDecryptedNotice);
    m += ",\n\"counts\":{\"total\":" + std::to_string(tally.entries()) + ",\"per_action\":{";
    bool first = true;
    for (const auto& [action, count] : tally.per_action()) {
      if (!first) m += ',';
      first = false;
      m += json_quote(action) + ":" + std::to_string(count);
    }
    m += "}}";
    m += ",\n\"first_seq\":" + optional_seq(tally.first());
    m += ",\n\"last_seq\":" + optional_seq(tally.last());
    m += ",\n\"totals\":{";
    first = true;
    for (const auto& [currency, total] : tally.totals()) {
      if (!first) m += ',';
      first = false;
      m += json_quote(currency) + ":" + json_quote(total.to_string());
    }
    m += "}";
    m += ",\n\"checkpoint\":" + json_quote(cp.note);
    m += ",\n\"files\":{" + json_quote(detail::kEntriesFile) + ":\"" + jsonl_sha256 + "\"," +
         json_quote(detail::kCsvFile) + ":\"" + csv_sha256 + "\"," + json_quote(detail::kReadmeFile) + ":\"" +
         readme_sha256 + "\"";
    if (decrypt) m += "," + json_quote(detail::kDecryptedFile) + ":\"" + decrypted_sha256 + "\"";
    m += "}";
    if (before || after) {
      m += ",\n\"boundaries\":{";
      if (before) m += "\"before\":" + boundary_json(*before);
      if (before && after) m += ',';
      if (after) m += "\"after\":" + boundary_json(*after);
      m += "}";
    }
    m += ",\n\"proofs\":[\n";
    {
      std::ifstream in(dir.temp_path("proofs"), std::ios::binary);
      char chunk[64 * 1024];
      while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
        m.append(chunk, static_cast<std::size_t>(in.gcount()));
        manifest.maybe_flush();
      }
      if (in.bad()) throw Error(ErrorCode::kIo, "cannot read back the proofs written");
    }
    m += "\n]}\n";
    manifest_sha256 = manifest.finish();
    close_file(manifest_file, detail::kManifestFile);
    dir.discard("proofs");
    if (eo.progress) {
      progress.done = tally.entries();
      eo.progress(progress);
    }
  }

  // Recorded before the files get their names: no bundle exists unrecorded.
  tally.fill(result.summary);
  result.summary.sha256 = manifest_sha256;
  result.summary.record = tenant.append(detail::export_record(
      eo, detail::export_metadata("bundle", eo, tally, manifest_sha256,
                                  {{"checkpoint_size", std::to_string(result.checkpoint.tree_size)}})));
  std::vector<std::string> names = {detail::kEntriesFile, detail::kCsvFile};
  if (decrypt) names.push_back(detail::kDecryptedFile);
  names.push_back(detail::kReadmeFile);
  names.push_back(detail::kManifestFile);  // last: a manifest means the bundle is whole
  for (const std::string& name : names) dir.publish(name);
  dir.commit();
  result.files = std::move(names);
  return result;
}

}  // namespace auditchain
