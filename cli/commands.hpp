// commands.hpp — the subcommands of `auditchain`, each registered by its own file.
//
// A command's callback stores its exit status in `exit_code`: 0 success (for
// verify: valid), 1 problems found, 2 could not run.
#pragma once

#include <CLI/CLI.hpp>

namespace auditchain::cli {

void add_init_command(CLI::App& app, int& exit_code);
void add_append_command(CLI::App& app, int& exit_code);
void add_verify_command(CLI::App& app, int& exit_code);
void add_log_command(CLI::App& app, int& exit_code);
void add_show_command(CLI::App& app, int& exit_code);
void add_tenants_command(CLI::App& app, int& exit_code);
void add_info_command(CLI::App& app, int& exit_code);
void add_keygen_command(CLI::App& app, int& exit_code);
void add_checkpoint_command(CLI::App& app, int& exit_code);
void add_seal_command(CLI::App& app, int& exit_code);
void add_prove_command(CLI::App& app, int& exit_code);
void add_verify_proof_command(CLI::App& app, int& exit_code);
void add_keygen_master_command(CLI::App& app, int& exit_code);
void add_erase_command(CLI::App& app, int& exit_code);
void add_retention_command(CLI::App& app, int& exit_code);
void add_purge_command(CLI::App& app, int& exit_code);
void add_rotate_key_command(CLI::App& app, int& exit_code);
void add_export_command(CLI::App& app, int& exit_code);
void add_backup_command(CLI::App& app, int& exit_code);
void add_demo_command(CLI::App& app, int& exit_code);

}  // namespace auditchain::cli
