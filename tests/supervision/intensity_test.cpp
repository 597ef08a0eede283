// Intensity: at most max_restarts restarts within `within`; one more and the supervisor gives up.
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/supervisor.hpp>

#include "actors/support/modes.hpp"
#include "actors/support/stderr_capture.hpp"
#include "actors/support/watchdog.hpp"
#include "supervision/support/children.hpp"

using coact_test::probe;
using coact_test::test_options;
using coact_test::worker_spec;

namespace {

// A clock the test moves by hand, in milliseconds.
struct manual_clock {
    std::atomic<long long> ms{0};
    [[nodiscard]] auto function() {
        return [this] {
            return std::chrono::steady_clock::time_point(std::chrono::milliseconds(ms.load()));
        };
    }
};

}  // namespace

TEST_CASE("max_restarts failures within the window are all restarted", "[supervision][intensity]") {
    probe w;
    coact::runtime rt(test_options());
    std::vector<coact::child_spec> specs{worker_spec("w", w)};
    rt.spawn("sup", coact::supervise,
             coact::supervisor_options{.max_restarts = 3, .within = std::chrono::hours(1)}, specs);
    rt.run();
    for (int i = 1; i <= 3; ++i) rt.send("w", -i);
    rt.run();
    CHECK(w.starts == 4);
    CHECK(rt.try_lookup("sup"));
    CHECK(rt.try_lookup("w"));
    CHECK(rt.stats().restarts == 3);
}

TEST_CASE(
    "one failure more than max_restarts within the window fails the supervisor with "
    "restart_limit, after every child has ended",
    "[supervision][intensity]") {
    probe w, other;
    coact::runtime rt(test_options());
    std::vector<coact::child_spec> specs{worker_spec("w", w), worker_spec("other", other)};
    const coact::address sup = rt.spawn(
        "sup", coact::supervise,
        coact::supervisor_options{.max_restarts = 3, .within = std::chrono::hours(1)}, specs);
    coact_test::watch_log log;
    rt.spawn(coact_test::watcher, sup, std::vector<std::string>{"w", "other"}, std::ref(log));
    rt.run();
    for (int i = 1; i <= 4; ++i) rt.send("w", -i);
    rt.run();
    CHECK(w.starts == 4);  // the fourth failure is not restarted
    CHECK(other.starts == 1);
    CHECK(rt.stats().restarts == 3);
    REQUIRE(log.downs.size() == 1);
    CHECK(log.downs[0].who == sup);
    CHECK(log.downs[0].reason.failed());
    // When the supervisor's monitor heard of it, both children had ended already.
    CHECK(log.names_free == std::vector{true, true});
    const auto limit = coact_test::as_restart_limit(log.downs[0].reason.error);
    REQUIRE(limit);
    CHECK(limit->child() == "w");
    CHECK(limit->max_restarts() == 3);
    CHECK(limit->within() == std::chrono::hours(1));
    CHECK(rt.stats().actors == 0);
    CHECK(rt.stats().failed == 4 + 1);  // w four times, then the supervisor
    CHECK(rt.stats().dead_letters == 0);
}

TEST_CASE("a supervisor that gives up ends only after every child has ended",
          "[supervision][intensity][single]") {
    // Step by step: the first step after which the supervisor is gone must find its children
    // gone too (a live sibling is closed, which takes a turn of its own).
    probe w, other;
    coact::testing::deterministic sim;
    std::vector<coact::child_spec> specs{worker_spec("w", w), worker_spec("other", other)};
    sim.spawn("sup", coact::supervise, coact::supervisor_options{.max_restarts = 0}, specs);
    sim.step_all();
    sim.send("w", -1);
    int steps = 0;
    while (sim.alive("sup")) {
        REQUIRE(sim.step());
        ++steps;
    }
    CHECK_FALSE(sim.alive("w"));
    CHECK_FALSE(sim.alive("other"));
    CHECK(steps > 2);  // w fails; the supervisor stops both; other ends; the supervisor ends
    CHECK(other.starts == 1);
}

TEST_CASE("max_restarts 0 gives up at the first failure", "[supervision][intensity]") {
    probe w;
    coact::runtime rt(test_options());
    std::vector<coact::child_spec> specs{worker_spec("w", w)};
    rt.spawn("sup", coact::supervise, coact::supervisor_options{.max_restarts = 0}, specs);
    rt.run();
    rt.send("w", -1);
    rt.run();
    CHECK(w.starts == 1);
    CHECK(rt.stats().restarts == 0);
    CHECK(rt.stats().actors == 0);
}

