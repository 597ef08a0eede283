// The failure detector's rules (cluster/src/failure_detector.hpp) on virtual time: no network, no
// threads; each rule in its header has a case here.
#include "failure_detector.hpp"

#include <chrono>
#include <string>

#include <catch2/catch.hpp>

namespace {

using coact::failure_detector;
using namespace std::chrono_literals;

const failure_detector::timings timings{.suspect_after = 750ms, .lost_after = 1500ms};
const failure_detector::clock::time_point t0{};

}  // namespace

TEST_CASE("A node that beats on time is never probed nor lost", "[cluster][liveness]") {
    failure_detector d(timings);
    CHECK(d.heartbeat({"b", 7}, false, t0).empty());
    for (int i = 1; i <= 20; ++i) {
        const auto now = t0 + i * 500ms;
        const failure_detector::verdicts v = d.tick(now);
        CHECK(v.probe.empty());
        CHECK(v.lost.empty());
        CHECK(d.heartbeat({"b", 7}, false, now).empty());
    }
    CHECK(d.alive("b") == 7U);
    CHECK(!d.alive("c"));
}

TEST_CASE("A silent node is probed once, and lost at once when nobody answers the probe",
          "[cluster][liveness]") {
    failure_detector d(timings);
    static_cast<void>(d.heartbeat({"b", 7}, false, t0));
    CHECK(d.tick(t0 + 700ms).probe.empty());
    const failure_detector::verdicts v = d.tick(t0 + 800ms);
    REQUIRE(v.probe.size() == 1);
    CHECK(v.probe[0] == failure_detector::peer{"b", 7});
    CHECK(d.tick(t0 + 900ms).probe.empty());  // once per silence
    const auto loss = d.probed({"b", 7}, failure_detector::probe_answer::no_responders, t0 + 901ms);
    REQUIRE(loss);
    CHECK(loss->who == failure_detector::peer{"b", 7});
    CHECK_THAT(loss->why, Catch::Contains("connection is gone"));
    CHECK(!d.alive("b"));
    CHECK(d.tick(t0 + 5s).lost.empty());  // lost once
}

TEST_CASE("A silent node that answers the probe is alive, and its silence starts again",
          "[cluster][liveness]") {
    failure_detector d(timings);
    static_cast<void>(d.heartbeat({"b", 7}, false, t0));
    REQUIRE(d.tick(t0 + 800ms).probe.size() == 1);
    CHECK(!d.probed({"b", 7}, failure_detector::probe_answer::alive, t0 + 810ms));
    const failure_detector::verdicts v = d.tick(t0 + 1600ms);  // 790 ms since the answer
    CHECK(v.lost.empty());
    CHECK(v.probe.size() == 1);  // suspected again
    CHECK(d.alive("b") == 7U);
}

TEST_CASE("A node silent past lost_after is lost, whatever its probe did (frozen, or cut off)",
          "[cluster][liveness]") {
    failure_detector d(timings);
    static_cast<void>(d.heartbeat({"b", 7}, false, t0));
    static_cast<void>(d.heartbeat({"c", 9}, false, t0 + 1000ms));
    REQUIRE(d.tick(t0 + 800ms).probe.size() == 1);
    CHECK(!d.probed({"b", 7}, failure_detector::probe_answer::timeout, t0 + 1300ms));
    CHECK(d.tick(t0 + 1500ms).lost.empty());  // exactly at the limit: not yet
    const failure_detector::verdicts v = d.tick(t0 + 1501ms);
    REQUIRE(v.lost.size() == 1);
    CHECK(v.lost[0].who == failure_detector::peer{"b", 7});
    CHECK_THAT(v.lost[0].why, Catch::Contains("no heartbeat for 1501 ms"));
    CHECK(d.alive("c") == 9U);
}

