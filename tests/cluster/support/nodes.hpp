// cluster/support/nodes.hpp — what the cluster tests share: options for a node of cluster "t"
// on a test's server, waiting for something another thread does, two joined nodes, and a
// runtime served on a thread of its own.
#pragma once

#include <chrono>
#include <thread>

#include <coact/cluster.hpp>
#include <coact/coact.hpp>

#include "cluster/support/nats_server.hpp"

namespace coact_test {

/// Node `node` of cluster "t" on `server`.
inline coact::cluster_options on(const nats_server& server, const char* node) {
    return {.servers = {server.url()}, .cluster = "t", .node = node};
}

/// Waits up to `limit` for `done()` (something another thread or process does).
template <class F>
bool eventually(F done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

/// A server and two nodes, "a" and "b", each with its runtime (`workers` each).
struct two_nodes {
    explicit two_nodes(unsigned workers = 1)
        : ra({.workers = workers}),
          rb({.workers = workers}),
          a(ra, on(server, "a")),
          b(rb, on(server, "b")) {}
    nats_server server;
    coact::runtime ra;
    coact::runtime rb;
    coact::cluster a;
    coact::cluster b;
};

/// Serves `rt` on a thread until the object goes (also when a REQUIRE fails).
class serving {
  public:
    explicit serving(coact::runtime& rt) : rt_(rt), thread_([&rt] { rt.serve(); }) {}
    serving(const serving&) = delete;
    serving& operator=(const serving&) = delete;
    ~serving() {
        rt_.request_stop();
        thread_.join();
    }

  private:
    coact::runtime& rt_;
    std::thread thread_;
};

}  // namespace coact_test
