"""The package itself: finding the library, documentation, type hints."""

import inspect
import os
import pydoc
import shutil
import subprocess
import sys
import typing
import unittest

import auditchain
from support import TempDirTestCase

PACKAGE_DIR = os.path.dirname(os.path.abspath(auditchain.__file__))
LIBRARY = os.environ.get("AUDITCHAIN_LIBRARY", "")


def run_python(code, env, cwd):
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False)


class LoaderTest(TempDirTestCase):

    def clean_env(self, **extra):
        env = {k: v for k, v in os.environ.items() if k not in ("AUDITCHAIN_LIBRARY", "PYTHONPATH")}
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.update(extra)
        return env

    def test_auditchain_library_names_the_library_to_load(self):
        env = self.clean_env(AUDITCHAIN_LIBRARY=LIBRARY, PYTHONPATH=os.path.dirname(PACKAGE_DIR))
        result = run_python("import auditchain; print(auditchain.library_version())", env, self.dir)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), auditchain.library_version())

    def test_a_wrong_auditchain_library_is_an_import_error_naming_it(self):
        missing = os.path.join(self.dir, "nowhere", "libauditchain.so")
        env = self.clean_env(AUDITCHAIN_LIBRARY=missing, PYTHONPATH=os.path.dirname(PACKAGE_DIR))
        result = run_python("import auditchain", env, self.dir)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ImportError", result.stderr)
        self.assertIn(missing, result.stderr)
        self.assertIn("AUDITCHAIN_LIBRARY", result.stderr)

    def test_an_installed_package_finds_the_library_relative_to_itself(self):
        prefix = os.path.join(self.dir, "prefix")
        package = os.path.join(prefix, "lib", "python3", "dist-packages", "auditchain")
        shutil.copytree(PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copyfile(LIBRARY, os.path.join(prefix, "lib", "libauditchain.so.0"))
        with open(os.path.join(package, "_location.py"), "w") as f:
            f.write('LIBRARY = "../../../libauditchain.so.0"\n')
        env = self.clean_env(PYTHONPATH=os.path.dirname(package))
        code = ("import auditchain, os\n"
                "with auditchain.open('a.ledger') as l:\n"
                "    print(l.tenant('acme', create=True).append(action='a', actor='u:a').seq)\n")
        result = run_python(code, env, self.dir)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), "1")

    def test_the_package_and_library_versions_agree(self):
        self.assertEqual(auditchain.__version__, auditchain.library_version())
        major, minor, patch = (int(p) for p in auditchain.library_version().split("."))
        self.assertEqual(auditchain.library_version_number(), major * 10000 + minor * 100 + patch)


class DocumentationTest(unittest.TestCase):

    def public(self):
        return [(name, getattr(auditchain, name)) for name in auditchain.__all__]

    def test_help_shows_the_example_and_every_public_name(self):
        text = pydoc.render_doc(auditchain, renderer=pydoc.plaintext)
        self.assertIn("auditchain.open(", text)
        for name in ("Ledger", "Tenant", "Receipt", "Entry", "Report", "InvalidArgument", "verify_bundle"):
            self.assertIn(name, text)

    def test_every_public_class_function_and_method_has_a_docstring(self):
        for name, obj in self.public():
            self.assertTrue(inspect.getdoc(obj), name)
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    if attr.startswith("_") or not callable(member) and not isinstance(member, property):
                        continue
                    self.assertTrue(inspect.getdoc(member), f"{name}.{attr}")

    def test_public_functions_and_methods_have_type_hints(self):
        def check(qualname, func):
            hints = typing.get_type_hints(func)
            self.assertIn("return", hints, qualname)
            for param in inspect.signature(func).parameters.values():
                if param.name in ("self", "cls") or param.kind is param.VAR_KEYWORD:
                    continue
                self.assertIn(param.name, hints, f"{qualname}({param.name})")

        for name, obj in self.public():
            if inspect.isfunction(obj):
                check(name, obj)
            elif inspect.isclass(obj) and obj.__module__ == "auditchain" and not issubclass(obj, Exception):
                for attr, member in vars(obj).items():
                    if inspect.isfunction(member) and not attr.startswith("_"):
                        check(f"{name}.{attr}", member)

    def test_the_package_ships_py_typed(self):
        self.assertTrue(os.path.isfile(os.path.join(PACKAGE_DIR, "py.typed")))

    def test_public_names_say_they_belong_to_the_package(self):
        self.assertEqual(auditchain.Receipt.__module__, "auditchain")
        self.assertTrue(repr(auditchain.InvalidArgument("x")).startswith("InvalidArgument("))


if __name__ == "__main__":
    unittest.main()
