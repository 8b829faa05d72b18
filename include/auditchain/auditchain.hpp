// auditchain/auditchain.hpp — the whole C++ API in one include.
#pragma once

#include "auditchain/checkpoint.hpp"
#include "auditchain/decimal.hpp"
#include "auditchain/entry.hpp"
#include "auditchain/error.hpp"
#include "auditchain/export.hpp"
#include "auditchain/json_io.hpp"
#include "auditchain/keys.hpp"
#include "auditchain/ledger.hpp"
#include "auditchain/protect.hpp"
#include "auditchain/timestamp.hpp"
#include "auditchain/verify.hpp"
#include "auditchain/version.hpp"
