# Man pages and completion scripts (written by the built binaries from their own CLI11
# definitions), the install layout Debian expects, and the .deb (CPack).
include(GNUInstallDirs)

set(RA_DOC_DIR ${CMAKE_CURRENT_BINARY_DIR}/doc)
# ra_generated_file(OUTPUT TARGET ARG...): OUTPUT is what TARGET's binary prints given ARG...
function(ra_generated_file output target)
    string(REPLACE ";" " " args "${ARGN}")
    add_custom_command(
        OUTPUT ${RA_DOC_DIR}/${output}
        COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:${target}> "-DARGS=${args}"
                -DOUTPUT=${RA_DOC_DIR}/${output} -P ${PROJECT_SOURCE_DIR}/cmake/run_to_file.cmake
        DEPENDS ${target} ${PROJECT_SOURCE_DIR}/cmake/run_to_file.cmake
        COMMENT "Writing ${output}"
        VERBATIM)
endfunction()
ra_generated_file(rossum-accounts.1 rossum-accounts __man)
ra_generated_file(rossum-sandbox.1 rossum-sandbox --man-page)
ra_generated_file(rossum-accounts.bash rossum-accounts completion bash)
ra_generated_file(_rossum-accounts rossum-accounts completion zsh)
ra_generated_file(rossum-accounts.fish rossum-accounts completion fish)
add_custom_target(ra_docs ALL
    DEPENDS ${RA_DOC_DIR}/rossum-accounts.1 ${RA_DOC_DIR}/rossum-sandbox.1
            ${RA_DOC_DIR}/rossum-accounts.bash ${RA_DOC_DIR}/_rossum-accounts
            ${RA_DOC_DIR}/rossum-accounts.fish)

install(TARGETS rossum-accounts rossum-sandbox RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${RA_DOC_DIR}/rossum-accounts.1 ${RA_DOC_DIR}/rossum-sandbox.1
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
# Where Debian's bash-completion, zsh and fish packages look for a package's scripts.
install(FILES ${RA_DOC_DIR}/rossum-accounts.bash RENAME rossum-accounts
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${RA_DOC_DIR}/_rossum-accounts DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${RA_DOC_DIR}/rossum-accounts.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
# The schemas are data that editors and tools read (a manifest's `$schema`), so they go to
# share/rossum-accounts: Debian lets a system leave /usr/share/doc out (the debian:12-slim
# image does, with a dpkg path-exclude), which would break such references. The examples are
# documentation (Debian's place for them: /usr/share/doc/PACKAGE/examples).
install(DIRECTORY schemas/ DESTINATION ${CMAKE_INSTALL_DATADIR}/rossum-accounts/schemas)
install(DIRECTORY examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# ---- the .deb: cpack -G DEB (or the package target) -------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME rossum-accounts)
set(CPACK_PACKAGE_VENDOR "rossum-accounts")
set(CPACK_PACKAGE_CONTACT "rossum-accounts maintainers <rossum-accounts@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "declarative Rossum service accounts (plan/apply), with a local Rossum API sandbox")
# One string: set() would join several with ';'.
string(CONCAT CPACK_PACKAGE_DESCRIPTION
    "rossum-accounts reads a YAML manifest of technical users, compares it with the live users\n"
    "of a Rossum organization and shows or applies a plan; rossum-sandbox is a local in-memory\n"
    "Rossum API for trying it and for tests.")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # rossum-accounts_VERSION_ARCH.deb
# Depends is computed by dpkg-shlibdeps from the binaries' shared libraries (dpkg-dev).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
include(CPack)
