"""The Python examples of docs/PYTHON.md and of the README's Python section run as written.

Each ```python block is run as its own script, in order, in one temporary
directory per document (a block may use files an earlier one wrote), with
the package and library under test.
"""

import os
import re
import subprocess
import sys
import tempfile
import unittest

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def python_blocks(text):
    return BLOCK.findall(text)


def readme_python_section():
    with open(os.path.join(SOURCE_DIR, "README.md"), encoding="utf-8") as f:
        text = f.read()
    match = re.search(r"^## Python\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    return match.group(1) if match else ""


class DocExamplesTest(unittest.TestCase):

    def run_blocks(self, name, blocks):
        self.assertTrue(blocks, f"{name} has no python examples")
        with tempfile.TemporaryDirectory(prefix="auditchain-py-doc-") as work:
            for i, code in enumerate(blocks, 1):
                with self.subTest(document=name, block=i):
                    result = subprocess.run([sys.executable, "-c", code], cwd=work, capture_output=True,
                                            text=True, timeout=120, check=False)
                    self.assertEqual(result.returncode, 0,
                                     f"{name}, python block {i} failed:\n{code}\n--- stderr:\n{result.stderr}")

    def test_the_examples_of_docs_python_md_run(self):
        with open(os.path.join(SOURCE_DIR, "docs", "PYTHON.md"), encoding="utf-8") as f:
            blocks = python_blocks(f.read())
        self.assertGreaterEqual(len(blocks), 8)
        self.run_blocks("docs/PYTHON.md", blocks)

    def test_the_example_of_the_readme_runs(self):
        self.run_blocks("README.md", python_blocks(readme_python_section()))


if __name__ == "__main__":
    unittest.main()
