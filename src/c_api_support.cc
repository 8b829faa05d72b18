// c_api_support.cc — the C ABI's exception barrier, its messages and the
// text it hands to the caller.
#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <new>

#include "c_api_internal.hpp"

namespace auditchain::capi {

// ---- the exception barrier ----------------------------------------------

int fail(char** errmsg, int code, std::string_view message) noexcept {
  if (errmsg != nullptr) {
    *errmsg = nullptr;
    if (auto* p = static_cast<char*>(std::malloc(message.size() + 1))) {
      std::memcpy(p, message.data(), message.size());
      p[message.size()] = '\0';
      *errmsg = p;
    }
  }
  return code;
}

int fail_internal(char** errmsg, std::string_view what) noexcept {
  try {
    return fail(errmsg, AUDITCHAIN_INTERNAL, "internal error: " + std::string(what));
  } catch (...) {
    return fail(errmsg, AUDITCHAIN_INTERNAL, "internal error");
  }
}

void clear_outs(std::initializer_list<char**> outs) noexcept {
  for (char** out : outs) {
    if (out != nullptr) *out = nullptr;
  }
}

void release_outs(std::initializer_list<char**> outs) noexcept {
  for (char** out : outs) {
    if (out != nullptr) {
      auditchain_free(*out);
      *out = nullptr;
    }
  }
}

void require(const void* p, const char* name) {
  if (p == nullptr) {
    throw Error(ErrorCode::kInvalidArgument, std::string(name) + ": must not be NULL", name);
  }
}

// ---- text handed to the caller ---------------------------------------------

char* copy_out(std::string_view text) {
  auto* p = static_cast<char*>(std::malloc(text.size() + 1));
  if (p == nullptr) throw std::bad_alloc();
  std::memcpy(p, text.data(), text.size());
  p[text.size()] = '\0';
  return p;
}

void wipe(std::string& s) noexcept {
  sodium_memzero(s.data(), s.size());
  s.clear();
}

}  // namespace auditchain::capi
