#include "rossum_accounts/io/manifest_loader.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace {

std::vector<std::string> formatted(const ra::LoadResult& result) {
    std::vector<std::string> out;
    for (const ra::Diagnostic& d : result.diagnostics)
        out.push_back(ra::format_diagnostic(d));
    return out;
}

std::vector<std::string> problems(const std::string& text) {
    return formatted(ra::load_manifest_text(text, "m.yaml", "."));
}

// A fresh directory under the system temp dir, removed at scope exit.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "ra-loader-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

} // namespace

TEST_CASE("manifest loader: 100k nested brackets are too deep, quickly", "[manifest][hostile]") {
    const auto start = std::chrono::steady_clock::now();
    CHECK(problems(std::string(100000, '[')) ==
          std::vector<std::string>{"m.yaml:1:33: nesting is too deep"});
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
}

TEST_CASE("manifest loader: a 600-deep block mapping is too deep", "[manifest][hostile]") {
    std::string text = "version: 1\naccounts: []\nx:\n";
    for (int i = 1; i < 600; ++i)
        text += std::string(2 * static_cast<std::size_t>(i), ' ') + "k:\n";
    CHECK(problems(text) == std::vector<std::string>{"m.yaml:35:65: nesting is too deep"});
}

TEST_CASE("manifest loader: a file over 1 MiB is refused before parsing", "[manifest][hostile]") {
    TempDir dir;
    const auto path = (dir.path / "big.yaml").string();
    {
        std::ofstream out(path);
        out << "version: 1\naccounts: []\n";
    }
    std::filesystem::resize_file(path, 20u * 1024 * 1024);
    CHECK(formatted(ra::load_manifest_file(path)) ==
          std::vector<std::string>{path + ": manifest is larger than 1048576 bytes"});
    CHECK(problems(std::string(ra::k_max_manifest_bytes + 1, ' ')) ==
          std::vector<std::string>{"m.yaml: manifest is larger than 1048576 bytes"});
}

TEST_CASE("manifest loader: a FIFO is refused without blocking", "[manifest][hostile]") {
    TempDir dir;
    const auto path = (dir.path / "fifo.yaml").string();
    REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
    CHECK(formatted(ra::load_manifest_file(path)) ==
          std::vector<std::string>{path + ": manifest is not a regular file"});
}

TEST_CASE("manifest loader: a directory and a missing file are refused", "[manifest][hostile]") {
    TempDir dir;
    CHECK(formatted(ra::load_manifest_file(dir.path.string())) ==
          std::vector<std::string>{dir.path.string() + ": manifest is not a regular file"});
    const auto missing = (dir.path / "nope.yaml").string();
    CHECK(formatted(ra::load_manifest_file(missing)) ==
          std::vector<std::string>{missing + ": cannot open manifest: no such file or directory"});
}

TEST_CASE("manifest loader: an unquoted secret never appears in a diagnostic",
          "[manifest][hostile][secrets]") {
    const std::string head = "version: 1\naccounts:\n  - username: bot\n    groups: [admin]\n";
    for (const char* value : {"&Secr3tPass", "!Secr3tPass", "*Secr3tPass", "Secr3tPass",
                              "\"Secr3tPass\"", "{Secr3tPass: x}", "{env: Secr3t-Pass}",
                              "{env: A, Secr3tPass: b}", "{Secr3tPass: a, Secr3tPass: b}"}) {
        CAPTURE(value);
        const auto found = problems(head + "    password: " + value + "\n");
        REQUIRE_FALSE(found.empty());
        for (const std::string& line : found)
            CHECK(line.find("Secr3t") == std::string::npos);
    }
}

