// cluster/support/node_process.hpp — a coact node in a process of its own (lone_node.hpp), for the
// tests and the benchmark that kill or freeze a node. The constructor starts it and returns once it
// has joined (it prints "joined"); kill(SIGKILL) crashes it, kill(SIGSTOP) freezes it; the
// destructor kills it by its pid and reaps it, also when a test fails. Like the server, it dies
// with the test process (PR_SET_PDEATHSIG).
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <stdexcept>
#include <string>

#include <sys/prctl.h>
#include <sys/wait.h>

namespace coact_test {

class node_process {
  public:
    /// `program [first] url cluster node name`: a program that runs run_lone_node on these four,
    /// after `first` if it is not empty (bench_cluster's `--lone-node`).
    node_process(const std::string& program, const std::string& first, const std::string& url,
                 const std::string& cluster, const std::string& node, const std::string& name) {
        int out[2];
        if (::pipe(out) != 0) throw std::runtime_error("node_process: pipe() failed");
        const pid_t parent = ::getpid();
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("node_process: fork() failed");
        if (pid_ == 0) {  // async-signal-safe calls only until exec (the test has other threads)
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent) ::_exit(1);
            ::dup2(out[1], 1);
            ::close(out[0]);
            ::close(out[1]);
            if (first.empty()) {
                ::execl(program.c_str(), program.c_str(), url.c_str(), cluster.c_str(),
                        node.c_str(), name.c_str(), nullptr);
            } else {
                ::execl(program.c_str(), program.c_str(), first.c_str(), url.c_str(),
                        cluster.c_str(), node.c_str(), name.c_str(), nullptr);
            }
            ::_exit(127);
        }
        ::close(out[1]);
        // Wait for "joined" (or the end of its output: it failed).
        std::string said;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (said.find("joined") == std::string::npos) {
            pollfd p{out[0], POLLIN, 0};
            if (std::chrono::steady_clock::now() > deadline || ::poll(&p, 1, 100) < 0) break;
            if ((p.revents & (POLLIN | POLLHUP)) == 0) continue;
            std::array<char, 256> buffer{};
            const ssize_t n = ::read(out[0], buffer.data(), buffer.size());
            if (n <= 0) break;
            said.append(buffer.data(), static_cast<std::size_t>(n));
        }
        ::close(out[0]);
        if (said.find("joined") == std::string::npos) {
            kill(SIGKILL);
            throw std::runtime_error("node_process: " + program + " did not join (see stderr)");
        }
    }
#ifdef COACT_TEST_NODE_PROGRAM
    /// coact_cluster_node (node_main.cpp), its path from the build.
    node_process(const std::string& url, const std::string& cluster, const std::string& node,
                 const std::string& name)
        : node_process(COACT_TEST_NODE_PROGRAM, "", url, cluster, node, name) {}
#endif
    node_process(const node_process&) = delete;
    node_process& operator=(const node_process&) = delete;
    ~node_process() { kill(SIGKILL); }

    /// Sends `signal`; SIGKILL also reaps it.
    void kill(int signal) {
        if (pid_ <= 0) return;
        ::kill(pid_, signal);
        if (signal == SIGKILL) {
            int status = 0;
            ::waitpid(pid_, &status, 0);
            pid_ = -1;
        }
    }

  private:
    pid_t pid_ = -1;
};

}  // namespace coact_test
