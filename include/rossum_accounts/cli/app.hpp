#pragma once
// The command-line front end: parses arguments, runs one subcommand, returns the exit code.

namespace ra::cli {

struct Context;

// The process: builds the real Context (environment, clock, console, secret lookup, libcurl
// sessions, terminal) once and runs the command line with it.
int main(int argc, char** argv);

// One command line (argv[0] is the program) against `ctx`; cli tests call it with fakes.
int run(int argc, const char* const* argv, Context& ctx);

} // namespace ra::cli
