// The supervisor's own life: stopped, shut down, sent what it does not expect, misconfigured,
// restarted in place by its own supervisor.
#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/supervisor.hpp>

#include "actors/support/modes.hpp"
#include "actors/support/tracked.hpp"
#include "supervision/support/children.hpp"

using coact_test::probe;
using coact_test::test_options;
using coact_test::tracked;
using coact_test::worker_spec;

namespace {

coact::supervisor_options generous() {
    return {.max_restarts = 1000, .within = std::chrono::hours(1)};
}

// Takes tracked messages; fails on a negative one.
coact::actor tracked_worker(coact::context& self) {
    for (;;) {
        const tracked t = co_await self.receive<tracked>();
        if (t.value() < 0) throw std::runtime_error("negative tracked");
    }
}

// A supervisor that never decides: its failed children stay held.
coact::actor undecided(coact::context& self, int& heard) {
    for (;;) {
        co_await self.receive<coact::child_failed>();
        ++heard;
    }
}

// A supervisor that records each child_failed and ends that child for good.
coact::actor recorder(coact::context& self, std::vector<coact::child_failed>& heard) {
    for (;;) {
        heard.push_back(co_await self.receive<coact::child_failed>());
        self.stop(heard.back().who);
    }
}

}  // namespace

TEST_CASE("stopping the supervisor stops its children", "[supervision][lifecycle]") {
    probe a, b;
    coact::runtime rt(test_options());
    std::vector<coact::child_spec> specs{worker_spec("a", a), worker_spec("b", b)};
    const coact::address sup = rt.spawn("sup", coact::supervise, generous(), specs);
    rt.run();
    coact_test::watch_log on_a, on_b;
    rt.spawn(coact_test::watcher, rt.try_lookup("a"), std::vector<std::string>{}, std::ref(on_a));
    rt.spawn(coact_test::watcher, rt.try_lookup("b"), std::vector<std::string>{}, std::ref(on_b));
    rt.run();
    rt.stop(sup);
    rt.run();
    REQUIRE(on_a.downs.size() == 1);
    REQUIRE(on_b.downs.size() == 1);
    CHECK(on_a.downs[0].reason.closed());
    CHECK(on_b.downs[0].reason.closed());
    CHECK(a.starts == 1);
    CHECK(b.starts == 1);
    CHECK(rt.stats().actors == 0);
    CHECK(rt.stats().restarts == 0);
}

TEST_CASE("stopping the supervisor ends a held child for good, with its failure",
          "[supervision][lifecycle][single]") {
    probe w;
    coact::testing::deterministic sim;
    std::vector<coact::child_spec> specs{worker_spec("w", w)};
    const coact::address sup = sim.spawn("sup", coact::supervise, generous(), specs);
    sim.step_all();
    coact_test::watch_log log;
    sim.spawn(coact_test::watcher, sim.runtime().try_lookup("w"), std::vector<std::string>{},
              std::ref(log));
    sim.step_all();
    sim.send("w", -1);
    while (sim.stats().failed == 0) REQUIRE(sim.step());
    sim.send("w", 2);         // queued for the held child
    sim.runtime().stop(sup);  // before the supervisor has seen the child_failed
    sim.run();
    REQUIRE(log.downs.size() == 1);
    CHECK(log.downs[0].reason.failed());
    CHECK(log.downs[0].reason.what() == "negative input -1");
    CHECK(w.starts == 1);
    CHECK(sim.stats().actors == 0);
    // The 2 (its receiver ended for good), and the child_failed and the down that reached the
    // supervisor while it was being stopped.
    CHECK(sim.stats().dead_letters == 3);
}

