#include "rossum_accounts/io/token_cache.hpp"
#include "support/fake_clock.hpp"
#include "support/map_environment.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace ra;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "ra-token-XXXXXX").string();
        path = ::mkdtemp(tmpl.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::permissions(path, fs::perms::owner_all, ec);
        fs::remove_all(path, ec);
    }
};

using Vars = std::map<std::string, std::string>;
const auto k_now = std::chrono::system_clock::time_point(std::chrono::hours(480000));

// The token a load found (nullopt: none); a problem fails the test.
std::optional<std::string> token(const Result<std::optional<std::string>>& loaded) {
    INFO((loaded ? "" : loaded.error().message));
    REQUIRE(loaded);
    return *loaded;
}

mode_t mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 0777;
}

} // namespace

TEST_CASE("token cache: a stored token loads back until it expires", "[token][cache]") {
    TempDir tmp;
    TokenCache cache((tmp.path / "rossum-accounts").string());
    REQUIRE(cache.store("https://a.rossum.app/api", "admin", "tok-123", k_now + 2h));
    CHECK(token(cache.load("https://a.rossum.app/api", "admin", k_now)) == "tok-123");
    CHECK(token(cache.load("https://a.rossum.app/api", "admin", k_now + 2h)) == std::nullopt);
    // Within the safety margin of expiry it is not used either.
    CHECK(token(cache.load("https://a.rossum.app/api", "admin", k_now + 2h - 5min)) ==
          std::nullopt);
}

TEST_CASE("token cache: the directory is 0700 and the file 0600", "[token][cache]") {
    TempDir tmp;
    const auto dir = (tmp.path / "x" / "rossum-accounts").string();
    TokenCache cache(dir);
    REQUIRE(cache.store("https://a.rossum.app/api", "admin", "tok-123", k_now + 2h));
    CHECK(mode_of(dir) == 0700);
    CHECK(mode_of(cache.path_for("https://a.rossum.app/api", "admin")) == 0600);
}

TEST_CASE("token cache: entries are keyed by API URL and username", "[token][cache]") {
    TempDir tmp;
    TokenCache cache(tmp.path.string());
    REQUIRE(cache.store("https://a.rossum.app/api", "admin", "tok-a", k_now + 2h));
    REQUIRE(cache.store("https://b.rossum.app/api", "admin", "tok-b", k_now + 2h));
    CHECK(token(cache.load("https://a.rossum.app/api", "admin", k_now)) == "tok-a");
    CHECK(token(cache.load("https://b.rossum.app/api", "admin", k_now)) == "tok-b");
    CHECK(token(cache.load("https://a.rossum.app/api", "other", k_now)) == std::nullopt);
    CHECK(cache.path_for("https://a.rossum.app/api", "admin") !=
          cache.path_for("https://a.rossum.app/api", "admin2"));
}

TEST_CASE("token cache: writing leaves no temporary file behind", "[token][cache]") {
    TempDir tmp;
    TokenCache cache(tmp.path.string());
    REQUIRE(cache.store("https://a.rossum.app/api", "admin", "tok-1", k_now + 2h));
    REQUIRE(cache.store("https://a.rossum.app/api", "admin", "tok-2", k_now + 2h));
    int files = 0;
    for (const auto& entry : fs::directory_iterator(tmp.path)) {
        CHECK(entry.path().extension() == ".json");
        ++files;
    }
    CHECK(files == 1);
    CHECK(token(cache.load("https://a.rossum.app/api", "admin", k_now)) == "tok-2");
}

TEST_CASE("token cache: an unwritable directory is a problem returned, not a failure",
          "[token][cache]") {
    if (::geteuid() == 0)
        return; // root ignores permission bits
    TempDir tmp;
    fs::permissions(tmp.path, fs::perms::owner_read | fs::perms::owner_exec);
    TokenCache cache(tmp.path.string());
    auto stored = cache.store("https://a.rossum.app/api", "admin", "tok-1", k_now + 2h);
    REQUIRE_FALSE(stored);
    CHECK(stored.error().kind == ErrorKind::io);
    CHECK(stored.error().message.rfind("cannot create a temporary file in ", 0) == 0);
    CHECK(stored.error().message.find("tok-1") == std::string::npos);
}

TEST_CASE("token cache: a corrupt or group-readable file is ignored with a problem",
          "[token][cache]") {
    TempDir tmp;
    TokenCache cache(tmp.path.string());
    const auto path = cache.path_for("https://a.rossum.app/api", "admin");
    { std::ofstream(path) << "{not json"; }
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
    auto corrupt = cache.load("https://a.rossum.app/api", "admin", k_now);
    REQUIRE_FALSE(corrupt);
    CHECK(corrupt.error().message == "ignoring " + path + ": not a token cache file");
    REQUIRE(cache.store("https://a.rossum.app/api", "admin", "tok-1", k_now + 2h));
    fs::permissions(path, fs::perms::group_read, fs::perm_options::add);
    auto readable = cache.load("https://a.rossum.app/api", "admin", k_now);
    REQUIRE_FALSE(readable);
    CHECK(readable.error().message ==
          "ignoring " + path + ": not a private regular file of this user");
}