TEST_CASE("manifest loader: typing follows YAML 1.2 core, quoted scalars are strings",
          "[manifest]") {
    CHECK(problems("version: 1\nprune: yes\naccounts: []\n") ==
          std::vector<std::string>{"m.yaml:2:8: prune: expected a boolean, got a string"});
    CHECK(problems("version: 1.0\naccounts: []\n") ==
          std::vector<std::string>{"m.yaml:1:10: version: expected an integer, got a float"});
    CHECK(problems("version: 1\norganization: 99999999999999999999\naccounts: []\n") ==
          std::vector<std::string>{
              "m.yaml:2:15: organization: integer is out of range (at most 9223372036854775807)"});
    CHECK(problems("version: 1\naccounts:\n  - {username: 2024, groups: [admin]}\n") ==
          std::vector<std::string>{
              "m.yaml:3:16: accounts[0].username: expected a string, got an integer"});
    CHECK(problems("version: 1\naccounts:\n  - {username: \"2024\", groups: [admin]}\n").empty());
}

namespace {

std::string with_metadata(const std::string& value) {
    return "version: 1\naccounts:\n  - username: a@demo\n    groups: [admin]\n    metadata: {k: " +
           value + "}\n";
}

// The metadata value as the POST body will carry it.
std::string sent(const std::string& value) {
    auto result = ra::load_manifest_text(with_metadata(value), "m.yaml", ".");
    INFO(value);
    REQUIRE(result.diagnostics.empty());
    return result.manifest->accounts.at(0).metadata.at("k").dump();
}

std::vector<std::string> refused(const std::string& value) {
    return problems(with_metadata(value));
}

const std::string k_hint = "; quote it to send a string";

} // namespace

TEST_CASE("manifest loader: metadata integers are sent exactly, within 64 bits",
          "[manifest][numbers]") {
    CHECK(sent("12345678901234567890") == "12345678901234567890"); // above int64, a uint64
    CHECK(sent("18446744073709551615") == "18446744073709551615");
    CHECK(sent("-9223372036854775808") == "-9223372036854775808");
    CHECK(sent("9223372036854775807") == "9223372036854775807");
    CHECK(sent("+12") == "12");
    CHECK(sent("-0") == "0");
    CHECK(sent("0") == "0");
    const std::string out_of_range =
        "m.yaml:5:19: accounts[0].metadata.k: integer is out of range (64 bits: "
        "-9223372036854775808 to 18446744073709551615)" +
        k_hint;
    CHECK(refused("18446744073709551616") == std::vector<std::string>{out_of_range});
    CHECK(refused("-9223372036854775809") == std::vector<std::string>{out_of_range});
    CHECK(refused("123456789012345678901234567890") == std::vector<std::string>{out_of_range});
}

TEST_CASE("manifest loader: integers YAML 1.1 and 1.2 read differently are refused",
          "[manifest][numbers]") {
    const std::string not_decimal =
        "m.yaml:5:19: accounts[0].metadata.k: hexadecimal and octal integers are not allowed; "
        "write it in decimal" +
        k_hint;
    CHECK(refused("0x10") == std::vector<std::string>{not_decimal});
    CHECK(refused("0o10") == std::vector<std::string>{not_decimal});
    CHECK(refused("010") ==
          std::vector<std::string>{"m.yaml:5:19: accounts[0].metadata.k: an integer with a "
                                   "leading zero is ambiguous (YAML 1.1 reads it as octal); drop "
                                   "the zero" +
                                   k_hint});
    CHECK(refused("-007").size() == 1);
    // Not integers in YAML 1.2: strings, sent as written.
    CHECK(sent("1_000") == "\"1_000\"");
    CHECK(sent("0b101") == "\"0b101\"");
    CHECK(sent("0x") == "\"0x\"");
    CHECK(sent("\"0x10\"") == "\"0x10\"");
    CHECK(problems("version: 1\norganization: 0x10\naccounts: []\n") ==
          std::vector<std::string>{"m.yaml:2:15: organization: hexadecimal and octal integers "
                                   "are not allowed; write it in decimal"});
    CHECK(problems("version: 1\naccounts:\n  - {username: a@demo, groups: [admin], queues: "
                   "[0812]}\n") ==
          std::vector<std::string>{"m.yaml:3:50: accounts[0].queues[0]: an integer with a "
                                   "leading zero is ambiguous (YAML 1.1 reads it as octal); drop "
                                   "the zero"});
    CHECK(problems("version: 1\naccounts:\n  - {username: a@demo, groups: [admin], first_name: "
                   "0x1F}\n") ==
          std::vector<std::string>{
              "m.yaml:3:53: accounts[0].first_name: expected a string, got an integer"});
}