TEST_CASE("shutdown with held children and queued messages leaks nothing",
          "[supervision][lifecycle]") {
    tracked::reset();
    {
        coact::runtime rt(test_options());
        int heard = 0;
        const coact::address sup = rt.spawn(undecided, std::ref(heard));
        const coact::address a =
            rt.spawn(coact::spawn_options{.name = "a", .supervisor = sup}, tracked_worker);
        const coact::address b =
            rt.spawn(coact::spawn_options{.name = "b", .supervisor = sup}, tracked_worker);
        rt.send(a, tracked{-1});
        rt.send(b, tracked{-1});
        rt.run();
        CHECK(heard == 2);
        CHECK(rt.try_lookup("a") == a);  // held, not ended
        for (int i = 0; i < 10; ++i) {
            rt.send("a", tracked{i});
            rt.send(b, tracked{i});
        }
        rt.run();
        CHECK(rt.shutdown() == 20);
        CHECK(rt.stats().dead_letters == 20);
    }
    CHECK(tracked::live() == 0);
    CHECK(tracked::bad_destroys() == 0);
}

TEST_CASE("shutdown while supervise() has a held child and queued messages leaks nothing",
          "[supervision][lifecycle][single]") {
    tracked::reset();
    {
        coact::testing::deterministic sim;
        std::vector<coact::child_spec> specs{{.name = "w", .start = tracked_worker}};
        sim.spawn("sup", coact::supervise, generous(), specs);
        sim.step_all();
        sim.send("w", tracked{-1});
        while (sim.stats().failed == 0) REQUIRE(sim.step());
        sim.send("w", tracked{1});
        sim.send("w", tracked{2});
        CHECK(sim.runtime().shutdown() == 3);  // two tracked and the child_failed
    }
    CHECK(tracked::live() == 0);
    CHECK(tracked::bad_destroys() == 0);
}

TEST_CASE("an on_event that throws fails the supervisor, which stops its children first",
          "[supervision][lifecycle]") {
    probe a, b;
    coact::supervisor_options options = generous();
    options.on_event = [](const coact::supervisor_event& e) {
        if (e.what == coact::supervisor_event::kind::failed) throw std::runtime_error("observer");
    };
    coact::runtime rt(test_options());
    std::vector<coact::child_spec> specs{worker_spec("a", a), worker_spec("b", b)};
    const coact::address sup = rt.spawn("sup", coact::supervise, options, specs);
    coact_test::watch_log log;
    rt.spawn(coact_test::watcher, sup, std::vector<std::string>{}, std::ref(log));
    rt.run();
    rt.send("a", -1);
    rt.run();
    REQUIRE(log.downs.size() == 1);
    CHECK(log.downs[0].reason.what() == "observer");
    CHECK(a.starts == 1);
    CHECK_FALSE(rt.try_lookup("a"));  // held when the supervisor failed: stopped, ended for good
    CHECK_FALSE(rt.try_lookup("b"));
    CHECK(rt.stats().actors == 0);
}

TEST_CASE("a supervisor drops messages that are not for it", "[supervision][lifecycle]") {
    probe w;
    coact::runtime rt(test_options());
    std::vector<coact::child_spec> specs{worker_spec("w", w)};
    const coact::address sup = rt.spawn("sup", coact::supervise, generous(), specs);
    rt.run();
    rt.send(sup, 42);
    rt.send(sup, std::string("hello"));
    rt.run();
    CHECK(rt.try_lookup("sup") == sup);
    rt.send("w", -1);
    rt.run();
    CHECK(w.starts == 2);
}

TEST_CASE("an actor that names the supervisor but was not started by it ends when it fails",
          "[supervision][lifecycle]") {
    probe w, stranger;
    coact::runtime rt(test_options());
    std::vector<coact::child_spec> specs{worker_spec("w", w)};
    const coact::address sup = rt.spawn("sup", coact::supervise, generous(), specs);
    rt.run();
    rt.spawn(coact::spawn_options{.name = "stranger", .supervisor = sup}, coact_test::worker,
             std::ref(stranger));
    rt.run();
    rt.send("stranger", -1);
    rt.run();
    CHECK_FALSE(rt.try_lookup("stranger"));  // held, then stopped by the supervisor: ended for good
    CHECK(stranger.starts == 1);
    CHECK(rt.stats().restarts == 0);
    CHECK(rt.try_lookup("sup") == sup);
}

