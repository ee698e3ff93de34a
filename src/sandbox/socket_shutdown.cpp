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

} // namespace

int shutdown_connections(int local_port, int peer_port) {
    DIR* directory = opendir("/proc/self/fd");
    if (directory == nullptr) {
        return 0;
    }
    int count = 0;
    while (const dirent* entry = readdir(directory)) {
        char* end = nullptr;
        long fd = std::strtol(entry->d_name, &end, 10);
        if (end == entry->d_name || *end != '\0' || fd == dirfd(directory)) {
            continue;
        }
        if (matches(static_cast<int>(fd), local_port, peer_port) &&
            shutdown(static_cast<int>(fd), SHUT_RDWR) == 0) {
            ++count;
        }
    }
    closedir(directory);
    return count;
}

} // namespace ra::sandbox
