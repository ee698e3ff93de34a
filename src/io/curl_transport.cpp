#include "rossum_accounts/io/curl_transport.hpp"

#include "rossum_accounts/io/api_url.hpp"
#include "rossum_accounts/version.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <curl/curl.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace ra {
namespace {

struct Exchange {
    HttpResponse response;
    std::size_t cap = 0;
    bool over_cap = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* ex = static_cast<Exchange*>(user);
    const std::size_t n = size * count;
    if (ex->response.body.size() + n > ex->cap) {
        ex->over_cap = true;
        return 0; // makes curl stop with CURLE_WRITE_ERROR
    }
    ex->response.body.append(data, n);
    return n;
}

// A body of a stated length is received into one allocation: a page of users is about 50 KB,
// which would otherwise be copied as the string doubles (docs/design.md §9.6). Never beyond the
// cap, which the body is refused past anyway; a wrong length only costs the guess.
void reserve_for_length(Exchange& ex, const std::pair<std::string, std::string>& header) {
    const auto& [name, value] = header;
    if (!header_name_is(name, "content-length"))
        return;
    std::size_t length = 0;
    const auto [end, problem] = std::from_chars(value.data(), value.data() + value.size(), length);
    if (problem == std::errc() && end == value.data() + value.size())
        ex.response.body.reserve(std::min(length, ex.cap));
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* ex = static_cast<Exchange*>(user);
    const std::size_t n = size * count;
    std::string_view line(data, n);
    if (line.rfind("HTTP/", 0) == 0) {
        ex->response.headers.clear(); // a new response (after 100 Continue)
        return n;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos)
        return n;
    auto trim = [](std::string_view s) {
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
            s.remove_prefix(1);
        while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' '))
            s.remove_suffix(1);
        return std::string(s);
    };
    ex->response.headers.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
    reserve_for_length(*ex, ex->response.headers.back());
    return n;
}

bool header_value_safe(const std::string& value) {
    return value.find_first_of("\r\n") == std::string::npos &&
           value.find('\0') == std::string::npos;
}

struct SlistDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

} // namespace

// One easy handle and what libcurl writes into for it. A handle keeps its own connection cache.
struct CurlHandle {
    CURL* handle = nullptr;
    char error_buffer[CURL_ERROR_SIZE] = {};
    ~CurlHandle() {
        if (handle != nullptr)
            curl_easy_cleanup(handle);
    }
};

struct CurlTransport::Impl {
    explicit Impl(const SecretMasker& m) : masker(m) {}
    CurlOptions options;
    const SecretMasker& masker;
    std::string user_agent;
    CURLSH* share = nullptr;
    // One mutex per kind of shared data, as libcurl's lock callbacks ask for.
    std::mutex share_locks[CURL_LOCK_DATA_LAST];
    std::mutex pool_mutex;
    std::vector<std::unique_ptr<CurlHandle>> idle; // last returned first: its connection is warm

    ~Impl() {
        idle.clear(); // handles before the share they use
        if (share != nullptr)
            curl_share_cleanup(share);
    }

    Error classify(CURLcode code, const Exchange& ex, const CurlHandle& h) const;
    Status configure_share();
    std::unique_ptr<CurlHandle> make_handle() const;
    std::unique_ptr<CurlHandle> take();
    void give_back(std::unique_ptr<CurlHandle> h);
};

Status curl_global_setup() {
    static std::once_flag once;
    static CURLcode result = CURLE_OK;
    std::call_once(once, [] {
        // With CURLOPT_NOSIGNAL libcurl no longer shields us from SIGPIPE, which OpenSSL can
        // raise on a connection the server closed; a CLI must not die of it.
        std::signal(SIGPIPE, SIG_IGN);
        result = curl_global_init(CURL_GLOBAL_DEFAULT);
    });
    if (result != CURLE_OK)
        return make_error(ErrorKind::internal,
                          fmt::format("cannot initialise libcurl: {}", curl_easy_strerror(result)));
    return ok_status();
}

