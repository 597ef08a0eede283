// Reading the servers' client-disconnect advisories (cluster/src/disconnect_advisory.hpp): the
// connection's name and whether the client went away; anything else is unreadable, never a crash.
#include "disconnect_advisory.hpp"

#include <string>

#include <catch2/catch.hpp>

namespace {

// As nats-server 2.9.10 sent it for a client killed with SIGKILL (captured on this machine).
std::string advisory(const std::string& name, const std::string& reason) {
    return R"({"type":"io.nats.server.advisory.v1.client_disconnect","id":"hjxJ9P1mnW3FbOfBTuQeXi",)"
           R"("timestamp":"2026-12-07T04:22:41.313383519Z","server":{"name":"NCT7C7SZ3XT7",)"
           R"("host":"127.0.0.1","id":"NCT7C7SZ3XT7","ver":"2.9.10","seq":23,"jetstream":true,)"
           R"("time":"2026-12-07T04:22:41.313437655Z"},"client":{"start":"2026-12-07T04:22:40Z",)"
           R"("host":"127.0.0.1","id":5,"acc":"APP","user":"app",)" +
           (name.empty() ? std::string{} : R"("name":")" + name + R"(",)") +
           R"("lang":"C","ver":"3.4.1","rtt":2248209,"stop":"2026-12-07T04:22:41Z",)"
           R"("kind":"Client","client_type":"nats"},"sent":{"msgs":0,"bytes":0},)"
           R"("received":{"msgs":0,"bytes":0},"reason":")" +
           reason + R"("})";
}

}  // namespace

TEST_CASE("A disconnect advisory gives the connection's name, and whether its client went away",
          "[cluster][liveness]") {
    const auto killed = coact::read_disconnect_advisory(advisory("t.victim", "Read Error"));
    REQUIRE(killed);
    CHECK(killed->client == "t.victim");
    CHECK(killed->reason == "Read Error");
    CHECK(killed->gone());
    for (const char* reason : {"Client Closed", "Write Error", "Stale Connection"}) {
        INFO(reason);
        const auto a = coact::read_disconnect_advisory(advisory("t.b", reason));
        REQUIRE(a);
        CHECK(a->gone());
    }
    // A server that shuts down or drops a slow consumer: the client reconnects on its own.
    for (const char* reason : {"Server Shutdown", "Slow Consumer (Write Deadline)",
                               "Slow Consumer (Pending Bytes)", "Authentication Expired"}) {
        INFO(reason);
        const auto a = coact::read_disconnect_advisory(advisory("t.b", reason));
        REQUIRE(a);
        CHECK(!a->gone());
    }
    const auto anonymous = coact::read_disconnect_advisory(advisory("", "Client Closed"));
    REQUIRE(anonymous);
    CHECK(anonymous->client.empty());
    const auto spaced = coact::read_disconnect_advisory(
        " {\n \"type\" : \"io.nats.server.advisory.v1.client_disconnect\",\n \"client\" : "
        "{ \"name\" : \"t.\\\"b\\\\\" , \"id\" : [1, 2.5e3, {\"x\": null}] } ,\n \"reason\" : "
        "\"Client Closed\" }\n");
    REQUIRE(spaced);
    CHECK(spaced->client == "t.\"b\\");
    // Go's encoder writes '<', '>' and '&' as \u escapes, and non-ASCII names as UTF-8 or \u.
    const auto escaped =
        coact::read_disconnect_advisory(advisory("t.\\u0062\\u003c\\u00e9", "Read Error"));
    REQUIRE(escaped);
    CHECK(escaped->client == "t.b<\xC3\xA9");
}

TEST_CASE("Anything but a disconnect advisory is unreadable, never a crash",
          "[cluster][liveness]") {
    const std::string good = advisory("t.b", "Client Closed");
    for (const std::string& bad : {
             std::string{}, std::string{"{}"}, std::string{"null"}, std::string{"[1,2]"},
             std::string{R"({"type":"io.nats.server.advisory.v1.client_connect",)"
                         R"("client":{"name":"t.b"},"reason":"Client Closed"})"},
             std::string{R"({"type":"io.nats.server.advisory.v1.client_disconnect",)"
                         R"("client":{"name":"t.b"}})"},  // no reason
             std::string{R"({"type":"io.nats.server.advisory.v1.client_disconnect",)"
                         R"("client":"t.b","reason":"Client Closed"})"},  // client not an object
             std::string{R"({"type":"io.nats.server.advisory.v1.client_disconnect",)"
                         R"("client":{"name":"t.\u00g2"},"reason":"Client Closed"})"},
             good.substr(0, good.size() - 1),                             // cut short
             good + "}",                                                  // trailing text
             std::string(10000, '[') + good,                              // not an object
             R"({"server":)" + std::string(10000, '[') + good.substr(1),  // nesting past any
         }) {
        INFO(bad.substr(0, 120));
        CHECK(!coact::read_disconnect_advisory(bad));
    }
    // Every prefix of a good advisory is unreadable too (the reader never runs off the end).
    for (std::size_t n = 0; n < good.size(); ++n)
        CHECK(!coact::read_disconnect_advisory(good.substr(0, n)));
}
