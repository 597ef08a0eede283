// Joining and leaving a cluster (coact/cluster/node.hpp), against a nats-server the test starts
// on a free port and stops by its pid (support/nats_server.hpp): a node's name and incarnation,
// the errors of a join that cannot succeed (each naming the server or the name and the reason,
// none hanging), credentials passed through to NATS, and a server restart survived and counted.
#include <chrono>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include <coact/cluster.hpp>
#include <coact/coact.hpp>

#include "actors/support/child_process.hpp"
#include "cluster/support/nats_server.hpp"
#include "cluster/support/nodes.hpp"
#include "cluster/support/test_ca.hpp"

using namespace std::chrono_literals;

namespace {

std::string join_error(coact::runtime& rt, const coact::cluster_options& o) {
    try {
        const coact::cluster net(rt, o);
    } catch (const coact::cluster_error& e) {
        return e.what();
    }
    return "(joined)";
}

}  // namespace

TEST_CASE("a node joins with its name, a fresh incarnation and the server's URL",
          "[cluster][node]") {
    coact_test::nats_server server;
    coact::runtime rt;
    coact::runtime other;
    const coact::cluster a(rt, {.servers = {server.url()}, .cluster = "t", .node = "a"});
    const coact::cluster b(other, {.servers = {server.url()}, .cluster = "t"});
    CHECK(a.node() == "a");
    CHECK(a.server() == server.url());
    CHECK(a.incarnation() != 0);
    CHECK(a.incarnation() < (1ULL << 53U));
    CHECK(a.incarnation() != b.incarnation());
    // The default name: "<host>-<pid>", made NATS-safe.
    CHECK(b.node().ends_with("-" + std::to_string(::getpid())));
    CHECK(b.node().find('.') == std::string::npos);
    CHECK(a.stats().disconnects == 0);
    CHECK(a.stats().reconnects == 0);
}

TEST_CASE("a node that leaves and joins again is a new incarnation", "[cluster][node]") {
    coact_test::nats_server server;
    coact::runtime rt;
    std::uint64_t first = 0;
    {
        const coact::cluster a(rt, {.servers = {server.url()}, .cluster = "t", .node = "a"});
        first = a.incarnation();
    }
    const coact::cluster again(rt, {.servers = {server.url()}, .cluster = "t", .node = "a"});
    CHECK(again.incarnation() != first);
}

TEST_CASE("an unreachable server is a cluster_error naming it, within the connect timeout",
          "[cluster][node]") {
    coact::runtime rt;
    const std::string url = "nats://127.0.0.1:" + std::to_string(coact_test::free_port());
    const auto start = std::chrono::steady_clock::now();
    const std::string e =
        join_error(rt, {.servers = {url}, .cluster = "t", .node = "a", .connect_timeout = 500ms});
    CHECK(std::chrono::steady_clock::now() - start < 5s);  // a hang, not a speed check
    CHECK(e.starts_with("coact::cluster: cannot join cluster 't' at " + url + ": "));
    INFO(e);
    CHECK(e.ends_with(": No server available for connection"));
}

TEST_CASE("names NATS would misread are refused before connecting", "[cluster][node]") {
    coact::runtime rt;
    CHECK(join_error(rt, {.servers = {"nats://127.0.0.1:1"}, .cluster = "a.b", .node = "n"}) ==
          "cluster name 'a.b' has '.': use letters, digits, '_' and '-' only");
    CHECK(join_error(rt, {.servers = {"nats://127.0.0.1:1"}, .cluster = "c", .node = "n>"}) ==
          "node name 'n>' has '>': use letters, digits, '_' and '-' only");
    CHECK(join_error(rt, {.servers = {}, .cluster = "c", .node = "n"}) ==
          "coact::cluster: no server to join");
}

TEST_CASE("credentials go to NATS as they are: a wrong password is refused, the right one joins",
          "[cluster][node]") {
    coact_test::nats_server server(R"(authorization { user: "ada", password: "s3cret" })");
    coact::runtime rt;
    coact::cluster_options o{.servers = {server.url()}, .cluster = "t", .node = "a"};
    o.credentials.user = "ada";
    o.credentials.password = "wrong";
    const std::string e = join_error(rt, o);
    CHECK(e.starts_with("coact::cluster: cannot join cluster 't' at " + server.url() + ": "));
    CHECK(e.find("Authorization Violation") != std::string::npos);
    o.credentials.password = "s3cret";
    CHECK(join_error(rt, o) == "(joined)");
    coact::cluster_options none{.servers = {server.url()}, .cluster = "t", .node = "b"};
    CHECK(join_error(rt, none).find("Authorization Violation") != std::string::npos);
}