TEST_CASE("a child list without a start function, or with a name twice, fails the supervisor",
          "[supervision][lifecycle]") {
    probe p;
    std::vector<coact::child_spec> missing{worker_spec("a", p), {.name = "b"}};
    std::vector<coact::child_spec> twice{worker_spec("a", p), worker_spec("a", p)};
    for (const auto& specs : {missing, twice}) {
        coact::runtime rt(test_options());
        std::vector<coact::child_failed> heard;
        const coact::address parent = rt.spawn(recorder, std::ref(heard));
        const coact::address sup =
            rt.spawn(coact::spawn_options{.name = "sup", .supervisor = parent}, coact::supervise,
                     generous(), specs);
        rt.run();
        REQUIRE(heard.size() == 1);
        CHECK(heard[0].who == sup);
        CHECK(heard[0].reason.what().find("coact::supervise") != std::string::npos);
        CHECK_FALSE(rt.try_lookup("a"));
        CHECK(rt.stats().actors == 1);  // the recorder
    }
    CHECK(p.starts == 0);
}

TEST_CASE("a supervisor restarted in place by its own supervisor starts its children again",
          "[supervision][lifecycle]") {
    // top (one_for_all) supervises inner (a supervisor of w) and c. c's failure restarts inner
    // while it is live: inner is stopped, stops w, and starts again at once; its new w may have
    // to wait for the old one to free the name.
    probe w, c;
    std::vector<coact::child_spec> inner_children{worker_spec("w", w)};
    const coact::supervisor_options inner_options = generous();
    std::vector<coact::child_spec> top_children{
        {.name = "inner",
         .start =
             [inner_options, inner_children](coact::context& self) {
                 return coact::supervise(self, inner_options, inner_children);
             }},
        worker_spec("c", c)};
    coact::supervisor_options top_options = generous();
    top_options.strategy = coact::restart_strategy::one_for_all;
    coact::runtime rt(test_options());
    rt.spawn("top", coact::supervise, top_options, top_children);
    rt.run();
    const coact::address old_w = rt.try_lookup("w");
    for (int round = 1; round <= 20; ++round) {
        rt.send("c", -round);
        rt.run();
        CHECK(w.starts == round + 1);
        CHECK(c.starts == round + 1);
        REQUIRE(rt.try_lookup("w"));
        CHECK(rt.try_lookup("w") != old_w);  // a new actor (its old self was stopped, not failed)
    }
    rt.send("w", 7);
    rt.run();
    CHECK(w.values() == std::vector{7});
    CHECK(rt.stats().actors == 4);
}

TEST_CASE("a child whose name a live actor holds starts once that actor has ended",
          "[supervision][lifecycle]") {
    probe squatter, a, b;
    coact::runtime rt(test_options());
    const coact::address old = rt.spawn("a", coact_test::worker, std::ref(squatter));
    std::vector<coact::child_spec> specs{worker_spec("a", a), worker_spec("b", b)};
    rt.spawn("sup", coact::supervise, generous(), specs);
    rt.run();
    CHECK(rt.try_lookup("a") == old);
    CHECK(a.starts == 0);
    CHECK(b.starts == 0);  // the children start in order: b waits for a
    rt.send(old, 0);       // the squatter returns: the name is free
    rt.run();
    CHECK(a.starts == 1);
    CHECK(b.starts == 1);
    REQUIRE(rt.try_lookup("a"));
    CHECK(rt.try_lookup("a") != old);
    rt.send("a", -1);  // and it is supervised
    rt.run();
    CHECK(a.starts == 2);
}

TEST_CASE("a child's mailbox bound comes from its spec", "[supervision][lifecycle]") {
    probe stuck;
    coact::runtime rt(test_options());
    rt.spawn("sink", coact_test::sink);
    coact::child_spec spec = coact_test::stuck_spec("stuck", stuck);
    spec.capacity = 2;
    spec.overflow = coact::overflow::drop_newest;
    std::vector<coact::child_spec> specs{spec};
    rt.spawn("sup", coact::supervise, generous(), specs);
    rt.run();
    for (int i = 1; i <= 5; ++i) rt.send("stuck", i);
    rt.run();
    CHECK(rt.stats().dropped == 3);
}
