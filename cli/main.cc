// main.cc — the `auditchain` command: entry point and error handling.
//
// Errors are one line on stderr and exit status 2; nothing reaches the user
// as a stack trace or an abort.
#include <iostream>
#include <string>

#include "auditchain/error.hpp"
#include "auditchain/version.hpp"
#include "commands.hpp"

namespace {

// Some messages (CLI11's, SQLite's) can span lines; the contract is one line.
int fail(const std::string& message) {
  std::string line = message;
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::cerr << "auditchain: " << line << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"auditchain — an append-only, tamper-evident audit ledger"};
  app.name("auditchain");  // not argv[0]: help shows the command as users type it
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("auditchain ") + auditchain::version());
  app.footer(
      "Examples:\n"
      "  auditchain init audit.db --tenant acme\n"
      "  auditchain append audit.db --tenant acme --actor u:alice --action auth.login\n"
      "  auditchain verify audit.db\n"
      "  auditchain log audit.db --tenant acme\n"
      "  auditchain keygen --name audit.example.com --out keys/audit\n"
      "  auditchain checkpoint audit.db --key keys/audit.key --out checkpoints/\n"
      "  auditchain verify audit.db --checkpoint checkpoints/acme.checkpoint --key keys/audit.pub\n"
      "  auditchain keygen-master --out keys/master.key\n"
      "  auditchain append audit.db --tenant acme --actor u:alice --action customer.update \\\n"
      "      --after '{\"iban\":\"DE89370400440532013000\"}' --encrypt /after/iban --subject c-17 \\\n"
      "      --master-key keys/master.key\n"
      "  auditchain erase audit.db --tenant acme --subject c-17 --master-key keys/master.key\n"
      "  auditchain export audit.db --tenant acme --format csv --out acme.csv\n"
      "  auditchain export audit.db --tenant acme --bundle exports/acme --key keys/audit.key\n"
      "  auditchain verify exports/acme --key keys/audit.pub\n"
      "  auditchain backup audit.db backups/audit-2026-11-21.db\n"
      "Run 'auditchain COMMAND --help' for a command's options.");
  int exit_code = 0;
  auditchain::cli::add_init_command(app, exit_code);
  auditchain::cli::add_append_command(app, exit_code);
  auditchain::cli::add_verify_command(app, exit_code);
  auditchain::cli::add_log_command(app, exit_code);
  auditchain::cli::add_show_command(app, exit_code);
  auditchain::cli::add_tenants_command(app, exit_code);
  auditchain::cli::add_info_command(app, exit_code);
  auditchain::cli::add_keygen_command(app, exit_code);
  auditchain::cli::add_checkpoint_command(app, exit_code);
  auditchain::cli::add_seal_command(app, exit_code);
  auditchain::cli::add_prove_command(app, exit_code);
  auditchain::cli::add_verify_proof_command(app, exit_code);
  auditchain::cli::add_keygen_master_command(app, exit_code);
  auditchain::cli::add_erase_command(app, exit_code);
  auditchain::cli::add_retention_command(app, exit_code);
  auditchain::cli::add_purge_command(app, exit_code);
  auditchain::cli::add_rotate_key_command(app, exit_code);
  auditchain::cli::add_export_command(app, exit_code);
  auditchain::cli::add_backup_command(app, exit_code);
  auditchain::cli::add_demo_command(app, exit_code);
  // CLI11 would answer a mistyped command with "A subcommand is required".
  if (argc > 1 && argv[1][0] != '-') {
    try {
      app.get_subcommand(argv[1]);
    } catch (const CLI::OptionNotFound&) {
      return fail(std::string("unknown command \"") + argv[1] + "\" (see --help)");
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return fail(std::string(e.what()) + " (see --help)");
  } catch (const auditchain::Error& e) {
    return fail(e.what());
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  return exit_code;
}
