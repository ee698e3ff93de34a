# Writes OUTPUT from INPUT (src/version.hpp.in) with RA_VERSION_STRING=VERSION and RA_GIT_COMMIT,
# the short commit of SOURCE_DIR's HEAD ("unknown" when SOURCE_DIR is not the top of a git
# checkout, e.g. a source tarball unpacked inside another repository, or git is missing).
# The build runs it every time; configure_file leaves OUTPUT untouched when nothing changed, so a
# new commit recompiles only the files printing the version, and no commit recompiles nothing.
set(RA_VERSION_STRING "${VERSION}")
set(RA_GIT_COMMIT unknown)
find_program(RA_GIT git)
if(RA_GIT)
    execute_process(COMMAND ${RA_GIT} -C ${SOURCE_DIR} rev-parse --show-toplevel --short HEAD
                    OUTPUT_VARIABLE out RESULT_VARIABLE rc ERROR_QUIET
                    OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(rc EQUAL 0)
        string(REPLACE "\n" ";" out "${out}")
        list(GET out 0 top)
        list(GET out 1 commit)
        file(REAL_PATH "${top}" top)
        file(REAL_PATH "${SOURCE_DIR}" source)
        if(top STREQUAL source)
            set(RA_GIT_COMMIT "${commit}")
        endif()
    endif()
endif()
configure_file(${INPUT} ${OUTPUT} @ONLY)
