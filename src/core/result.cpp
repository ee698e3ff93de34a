#include "rossum_accounts/core/result.hpp"

namespace ra {

const char* to_string(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::usage:
        return "usage";
    case ErrorKind::invalid_input:
        return "invalid input";
    case ErrorKind::auth:
        return "authentication";
    case ErrorKind::permission:
        return "permission";
    case ErrorKind::throttled:
        return "throttled";
    case ErrorKind::unavailable:
        return "unavailable";
    case ErrorKind::validation:
        return "validation";
    case ErrorKind::conflict:
        return "conflict";
    case ErrorKind::not_found:
        return "not found";
    case ErrorKind::protocol:
        return "protocol";
    case ErrorKind::tls:
        return "tls";
    case ErrorKind::unknown_outcome:
        return "unknown outcome";
    case ErrorKind::not_sent:
        return "not sent";
    case ErrorKind::stale:
        return "stale plan";
    case ErrorKind::guard_rail:
        return "guard rail";
    case ErrorKind::io:
        return "i/o";
    case ErrorKind::internal:
        return "internal";
    }
    return "internal";
}

} // namespace ra