TEST_CASE("manifest loader: metadata floats are finite doubles or refused", "[manifest][numbers]") {
    CHECK(sent("1.0") == "1.0");
    CHECK(sent("1.5") == "1.5");
    CHECK(sent("-0.25") == "-0.25");
    CHECK(sent("1e3") == "1000.0");
    CHECK(sent(".5") == "0.5");
    CHECK(sent("0.1") == "0.1");
    CHECK(sent("4e-320") == "4e-320"); // subnormal, still that number
    const std::string non_finite =
        "m.yaml:5:19: accounts[0].metadata.k: infinity and NaN are not allowed (JSON has no such "
        "number)" +
        k_hint;
    for (const char* value : {".inf", "-.inf", "+.inf", ".Inf", "-.INF", ".nan", ".NaN", ".NAN"})
        CHECK(refused(value) == std::vector<std::string>{non_finite});
    const std::string too_big =
        "m.yaml:5:19: accounts[0].metadata.k: number is out of range for a 64-bit float" + k_hint;
    CHECK(refused("1e400") == std::vector<std::string>{too_big});
    CHECK(refused("-1e400") == std::vector<std::string>{too_big});
    CHECK(refused("1e-400") == std::vector<std::string>{too_big}); // would become 0.0
    CHECK(sent("\".inf\"") == "\".inf\"");
    CHECK(sent("-.nan") == "\"-.nan\""); // not a YAML 1.2 number
}

TEST_CASE("manifest loader: null and boolean spellings are typed, look-alikes stay strings",
          "[manifest][numbers]") {
    for (const char* value : {"~", "null", "Null", "NULL"})
        CHECK(sent(value) == "null");
    for (const char* value : {"true", "True", "TRUE"})
        CHECK(sent(value) == "true");
    for (const char* value : {"false", "False", "FALSE"})
        CHECK(sent(value) == "false");
    CHECK(sent("+7") == "7");
    CHECK(sent("-7") == "-7");
    CHECK(sent("-.5e1") == "-5.0");
    for (const char* value : {"nothing", "nULL", "tRUE", "fals", "yes", "v1", "_1", "Ω", "x.inf"})
        CHECK(sent(value) == "\"" + std::string(value) + "\"");
}

TEST_CASE("manifest loader: every problem of a file is reported, in file order", "[manifest]") {
    CHECK(problems("accounts:\n  - username: a\n    groups: [admn]\n  - username: A\n"
                   "    groups: [viewer]\nextra: 1\n") ==
          std::vector<std::string>{
              "m.yaml:1:1: missing required key \"version\"",
              "m.yaml:3:14: accounts[0].groups[0]: unknown role \"admn\" (did you mean "
              "\"admin\"?)",
              "m.yaml:4:15: accounts[1].username: duplicate username \"A\" (first at 2:15)",
              "m.yaml:6:1: unknown key \"extra\""});
}

TEST_CASE("manifest loader: usernames differing only in Unicode case are duplicates",
          "[manifest][matching]") {
    CHECK(problems("version: 1\naccounts:\n  - {username: \"\xC3\x84pi@demo\", groups: [admin]}\n"
                   "  - {username: \"\xC3\xA4pi@demo\", groups: [admin]}\n") ==
          std::vector<std::string>{"m.yaml:4:16: accounts[1].username: duplicate username "
                                   "\"\xC3\xA4pi@demo\" (first at 3:16)"});
    CHECK(problems("version: 1\naccounts:\n  - {username: STRASSE, groups: [admin]}\n"
                   "  - {username: \"stra\xC3\x9F"
                   "e\", groups: [admin]}\n") ==
          std::vector<std::string>{"m.yaml:4:16: accounts[1].username: duplicate username "
                                   "\"stra\xC3\x9F"
                                   "e\" (first at 3:16)"});
}

