// c_api_internal.hpp — what the files of the C ABI share: the handles, the
// exception barrier, text handed to the caller, and reading and writing the
// JSON that crosses the interface.
//
// Every exported function runs its body through guarded(), which turns every
// exception into a result code and a message: nothing throws across the ABI.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auditchain/auditchain.h"
#include "auditchain/auditchain.hpp"
#include "json.hpp"

// The opaque handles. A TenantLedger shares the ledger's state, so a tenant
// handle stays safe to call (kClosed) after its ledger handle is closed; an
// EntryCursor owns its snapshot and connection outright.
struct auditchain_ledger {
  auditchain::Ledger ledger;
};
struct auditchain_tenant {
  auditchain::TenantLedger tenant;
};
struct auditchain_cursor {
  auditchain::EntryCursor cursor;
};

namespace auditchain::capi {

// ---- the exception barrier ----------------------------------------------

// Stores `message` in *errmsg (when errmsg is not NULL) and returns `code`.
// Never throws; when memory is short the message is left NULL.
int fail(char** errmsg, int code, std::string_view message) noexcept;
// As fail(), with AUDITCHAIN_INTERNAL and "internal error: " before `what`.
int fail_internal(char** errmsg, std::string_view what) noexcept;

// Sets each non-NULL out-parameter to NULL.
void clear_outs(std::initializer_list<char**> outs) noexcept;
// Frees what the out-parameters hold and sets them to NULL.
void release_outs(std::initializer_list<char**> outs) noexcept;

// Runs `body`, which returns AUDITCHAIN_OK (or AUDITCHAIN_DONE) and reports
// every failure by throwing, and maps each exception to a result code:
// Error to its own, std::bad_alloc and anything else to AUDITCHAIN_INTERNAL.
// `outs` are the function's char** out-parameters: set to NULL first, and
// released and set to NULL again when the call fails, so that a body may
// fill them one by one.
template <class Body>
int guarded(char** errmsg, std::initializer_list<char**> outs, Body&& body) noexcept {
  if (errmsg != nullptr) *errmsg = nullptr;
  clear_outs(outs);
  try {
    return body();
  } catch (const Error& e) {
    release_outs(outs);
    const int code = static_cast<int>(e.code());
    return code == AUDITCHAIN_OK ? fail_internal(errmsg, e.what()) : fail(errmsg, code, e.what());
  } catch (const std::bad_alloc&) {
    release_outs(outs);
    return fail(errmsg, AUDITCHAIN_INTERNAL, "out of memory");
  } catch (const std::exception& e) {
    release_outs(outs);
    return fail_internal(errmsg, e.what());
  } catch (...) {
    release_outs(outs);
    return fail_internal(errmsg, "an unknown exception");
  }
}

// ---- arguments -------------------------------------------------------------

// Throws Error(kInvalidArgument, "<name>: must not be NULL") when `p` is NULL.
void require(const void* p, const char* name);

template <class T>
T& handle(T* p, const char* name) {
  require(p, name);
  return *p;
}

// ---- text handed to the caller ---------------------------------------------

// `text` copied into memory auditchain_free() releases. Throws std::bad_alloc.
char* copy_out(std::string_view text);

// Wipes a string that held a secret.
void wipe(std::string& s) noexcept;

// ---- JSON in -----------------------------------------------------------------

// Parses the text of parameter `param` (e.g. "options_json"). Throws
// Error(kInvalidArgument) naming it when the text is not JSON.
json::Value parse_param(const char* text, std::string_view param, std::size_t max_bytes = std::size_t{1} << 24);

// Wipes every string inside `v` (key texts given in options).
void wipe_strings(json::Value& v) noexcept;

// Reads the members of one JSON object given by the caller, refusing
// unknown members and values of the wrong type with Error(kInvalidArgument)
// naming "<where>.<member>". `where` is the parameter or path ("query_json",
// "options_json.filter").
class ObjectReader {
 public:
  ObjectReader(const json::Value& v, std::string where, std::initializer_list<std::string_view> known);

  const std::string& where() const noexcept { return where_; }
  std::string field(std::string_view name) const { return where_ + "." + std::string(name); }
  [[noreturn]] void fail(std::string_view name, const std::string& what) const;

  // The member, or nullptr when absent. A JSON null counts as absent.
  const json::Value* find(std::string_view name) const;
  std::optional<bool> boolean(std::string_view name) const;
  // An integer in [min, max].
  std::optional<std::uint64_t> integer(std::string_view name, std::uint64_t min = 0,
                                       std::uint64_t max = json::kMaxSafeInteger) const;
  std::optional<std::string> string(std::string_view name) const;
  std::optional<Timestamp> time(std::string_view name) const;
  std::optional<Decimal> decimal(std::string_view name) const;
  std::optional<std::vector<std::string>> strings(std::string_view name) const;

 private:
  const json::Value& v_;
  std::string where_;
};

// An actor given as {"id", "kind", "on_behalf_of", "ip", "session_id",
// "request_id"} or as a plain string (its id). `where` names it in errors.
Actor actor_from_json(const json::Value& v, const std::string& where);

// Verifier keys from a JSON array of key texts.
std::vector<VerifierKey> verifier_keys(const json::Value& v, const std::string& where);

// ---- JSON out ----------------------------------------------------------------

std::string receipt_to_json(const Receipt& r);
std::string receipts_to_json(const std::vector<Receipt>& receipts);
std::string entry_to_json(const Entry& e);
std::string head_to_json(const ChainHead& h);
std::string checkpoint_to_json(const Checkpoint& c);
std::string string_array(const std::vector<std::string>& items);

}  // namespace auditchain::capi
