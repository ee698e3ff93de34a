#include "sandbox/socket_shutdown.hpp"

#include <arpa/inet.h>
#include <cstdlib>
#include <dirent.h>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace ra::sandbox {

namespace {

int port_of(const sockaddr_storage& address) {
    if (address.ss_family == AF_INET) {
        return ntohs(reinterpret_cast<const sockaddr_in&>(address).sin_port);
    }
    if (address.ss_family == AF_INET6) {
        return ntohs(reinterpret_cast<const sockaddr_in6&>(address).sin6_port);
    }
    return -1;
}

bool matches(int fd, int local_port, int peer_port) {
    sockaddr_storage local{};
    socklen_t local_length = sizeof(local);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) != 0 ||
        port_of(local) != local_port) {
        return false;
    }
    sockaddr_storage peer{};
    socklen_t peer_length = sizeof(peer);
    // The listening socket has no peer and is left alone.
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_length) != 0) {
        return false;
    }
    return peer_port < 0 || port_of(peer) == peer_port;
}

// Calls f(fd) for every descriptor of this process.
template <typename F>
void for_each_fd(F f) {
    DIR* directory = opendir("/proc/self/fd");
    if (directory == nullptr) {
        return;
    }
    while (const dirent* entry = readdir(directory)) {
        char* end = nullptr;
        long fd = std::strtol(entry->d_name, &end, 10);
        if (end == entry->d_name || *end != '\0' || fd == dirfd(directory)) {
            continue;
        }
        f(static_cast<int>(fd));
    }
    closedir(directory);
}

} // namespace

bool widen_listen_backlog(int local_port) {
    bool widened = false;
    for_each_fd([&](int fd) {
        sockaddr_storage local{};
        socklen_t local_length = sizeof(local);
        int listening = 0;
        socklen_t flag_length = sizeof(listening);
        if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) == 0 &&
            port_of(local) == local_port &&
            getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &flag_length) == 0 &&
            listening != 0 && listen(fd, SOMAXCONN) == 0) {
            widened = true;
        }
    });
    return widened;
}

int shutdown_connections(int local_port, int peer_port) {
    int count = 0;
    for_each_fd([&](int fd) {
        if (matches(fd, local_port, peer_port) && shutdown(fd, SHUT_RDWR) == 0) {
            ++count;
        }
    });
    return count;
}

} // namespace ra::sandbox
