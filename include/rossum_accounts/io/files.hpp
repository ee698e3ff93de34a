#pragma once
// Small file helpers for outputs (plans, tokens, exported manifests) and untrusted inputs.

#include "rossum_accounts/core/result.hpp"

#include <cstddef>
#include <functional>
#include <string>
#include <sys/stat.h>
#include <sys/types.h>
#include <variant>

namespace ra {

// strerror(errnum) with a lower-case first letter, to fit our message style.
std::string lowered_strerror(int errnum);

// Writes `content` to a temporary file beside `path` with `mode`, fsyncs and renames it over
// `path`, so readers never see half a file. ErrorKind::io naming the path.
Status write_file_atomic(const std::string& path, const std::string& content, mode_t mode);

// What went wrong reading a small regular file; callers word it for what the file is.
enum class ReadFailure { open, stat, not_regular, refused, too_large, read };

struct ReadProblem {
    ReadFailure failure = ReadFailure::read;
    int errnum = 0;  // for open, stat, read
    mode_t mode = 0; // what fstat saw (for refused)
};

// Opens `path` without blocking (a FIFO never waits for a writer), requires a regular file of
// at most `max_bytes` that `accept` (when given) approves from its stat, and reads it whole;
// a file that grows past the cap while being read is too_large too.
std::variant<std::string, ReadProblem>
read_small_file(const std::string& path, std::size_t max_bytes,
                const std::function<bool(const struct stat&)>& accept = {});

// Reads a regular file of at most `max_bytes` without blocking on FIFOs or devices.
// ErrorKind::invalid_input naming the path when it is not a regular file or too large;
// ErrorKind::io when it cannot be read.
Result<std::string> read_regular_file(const std::string& path, std::size_t max_bytes);

} // namespace ra
