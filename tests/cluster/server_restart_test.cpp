// A server restart as the nodes see it (support/nats_server.hpp stops the server by its pid and
// starts it again on the same port and store): cnats reconnects and resubscribes, the nodes lose
// nobody meanwhile (nobody can be heard), traffic resumes, and what was lost on the way is never
// silent: remote_lost > 0 on the receiving node comes with noconnection for the pair's monitors.
// (Lost it often is: the sender's node may reconnect and flush what cnats buffered during the
// outage before the receiver's node has subscribed again; about 500 of 500 in some runs.)
#include <chrono>
#include <string>

#include <catch2/catch.hpp>

#include <coact/cluster.hpp>
#include <coact/coact.hpp>

#include "cluster/support/nodes.hpp"
#include "cluster/support/stream_traffic.hpp"

namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

}  // namespace

TEST_CASE(
    "a server restart: traffic between two nodes resumes within 2 s of the server's return, "
    "and a loss in it is never silent",
    "[cluster][restart]") {
    coact_test::two_nodes nodes;
    coact_test::traffic t;
    nodes.ra.spawn(coact::spawn_options{.name = "sink", .scope = coact::scope::cluster},
                   coact_test::traffic_sink, &t);
    {
        // Node b hears of "sink" (its gateway makes the proxy while b serves).
        const coact_test::serving sa(nodes.ra);
        const coact_test::serving sb(nodes.rb);
        REQUIRE(
            coact_test::eventually([&] { return static_cast<bool>(nodes.rb.try_lookup("sink")); }));
    }
    nodes.rb.spawn(coact_test::traffic_source, &t,
                   std::string(""));  // spawned while b does not serve
    const coact_test::serving sa(nodes.ra);
    const coact_test::serving sb(nodes.rb);
    REQUIRE(coact_test::eventually([&] { return t.received.load() > 50; }));
    nodes.server.stop();
    REQUIRE(coact_test::eventually(
        [&] { return nodes.a.stats().disconnects == 1 && nodes.b.stats().disconnects == 1; }));
    std::this_thread::sleep_for(1s);  // the outage
    const int before = t.received.load();
    nodes.server.start();
    const auto back = steady::now();
    // Resumed: messages arrive again (cnats resends what it buffered, then new ones follow).
    REQUIRE(coact_test::eventually([&] { return t.received.load() > before + 50; }, 10s));
    const auto resumed = steady::now() - back;
    INFO(
        "traffic resumed " << std::chrono::duration_cast<std::chrono::milliseconds>(resumed).count()
                           << " ms after the server was back; remote_lost "
                           << nodes.a.stats().remote_lost);
    CHECK(resumed < 2s);
    // cnats calls the reconnected callback (which counts) after the traffic already flows.
    CHECK(coact_test::eventually(
        [&] { return nodes.a.stats().reconnects == 1 && nodes.b.stats().reconnects == 1; }));
    // Nobody was lost during the outage: the monitor holds, unless messages were lost.
    std::this_thread::sleep_for(500ms);
    const std::lock_guard lock(t.mutex);
    if (nodes.a.stats().remote_lost > 0) {
        REQUIRE(t.down.has_value());
        CHECK(t.down->kind == coact::exit_kind::noconnection);
    } else {
        CHECK_FALSE(t.down.has_value());
    }
}
