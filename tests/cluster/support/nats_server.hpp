// cluster/support/nats_server.hpp — a nats-server of the test's own, on a free port of 127.0.0.1.
//
// The constructor writes a configuration (the listen address, `extra`, e.g. an authorization
// block, and JetStream unless told otherwise) into a fresh directory, starts `nats-server -c` on
// it, and returns once the port accepts connections; the destructor stops the server by its pid
// (SIGTERM, then SIGKILL after 5 s) and removes the directory. A server that does not come up
// within 10 s is a std::runtime_error with the end of its log. Nothing is left running when a test
// fails: the server dies with the object, and stop()/start() restart it on the same port (a server
// restart as the node sees it).
//
//   coact_test::nats_server server;
//   coact::cluster net{rt, {.servers = {server.url()}, .cluster = "t", .node = "a"}};
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

namespace coact_test {

/// Configuration for nats_server's `extra`: accounts as docs/concepts/cluster.md deploys them, so
/// that the nodes hear the servers' disconnect advisories. The nodes' account APP imports them
/// from the system account; clients that give no credentials are APP's user.
inline std::string accounts_with_advisories() {
    return R"(accounts {
  SYS: { users: [{user: sys, password: sys}],
         exports: [{stream: "$SYS.ACCOUNT.*.DISCONNECT"}] }
  APP: { jetstream: enabled, users: [{user: app, password: app}],
         imports: [{stream: {account: SYS, subject: "$SYS.ACCOUNT.APP.DISCONNECT"}}] }
}
system_account: SYS
no_auth_user: app
)";
}

/// A TCP port on 127.0.0.1 that nothing listened on a moment ago.
inline int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("free_port: socket() failed");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("free_port: bind() failed");
    }
    ::close(fd);
    return ntohs(a.sin_port);
}

/// Whether something accepts TCP connections on 127.0.0.1:port.
inline bool accepting(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

class nats_server {
  public:
    /// `jetstream`: with JetStream (cluster-scoped names need it), stored in the directory.
    explicit nats_server(std::string extra = "", bool jetstream = true)
        : port_(free_port()), extra_(std::move(extra)) {
        dir_ = std::filesystem::temp_directory_path() /
               ("coact-nats-" + std::to_string(::getpid()) + "-" + std::to_string(port_));
        std::filesystem::create_directories(dir_);
        std::ofstream conf(dir_ / "server.conf");
        conf << "listen: 127.0.0.1:" << port_ << "\n" << extra_ << "\n";
        if (jetstream) conf << "jetstream { store_dir: \"" << (dir_ / "js").string() << "\" }\n";
        conf.close();
        start();
    }
    nats_server(const nats_server&) = delete;
    nats_server& operator=(const nats_server&) = delete;
    ~nats_server() {
        stop();
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }

    [[nodiscard]] std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }
    [[nodiscard]] int port() const noexcept { return port_; }
    [[nodiscard]] pid_t pid() const noexcept { return pid_; }

    /// Adds JetStream to the configuration, for the next start() (call it while stopped).
    void enable_jetstream() {
        std::ofstream conf(dir_ / "server.conf", std::ios::app);
        conf << "jetstream { store_dir: \"" << (dir_ / "js").string() << "\" }\n";
    }

    /// Starts the server (again) on its port.
    void start() {
        if (pid_ > 0) return;
        const std::string conf = (dir_ / "server.conf").string();
        const std::string log = (dir_ / "server.log").string();
        const pid_t parent = ::getpid();
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("nats_server: fork() failed");
        if (pid_ == 0) {
            // The server dies with the test process, also when a sanitizer or a crash ends it
            // before this object's destructor could stop it. (Linux sends the signal when the
            // thread that forked ends: make the server on the test's own thread.)
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent) ::_exit(1);  // the test process is already gone
            // Only async-signal-safe calls until exec: the test process may have other threads
            // (cnats'), whose locks the child would inherit held.
            const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (fd >= 0) {
                ::dup2(fd, 1);
                ::dup2(fd, 2);
            }
            ::execlp("nats-server", "nats-server", "-c", conf.c_str(), nullptr);
            ::execl("/usr/sbin/nats-server", "nats-server", "-c", conf.c_str(), nullptr);
            constexpr char missing[] =
                "nats_server: cannot run nats-server (Debian: nats-server)\n";
            static_cast<void>(::write(2, missing, sizeof missing - 1));
            ::_exit(127);
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!accepting(port_)) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                throw std::runtime_error("nats_server: the server exited: " + log_tail());
            }
            if (std::chrono::steady_clock::now() > deadline) {
                stop();
                throw std::runtime_error("nats_server: not listening after 10 s: " + log_tail());
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }

    /// Stops the server by its pid (SIGTERM; SIGKILL if it has not exited after 5 s).
    void stop() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        int status = 0;
        while (::waitpid(pid_, &status, WNOHANG) != pid_) {
            if (std::chrono::steady_clock::now() > deadline) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &status, 0);
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        pid_ = -1;
    }

    /// Whether the server's log has `text` anywhere.
    [[nodiscard]] bool log_contains(std::string_view text) const {
        std::ifstream in(dir_ / "server.log");
        std::stringstream all;
        all << in.rdbuf();
        return all.str().find(text) != std::string::npos;
    }

    /// The last lines the server wrote.
    [[nodiscard]] std::string log_tail() const {
        std::ifstream in(dir_ / "server.log");
        std::stringstream all;
        all << in.rdbuf();
        const std::string s = all.str();
        return s.size() > 2000 ? s.substr(s.size() - 2000) : s;
    }

  private:
    int port_;
    std::string extra_;
    std::filesystem::path dir_;
    pid_t pid_ = -1;
};

}  // namespace coact_test