TEST_CASE("restarts older than the window no longer count", "[supervision][intensity]") {
    probe w;
    manual_clock clock;
    coact::runtime rt(test_options());
    std::vector<coact::child_spec> specs{worker_spec("w", w)};
    const coact::address sup = rt.spawn(
        "sup", coact::supervise,
        coact::supervisor_options{
            .max_restarts = 1, .within = std::chrono::milliseconds(10), .clock = clock.function()},
        specs);
    rt.run();
    rt.send("w", -1);  // t = 0: the first restart in the window
    rt.run();
    CHECK(w.starts == 2);
    clock.ms = 10;  // the restart at 0 is now 10 ms old: out of the window
    rt.send("w", -2);
    rt.run();
    CHECK(w.starts == 3);
    CHECK(rt.try_lookup("sup") == sup);
    clock.ms = 15;  // the restart at 10 is 5 ms old: a second one within 10 ms is too many
    rt.send("w", -3);
    rt.run();
    CHECK(w.starts == 3);
    CHECK_FALSE(rt.try_lookup("sup"));
    CHECK(rt.stats().actors == 0);
}

TEST_CASE("a supervisor that gives up is restarted by its own supervisor, children and all",
          "[supervision][intensity]") {
    probe w;
    std::vector<coact::child_spec> inner_children{worker_spec("w", w)};
    const coact::supervisor_options inner_options{.max_restarts = 0};
    std::vector<std::string> top_events;
    coact::supervisor_options top_options{.max_restarts = 5, .within = std::chrono::hours(1)};
    top_options.on_event = [&top_events](const coact::supervisor_event& e) {
        top_events.push_back(std::string(coact::to_string(e.what)) + " " + e.child);
    };
    std::vector<coact::child_spec> top_children{
        {.name = "inner", .start = [inner_options, inner_children](coact::context& self) {
             return coact::supervise(self, inner_options, inner_children);
         }}};
    coact::runtime rt(test_options());
    rt.spawn("top", coact::supervise, top_options, top_children);
    rt.run();
    const coact::address inner = rt.try_lookup("inner");
    REQUIRE(inner);
    rt.send("w", -1);  // inner gives up at once (max_restarts 0) and fails; top restarts it
    rt.run();
    CHECK(w.starts == 2);
    CHECK(rt.try_lookup("inner") == inner);
    CHECK(rt.try_lookup("w"));
    CHECK(rt.stats().restarts == 1);
    CHECK(rt.stats().failed == 2);
    CHECK(top_events ==
          std::vector<std::string>{"started inner", "failed inner", "restarted inner"});
}

TEST_CASE("restart_limit names the child, max_restarts and the window", "[supervision]") {
    const coact::restart_limit limit("parser", 3, std::chrono::milliseconds(5000));
    const std::string what = limit.what();
    CHECK(what.find("'parser'") != std::string::npos);
    CHECK(what.find('3') != std::string::npos);
    CHECK(what.find("5000 ms") != std::string::npos);
    CHECK(limit.child() == "parser");
}

TEST_CASE("a window of zero or less is refused: the supervisor fails at once naming `within`",
          "[supervision][intensity]") {
    const auto within = GENERATE(std::chrono::milliseconds(0), std::chrono::milliseconds(-5000));
    CAPTURE(within.count());
    std::atomic<int> starts{0};
    std::vector<coact::child_spec> specs{
        {.name = "crasher", .start = [&starts](coact::context&) -> coact::actor {
             ++starts;
             throw std::runtime_error("fails at start");
             co_return;
         }}};
    coact::runtime rt(test_options());
    rt.spawn("sup", coact::supervise,
             coact::supervisor_options{.max_restarts = 3, .within = within}, specs);
    coact_test::stderr_capture err;
    coact_test::watchdog dog(std::chrono::seconds(60), "a supervisor with a window of zero");
    rt.run();  // before the fix: the child was restarted for ever
    dog.cancel();
    const std::string text = err.text();  // the supervisor's failure, one line
    CHECK(text.find("'sup'") != std::string::npos);
    CHECK(text.find("within must be positive") != std::string::npos);
    CHECK(rt.stats().failed == 1);
    CHECK(rt.stats().actors == 0);
    CHECK(starts == 0);  // refused before any child started
    CHECK(rt.stats().restarts == 0);
}