TEST_CASE("manifest loader: defaults may not name an identity", "[manifest]") {
    CHECK(problems("version: 1\ndefaults: {username: x, groups: [viewer]}\naccounts: []\n") ==
          std::vector<std::string>{"m.yaml:2:12: defaults: \"username\" cannot have a default"});
}

TEST_CASE("manifest loader: syntax errors are worded by us with their place", "[manifest]") {
    CHECK(problems("version: 1\naccounts: [\n") ==
          std::vector<std::string>{"m.yaml:3:1: invalid yaml: \"]\" not found"});
    CHECK(problems("version: 1\naccounts:\n  - username: \"a\\qb\"\n") ==
          std::vector<std::string>{"m.yaml:3:17: invalid yaml: unknown escape sequence"});
}

TEST_CASE("manifest loader: a block mapping line without \":\" is a syntax error, not a null "
          "key",
          "[manifest][hostile]") {
    // yaml-cpp read "owner" as a key with a null value, so the plan wrote metadata.owner = null.
    const std::string text = "version: 1\naccounts:\n  - username: bot@x\n    groups: [viewer]\n"
                             "    metadata:\n      team: integrations\n      owner\n";
    const auto found = problems(text);
    CHECK(found == std::vector<std::string>{"m.yaml:7:7: invalid yaml: a key without \":\""});
}

TEST_CASE("manifest loader: the non-specific tag \"!\" quotes a value; any other tag is refused",
          "[manifest][tags]") {
    CHECK(sent("! 5") == "\"5\"");
    CHECK(sent("! true") == "\"true\"");
    CHECK(refused("!!str 5") ==
          std::vector<std::string>{"m.yaml:5:19: accounts[0].metadata.k: tags are not allowed"});
}

TEST_CASE("manifest loader: a comment hiding a key behind a lone CR, NEL, LS or PS is refused",
          "[manifest][hostile]") {
    // libyaml (YAML 1.1) ends a line at each of these; git, diff views and yaml-cpp do not, so
    // a reviewer would read the whole line as a comment while the plan pruned.
    const std::string head = "version: 1\naccounts: []\n# reviewed, nothing to change";
    const std::string tail = "prune: true\n";
    const std::string only = " (only LF and CRLF line ends are allowed)";
    const std::pair<const char*, std::string> cases[] = {
        {"\r", "a carriage return must be followed by a line feed"},
        {"\xC2\x85", "manifest contains the line break U+0085"},
        {"\xE2\x80\xA8", "manifest contains the line break U+2028"},
        {"\xE2\x80\xA9", "manifest contains the line break U+2029"},
    };
    for (const auto& [line_break, message] : cases) {
        INFO(message);
        CHECK(problems(head + line_break + tail) ==
              std::vector<std::string>{"m.yaml:3:30: " + message + only});
    }
    // A quoted value is no exception: libyaml would fold the CR into a space.
    CHECK(problems("version: 1\naccounts: []\nx: \"a\rb\"\n") ==
          std::vector<std::string>{"m.yaml:3:6: a carriage return must be followed by a line "
                                   "feed (only LF and CRLF line ends are allowed)"});
}

TEST_CASE("manifest loader: CRLF line ends are read as LF", "[manifest][hostile]") {
    const auto loaded = ra::load_manifest_text(
        "version: 1\r\naccounts:\r\n  - username: bot\r\n    groups: [viewer]\r\n", "m.yaml", ".");
    CHECK(formatted(loaded).empty());
    REQUIRE(loaded.manifest);
    CHECK(loaded.manifest->accounts.at(0).username == "bot");
}

TEST_CASE("manifest loader: a control character is refused at its place", "[manifest][hostile]") {
    // libyaml refuses them too, but reports no place: this was "1:1: invalid yaml syntax".
    const std::pair<const char*, const char*> cases[] = {
        {"\"a\x01\"", "3:6: manifest contains the non-printable character U+0001"},
        {"a\x7F", "3:5: manifest contains the non-printable character U+007F"},
        {"\xC3\xA9\xC2\x9B", "3:5: manifest contains the non-printable character U+009B"},
        {"\xEF\xBF\xBE", "3:4: manifest contains the non-printable character U+FFFE"},
    };
    for (const auto& [value, message] : cases) {
        INFO(message);
        CHECK(problems(std::string("version: 1\naccounts: []\nx: ") + value + "\n") ==
              std::vector<std::string>{std::string("m.yaml:") + message});
    }
}

