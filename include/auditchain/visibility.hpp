// auditchain/visibility.hpp — symbol visibility for the shared library.
//
// The library is built with hidden visibility; only what is marked
// AUDITCHAIN_API is exported.
#pragma once

#if defined(AUDITCHAIN_STATIC_DEFINE)
#define AUDITCHAIN_API
#elif defined(_WIN32)
#if defined(AUDITCHAIN_BUILDING)
#define AUDITCHAIN_API __declspec(dllexport)
#else
#define AUDITCHAIN_API __declspec(dllimport)
#endif
#else
#define AUDITCHAIN_API __attribute__((visibility("default")))
#endif
