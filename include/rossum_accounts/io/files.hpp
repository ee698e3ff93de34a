#pragma once
// Small file helpers for outputs (plans, tokens, exported manifests) and untrusted inputs.

#include "rossum_accounts/core/result.hpp"

#include <cstddef>
#include <string>
#include <sys/types.h>

namespace ra {

// strerror(errnum) with a lower-case first letter, to fit our message style.
std::string lowered_strerror(int errnum);

// Writes `content` to a temporary file beside `path` with `mode`, fsyncs and renames it over
// `path`, so readers never see half a file. ErrorKind::io naming the path.
Status write_file_atomic(const std::string& path, const std::string& content, mode_t mode);

// Reads a regular file of at most `max_bytes` without blocking on FIFOs or devices.
// ErrorKind::invalid_input naming the path when it is not a regular file or too large;
// ErrorKind::io when it cannot be read.
Result<std::string> read_regular_file(const std::string& path, std::size_t max_bytes);

} // namespace ra
