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
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <coact/cluster.hpp>
#include <coact/coact.hpp>

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

/// Serves until SIGTERM or SIGINT (the parent stops pong that way).
int run_pong(const std::string& url) {
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);  // for every thread started from here

    coact::runtime rt;
    const coact::cluster net(rt, options(url, "pong"));
    rt.spawn(coact::spawn_options{.name = "pong", .scope = coact::scope::cluster}, pong);
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
    while (!rt.lookup("pong") && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(5ms);
    }
    if (!rt.lookup("pong")) {
        rt.request_stop();
        server.join();
        fail("no actor named 'pong' appeared in cluster 'demo' within 10 s (is pong running?)");
    }
    rt.send(player, 0);
    server.join();
    return done.load() ? 0 : 1;
}

// --- everything in one command: a server and the two players as child processes ---

int free_port() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        fail("no free port on 127.0.0.1");
    }
    close(fd);
    return ntohs(a.sin_port);
}

bool accepting(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    const bool ok = fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    if (fd >= 0) close(fd);
    return ok;
}

pid_t start(const char* program, const std::vector<std::string>& args, const char* log) {
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid < 0) fail("fork failed");
    if (pid == 0) {
        if (log != nullptr) {
            const int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0) {
                dup2(fd, 1);
                dup2(fd, 2);
            }
        }
        execvp(program, argv.data());
        if (std::string_view(program) == "nats-server") {
            execv("/usr/sbin/nats-server", argv.data());
        }
        _exit(127);
    }
    return pid;
}

void stop(pid_t pid) {
    kill(pid, SIGTERM);
    for (int i = 0; i < 500; ++i) {
        if (waitpid(pid, nullptr, WNOHANG) == pid) return;
        std::this_thread::sleep_for(10ms);
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
}

int run_all(const char* self) {
    const int port = free_port();
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("coact-demo-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const std::string log = (dir / "server.log").string();
    const pid_t server = start("nats-server",
                               {"nats-server", "-a", "127.0.0.1", "-p", std::to_string(port), "-js",
                                "-sd", (dir / "js").string()},
                               log.c_str());
    for (int i = 0; i < 1000 && !accepting(port); ++i) std::this_thread::sleep_for(10ms);
    const std::string url = "nats://127.0.0.1:" + std::to_string(port);
    int status = 1;
    if (!accepting(port)) {
        std::fprintf(stderr, "cluster_pingpong: nats-server did not start (Debian: nats-server)\n");
    } else {
        const pid_t pong_pid = start(self, {self, "pong", url}, nullptr);
        const pid_t ping_pid = start(self, {self, "ping", url, "5"}, nullptr);
        int ping_status = 0;
        waitpid(ping_pid, &ping_status, 0);
        stop(pong_pid);
        status = WIFEXITED(ping_status) ? WEXITSTATUS(ping_status) : 1;
    }
    stop(server);
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
    return status;
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
    } catch (const coact::error& e) {
        fail(e.what());
    }
}
