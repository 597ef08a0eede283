// demos/support/local_nats.hpp — what the cluster demos share to run on one machine with no setup:
// a nats-server of their own on a free port of 127.0.0.1 (JetStream on, in a temporary
// directory), child processes started and stopped by pid.
//
//   demo_support::local_nats server("cluster_pubsub");   // throws std::runtime_error if absent
//   pid_t p = demo_support::start(self, {self, "feed", server.url()}, "feed.log");
//   demo_support::stop(p);                                // SIGTERM, SIGKILL after 5 s
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

namespace demo_support {

/// A TCP port of 127.0.0.1 nothing listened on a moment ago.
inline int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    const bool ok = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
                    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
    if (fd >= 0) ::close(fd);
    if (!ok) throw std::runtime_error("no free port on 127.0.0.1");
    return ntohs(a.sin_port);
}

inline bool accepting(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    const bool ok = fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    if (fd >= 0) ::close(fd);
    return ok;
}

/// Starts `program` with `args` (args[0] included), its stdout into `log` when given, and its
/// stderr too when `log_stderr`. "nats-server" is also looked for in /usr/sbin (Debian puts it
/// there).
inline pid_t start(const std::string& program, const std::vector<std::string>& args,
                   const std::string& log = {}, bool log_stderr = false) {
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        if (!log.empty()) {
            const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0) {
                ::dup2(fd, 1);
                if (log_stderr) ::dup2(fd, 2);
            }
        }
        ::execvp(program.c_str(), argv.data());
        if (program == "nats-server") ::execv("/usr/sbin/nats-server", argv.data());
        ::_exit(127);
    }
    return pid;
}

/// SIGTERM, then SIGKILL if it has not exited after 5 s; reaps it.
inline void stop(pid_t pid) {
    if (pid <= 0) return;
    ::kill(pid, SIGTERM);
    for (int i = 0; i < 500; ++i) {
        if (::waitpid(pid, nullptr, WNOHANG) == pid) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
}

/// A nats-server of the demo's own, stopped and its directory removed when this goes.
class local_nats {
  public:
    explicit local_nats(const std::string& demo)
        : port_(free_port()),
          dir_(std::filesystem::temp_directory_path() /
               ("coact-" + demo + "-" + std::to_string(::getpid()))) {
        std::filesystem::create_directories(dir_);
        pid_ = start("nats-server",
                     {"nats-server", "-a", "127.0.0.1", "-p", std::to_string(port_), "-js", "-sd",
                      (dir_ / "js").string()},
                     (dir_ / "server.log").string(), true);
        for (int i = 0; i < 1000 && !accepting(port_); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        if (!accepting(port_)) {
            stop(pid_);
            throw std::runtime_error(
                "nats-server did not start (Debian: apt-get install nats-server)");
        }
    }
    local_nats(const local_nats&) = delete;
    local_nats& operator=(const local_nats&) = delete;
    ~local_nats() {
        stop(pid_);
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
    [[nodiscard]] std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }
    /// A directory for the demo's own files (removed with the server).
    [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }

  private:
    int port_;
    std::filesystem::path dir_;
    pid_t pid_ = -1;
};

}  // namespace demo_support