TEST_CASE("A lost incarnation stays lost: its late heartbeats are ignored", "[cluster][liveness]") {
    failure_detector d(timings);
    static_cast<void>(d.heartbeat({"b", 7}, false, t0));
    REQUIRE(d.tick(t0 + 2s).lost.size() == 1);
    CHECK(d.heartbeat({"b", 7}, false, t0 + 3s).empty());  // it woke up
    CHECK(!d.alive("b"));
    CHECK(d.heartbeat({"b", 8}, false, t0 + 4s).empty());  // it joined again: a new node
    CHECK(d.alive("b") == 8U);
}

TEST_CASE("A heartbeat of a new incarnation loses the old one, and a leaving one loses itself",
          "[cluster][liveness]") {
    failure_detector d(timings);
    static_cast<void>(d.heartbeat({"b", 7}, false, t0));
    const auto restarted = d.heartbeat({"b", 8}, false, t0 + 100ms);
    REQUIRE(restarted.size() == 1);
    CHECK(restarted[0].who == failure_detector::peer{"b", 7});
    CHECK_THAT(restarted[0].why, Catch::Contains("new incarnation (8)"));
    CHECK(d.alive("b") == 8U);
    const auto left = d.heartbeat({"b", 8}, true, t0 + 200ms);
    REQUIRE(left.size() == 1);
    CHECK(left[0].who == failure_detector::peer{"b", 8});
    CHECK(left[0].why == "it left the cluster");
    CHECK(!d.alive("b"));
    CHECK(d.heartbeat({"b", 8}, false, t0 + 300ms).empty());  // left is lost for good
    CHECK(!d.alive("b"));
}

TEST_CASE("After this node's own reconnection every silence starts again", "[cluster][liveness]") {
    failure_detector d(timings);
    static_cast<void>(d.heartbeat({"b", 7}, false, t0));
    d.heard_all(t0 + 1400ms);  // the connection was away for a while
    const failure_detector::verdicts v = d.tick(t0 + 2000ms);
    CHECK(v.lost.empty());
    CHECK(v.probe.empty());
    CHECK(d.tick(t0 + 2901ms).lost.size() == 1);
}

TEST_CASE("A probe answer for an incarnation no longer followed changes nothing",
          "[cluster][liveness]") {
    failure_detector d(timings);
    static_cast<void>(d.heartbeat({"b", 8}, false, t0));
    CHECK(!d.probed({"b", 7}, failure_detector::probe_answer::no_responders, t0 + 1ms));
    CHECK(!d.probed({"c", 1}, failure_detector::probe_answer::no_responders, t0 + 1ms));
    CHECK(d.alive("b") == 8U);
}

TEST_CASE("A node a disconnect advisory names is probed at the next tick, whatever its silence",
          "[cluster][liveness]") {
    failure_detector d(timings);
    static_cast<void>(d.heartbeat({"b", 7}, false, t0));
    d.disconnected("c");  // not a node heard: nothing to probe
    d.disconnected("b");
    // A heartbeat sent before the crash and heard after the advisory does not clear it.
    static_cast<void>(d.heartbeat({"b", 7}, false, t0 + 5ms));
    const failure_detector::verdicts v = d.tick(t0 + 10ms);
    REQUIRE(v.probe.size() == 1);
    CHECK(v.probe[0] == failure_detector::peer{"b", 7});
    CHECK(d.tick(t0 + 20ms).probe.empty());  // once
    SECTION("no subscriber: lost at once") {
        const auto loss =
            d.probed({"b", 7}, failure_detector::probe_answer::no_responders, t0 + 11ms);
        REQUIRE(loss);
        CHECK_THAT(loss->why, Catch::Contains("connection is gone"));
        CHECK(!d.alive("b"));
    }
    SECTION("it answers (it reconnected through another server): alive, suspicion cleared") {
        CHECK(!d.probed({"b", 7}, failure_detector::probe_answer::alive, t0 + 11ms));
        CHECK(d.tick(t0 + 500ms).probe.empty());
        CHECK(d.alive("b") == 7U);
    }
}
