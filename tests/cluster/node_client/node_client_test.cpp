// node_client_test — the cross-language test: a Node.js program (client.mjs, with the `nats` and
// `msgpackr` packages from npm and nothing of coact's) finds a coact actor by name, sends to it,
// asks it, and follows a shared topic it publishes on.
//
// It starts a nats-server of its own (JetStream on), a coact node "coact" with the actor "echo",
// and then `node client.mjs URL t` in the build's copy of this folder, after `npm ci` there when
// the packages are not installed yet. Exit status 0 when the client printed what it should and
// echo got its message; 77 (CTest's skip) when `node` or `npm` is not installed, with a line
// saying so; 1 otherwise, with what went wrong.
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include <sys/prctl.h>
#include <sys/wait.h>

#include <coact/cluster.hpp>
#include <coact/coact.hpp>

#include "cluster/support/nats_server.hpp"

namespace {

struct headline {
    std::string title;
    std::int32_t n = 0;
};

}  // namespace

COACT_REMOTE(headline, "news.headline", title, n);

namespace {

bool on_path(const char* program) {
    return std::system((std::string("command -v ") + program + " >/dev/null 2>&1").c_str()) == 0;
}

/// Runs `command` in a shell in `dir`, its stdout captured; gives up after `limit`.
int run(const std::string& command, const std::string& dir, std::string& out,
        std::chrono::seconds limit) {
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) return -1;
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        ::dup2(pipe_fds[1], 1);
        ::close(pipe_fds[0]);
        ::close(pipe_fds[1]);
        if (::chdir(dir.c_str()) != 0) ::_exit(126);
        ::execl("/bin/sh", "sh", "-c", command.c_str(), nullptr);
        ::_exit(127);
    }
    ::close(pipe_fds[1]);
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        pollfd p{pipe_fds[0], POLLIN, 0};
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            break;
        }
        if (::poll(&p, 1, 100) <= 0) continue;
        std::array<char, 512> buffer{};
        const ssize_t n = ::read(pipe_fds[0], buffer.data(), buffer.size());
        if (n <= 0) break;
        out.append(buffer.data(), static_cast<std::size_t>(n));
    }
    ::close(pipe_fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int fail(const std::string& why) {
    std::fprintf(stderr, "node_client_test: %s\n", why.c_str());
    return 1;
}

}  // namespace

int main() {
    for (const char* program : {"node", "npm"}) {
        if (!on_path(program)) {
            std::printf("SKIPPED: '%s' is not installed (Debian: apt-get install nodejs npm)\n",
                        program);
            return 77;
        }
    }
    const std::string dir = COACT_NODE_CLIENT_DIR;  // the build's copy of this folder
    if (!std::filesystem::exists(dir + "/node_modules/nats")) {
        std::string npm_out;
        if (run("npm ci --no-audit --no-fund --loglevel=error", dir, npm_out,
                std::chrono::seconds(150)) != 0) {
            return fail("npm ci failed in " + dir + " (is the npm registry reachable?)");
        }
    }

    coact_test::nats_server server;
    coact::runtime rt;
    const coact::cluster net(
        rt,
        {.servers = {server.url()}, .cluster = "t", .node = "coact", .shared_topics = {"news"}});
    std::string got;  // the plain message echo received
    rt.spawn(coact::spawn_options{.name = "echo", .scope = coact::scope::cluster},
             [&](coact::context& self) -> coact::actor {
                 for (;;) {
                     std::string s = co_await self.receive<std::string>();
                     if (s == "shout") {
                         self.reply(std::string("SHOUT"));  // the ask from node.js
                     } else {
                         got = s;
                         self.publish("news", headline{s, 1});
                     }
                 }
             });
    std::thread serving([&] { rt.serve(); });
    std::string out;
    const int status =
        run("node client.mjs " + server.url() + " t", dir, out, std::chrono::seconds(30));
    rt.request_stop();
    serving.join();
    std::printf("%s", out.c_str());
    const std::string expected =
        "found echo\n"
        "asked: string SHOUT\n"
        "headline: hello from node.js (1)\n";
    if (status != 0) return fail("the client exited with status " + std::to_string(status));
    if (out != expected) return fail("the client printed something else; expected:\n" + expected);
    if (got != "hello from node.js") return fail("echo got '" + got + "'");
    std::printf("node_client_test: the Node.js client and coact understood each other\n");
    return 0;
}