Status check_ca_bundle(const std::string& path) {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return make_error(ErrorKind::usage, fmt::format("--ca-bundle {}: cannot read it: {}", path,
                                                        std::strerror(errno)));
    struct stat st {};
    const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    ::close(fd);
    if (!regular)
        return make_error(ErrorKind::usage,
                          fmt::format("--ca-bundle {}: not a regular file", path));
    return ok_status();
}

std::unique_ptr<CurlHandle> CurlTransport::Impl::make_handle() const {
    auto h = std::make_unique<CurlHandle>();
    h->handle = curl_easy_init();
    if (h->handle == nullptr)
        return nullptr;
    CURL* handle = h->handle;
    curl_easy_setopt(handle, CURLOPT_SHARE, share);
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "https,http");
    curl_easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR, "https");
    curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
    if (options.ca_bundle)
        curl_easy_setopt(handle, CURLOPT_CAINFO, options.ca_bundle->c_str());
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options.connect_timeout.count()));
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, options.low_speed_bytes);
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME,
                     static_cast<long>(options.low_speed_time.count()));
    curl_easy_setopt(handle, CURLOPT_USERAGENT, user_agent.c_str());
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, h->error_buffer);
    // A page of 100 users is about 50 kB: received in one or two reads rather than four of the
    // default 16 kB (a 10,000 x 100,000 plan made 1,710 recvfrom calls instead of 4,334; the CPU
    // time it saves is below the noise of a shared machine).
    curl_easy_setopt(handle, CURLOPT_BUFFERSIZE, 64L * 1024);
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, on_header);
    return h;
}

static void lock_shared(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<std::mutex*>(user)[data].lock();
}

static void unlock_shared(CURL*, curl_lock_data data, void* user) {
    static_cast<std::mutex*>(user)[data].unlock();
}

Status CurlTransport::Impl::configure_share() {
    share = curl_share_init();
    if (share == nullptr)
        return make_error(ErrorKind::internal, "cannot create a libcurl share handle");
    curl_share_setopt(share, CURLSHOPT_LOCKFUNC, lock_shared);
    curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, unlock_shared);
    curl_share_setopt(share, CURLSHOPT_USERDATA, share_locks);
    // Connections are not shared: libcurl's shared connection cache is not safe across threads
    // in the versions Debian ships; each handle keeps its own.
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    return ok_status();
}

std::unique_ptr<CurlHandle> CurlTransport::Impl::take() {
    {
        std::lock_guard lock(pool_mutex);
        if (!idle.empty()) {
            auto h = std::move(idle.back());
            idle.pop_back();
            return h;
        }
    }
    return make_handle();
}

void CurlTransport::Impl::give_back(std::unique_ptr<CurlHandle> h) {
    std::lock_guard lock(pool_mutex);
    idle.push_back(std::move(h));
}

Result<std::unique_ptr<CurlTransport>> CurlTransport::create(CurlOptions options,
                                                             const SecretMasker& masker) {
    if (auto init = curl_global_setup(); !init)
        return init.error();
    if (options.ca_bundle)
        if (auto ok = check_ca_bundle(*options.ca_bundle); !ok)
            return ok.error();
    auto impl = std::make_unique<Impl>(masker);
    impl->options = std::move(options);
    impl->user_agent = fmt::format("rossum-accounts/{}", k_version);
    if (auto shared = impl->configure_share(); !shared)
        return shared.error();
    auto first = impl->make_handle();
    if (first == nullptr)
        return make_error(ErrorKind::internal, "cannot create a libcurl handle");
    impl->give_back(std::move(first));
    return std::unique_ptr<CurlTransport>(new CurlTransport(std::move(impl)));
}

CurlTransport::CurlTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CurlTransport::~CurlTransport() = default;

