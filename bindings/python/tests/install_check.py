"""Installs the freshly built tree into a scratch prefix and uses the Python package from it.

Usage: install_check.py CMAKE BUILD_DIR PYTHON_INSTALL_DIR

A script run with only the prefix's Python folder on PYTHONPATH (no
AUDITCHAIN_LIBRARY, no LD_LIBRARY_PATH) must import auditchain from the
prefix, append to a ledger and verify it; and again after the whole prefix
was moved elsewhere.
"""

import os
import shutil
import subprocess
import sys
import tempfile

SCRIPT = """
import sys, auditchain
assert auditchain.__file__.startswith(sys.argv[1]), auditchain.__file__
with auditchain.open("installed.ledger") as ledger:
    receipt = ledger.tenant("acme", create=True).append(action="auth.login", actor="u:alice")
    assert receipt.seq >= 1
    assert ledger.verify().valid
print("appended", receipt.seq, "with", auditchain.library_version())
"""


def run_script(python_dir, work):
    env = {k: v for k, v in os.environ.items()
           if k not in ("AUDITCHAIN_LIBRARY", "PYTHONPATH", "LD_LIBRARY_PATH")}
    env["PYTHONPATH"] = python_dir
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    result = subprocess.run([sys.executable, "-c", SCRIPT, python_dir], env=env, cwd=work, capture_output=True,
                            text=True, timeout=120, check=False)
    sys.stdout.write(result.stdout)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"the installed package failed (exit {result.returncode})")


def main():
    cmake, build_dir, python_install_dir = sys.argv[1:4]
    work = tempfile.mkdtemp(prefix="auditchain-py-install-")
    try:
        prefix = os.path.join(work, "prefix")
        subprocess.run([cmake, "--install", build_dir, "--prefix", prefix], check=True, stdout=subprocess.DEVNULL)
        python_dir = os.path.join(prefix, python_install_dir)
        location = os.path.join(python_dir, "auditchain", "_location.py")
        with open(location, encoding="utf-8") as f:
            if "LIBRARY: Optional[str] = None" in f.read():
                raise SystemExit(f"{location} does not name the installed library")
        print("== installed package")
        run_script(python_dir, work)
        print("== the same tree, moved")
        moved = os.path.join(work, "moved")
        shutil.move(prefix, moved)
        run_script(os.path.join(moved, python_install_dir), work)
        print("python install check passed")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
