// clidoc: what a CLI11 definition becomes in the completion scripts and the man pages.
#include "rossum_accounts/clidoc/clidoc.hpp"

#include <CLI/CLI.hpp>
#include <catch2/catch.hpp>

using ra::clidoc::describe;
using ra::clidoc::OptionDoc;
using ra::clidoc::ValueKind;

namespace {

const OptionDoc& option_named(const ra::clidoc::CommandDoc& command, const std::string& name) {
    for (const OptionDoc& option : command.options)
        for (const std::string& n : option.names)
            if (n == name)
                return option;
    FAIL("no option " << name);
    throw;
}

struct Example {
    std::string format, out, plan, target, hidden_value;
    std::vector<std::string> files;
    double timeout = 0;
    CLI::App app{"An example", "example"};
    CLI::App* cmd = nullptr;
    Example() {
        cmd = app.add_subcommand("plan", "Plan things");
        cmd->add_option("MANIFEST", files, "Manifest files")->required();
        cmd->add_option("--format", format)->check(CLI::IsMember({"text", "json", "github"}));
        cmd->add_option("--out", out, "Write the plan to FILE");
        cmd->add_option("--plan", plan, "The saved plan")->type_name("FILE");
        cmd->add_option("--target", target, "Usernames matching GLOB");
        cmd->add_option("--secret", hidden_value, "Not for users")->group("");
        app.add_option("--timeout", timeout, "Seconds; not a file");
        app.add_subcommand("__man", "hidden")->group("");
    }
};

} // namespace

TEST_CASE("describe takes an IsMember check's values as the choices", "[clidoc]") {
    Example example;
    const auto doc = describe(example.app);
    const OptionDoc& format = option_named(doc.commands.at(0), "--format");
    CHECK(format.kind == ValueKind::choice);
    CHECK(format.choices == std::vector<std::string>{"text", "json", "github"});
}

TEST_CASE("describe completes file names for a FILE type or an argument said to be a file",
          "[clidoc]") {
    Example example;
    const auto doc = describe(example.app);
    const auto& plan = doc.commands.at(0);
    CHECK(option_named(plan, "MANIFEST").kind == ValueKind::file);
    CHECK(option_named(plan, "MANIFEST").repeatable);
    CHECK(option_named(plan, "--out").kind == ValueKind::file);
    CHECK(option_named(plan, "--plan").kind == ValueKind::file);
    CHECK(option_named(plan, "--target").kind == ValueKind::other);
    CHECK(option_named(doc, "--timeout").kind == ValueKind::other); // a number, whatever it says
    CHECK(option_named(plan, "-h").kind == ValueKind::none);
}

TEST_CASE("describe leaves out the options and commands CLI11 hides", "[clidoc]") {
    Example example;
    const auto doc = describe(example.app);
    REQUIRE(doc.commands.size() == 1);
    CHECK(doc.commands[0].name == "plan");
    for (const OptionDoc& option : doc.commands[0].options)
        CHECK(option.names.front() != "--secret");
}

TEST_CASE("a man page keeps a description line starting with a dot from being a request",
          "[clidoc]") {
    CLI::App app{"First line\n.TH injected\n'also", "tool"};
    const std::string page =
        ra::clidoc::man_page(describe(app), {"tool", "does things", "tool 1.0", {}});
    CHECK(page.find("\n\\&.TH injected\n") != std::string::npos);
    CHECK(page.find("\n\\&'also") != std::string::npos);
    CHECK(page.find(".TH TOOL 1 \"\" \"tool 1.0\"") != std::string::npos);
}

TEST_CASE("the bash script names its function after the program and registers it", "[clidoc]") {
    Example example;
    const std::string script = ra::clidoc::bash_completion(describe(example.app), "my-tool");
    CHECK(script.find("\n_my_tool() {") != std::string::npos);
    CHECK(script.find("\ncomplete -F _my_tool my-tool\n") != std::string::npos);
    CHECK(script.find("\"plan --format\") echo \"choice text json github\"") != std::string::npos);
    CHECK(script.find("__man") == std::string::npos);
}
