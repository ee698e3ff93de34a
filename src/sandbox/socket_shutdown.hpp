#pragma once
// httplib hands handlers no socket, so connections are found by their ports: every open socket
// of this process whose local port is the server's (and, if given, whose peer port matches).

namespace ra::sandbox {

// shutdown(SHUT_RDWR) on the matching connected sockets; returns how many were shut down.
// peer_port < 0 matches every peer (used by stop() to end idle keep-alive connections).
int shutdown_connections(int local_port, int peer_port);

// Raises the backlog of the listening socket on local_port to SOMAXCONN (listen() again, which
// Linux allows); false when there is none. httplib listens with a backlog of 5 (compiled into
// libcpp-httplib): a client opening more connections at once than that lost its SYNs and
// connected a second later, so its requests arrived, and were counted against the rate limit,
// a second after it sent them, and the sandbox answered 429 to a client within the limit.
bool widen_listen_backlog(int local_port);

} // namespace ra::sandbox
