#!/usr/bin/env python3
"""Prints the table of the performance suite's ratios from its JSON results.

    python3 benchmarks/summarize.py RESULTS_DIR

RESULTS_DIR holds the Google Benchmark JSON files scripts/bench.sh writes
(append_benchmark.json, verify_benchmark.json, export_benchmark.json,
tree_benchmark.json). Each row is one library figure beside the limit measured
in the same process, the ratio (median of the rounds, with the lowest and
highest round) and its target.
"""
import json
import pathlib
import sys


def load(directory, program):
    path = pathlib.Path(directory) / f"{program}.json"
    if not path.exists():
        return {}
    with path.open() as f:
        data = json.load(f)
    return {b["name"]: b for b in data["benchmarks"]}


def find(results, prefix):
    for name, bench in results.items():
        if name.startswith(prefix):
            return bench
    return None


def rate(value):
    return f"{value:,.0f}/s"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: summarize.py RESULTS_DIR")
    directory = sys.argv[1]
    append = load(directory, "append_benchmark")
    verify = load(directory, "verify_benchmark")
    export = load(directory, "export_benchmark")
    tree = load(directory, "tree_benchmark")

    rows = []  # (what, limit, library, ratio text, target)

    def spread(b, key):
        return f"{b[key]:.2f} ({b[key + '_min']:.2f}–{b[key + '_max']:.2f})"

    b = find(append, "BM_SingleAppendToRawCommit")
    if b:
        rows.append(("single durable append / raw one-row commit", rate(b["raw_commits_per_s"]),
                     rate(b["appends_per_s"]), spread(b, "ratio"), "≥ 0.9"))
    b = find(append, "BM_GroupCommit8ToRawCommit")
    if b:
        rows.append((f"8 threads, group commit ({b['appends_per_commit']:.1f} per commit) / raw one-row commit",
                     rate(b["raw_commits_per_s"]), rate(b["appends_per_s"]), spread(b, "ratio"), "≥ 14"))
    for batch in (100, 1000):
        b = find(append, f"BM_BatchToRawBatch/batch:{batch}/")
        if b:
            rows.append((f"append_batch of {batch:,} / raw inserts, {batch:,} per commit", rate(b["raw_rows_per_s"]),
                         rate(b["entries_per_s"]), spread(b, "ratio"), "≥ 0.6" if batch == 1000 else ""))
    b = find(append, "BM_BatchToRawBatch/batch:1000/")
    if b:
        rows.append(("SHA-256 of an entry's bytes, 1 thread (each append hashes them twice)", "",
                     rate(b["sha256_per_s"]), "", ""))
    for entries in ("100000", "1000000"):
        for threads in (1, 2):
            b = find(verify, f"BM_VerifyToCeiling/entries:{entries}/threads:{threads}/")
            if b:
                target = "≥ 0.8" if threads == 2 and entries == "1000000" else ""
                rows.append((f"verify {int(entries):,} entries, {threads} thread(s) / raw scan + SHA-256",
                             rate(b["ceiling_entries_per_s"]), rate(b["verify_entries_per_s"]),
                             spread(b, "verify_to_ceiling"), target))
    for name, b in export.items():
        if name.startswith("BM_ExportToRawRead/"):
            entries = name.split("entries:")[1].split("/")[0]
            rows.append((f"export {int(entries):,} entries as {b.get('label', '?')} / raw read",
                         rate(b["raw_rows_per_s"]), rate(b["export_rows_per_s"]),
                         spread(b, "export_to_raw"), "≥ 0.5"))
    b = find(tree, "BM_InclusionProofToRawLookups")
    if b:
        rows.append(("inclusion proof at 1M / reading its path's rows raw", rate(b["raw_paths_per_s"]),
                     rate(b["proofs_per_s"]), spread(b, "proof_to_raw"), ""))
    # Peak resident memory added: (what, at 100k, at 1M, 1M / 100k).
    memory = []
    peaks = [("verify, 2 threads", find(verify, "BM_VerifyPeakMemory"))]
    peaks += [(f"export, {b.get('label', '?')}", b) for name, b in export.items()
              if name.startswith("BM_ExportPeakMemory")]
    for what, b in peaks:
        if b:
            memory.append((what, f"{b['peak_growth_100k_MiB']:.1f} MiB", f"{b['peak_growth_1M_MiB']:.1f} MiB",
                           f"{b['growth_1M_to_100k']:.2f}"))
    scaling = {}
    for threads in (1, 2):
        b = find(verify, f"BM_HashScaling/threads:{threads}/")
        if b:
            scaling[threads] = b["hashes_per_s"]

    print("| measurement | limit | library | ratio, median (min–max) | target |")
    print("|---|--:|--:|--:|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    if memory:
        print("\n| peak resident memory added | 100k entries | 1M entries | 1M / 100k | target |")
        print("|---|--:|--:|--:|---|")
        for row in memory:
            print("| " + " | ".join(row) + " | ≤ 1.2 |")
    if len(scaling) == 2:
        print(f"\nSHA-256 with 2 threads / 1 thread: {scaling[2] / scaling[1]:.2f}× "
              "(about 1.9 when the run had both cores; lower figures mean it shared them)")


if __name__ == "__main__":
    main()