TEST_CASE(
    "a node the servers refuse a subject it needs fails to join, naming the subject, and one "
    "refused only the servers' advisories joins without them",
    "[cluster][node]") {
    coact_test::nats_server server(R"(authorization { users = [
      {user: "narrow", password: "n",
       permissions: {publish: [">"], subscribe: ["_INBOX.>", "coact.t.hb.>", "coact.t.ping.>",
                                                 "coact.t.claims.>", "coact.t.r.>"]}},
      {user: "wide", password: "w",
       permissions: {publish: [">"], subscribe: ["_INBOX.>", "coact.>"]}}
    ] })");
    coact::runtime rt;
    coact::cluster_options o{.servers = {server.url()}, .cluster = "t", .node = "a"};
    o.credentials.user = "narrow";
    o.credentials.password = "n";
    const std::string e = join_error(rt, o);
    CHECK_THAT(e, Catch::StartsWith("coact::cluster: cannot join cluster 't': the servers refuse "
                                    "this node a subject it needs: "));
    CHECK_THAT(e, Catch::Contains("Permissions Violation for Subscription to \"coact.t.n.a."));
    o.credentials.user = "wide";  // everything but $SYS.>: no advisories, and that is all
    o.credentials.password = "w";
    CHECK(join_error(rt, o) == "(joined)");
}

TEST_CASE("a token goes to NATS as it is", "[cluster][node]") {
    coact_test::nats_server server(R"(authorization { token: "t0ken" })");
    coact::runtime rt;
    coact::cluster_options o{.servers = {server.url()}, .cluster = "t", .node = "a"};
    o.credentials.token = "t0ken";
    CHECK(join_error(rt, o) == "(joined)");
    o.credentials.token = "other";
    CHECK(join_error(rt, o).find("Authorization Violation") != std::string::npos);
}

TEST_CASE("a server restart: the node reconnects by itself and counts the loss and the return",
          "[cluster][node]") {
    coact_test::nats_server server;
    coact::runtime rt;
    const coact::cluster a(rt, {.servers = {server.url()}, .cluster = "t", .node = "a"});
    server.stop();
    REQUIRE(coact_test::eventually([&] { return a.stats().disconnects == 1; }));
    server.start();
    REQUIRE(coact_test::eventually([&] { return a.stats().reconnects == 1; }));
    CHECK(a.server() == server.url());
}

TEST_CASE("two C++ types under one wire name: the node refuses to join, naming the name",
          "[cluster][node]") {
    // In a child process: the conflict stays in the process's registry.
    struct first {
        int x;
    };
    struct second {
        int y;
    };
    const coact_test::child_result r = coact_test::run_in_child([] {
        coact::wire_registry& reg = coact::wire_registry::global();
        reg.add("test.same", typeid(first), reg.find("int32"));
        reg.add("test.same", typeid(second), reg.find("int32"));
        coact::runtime rt;
        return join_error(rt, {.servers = {"nats://127.0.0.1:1"}, .cluster = "t", .node = "n"})
            .starts_with(
                "coact::cluster: two types under one wire name: wire name 'test.same' "
                "is both ");
    });
    CHECK(r.passed());
    INFO(r.describe());
}

TEST_CASE(
    "TLS with a CA made for the test: the node that trusts it joins, one that does not is "
    "refused",
    "[cluster][node]") {
    const coact_test::test_ca ca;
    coact_test::nats_server server(ca.server_block());
    coact::runtime rt;
    coact::cluster_options o{.servers = {server.url()}, .cluster = "t", .node = "a"};
    o.tls.ca_file = ca.ca_file();
    {
        const coact::cluster net(rt, o);
        CHECK(net.server() == server.url());
    }
    // Without the CA: the server's certificate cannot be verified.
    coact::cluster_options untrusting{.servers = {server.url()}, .cluster = "t", .node = "b"};
    untrusting.tls.cert_file = "";
    untrusting.tls.ca_file = "";
    const std::string plain = join_error(rt, untrusting);
    CHECK(plain.starts_with("coact::cluster: cannot join cluster 't' at " + server.url() + ": "));
    INFO(plain);
    // A CA file that does not exist is named.
    coact::cluster_options missing = o;
    missing.tls.ca_file = "/nonexistent/ca.pem";
    CHECK(join_error(rt, missing).find("TLS CA file '/nonexistent/ca.pem'") != std::string::npos);
}

TEST_CASE("one cluster per runtime: a second join of the same runtime is refused",
          "[cluster][node]") {
    coact_test::nats_server server;
    coact::runtime rt;
    const coact::cluster a(rt, {.servers = {server.url()}, .cluster = "t", .node = "a"});
    CHECK(join_error(rt, {.servers = {server.url()}, .cluster = "t", .node = "b"}) ==
          "coact::cluster: this runtime has joined a cluster already (one coact::cluster per "
          "runtime)");
    // The first node is still joined: its names work.
    CHECK(rt.spawn(coact::spawn_options{.name = "x", .scope = coact::scope::cluster},
                   [](coact::context& self) -> coact::actor {
                       static_cast<void>(co_await self.receive<int>());
                   }));
    rt.shutdown();
}
