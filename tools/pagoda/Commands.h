//===- Commands.h - Subcommands of the pagoda driver ------------*- C++ -*-===//
//
// Each subcommand registers its options on the CLI11 app and returns the
// function that runs it. The work itself lives in pagoda's libraries.
//
//===----------------------------------------------------------------------===//
#ifndef PAGODA_TOOLS_PAGODA_COMMANDS_H
#define PAGODA_TOOLS_PAGODA_COMMANDS_H

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace pagoda::driver {

/// Runs a parsed subcommand; returns the process exit code.
using CommandFn = std::function<int()>;

/// Prints "pagoda: error: <message>" (each line of a multi-line message
/// prefixed) to stderr and returns exit code 1.
int reportError(const std::string &message);

/// `pagoda targets [--json]`, `targets show NAME`, `targets check FILE`.
void addTargetsCommand(CLI::App &app, CommandFn &run);

/// `pagoda as FILE.s -o FILE.pco`, `pagoda objdump FILE.pco`.
void addIsaCommands(CLI::App &app, CommandFn &run);

/// `pagoda sim KERNEL ...` and `pagoda microbench [--target NAME] [--json]`.
void addSimCommands(CLI::App &app, CommandFn &run);

/// `pagoda compile MODEL.{onnx,mlir} ...`: imports and optimizes a model.
void addCompileCommand(CLI::App &app, CommandFn &run);

/// `pagoda run MODEL.pgd ...`: runs a compiled model on a simulated device.
void addRunCommand(CLI::App &app, CommandFn &run);

} // namespace pagoda::driver

#endif // PAGODA_TOOLS_PAGODA_COMMANDS_H
