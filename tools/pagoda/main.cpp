//===- main.cpp - The pagoda user driver ----------------------------------===//
//
// `pagoda <subcommand> ...`: a thin shell over pagoda's libraries. Every
// failure is one "pagoda: error: ..." line per problem and a non-zero exit.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include "pagoda/Config/Version.h"

#include <fmt/format.h>

#include <cstdio>
#include <exception>

using namespace pagoda::driver;

int pagoda::driver::reportError(const std::string &message) {
  // What was printed before the error reads before it.
  std::fflush(stdout);
  size_t start = 0;
  while (start <= message.size()) {
    size_t end = message.find('\n', start);
    if (end == std::string::npos)
      end = message.size();
    fmt::print(stderr, "pagoda: error: {}\n", message.substr(start, end - start));
    start = end + 1;
  }
  return 1;
}

static int runDriver(int argc, char **argv) {
  CLI::App app{"pagoda: compiler, runtime and simulator for a modeled Ascend-style NPU", "pagoda"};
  app.set_version_flag("--version", fmt::format("pagoda {} (git {}, LLVM/MLIR {})", PAGODA_VERSION,
                                                PAGODA_GIT_REVISION, PAGODA_LLVM_VERSION));
  app.require_subcommand(1);

  CommandFn run;
  addTargetsCommand(app, run);
  addIsaCommands(app, run);
  addSimCommands(app, run);
  addCompileCommand(app, run);
  addRunCommand(app, run);

  // An unknown first word is a mistyped subcommand: say so in one line
  // rather than CLI11's "arguments were not expected".
  if (argc > 1 && argv[1][0] != '-') {
    std::string word = argv[1];
    bool known = false;
    std::string names;
    for (const CLI::App *sub : app.get_subcommands({})) {
      known |= sub->get_name() == word;
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known)
      return reportError(
          fmt::format("unknown subcommand '{}' (available: {}; see pagoda --help)", word, names));
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success &e) {
    return app.exit(e); // --help, --version
  } catch (const CLI::ParseError &e) {
    reportError(fmt::format("{} (see pagoda --help)", e.what()));
    return e.get_exit_code() == 0 ? 1 : e.get_exit_code();
  }
  return run ? run() : reportError("no subcommand given (see pagoda --help)");
}

int main(int argc, char **argv) {
  // Nothing may escape as a crash: any unexpected exception is one line.
  try {
    return runDriver(argc, argv);
  } catch (const std::exception &e) {
    return reportError(fmt::format("internal error: {}", e.what()));
  } catch (...) {
    return reportError("internal error: unknown exception");
  }
}
