#pragma once
// Where the io layer sends human-readable lines (verbose request log, warnings). Lines arrive
// already redacted; an empty sink drops them.

#include <functional>
#include <string_view>

namespace ra {

using LogSink = std::function<void(std::string_view)>;

} // namespace ra
