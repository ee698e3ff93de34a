#pragma once
// Options shared by the human-readable renderers.

namespace ra {

struct TextOptions {
    bool color = false; // ANSI colours; the CLI sets it for a terminal without NO_COLOR/--no-color
};

} // namespace ra