TEST_CASE("manifest loader: a comment or a value may hold a space or format character, a "
          "username may not",
          "[manifest][hostile][invisible]") {
    // The file-level check refuses only the line breaks and controls of core/invisible.hpp.
    const std::pair<const char*, const char*> invisibles[] = {{"\t", "U+0009"},
                                                              {"\xC2\xA0", "U+00A0"},
                                                              {"\xE2\x80\x8B", "U+200B"},
                                                              {"\xE2\x80\xAE", "U+202E"},
                                                              {"\xEF\xBB\xBF", "U+FEFF"}};
    for (const auto& [invisible, code_point] : invisibles) {
        INFO(code_point);
        CHECK(problems(std::string("version: 1\naccounts: [] # a") + invisible + "b\n").empty());
        CHECK(refused(std::string("\"a") + invisible + "b\"").empty());
        // The message names the character, which the terminal would not show.
        CHECK(problems(std::string("version: 1\naccounts:\n  - username: \"a") + invisible +
                       "b\"\n    groups: [viewer]\n") ==
              std::vector<std::string>{std::string("m.yaml:3:15: accounts[0].username: must not "
                                                   "contain whitespace, control or invisible "
                                                   "characters (") +
                                       code_point + " at character 2)"});
    }
    CHECK(problems("version: 1\naccounts: [] # a\x0B"
                   "b\n") ==
          std::vector<std::string>{
              "m.yaml:2:17: manifest contains the non-printable character U+000B"});
}

TEST_CASE("manifest loader: ill-formed UTF-8 is refused at its first byte, each byte one column",
          "[manifest][hostile][utf8]") {
    // Overlong, surrogate, beyond U+10FFFF, truncated, a lone continuation byte, a byte that
    // never leads: the control character after each stands one column further per byte.
    const std::string head = "version: 1\naccounts: []\nx: ";
    const std::string invalid = "m.yaml:3:4: invalid UTF-8 at byte offset 27";
    const std::pair<const char*, const char*> cases[] = {
        {"\xC0\x80", "m.yaml:3:7: manifest contains the non-printable character U+0001"},
        {"\xED\xA0\x80", "m.yaml:3:8: manifest contains the non-printable character U+0001"},
        {"\xF4\x90\x80\x80", "m.yaml:3:9: manifest contains the non-printable character U+0001"},
        {"\xE2\x80", "m.yaml:3:7: manifest contains the non-printable character U+0001"},
        {"\x80", "m.yaml:3:6: manifest contains the non-printable character U+0001"},
        {"\xFF", "m.yaml:3:6: manifest contains the non-printable character U+0001"},
    };
    for (const auto& [bytes, control] : cases) {
        INFO(std::string(bytes).size() << " ill-formed bytes");
        CHECK(problems(head + bytes + " \x01\n") == std::vector<std::string>{invalid, control});
    }
    // The largest code point, a noncharacter short of U+FFFE and an emoji are well formed.
    const std::string well_formed = "\"\xF4\x8F\xBF\xBF \xEF\xB7\x90 \xF0\x9F\x98\x80\"";
    CHECK(sent(well_formed) == well_formed);
}

