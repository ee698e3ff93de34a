#pragma once
// Golden-file comparison. Run the tests with RA_UPDATE_GOLDEN=1 to rewrite the files under
// tests/unit/render/golden/ (and the plan JSON fixtures) from the current output; then review
// the diff before committing.

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace ra::test {

// `relative` is a path below the source directory.
inline void check_golden_file(const std::string& relative, const std::string& actual) {
    const std::string path = std::string(RA_SOURCE_DIR) + "/" + relative;
    const char* update = std::getenv("RA_UPDATE_GOLDEN");
    if (update != nullptr && std::string(update) == "1") {
        std::ofstream(path, std::ios::binary) << actual;
    }
    std::ifstream in(path, std::ios::binary);
    INFO("golden file " << path << " (RA_UPDATE_GOLDEN=1 rewrites it)");
    REQUIRE(in.good());
    std::ostringstream expected;
    expected << in.rdbuf();
    CHECK(actual == expected.str());
}

inline void check_golden(const std::string& name, const std::string& actual) {
    check_golden_file("tests/unit/render/golden/" + name, actual);
}

} // namespace ra::test