TEST_CASE("token cache: a file whose api_url or username is not a string is ignored with a "
          "problem",
          "[token][cache][hostile]") {
    // json::value() threw type_error on these, which ended the run as an internal error.
    TempDir tmp;
    TokenCache cache(tmp.path.string());
    const auto path = cache.path_for("https://a.rossum.app/api", "admin");
    for (const char* text :
         {R"({"api_url": 5, "username": "admin", "token": "t", "expires_at": 99999999999})",
          R"({"api_url": "https://a.rossum.app/api", "username": null, "token": "t",
              "expires_at": 99999999999})",
          R"({"username": "admin", "token": "t", "expires_at": 99999999999})"}) {
        { std::ofstream(path) << text; }
        fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
        auto loaded = cache.load("https://a.rossum.app/api", "admin", k_now);
        REQUIRE_FALSE(loaded);
        CHECK(loaded.error().message == "ignoring " + path + ": not a token cache file");
    }
}

TEST_CASE("token cache: the default directory follows XDG_CACHE_HOME, then HOME",
          "[token][cache]") {
    CHECK(default_token_cache_dir(MapEnvironment(Vars{
              {"XDG_CACHE_HOME", "/x/cache"}, {"HOME", "/home/u"}})) == "/x/cache/rossum-accounts");
    CHECK(default_token_cache_dir(MapEnvironment(Vars{{"HOME", "/home/u"}})) ==
          "/home/u/.cache/rossum-accounts");
    CHECK(default_token_cache_dir(MapEnvironment(Vars{{"XDG_CACHE_HOME", "rel"}})) == std::nullopt);
    CHECK(default_token_cache_dir(MapEnvironment(Vars{})) == std::nullopt);
}

TEST_CASE("token cache: a second lock of the same entry waits, then gives up with a problem",
          "[token][cache][lock]") {
    TempDir tmp;
    const std::string url = "https://a.rossum.app/api";
    TokenCache cache((tmp.path / "cache").string());
    FakeClock clock;
    auto first = cache.lock(url, "admin", clock);
    REQUIRE(first);
    const auto path = cache.lock_path_for(url, "admin");
    CHECK(path == cache.path_for(url, "admin").substr(0, path.size() - 5) + ".lock");
    CHECK(mode_of(path) == 0600);
    CHECK(mode_of((tmp.path / "cache").string()) == 0700);
    // Another run (flock locks belong to the open file, so a second open conflicts here too).
    auto second = TokenCache((tmp.path / "cache").string()).lock(url, "admin", clock, 2s);
    REQUIRE_FALSE(second);
    CHECK(second.error().kind == ErrorKind::io);
    CHECK(second.error().message == path + " is still locked by another run after 2 s");
    CHECK(clock.total_slept() >= 2s);
    CHECK(clock.total_slept() < 3s);
    // Other entries are not held up.
    CHECK(cache.lock(url, "someone-else", clock, 0s));
    // Released with the lock object.
    std::optional<TokenCacheLock> held(std::move(*first));
    CHECK_FALSE(cache.lock(url, "admin", clock, 0s));
    held.reset();
    CHECK(cache.lock(url, "admin", clock, 0s));
}

TEST_CASE("token cache: a lock file that is not a private regular file is a problem",
          "[token][cache][lock]") {
    TempDir tmp;
    TokenCache cache(tmp.path.string());
    FakeClock clock;
    const auto path = cache.lock_path_for("https://a.rossum.app/api", "admin");
    fs::create_symlink(tmp.path / "elsewhere", path);
    auto locked = cache.lock("https://a.rossum.app/api", "admin", clock);
    REQUIRE_FALSE(locked);
    CHECK(locked.error().message.rfind("cannot create " + path + ": ", 0) == 0);
    CHECK_FALSE(fs::exists(tmp.path / "elsewhere"));
    fs::remove(path);
    { std::ofstream(path) << ""; }
    ::chmod(path.c_str(), 0644);
    locked = cache.lock("https://a.rossum.app/api", "admin", clock);
    REQUIRE_FALSE(locked);
    CHECK(locked.error().message == path + " is not a private regular file of this user");
}

TEST_CASE("token cache: no lock where the cache directory cannot be made", "[token][cache][lock]") {
    TempDir tmp;
    { std::ofstream(tmp.path / "file") << "x"; }
    TokenCache cache((tmp.path / "file" / "rossum-accounts").string());
    FakeClock clock;
    auto locked = cache.lock("https://a.rossum.app/api", "admin", clock);
    REQUIRE_FALSE(locked);
    CHECK(locked.error().kind == ErrorKind::io);
    CHECK(locked.error().message.rfind("cannot create " + (tmp.path / "file").string(), 0) == 0);
    CHECK(clock.total_slept() == Clock::Duration::zero());
}
