#pragma once
// A fresh directory under the system's temporary directory, removed with everything in it.

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>

namespace ra::test {

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "ra-test-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    // Writes `contents` to NAME in the directory with `mode`; returns its path.
    std::string write(const std::string& name, const std::string& contents,
                      mode_t mode = 0644) const {
        const auto file = (path / name).string();
        std::ofstream(file, std::ios::binary) << contents;
        REQUIRE(::chmod(file.c_str(), mode) == 0);
        return file;
    }
    std::string file(const std::string& name) const { return (path / name).string(); }
};

} // namespace ra::test
