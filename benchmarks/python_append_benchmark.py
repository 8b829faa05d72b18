"""Batched appends from Python against the same workload from C++, measured in one run.

    PYTHONPATH=bindings/python AUDITCHAIN_LIBRARY=build/src/libauditchain.so \\
        python3 benchmarks/python_append_benchmark.py --append-rate build/benchmarks/append_rate

Appends 100,000 realistic events (the shape of bench_data.cc's
realistic_event: actor with ip, session and request, an invoice target,
before and after records, an amount, metadata, some flags and idempotency
keys) to a new ledger in batches of 1,000, first with the C++ program
append_rate, then through the Python package, each on its own new ledger
with the same durability. Both time only the append_batch calls; the events
are made outside the timed part (Event structs in C++, made beforehand;
dicts in Python, made just before each batch). Prints each
run's rates and the ratio Python / C++, then checks that both ledgers hold
the same events and verify.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import auditchain

STATUS = ("draft", "sent", "approved", "paid", "cancelled")
ACTIONS = ("invoice.update", "invoice.create", "payment.approve", "customer.update", "permission.change")


def realistic_event(i):
    """The event bench_data.cc's realistic_event(i) makes, as append() keywords."""
    total = f"{100 + i % 9000}.{10 + i % 90}"
    customer = f"C-{10000 + i % 3000}"
    event = {
        "action": ACTIONS[i % 5],
        "actor": f"u:user-{1000 + i % 397}",
        "ip": f"10.{i % 200}.{i % 250}.{1 + i % 253}",
        "session_id": f"sess-{0x5f3a0000 + i // 40}",
        "request_id": f"req-{(i * 2654435761) & 0xffffffff:08x}-{i % 1000000:06d}",
        "target_type": "invoice",
        "target_id": f"INV-2026-{100000 + i % 50000}",
        "before": {"customer": customer, "lines": 1 + i % 7, "status": STATUS[i % 5], "total": total},
        "after": {"customer": customer, "lines": 1 + (i + 1) % 7, "status": STATUS[(i + 1) % 5], "total": total},
        "amount": total,
        "currency": "EUR",
        "metadata": {"channel": "api" if i % 3 == 0 else "web"},
    }
    if i % 11 == 0:
        event["actor_kind"] = "service"
    if i % 7 == 0:
        event["sensitive"] = True
    if i % 13 == 0:
        event["high_risk"] = True
    if i % 10 == 0:
        event["idempotency_key"] = f"op-{i}"
    return event


def run_cxx(program, path, entries, batch, durability):
    out = subprocess.run([program, path, "--entries", str(entries), "--batch", str(batch), "--durability",
                          durability], check=True, capture_output=True, text=True).stdout
    return json.loads(out)["entries_per_second"]


def run_python(path, entries, batch, durability):
    seconds = 0.0
    with auditchain.open(path, durability=durability) as ledger:
        acme = ledger.tenant("acme", create=True)
        for start in range(0, entries, batch):
            # Made just before, as an application has each batch at hand
            # (and holds only that one): only append_batch is timed.
            events = [realistic_event(i) for i in range(start, min(start + batch, entries))]
            begin = time.perf_counter()
            acme.append_batch(events)
            seconds += time.perf_counter() - begin
    return entries / seconds


def same_events(cxx_path, py_path, entries):
    """Both ledgers hold the same events at the same places, and both verify."""
    with auditchain.open(cxx_path, read_only=True) as a, auditchain.open(py_path, read_only=True) as b:
        ta, tb = a.tenant("acme"), b.tenant("acme")
        for seq in sorted({1, 2, 7, 11, 13, 91, entries // 2, entries}):
            if ta.read(seq).fields() != tb.read(seq).fields():
                return False
    return auditchain.verify(cxx_path).valid and auditchain.verify(py_path).valid


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--append-rate", required=True, help="the append_rate program built with the benchmarks")
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--durability", choices=("full", "normal", "off"), default="off")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", default=None, help="where to write the scratch ledgers (default: a temp dir)")
    args = parser.parse_args()

    print(f"auditchain {auditchain.library_version()}, Python {sys.version.split()[0]}: {args.entries} entries "
          f"in batches of {args.batch}, durability {args.durability}")
    ratios = []
    with tempfile.TemporaryDirectory(prefix="auditchain-append-bench-", dir=args.dir) as work:
        for run in range(1, args.runs + 1):
            cxx_path = os.path.join(work, f"cxx-{run}.ledger")
            py_path = os.path.join(work, f"py-{run}.ledger")
            cxx = run_cxx(args.append_rate, cxx_path, args.entries, args.batch, args.durability)
            py = run_python(py_path, args.entries, args.batch, args.durability)
            ratios.append(py / cxx)
            print(f"run {run}: C++ {cxx:,.0f} entries/s, Python {py:,.0f} entries/s, ratio {py / cxx:.2f}")
            if run == 1 and not same_events(cxx_path, py_path, args.entries):
                print("the two ledgers do not hold the same events", file=sys.stderr)
                return 1
    print(json.dumps({"entries": args.entries, "batch": args.batch, "durability": args.durability,
                      "ratios": [round(r, 3) for r in ratios], "median_ratio": round(statistics.median(ratios), 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
