// cluster/support/stream_traffic.hpp — a stream of ints by name from one node to another, for the
// tests that take a server away under it (server_restart_test.cpp, failover_test.cpp): `sink`
// counts what arrives; `source` monitors "sink" (and a node, if named) and sends "sink" an int
// every 2 ms by name, recording a down and a node_down.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include <coact/cluster.hpp>
#include <coact/coact.hpp>

namespace coact_test {

struct traffic {
    std::atomic<int> received{0};
    std::mutex mutex;
    std::optional<coact::exit_reason> down;
    std::optional<coact::node_down> node;
};

inline coact::actor traffic_sink(coact::context& self, traffic* t) {
    for (;;) {
        static_cast<void>(co_await self.receive<int>());
        ++t->received;
    }
}

inline coact::actor traffic_source(coact::context& self, traffic* t, std::string node) {
    struct tick {};
    self.monitor("sink");
    if (!node.empty()) self.monitor_node(node);
    self.send(self.address(), tick{});
    for (int n = 0;; ++n) {
        co_await self.receive(
            [&](tick) {
                try {
                    self.send("sink", n);
                } catch (const coact::no_such_actor&) {
                    // A gap ended the proxy a moment ago; the gateway makes the next one.
                }
                self.send_after(std::chrono::milliseconds(2), self.address(), tick{});
            },
            [&](const coact::down& d) {
                const std::lock_guard lock(t->mutex);
                t->down = d.reason;
            },
            [&](const coact::node_down& d) {
                const std::lock_guard lock(t->mutex);
                t->node = d;
            });
    }
}

}  // namespace coact_test
