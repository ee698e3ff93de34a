// The drift command inside the process: exit codes by cause, formats, and no write.
#include "cli_fixture.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace ra;
using nlohmann::json;
using ra::test::CliFixture;

namespace {

const json k_record = {{"v", 1}, {"groups", {"viewer"}}, {"active", true}};

std::string svc(const std::string& role) {
    return "  - username: svc@acme\n    groups: [" + role + "]\n";
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

} // namespace

TEST_CASE("drift exits 0 for a pending manifest change and 2 for a change outside the tool",
          "[cli][drift]") {
    CliFixture f;
    f.api.add_user("svc@acme", {"viewer"},
                   {{"managed_by", "rossum-accounts"}, {"rossum_accounts_applied", k_record}});
    const std::string pending = f.manifest(svc("admin"));
    for (const char* format : {"text", "markdown", "json"}) {
        INFO(format);
        auto r = f.run({"drift", pending, "--format", format});
        CHECK(r.exit_code == 0);
    }
    CHECK(contains(f.run({"drift", pending}).out, "No drift. 1 pending manifest change."));

    f.api.users_.back().groups = {f.api.group_url("admin")}; // made an admin by hand
    const std::string declared = f.manifest(svc("viewer"));
    for (const char* format : {"text", "markdown", "json"}) {
        INFO(format);
        auto r = f.run({"drift", declared, "--format", format});
        CHECK(r.exit_code == 2);
        if (std::string(format) == "json")
            CHECK(json::parse(r.out)["alerts"][0]["changes"][0]["cause"] == "drift");
    }
    CHECK(f.writes() == 0);
}

TEST_CASE("drift reports a bad manifest like plan, with 65", "[cli][drift]") {
    CliFixture f;
    auto r = f.run({"drift", f.manifest("  - username: x@acme\n")});
    CHECK(r.exit_code == 65);
    CHECK(f.writes() == 0);
}
