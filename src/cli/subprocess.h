#pragma once
#include <string>
#include <vector>

#include "util/result.h"

namespace tend::cli {

/// What a helper program run by a command (node, systemctl) left behind once it was reaped.
struct ProgramOutput {
  int wait_status = 0;  // as from waitpid
  std::string out;
  std::string err;

  bool succeeded() const;
  /// "exit status 1", "killed by SIGSEGV".
  std::string describe_status() const;
};

/// Runs argv (argv[0] looked up in $PATH when it has no '/') with the CLI's environment, no shell, stdin from
/// /dev/null and stdout/stderr captured through close-on-exec pipes, in the CLI's process group (so ^C
/// reaches it too); returns once both pipes are closed and the child is reaped. Errors: the program is not
/// found or not executable ("exec NAME: No such file or directory", code ENOENT/EACCES), or it could not be
/// spawned. A program that runs and fails is not an error: look at ProgramOutput.
Result<ProgramOutput> run_program(const std::vector<std::string>& argv);

}  // namespace tend::cli
