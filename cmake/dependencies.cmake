# The libraries auditchain builds against and the warnings it compiles with
# (AUDITCHAIN_WARNINGS; errors when AUDITCHAIN_WERROR is on). Included by the
# main build and by the fuzz targets' own project (tests/fuzz/targets), which
# compiles the same sources with clang.
find_package(PkgConfig REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)

set(AUDITCHAIN_WARNINGS -Wall -Wextra -Wpedantic)
if(AUDITCHAIN_WERROR)
  list(APPEND AUDITCHAIN_WARNINGS -Werror)
endif()