Error CurlTransport::Impl::classify(CURLcode code, const Exchange& ex, const CurlHandle& h) const {
    // libcurl's text can quote the URL or a header: it is masked; the request itself is named
    // by the sender.
    const std::string detail =
        masker.mask(h.error_buffer[0] != '\0' ? h.error_buffer : curl_easy_strerror(code));
    auto fail = [&](TransportFailure failure, const char* what) {
        return make_transport_error(failure, fmt::format("{} ({})", what, detail));
    };
    switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
        return fail(TransportFailure::connect_failed, "cannot connect");
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_CERTPROBLEM:
        return fail(TransportFailure::tls_verification,
                    "the server's TLS certificate was not accepted");
    case CURLE_OPERATION_TIMEDOUT: {
        if (std::strncmp(h.error_buffer, "Operation too slow", 18) == 0)
            return fail(TransportFailure::too_slow, "the answer was too slow");
        curl_off_t pretransfer = 0;
        curl_easy_getinfo(h.handle, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
        if (pretransfer > 0)
            return fail(TransportFailure::timeout_after_send, "timed out waiting for the answer");
        return fail(TransportFailure::timeout_before_send, "timed out before sending");
    }
    case CURLE_WRITE_ERROR:
        if (ex.over_cap)
            return make_transport_error(
                TransportFailure::body_too_large,
                fmt::format("the answer is larger than {} bytes", options.max_body_bytes));
        return fail(TransportFailure::dropped, "the answer could not be stored");
    case CURLE_PARTIAL_FILE:
        return fail(TransportFailure::partial_body, "the answer was cut short");
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        return fail(TransportFailure::refused, "the URL cannot be used");
    default:
        return fail(TransportFailure::dropped, "the connection failed");
    }
}

Result<HttpResponse> CurlTransport::perform(const HttpRequest& request) {
    auto parts = parse_url(request.url);
    if (!parts || parts->has_userinfo ||
        (parts->scheme == "http" && !is_loopback_host(parts->host)))
        return make_transport_error(
            TransportFailure::refused,
            "refusing a URL that is not https (or http on a loopback host)");
    Slist headers(curl_slist_append(nullptr, "Accept: application/json"));
    curl_slist_append(headers.get(), "Expect:");
    if (request.method != HttpMethod::get)
        curl_slist_append(headers.get(), "Content-Type: application/json");
    for (const auto& [name, value] : request.headers) {
        if (!header_value_safe(name) || !header_value_safe(value))
            return make_transport_error(TransportFailure::refused,
                                        "a header contains a line break");
        curl_slist_append(headers.get(), fmt::format("{}: {}", name, value).c_str());
    }
    auto pooled = impl_->take();
    if (pooled == nullptr)
        return make_error(ErrorKind::internal, "cannot create a libcurl handle");
    CURL* h = pooled->handle;
    Exchange ex;
    ex.cap = impl_->options.max_body_bytes;
    pooled->error_buffer[0] = '\0';
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    // Authorization must never cross a proxy in clear: loopback (plain http) goes direct.
    curl_easy_setopt(h, CURLOPT_NOPROXY, is_loopback_host(parts->host) ? "*" : nullptr);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &ex);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &ex);
    // libcurl silently resends a request once when a reused connection dies before any answer
    // byte; for a POST that may already be committed that would duplicate the create.
    curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, request.method == HttpMethod::post ? 1L : 0L);
    switch (request.method) {
    case HttpMethod::get:
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, nullptr);
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
        break;
    case HttpMethod::post:
    case HttpMethod::patch:
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST,
                         request.method == HttpMethod::patch ? "PATCH" : nullptr);
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size()));
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
        break;
    }
    const CURLcode code = curl_easy_perform(h);
    // The handle must not keep pointers into this call's buffers.
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, nullptr);
    if (code != CURLE_OK) {
        Error e = impl_->classify(code, ex, *pooled);
        impl_->give_back(std::move(pooled));
        return e;
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    ex.response.status = static_cast<int>(status);
    impl_->give_back(std::move(pooled));
    return std::move(ex.response);
}

} // namespace ra