TEST_CASE("manifest loader: libyaml's syntax errors keep the clear wording yaml-cpp's had",
          "[manifest][hostile]") {
    // Each was "invalid yaml syntax" or a misleading expectation after the switch to libyaml.
    const std::string head = "version: 1\naccounts: []\n";
    const std::pair<std::string, const char*> cases[] = {
        {head + "x: &a &b c\n", "m.yaml:3:7: anchors are not allowed"},
        {head + "x: !a !b c\n", "m.yaml:3:7: tags are not allowed"},
        {head + "x: !a%ZZ c\n", "m.yaml:3:4: tags are not allowed"},
        {head + "x: &\xC3\xA9 c\n", "m.yaml:3:4: anchors are not allowed"},
        {head + "x: ? c\n", "m.yaml:3:4: invalid yaml: unexpected key (check the indentation)"},
        {head + "...\nx: 1\n", "m.yaml:4:1: a manifest holds exactly one yaml document"},
        {"%YAML 1.2\n" + head, "m.yaml:2:1: invalid yaml: \"---\" must follow a directive"},
        {"%YAML 1.3\n---\n" + head, "m.yaml:1:1: invalid yaml: unsupported %YAML version"},
        {"%FOO bar\n---\n" + head,
         "m.yaml:1:5: invalid yaml: unknown directive (only %YAML and %TAG)"},
        {head + "x: \"\\uD800\"\n", "m.yaml:3:7: invalid yaml: invalid unicode escape (a "
                                    "surrogate or beyond U+10FFFF)"},
        {head + "x: *\xC3\xA9\n",
         "m.yaml:3:4: aliases are not allowed (quote a value that starts with \"*\")"},
        {head + "x: |0\n  y\n",
         "m.yaml:3:5: invalid yaml: a block scalar's indentation indicator must be 1 to 9"},
        {"...\n", "m.yaml: manifest has no yaml document"},
    };
    for (const auto& [text, message] : cases) {
        INFO(text);
        CHECK(problems(text) == std::vector<std::string>{message});
    }
}

TEST_CASE("manifest loader: an unterminated quoted string is reported at its opening quote",
          "[manifest][hostile]") {
    // libyaml gives up at the end of the file, which may be far below the mistake.
    CHECK(problems("version: 1\naccounts:\n  - username: \"bot\n    groups: [viewer]\n") ==
          std::vector<std::string>{"m.yaml:3:15: invalid yaml: unterminated quoted string"});
}

TEST_CASE("manifest loader: a \"?\" glued to a value in a flow collection is refused, not read "
          "as a key",
          "[manifest][hostile]") {
    // libyaml made "{?team: ops}" the key "team" and "[?x]" the mapping {x: null}; YAML 1.2
    // reads "?team" and "?x" as plain strings, and yaml-cpp refused them.
    const std::string hint =
        "invalid yaml: \"?\" followed by a value (quote a value that starts with \"?\")";
    const std::pair<const char*, const char*> cases[] = {
        {"{?team: ops}", "m.yaml:5:20: "},
        {"{tags: [a, ?x]}", "m.yaml:5:30: "},
        {"{tags: [?\"x\"]}", "m.yaml:5:27: "},
    };
    for (const auto& [value, place] : cases) {
        INFO(value);
        CHECK(refused(value) == std::vector<std::string>{place + hint});
    }
    // "? x" is an explicit key, as in YAML 1.2: past the parser, refused by the schema.
    CHECK(refused("[? x]") == std::vector<std::string>{"m.yaml:5:19: accounts[0].metadata.k: "
                                                       "expected a scalar value, got a sequence"});
    CHECK(sent("x?") == "\"x?\"");
}

TEST_CASE("manifest loader: a username with an invisible character, even escaped, is refused",
          "[manifest][hostile]") {
    const std::pair<const char*, const char*> escapes[] = {{"\\u202e", "U+202E"},
                                                           {"\\u200b", "U+200B"},
                                                           {"\\L", "U+2028"},
                                                           {"\\_", "U+00A0"},
                                                           {"\\N", "U+0085"}};
    for (const auto& [escaped, code_point] : escapes) {
        INFO(escaped);
        CHECK(problems(std::string("version: 1\naccounts:\n  - username: \"bot") + escaped +
                       "x@demo\"\n    groups: [viewer]\n") ==
              std::vector<std::string>{std::string("m.yaml:3:15: accounts[0].username: must not "
                                                   "contain whitespace, control or invisible "
                                                   "characters (") +
                                       code_point + " at character 4)"});
    }
}
