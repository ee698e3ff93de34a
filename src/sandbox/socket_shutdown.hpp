#pragma once
// httplib hands handlers no socket, so connections are found by their ports: every open socket
// of this process whose local port is the server's (and, if given, whose peer port matches).

namespace ra::sandbox {

// shutdown(SHUT_RDWR) on the matching connected sockets; returns how many were shut down.
// peer_port < 0 matches every peer (used by stop() to end idle keep-alive connections).
int shutdown_connections(int local_port, int peer_port);

} // namespace ra::sandbox
