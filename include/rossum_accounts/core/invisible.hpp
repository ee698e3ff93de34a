#pragma once
// The one definition of an "invisible" character: one that shows as nothing or as space, or
// changes how the text around it shows, so that text holding it could pass for other text in a
// review (a diff view, a terminal). The manifest loader's file-level check refuses the line
// breaks and controls among them anywhere in the file; a declarable username holds none of
// them (username.hpp). Both ask this header, so the two cannot drift apart.

namespace ra {

enum class InvisibleKind {
    visible,
    line_break, // LF, CR, NEL, U+2028, U+2029: the line ends of YAML 1.1, which libyaml reads
    control,    // every other C0 and C1 control character, tab and DEL among them
    space,      // other Unicode white space: U+0020, U+00A0, U+2000 to U+200A, U+3000, ...
    format,     // format characters: zero-width (U+200B), bidirectional (U+202E), U+FEFF
    // Shown as nothing whatever its category, or with no agreed glyph: default-ignorable code
    // points (the Hangul fillers U+3164 and U+115F, variation selectors, the combining grapheme
    // joiner), unassigned, noncharacter and private-use code points, the blank braille U+2800.
    blank,
};

// The kinds in the order above: a line break is also a control or white space, and a control
// may also be white space (tab); each code point gets the first kind it has.
InvisibleKind invisible_kind(char32_t code_point);

} // namespace ra
