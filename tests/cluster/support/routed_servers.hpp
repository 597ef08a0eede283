// cluster/support/routed_servers.hpp — two nats-servers of one NATS cluster whose route runs
// through a TCP relay in a process of its own (tcp_relay_main.cpp), so that a test can cut the
// route by killing the relay, as a cut cable between two hosts would.
//
// Each server dials the other's route port through the relay only, and `no_advertise` keeps it
// from learning a direct address, so the cut stays cut (each server retries the relay's port
// every second). Both run JetStream in one meta group (the nodes' names need it); the constructor
// returns once a key-value bucket can be made through either server. After cut() the group has no
// quorum: names can be neither claimed nor given back until the route is back.
//
//   coact_test::routed_servers servers;
//   coact::cluster a(ra, coact_test::on(servers.first, "a"));   // on one side of the route
//   coact::cluster b(rb, coact_test::on(servers.second, "b"));  // on the other
//   servers.cut();
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

#include <nats/nats.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "cluster/support/nats_server.hpp"

namespace coact_test {

/// coact_tcp_relay with its (listen, target) port pairs, stopped by its pid.
class relay_process {
  public:
    relay_process(int listen_a, int target_a, int listen_b, int target_b) {
        const std::string args[4] = {std::to_string(listen_a), std::to_string(target_a),
                                     std::to_string(listen_b), std::to_string(target_b)};
        const pid_t parent = ::getpid();
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("relay_process: fork() failed");
        if (pid_ == 0) {  // async-signal-safe calls only until exec (the test has other threads)
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent) ::_exit(1);
            ::execl(COACT_TEST_RELAY_PROGRAM, COACT_TEST_RELAY_PROGRAM, args[0].c_str(),
                    args[1].c_str(), args[2].c_str(), args[3].c_str(), nullptr);
            ::_exit(127);
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!accepting(listen_a) || !accepting(listen_b)) {
            if (std::chrono::steady_clock::now() > deadline) {
                kill();
                throw std::runtime_error("relay_process: not listening after 10 s");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }
    relay_process(const relay_process&) = delete;
    relay_process& operator=(const relay_process&) = delete;
    ~relay_process() { kill(); }

    /// SIGKILL, and reaped: every relayed connection ends now.
    void kill() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
    }

  private:
    pid_t pid_ = -1;
};

/// The cluster block of a server named `name` listening for routes on `route_port` and dialling
/// `peer_port` (the relay's).
inline std::string routed(const std::string& name, int route_port, int peer_port) {
    return "server_name: " + name +
           "\ncluster {\n  name: coact_test\n  listen: 127.0.0.1:" + std::to_string(route_port) +
           "\n  no_advertise: true\n  routes: [nats-route://127.0.0.1:" +
           std::to_string(peer_port) + "]\n}\n";
}

struct routed_servers {
    routed_servers()
        : route_first(free_port()),
          route_second(free_port()),
          relay_to_second(free_port()),
          relay_to_first(free_port()),
          relay(relay_to_second, route_second, relay_to_first, route_first),
          first(routed("s1", route_first, relay_to_second)),
          second(routed("s2", route_second, relay_to_first)) {
        // A leader is elected first, but a stream can be made only once the group is settled
        // (under load, a node that joined right after the election could not make its names
        // bucket): a scratch bucket is made and deleted, from each side, before a node joins.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!buckets_work(first) || !buckets_work(second)) {
            if (std::chrono::steady_clock::now() > deadline) {
                throw std::runtime_error("routed_servers: JetStream not usable after 10 s: " +
                                         first.log_tail() + "\n---\n" + second.log_tail());
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }

    /// Kills the relay: the route between the two servers ends, and stays down.
    void cut() { relay.kill(); }

    /// Whether a key-value bucket can be made and deleted through `server` now.
    static bool buckets_work(const nats_server& server) {
        natsConnection* nc = nullptr;
        jsCtx* js = nullptr;
        kvStore* kv = nullptr;
        kvConfig config;
        kvConfig_Init(&config);
        config.Bucket = "coact_fixture_ready";
        jsOptions quick;  // a refusal is an answer; no answer is tried again soon
        jsOptions_Init(&quick);
        quick.Wait = 500;
        const bool made = natsConnection_ConnectTo(&nc, server.url().c_str()) == NATS_OK &&
                          natsConnection_JetStream(&js, nc, &quick) == NATS_OK &&
                          js_CreateKeyValue(&kv, js, &config) == NATS_OK &&
                          js_DeleteKeyValue(js, config.Bucket) == NATS_OK;
        if (kv != nullptr) kvStore_Destroy(kv);
        jsCtx_Destroy(js);
        natsConnection_Destroy(nc);
        return made;
    }

    int route_first;
    int route_second;
    int relay_to_second;
    int relay_to_first;
    relay_process relay;
    nats_server first;
    nats_server second;
};

}  // namespace coact_test
