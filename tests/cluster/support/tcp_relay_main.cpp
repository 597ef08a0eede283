// coact_tcp_relay <listen port> <target port> [<listen port> <target port> ...]: TCP relays on
// 127.0.0.1, for the route-cut test
// (route_cut_test.cpp, support/tcp_relay.hpp). Two nats-servers are routed through it; the
// harness kills it by its pid, which closes every connection it carries at once, as a cut cable
// would end them (with the kernel's resets, not a silent stall).
//
// Each accepted connection gets a connection to the target, and two threads copy bytes, one each
// way, until a side closes; then the other side's writing half is shut.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace {

sockaddr_in loopback(int port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

/// Both ends of one relayed connection: closed when both directions are done (the two copying
/// threads share it).
struct pair_of_ends {
    int client = -1;
    int target = -1;
    pair_of_ends(int c, int t) : client(c), target(t) {}
    pair_of_ends(const pair_of_ends&) = delete;
    pair_of_ends& operator=(const pair_of_ends&) = delete;
    ~pair_of_ends() {
        ::close(client);
        ::close(target);
    }
};

void copy(int from, int to) {
    char buffer[64 * 1024];
    for (;;) {
        const ssize_t n = ::read(from, buffer, sizeof buffer);
        if (n <= 0) break;
        for (ssize_t done = 0; done < n;) {
            const ssize_t w = ::write(to, buffer + done, static_cast<std::size_t>(n - done));
            if (w <= 0) {
                ::shutdown(from, SHUT_RD);
                ::shutdown(to, SHUT_WR);
                return;
            }
            done += w;
        }
    }
    ::shutdown(to, SHUT_WR);
}

/// Accepts on `listener` for ever, relaying each connection to `target_port`.
void relay(int listener, int target_port) {
    const sockaddr_in there = loopback(target_port);
    for (;;) {
        const int client = ::accept(listener, nullptr, nullptr);
        if (client < 0) continue;
        const int target = ::socket(AF_INET, SOCK_STREAM, 0);
        if (target < 0 ||
            ::connect(target, reinterpret_cast<const sockaddr*>(&there), sizeof there) != 0) {
            ::close(client);
            if (target >= 0) ::close(target);
            continue;  // the target is not up yet: the server that dialled tries again
        }
        const auto ends = std::make_shared<pair_of_ends>(client, target);
        std::thread([ends] { copy(ends->client, ends->target); }).detach();
        std::thread([ends] { copy(ends->target, ends->client); }).detach();
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3 || argc % 2 == 0) {
        std::fprintf(stderr, "usage: coact_tcp_relay <listen port> <target port> [...]\n");
        return 2;
    }
    ::signal(SIGPIPE, SIG_IGN);  // a write to a closed side is an error return, not a death
    std::vector<std::pair<int, int>> relays;  // (listening socket, target port)
    for (int i = 1; i + 1 < argc; i += 2) {
        const int listen_port = std::atoi(argv[i]);
        const int target_port = std::atoi(argv[i + 1]);
        if (listen_port <= 0 || listen_port > 65535 || target_port <= 0 || target_port > 65535) {
            std::fprintf(stderr, "coact_tcp_relay: bad port '%s' or '%s'\n", argv[i], argv[i + 1]);
            return 2;
        }
        const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
        const int yes = 1;
        const sockaddr_in here = loopback(listen_port);
        if (listener < 0 ||
            ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) != 0 ||
            ::bind(listener, reinterpret_cast<const sockaddr*>(&here), sizeof here) != 0 ||
            ::listen(listener, 16) != 0) {
            std::fprintf(stderr, "coact_tcp_relay: cannot listen on port %d\n", listen_port);
            return 1;
        }
        relays.emplace_back(listener, target_port);
    }
    for (std::size_t i = 1; i < relays.size(); ++i) {
        std::thread(relay, relays[i].first, relays[i].second).detach();
    }
    relay(relays[0].first, relays[0].second);
}
