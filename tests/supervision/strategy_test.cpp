// Restart strategies: which children a failure restarts (counted by the bodies each one starts).
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/supervisor.hpp>

#include "actors/support/modes.hpp"
#include "supervision/support/children.hpp"

using coact_test::probe;
using coact_test::test_options;
using coact_test::worker_spec;

namespace {

// Children a, b, c under one supervisor with `strategy`; a generous intensity.
struct three_children {
    probe a, b, c;
    coact::runtime rt{test_options()};

    explicit three_children(coact::restart_strategy strategy, unsigned max_restarts = 10) {
        std::vector<coact::child_spec> specs{worker_spec("a", a), worker_spec("b", b),
                                             worker_spec("c", c)};
        rt.spawn("sup", coact::supervise,
                 coact::supervisor_options{.strategy = strategy,
                                           .max_restarts = max_restarts,
                                           .within = std::chrono::hours(1)},
                 specs);
        rt.run();
    }

    [[nodiscard]] std::vector<int> starts() const { return {a.starts, b.starts, c.starts}; }
};

}  // namespace

TEST_CASE("a supervisor starts its children in order, named, once each", "[supervision]") {
    three_children t(coact::restart_strategy::one_for_one);
    CHECK(t.starts() == std::vector{1, 1, 1});
    CHECK(t.rt.try_lookup("a"));
    CHECK(t.rt.try_lookup("b"));
    CHECK(t.rt.try_lookup("c"));
    CHECK(t.rt.stats().actors == 4);
}

TEST_CASE("one_for_one restarts only the failed child", "[supervision][strategy]") {
    three_children t(coact::restart_strategy::one_for_one);
    t.rt.send("b", -1);
    t.rt.run();
    CHECK(t.starts() == std::vector{1, 2, 1});
    CHECK(t.rt.stats().restarts == 1);
    CHECK(t.rt.stats().failed == 1);
    t.rt.send("c", -1);
    t.rt.run();
    CHECK(t.starts() == std::vector{1, 2, 2});
    CHECK(t.rt.stats().actors == 4);
}

TEST_CASE("one_for_all restarts every running child, and counts that as one restart",
          "[supervision][strategy]") {
    three_children t(coact::restart_strategy::one_for_all, 1);
    t.rt.send("b", -1);
    t.rt.run();
    CHECK(t.starts() == std::vector{2, 2, 2});
    CHECK(t.rt.stats().restarts == 3);
    CHECK(t.rt.stats().failed == 1);
    CHECK(t.rt.try_lookup("sup"));  // max_restarts 1: three children restarted is one restart
    CHECK(t.rt.stats().actors == 4);
}

TEST_CASE("rest_for_one restarts the failed child and the children started after it",
          "[supervision][strategy]") {
    three_children t(coact::restart_strategy::rest_for_one);
    t.rt.send("b", -1);
    t.rt.run();
    CHECK(t.starts() == std::vector{1, 2, 2});
    CHECK(t.rt.stats().restarts == 2);
    t.rt.send("c", -1);
    t.rt.run();
    CHECK(t.starts() == std::vector{1, 2, 3});
    t.rt.send("a", -1);
    t.rt.run();
    CHECK(t.starts() == std::vector{2, 3, 4});
    CHECK(t.rt.stats().actors == 4);
}

TEST_CASE("one_for_all does not restart a child that has returned", "[supervision][strategy]") {
    three_children t(coact::restart_strategy::one_for_all);
    t.rt.send("c", 0);  // c returns normally
    t.rt.run();
    CHECK_FALSE(t.rt.try_lookup("c"));
    t.rt.send("a", -1);
    t.rt.run();
    CHECK(t.starts() == std::vector{2, 2, 1});
    CHECK_FALSE(t.rt.try_lookup("c"));
    CHECK(t.rt.stats().actors == 3);
}

TEST_CASE("rest_for_one does not restart a later child that has returned",
          "[supervision][strategy]") {
    three_children t(coact::restart_strategy::rest_for_one);
    t.rt.send("c", 0);
    t.rt.run();
    t.rt.send("a", -1);
    t.rt.run();
    CHECK(t.starts() == std::vector{2, 2, 1});
    CHECK(t.rt.stats().restarts == 2);
}

TEST_CASE("a sibling restarted while live keeps the messages queued for it",
          "[supervision][strategy]") {
    // "stuck" is busy (its first body waits for a reply that never comes), so the messages sent
    // to it queue up; a's failure restarts it in place (one_for_all), and its new body takes them.
    probe a, stuck;
    coact::runtime rt(test_options());
    rt.spawn("sink", coact_test::sink);
    std::vector<coact::child_spec> specs{worker_spec("a", a),
                                         coact_test::stuck_spec("stuck", stuck)};
    rt.spawn("sup", coact::supervise,
             coact::supervisor_options{.strategy = coact::restart_strategy::one_for_all}, specs);
    rt.run();
    const coact::address stuck_address = rt.try_lookup("stuck");
    for (int i = 1; i <= 10; ++i) {
        if (i % 2 == 0) {
            rt.send("stuck", i);
        } else {
            rt.send(stuck_address, i);
        }
    }
    rt.send("a", -1);
    rt.run();
    CHECK(a.starts == 2);
    CHECK(stuck.starts == 2);
    CHECK(rt.try_lookup("stuck") == stuck_address);
    CHECK(stuck.values() == std::vector{1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
    CHECK(rt.stats().dead_letters == 0);
}
