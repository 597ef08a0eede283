// Failover (support/routed_servers.hpp): node "b" lists two servers of one NATS cluster, first
// the one it prefers (cluster_options::randomize_servers = false); node "a" is on the second.
// When b's server dies, cnats moves b to the second server by itself: b's actor keeps sending to
// a's by name, the traffic resumes within 2 s, nobody is lost meanwhile (b is back long before
// the others would probe it), and anything lost on the way is never silent: remote_lost > 0 on a
// comes with noconnection for the pair's monitors.
#include <chrono>
#include <string>

#include <catch2/catch.hpp>

#include <coact/cluster.hpp>
#include <coact/coact.hpp>

#include "cluster/support/nodes.hpp"
#include "cluster/support/routed_servers.hpp"
#include "cluster/support/stream_traffic.hpp"

namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

}  // namespace

TEST_CASE(
    "failover: a node whose server dies moves to the next server of its list, and the "
    "traffic resumes within 2 s",
    "[cluster][failover]") {
    coact_test::routed_servers servers;
    coact::runtime ra;
    coact::runtime rb;
    const coact::cluster a(ra, coact_test::on(servers.second, "a"));
    coact::cluster_options b_options = coact_test::on(servers.first, "b");
    b_options.servers.push_back(servers.second.url());
    b_options.randomize_servers = false;  // on the first server until it dies
    const coact::cluster b(rb, b_options);
    coact_test::traffic t;
    ra.spawn(coact::spawn_options{.name = "sink", .scope = coact::scope::cluster},
             coact_test::traffic_sink, &t);
    {
        const coact_test::serving sa(ra);
        const coact_test::serving sb(rb);
        REQUIRE(coact_test::eventually([&] { return static_cast<bool>(rb.try_lookup("sink")); }));
    }
    rb.spawn(coact_test::traffic_source, &t, std::string("a"));
    const coact_test::serving sa(ra);
    const coact_test::serving sb(rb);
    REQUIRE(coact_test::eventually([&] { return t.received.load() > 50; }));

    const int before = t.received.load();
    const steady::time_point died = steady::now();
    servers.first.stop();  // b's server
    REQUIRE(coact_test::eventually([&] { return t.received.load() > before + 50; }, 10s));
    const auto resumed = steady::now() - died;
    INFO(
        "traffic resumed " << std::chrono::duration_cast<std::chrono::milliseconds>(resumed).count()
                           << " ms after b's server died; remote_lost " << a.stats().remote_lost);
    CHECK(resumed < 2s);
    CHECK(b.stats().disconnects == 1);  // b was on the first server, and moved
    CHECK(coact_test::eventually([&] { return b.stats().reconnects == 1; }));
    CHECK(a.stats().disconnects == 0);
    std::this_thread::sleep_for(500ms);
    const std::lock_guard lock(t.mutex);
    CHECK_FALSE(t.node.has_value());  // a was never lost to b
    if (a.stats().remote_lost > 0) {
        REQUIRE(t.down.has_value());
        CHECK(t.down->kind == coact::exit_kind::noconnection);
    } else {
        CHECK_FALSE(t.down.has_value());
    }
}
