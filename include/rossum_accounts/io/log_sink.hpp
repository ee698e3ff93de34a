#pragma once
// Where the io layer sends the -v request log, one line at a time. The values in a line are
// masked where they were inserted (request_sender.hpp); an empty sink drops them.

#include <functional>
#include <string_view>

namespace ra {

using LogSink = std::function<void(std::string_view)>;

} // namespace ra
