// main.cc — the `auditchain` command: entry point and error handling.
//
// Errors are one line on stderr and exit status 2; nothing reaches the user
// as a stack trace or an abort.
#include <iostream>

#include "auditchain/error.hpp"
#include "auditchain/version.hpp"
#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"auditchain — an append-only, tamper-evident audit ledger"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("auditchain ") + auditchain::version());
  int exit_code = 0;
  auditchain::cli::add_demo_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "auditchain: " << e.what() << " (see --help)\n";
    return 2;
  } catch (const auditchain::Error& e) {
    std::cerr << "auditchain: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "auditchain: " << e.what() << "\n";
    return 2;
  }
  return exit_code;
}
