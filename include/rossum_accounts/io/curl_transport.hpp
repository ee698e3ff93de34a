#pragma once
// HttpTransport over libcurl easy handles, configured explicitly (docs/design.md §10.2):
// verification on, no redirects, bounded time and size, no proxy for loopback hosts.
// Thread-safe (docs/design.md §9.7): each perform() takes an idle handle from a pool (or makes
// one), so a worker's GETs reuse that handle's kept-alive connection; all handles share one TLS
// session cache and DNS cache, so a POST's fresh connection resumes a TLS session instead of a
// full handshake.

#include "rossum_accounts/core/result.hpp"
#include "rossum_accounts/core/secret_masker.hpp"
#include "rossum_accounts/io/http_transport.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace ra {

struct CurlOptions {
    std::optional<std::string> ca_bundle;      // --ca-bundle: replaces the system store
    std::chrono::milliseconds timeout{30'000}; // --timeout: whole request
    std::chrono::milliseconds connect_timeout{10'000};
    long low_speed_bytes = 1;                      // slower than this ...
    std::chrono::seconds low_speed_time{15};       // ... for this long → abort (too_slow)
    std::size_t max_body_bytes = 16 * 1024 * 1024; // larger answers → body_too_large
};

// curl_global_init once per process, and SIGPIPE ignored (NOSIGNAL leaves it to us); main calls
// it before any thread exists.
Status curl_global_setup();

// ErrorKind::usage when the CA bundle file is missing or unreadable.
Status check_ca_bundle(const std::string& path);

class CurlTransport : public HttpTransport {
public:
    // Fails with ErrorKind::usage for an unreadable CA bundle, internal if curl cannot start.
    // `masker` masks libcurl's own text in error messages; it must outlive the transport.
    static Result<std::unique_ptr<CurlTransport>> create(CurlOptions options,
                                                         const SecretMasker& masker);
    ~CurlTransport() override;
    CurlTransport(const CurlTransport&) = delete;
    CurlTransport& operator=(const CurlTransport&) = delete;

    Result<HttpResponse> perform(const HttpRequest& request) override;

private:
    struct Impl;
    explicit CurlTransport(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace ra
