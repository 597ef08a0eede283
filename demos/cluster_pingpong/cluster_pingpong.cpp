// cluster_pingpong — Beazley's ping-pong with ping and pong in two processes, on NATS.
//
// The pingpong demo's two actors, each in a process of its own: "pong" claims its name in the
// whole cluster (spawn_options::scope::cluster) and answers whoever sent to it; "ping" sends to
// "pong" by name, as it would in one process. Between them: a NATS server, coact's wire format,
// a proxy on each side (docs/design/cluster.md).
//
//   build/release/demos/cluster_pingpong/cluster_pingpong
//       starts a nats-server of its own on a free port of 127.0.0.1, runs pong and ping as two
//       child processes of this program, prints what they print, stops them and the server
//   cluster_pingpong pong nats://host:4222            one side, on a server you run
//   cluster_pingpong ping nats://host:4222 [rounds]   the other (default 5 rounds)
//
// Each player prints the number it got and sends the next one (ping 0, pong 1, ping 2, ...,
// ping 2 * rounds): a player prints before it sends, so the lines come in the game's order
// although two processes print them. Exit status: 0 when ping saw the last answer, 1 when
// something failed (with a message on stderr), 2 for a bad command line.
#include <signal.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>

#include <sys/wait.h>

#include <coact/cluster.hpp>
#include <coact/coact.hpp>

#include "support/local_nats.hpp"

namespace {

using namespace std::chrono_literals;

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr,
                 "cluster_pingpong: %s\n"
                 "usage: cluster_pingpong                       (its own server, both players)\n"
                 "       cluster_pingpong pong URL\n"
                 "       cluster_pingpong ping URL [ROUNDS]\n",
                 why);
    std::exit(2);
}

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "cluster_pingpong: %s\n", what.c_str());
    std::exit(1);
}

coact::cluster_options options(const std::string& url, const char* node) {
    return {.servers = {url}, .cluster = "demo", .node = node};
}

// --- the players ---

// [snippet:players]
coact::actor pong(coact::context& self) {
    for (;;) {
        const int n = co_await self.receive<int>();
        std::printf("pong %d\n", n);
        std::fflush(stdout);
        self.send(self.sender(), n + 1);  // back through the proxy of ping's node
    }
}

coact::actor ping(coact::context& self, int last, std::atomic<bool>* done) {
    int n = co_await self.receive<int>();  // the start: 0
    for (;;) {
        std::printf("ping %d\n", n);
        std::fflush(stdout);
        if (n >= last) break;
        self.send("pong", n + 1);  // by name: "pong" is another process's actor
        n = co_await self.receive<int>();
    }
    done->store(true);
    self.runtime().request_stop();
}
// [/snippet:players]

/// Serves until SIGTERM or SIGINT (the parent stops pong that way).
int run_pong(const std::string& url) {
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);  // for every thread started from here

    // [snippet:pong_node]
    coact::runtime rt;
    const coact::cluster net(rt, options(url, "pong"));
    rt.spawn(coact::spawn_options{.name = "pong", .scope = coact::scope::cluster}, pong);
    // [/snippet:pong_node]
    std::thread waiter([&] {
        int signal = 0;
        sigwait(&stop_signals, &signal);
        rt.request_stop();
    });
    rt.serve();
    pthread_kill(waiter.native_handle(), SIGTERM);  // ends the wait if serve() ended otherwise
    waiter.join();
    return 0;
}

int run_ping(const std::string& url, int rounds) {
    coact::runtime rt;
    const coact::cluster net(rt, options(url, "ping"));
    std::atomic<bool> done{false};
    const coact::address player = rt.spawn(ping, 2 * rounds, &done);
    std::thread server([&] { rt.serve(); });
    // "pong" is seen here once the other node has claimed it and the news has come.
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!rt.try_lookup("pong") && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(5ms);
    }
    if (!rt.try_lookup("pong")) {
        rt.request_stop();
        server.join();
        fail("no actor named 'pong' appeared in cluster 'demo' within 10 s (is pong running?)");
    }
    rt.send(player, 0);
    server.join();
    return done.load() ? 0 : 1;
}

// --- everything in one command: a server and the two players as child processes ---

int run_all(const char* self) {
    const demo_support::local_nats server("cluster_pingpong");
    const pid_t pong_pid = demo_support::start(self, {self, "pong", server.url()});
    const pid_t ping_pid = demo_support::start(self, {self, "ping", server.url(), "5"});
    int ping_status = 0;
    waitpid(ping_pid, &ping_status, 0);
    demo_support::stop(pong_pid);
    return WIFEXITED(ping_status) ? WEXITSTATUS(ping_status) : 1;
}

int rounds_from(const char* text) {
    int n = 0;
    const std::string_view s(text);
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || end != s.data() + s.size() || n < 1 || n > 1'000'000) {
        usage("ROUNDS must be a whole number from 1 to 1000000");
    }
    return n;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        if (argc == 1) return run_all(argv[0]);
        const std::string_view role = argv[1];
        if (role == "pong" && argc == 3) return run_pong(argv[2]);
        if (role == "ping" && (argc == 3 || argc == 4)) {
            return run_ping(argv[2], argc == 4 ? rounds_from(argv[3]) : 5);
        }
        usage("expected no argument, 'pong URL' or 'ping URL [ROUNDS]'");
    } catch (const std::exception& e) {  // coact's errors, and no nats-server to start
        fail(e.what());
    }
}
