"""--help of every command, and the shape of command-line errors."""

import unittest

from clitest import CliTestCase, run

COMMANDS = ["init", "append", "verify", "log", "show", "tenants", "info", "keygen", "checkpoint", "seal", "prove",
            "verify-proof", "demo", "keygen-master", "erase", "retention", "purge", "rotate-key"]


class HelpTest(CliTestCase):
    def test_top_level_help_lists_every_command(self):
        r = self.assertOk(run("--help"))
        for command in COMMANDS:
            self.assertIn(command, r.stdout)
        self.assertIn("Examples", r.stdout)

    def test_every_command_has_help_with_examples(self):
        for command in COMMANDS:
            with self.subTest(command=command):
                r = self.assertOk(run(command, "--help"))
                self.assertIn("Usage:", r.stdout)
                self.assertIn("Examples", r.stdout)
                self.assertIn(f"auditchain {command}", r.stdout)

    def test_time_options_say_which_end_is_inclusive(self):
        for command in ["verify", "log"]:
            with self.subTest(command=command):
                out = self.assertOk(run(command, "--help")).stdout
                self.assertIn("inclusive", out)
                self.assertIn("exclusive", out)

    def test_version(self):
        self.assertRegex(self.assertOk(run("--version")).stdout, r"^auditchain \d+\.\d+\.\d+")


class ErrorFormatTest(CliTestCase):
    """Errors are one line on stderr, "auditchain: <message>", exit status 2."""

    def test_no_command(self):
        self.assertUsageError(run(), "subcommand")

    def test_unknown_command(self):
        self.assertUsageError(run("frobnicate", "x.db"), "unknown command", "frobnicate")

    def test_unknown_option(self):
        self.assertUsageError(run("tenants", self.path("x.db"), "--bogus"), "--bogus")

    def test_missing_ledger_argument(self):
        self.assertUsageError(run("verify"), "LEDGER")

    def test_missing_required_option(self):
        self.assertUsageError(run("show", self.path("x.db"), "--seq", "1"), "--tenant")

    def test_malformed_numbers_name_the_option(self):
        for bad in ["-1", "0", "1.5", "x", ""]:
            with self.subTest(seq=bad):
                self.assertUsageError(run("show", self.path("x.db"), "--tenant", "t", "--seq", bad), "--seq")


if __name__ == "__main__":
    unittest.main()
