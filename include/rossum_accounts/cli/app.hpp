#pragma once
// The command-line front end: parses arguments, runs one subcommand, returns the exit code.

namespace ra::cli {

int main(int argc, char** argv);

} // namespace ra::cli
