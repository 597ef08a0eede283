// A traced node (contract §7): the trace of each runtime of a joined cluster marks what its
// node published to the other nodes ("remote send") and what came from them ("remote
// receive"), with how many messages each NATS message carried: the sums are the node's
// remote_sent and remote_received.
#include <atomic>
#include <cstdint>
#include <string>

#include <catch2/catch.hpp>

#include <coact/cluster.hpp>
#include <coact/coact.hpp>

#include "cluster/support/nodes.hpp"
#include "support/temp_file.hpp"
#include "trace/trace_reader.hpp"

namespace {

coact::actor pong(coact::context& self) {
    for (;;) {
        const int n = co_await self.receive<int>();
        self.send(self.sender(), n + 1);
    }
}

struct remote_marks {
    std::uint64_t sends = 0;  // instants
    std::uint64_t sent = 0;   // messages they carried
    std::uint64_t receives = 0;
    std::uint64_t received = 0;
};

remote_marks marks_in(const std::string& path) {
    remote_marks m;
    const nlohmann::json trace = coact_test::read_trace(path);
    for (const auto& e : trace["traceEvents"]) {
        if (e["ph"] != "i" || e["cat"] != "cluster") continue;
        const auto n = e["args"]["messages"].get<std::uint64_t>();
        if (e["name"] == "remote send") {
            ++m.sends;
            m.sent += n;
        } else if (e["name"] == "remote receive") {
            ++m.receives;
            m.received += n;
        }
    }
    return m;
}

}  // namespace

TEST_CASE("a traced node marks each NATS message it sends and receives", "[cluster][trace]") {
    const unsigned workers = GENERATE(1U, 2U);
    INFO("workers: " << workers);
    coact_test::temp_file fa("trace_node_a.json");
    coact_test::temp_file fb("trace_node_b.json");
    coact::cluster_stats sa{};
    coact::cluster_stats sb{};
    {
        coact_test::nats_server server;
        coact::runtime ra({.workers = workers, .trace = fa.path().string()});
        coact::runtime rb({.workers = workers, .trace = fb.path().string()});
        coact::cluster a(ra, coact_test::on(server, "a"));
        coact::cluster b(rb, coact_test::on(server, "b"));
        ra.spawn(coact::spawn_options{.name = "pong", .scope = coact::scope::cluster}, pong);
        std::atomic<int> last{-1};
        const coact::address ping = rb.spawn([&](coact::context& self) -> coact::actor {
            int n = co_await self.receive<int>();
            self.send("pong", n);
            for (;;) {
                n = co_await self.receive<int>();
                if (n >= 20) {
                    last = n;
                    co_return;
                }
                self.send("pong", n + 1);
            }
        });
        {
            const coact_test::serving serve_a(ra);
            const coact_test::serving serve_b(rb);
            REQUIRE(
                coact_test::eventually([&] { return static_cast<bool>(rb.try_lookup("pong")); }));
            rb.send(ping, 0);
            REQUIRE(coact_test::eventually([&] { return last.load() >= 0; }));
        }
        sa = a.stats();
        sb = b.stats();
    }
    const remote_marks ma = marks_in(fa.path().string());
    const remote_marks mb = marks_in(fb.path().string());
    CHECK(sa.remote_sent == 11);
    CHECK(sb.remote_sent == 11);
    // Each message once, in the NATS messages that carried it (the heartbeats and the other
    // control traffic of joining are marked too: at least as many marks as messages).
    CHECK(ma.sent >= sa.remote_sent);
    CHECK(mb.sent >= sb.remote_sent);
    CHECK(ma.received >= sa.remote_received);
    CHECK(mb.received >= sb.remote_received);
    CHECK(ma.sends >= 1);
    CHECK(mb.receives >= 1);
}
