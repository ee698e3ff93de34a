# Writes OUTPUT, a C++ source defining the bytes of INPUT as `const unsigned char NAME[]` and
# `const std::size_t NAME_size` in NAMESPACE. Run at build time:
#   cmake -DINPUT=... -DOUTPUT=... -DNAME=... -DNAMESPACE=... -P embed_file.cmake
# Hex bytes, not a string literal: the data may hold any byte, and CMake lists would split it.
file(READ "${INPUT}" hex HEX)
set(byte "[0-9a-f][0-9a-f]")
string(REPEAT "${byte}" 16 row)
string(REGEX REPLACE "(${row})" "\\1\n" hex "${hex}")
string(REGEX REPLACE "(${byte})" "0x\\1," bytes "${hex}")
file(WRITE "${OUTPUT}.tmp"
     "// Generated from ${INPUT} by cmake/embed_file.cmake; do not edit.\n"
     "#include <cstddef>\n"
     "namespace ${NAMESPACE} {\n"
     "extern const unsigned char ${NAME}[];\n"
     "extern const std::size_t ${NAME}_size;\n"
     "const unsigned char ${NAME}[] = {\n${bytes}\n};\n"
     "const std::size_t ${NAME}_size = sizeof(${NAME});\n"
     "} // namespace ${NAMESPACE}\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
