// A tiny host application: records two events, verifies, prints the verdict.
#include <auditchain/auditchain.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  try {
    auditchain::Ledger ledger = auditchain::Ledger::open(argv[1]);
    auditchain::TenantLedger acme = ledger.tenant("acme", auditchain::TenantMode::kCreateIfMissing);
    auditchain::Event e;
    e.action = "auth.login";
    e.actor.id = "u:alice";
    acme.append(e);
    e.action = "invoice.create";
    const auditchain::Receipt r = acme.append(e);
    ledger.close();
    const auditchain::VerifyReport report = auditchain::verify(argv[1]);
    std::printf("auditchain %s: seq %llu, %s\n", auditchain::version(), static_cast<unsigned long long>(r.seq),
                report.valid() ? "valid" : "INVALID");
    return report.valid() && r.seq == 2 ? 0 : 1;
  } catch (const auditchain::Error& e) {
    std::fprintf(stderr, "consumer: %s\n", e.what());
    return 1;
  }
}
