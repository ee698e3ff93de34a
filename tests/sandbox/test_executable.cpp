#include <array>
#include <catch2/catch.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace {

// RA_SANDBOX under ctest; otherwise the binary next to the tests' build directory.
std::string sandbox_binary() {
    if (const char* path = std::getenv("RA_SANDBOX")) {
        return path;
    }
    return (std::filesystem::read_symlink("/proc/self/exe").parent_path().parent_path() /
            "rossum-sandbox")
        .string();
}

std::string read_line(FILE* stream) {
    std::array<char, 512> buffer{};
    if (std::fgets(buffer.data(), static_cast<int>(buffer.size()), stream) == nullptr) {
        return {};
    }
    return buffer.data();
}

struct Child {
    pid_t pid = -1;
    FILE* out = nullptr;
};

Child spawn(const std::vector<std::string>& args) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::vector<char*> argv;
    for (const auto& arg : args) {
        argv.push_back(const_cast<char*>(arg.c_str()));
    }
    argv.push_back(nullptr);
    Child child;
    REQUIRE(posix_spawn(&child.pid, argv[0], &actions, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    child.out = fdopen(fds[0], "r");
    return child;
}

int wait_exit(pid_t pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

} // namespace

TEST_CASE("executable: prints the URL and demo admin, serves them, and stops on SIGTERM",
          "[sandbox][executable]") {
    Child child = spawn({sandbox_binary(), "--rate-limit", "off"});
    const std::string listening = read_line(child.out);
    const std::string admin = read_line(child.out);
    REQUIRE(listening.rfind("listening on http://127.0.0.1:", 0) == 0);
    CHECK(listening.substr(listening.size() - 5) == "/api\n");
    REQUIRE(admin.rfind("admin: admin@demo.rossum.local ", 0) == 0);
    const int port =
        std::stoi(listening.substr(std::string("listening on http://127.0.0.1:").size()));
    const std::string password = admin.substr(31, admin.size() - 32);
    CHECK(password.size() == 20);

    httplib::Client client("127.0.0.1", port);
    nlohmann::json body = {{"username", "admin@demo.rossum.local"}, {"password", password}};
    auto login = client.Post("/api/v1/auth/login", body.dump(), "application/json");
    REQUIRE(login);
    CHECK(login->status == 200);

    kill(child.pid, SIGTERM);
    CHECK(wait_exit(child.pid) == 0);
    CHECK(read_line(child.out).empty()); // nothing else on stdout
    std::fclose(child.out);
}

TEST_CASE("executable: an invalid seed is an error on stderr and exit 1", "[sandbox][executable]") {
    const std::string seed = RA_SOURCE_DIR "/tests/sandbox/seeds/unknown_role.json";
    Child child = spawn({sandbox_binary(), "--seed", seed});
    CHECK(wait_exit(child.pid) == 1);
    CHECK(read_line(child.out).empty());
    std::fclose(child.out);
}
