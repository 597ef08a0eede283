// What spawn keeps alive (the callable, its captures, the arguments), and spawning from inside
// an actor.
#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/call_marker.hpp"
#include "actors/support/child_process.hpp"
#include "actors/support/modes.hpp"

using coact_test::test_options;

namespace {

coact::actor echo_prefix(coact::context& self, const std::string& prefix,
                         std::vector<std::string>& out) {
    for (;;) {
        const int n = co_await self.receive<int>();
        out.push_back(prefix + std::to_string(n));
    }
}

}  // namespace

TEST_CASE("a capturing lambda spawned as an actor keeps its captures alive", "[actor]") {
    coact::runtime rt(test_options());
    std::vector<std::string> named_out;  // one vector per actor: they may run at once
    std::vector<std::string> anonymous_out;
    std::vector<std::string> temporary_out;
    coact::address anonymous;
    {
        // Long enough to live on the heap: a dangling capture would be freed memory.
        std::string greeting = "hello from a captured string that is not small";
        auto fn = [greeting](coact::context& self, std::vector<std::string>& out) -> coact::actor {
            for (;;) {
                co_await self.receive<int>();
                out.push_back(greeting);
            }
        };
        rt.spawn("named", fn, std::ref(named_out));
        anonymous = rt.spawn(std::move(fn), std::ref(anonymous_out));
        // A temporary lambda, gone at the end of this statement:
        rt.spawn("temporary",
                 [greeting = greeting + "!", &temporary_out](coact::context& self) -> coact::actor {
                     for (;;) {
                         co_await self.receive<int>();
                         temporary_out.push_back(greeting);
                     }
                 });
    }
    for (int turn = 0; turn < 100; ++turn) {
        rt.send("named", turn);
        rt.send(anonymous, turn);
        rt.send("temporary", turn);
        rt.run();  // a new turn each time
    }
    REQUIRE(named_out.size() == 100);
    REQUIRE(anonymous_out.size() == 100);
    REQUIRE(temporary_out.size() == 100);
    for (std::size_t i = 0; i < 100; ++i) {
        CHECK(named_out[i] == "hello from a captured string that is not small");
        CHECK(anonymous_out[i] == "hello from a captured string that is not small");
        CHECK(temporary_out[i] == "hello from a captured string that is not small!");
    }
}

TEST_CASE("spawn arguments bound to const std::string& parameters stay valid", "[actor]") {
    coact::runtime rt(test_options());
    std::vector<std::string> lvalue_out;  // one vector per actor: they may run at once
    std::vector<std::string> rvalue_out;
    {
        std::string prefix = "a prefix long enough to be on the heap: ";
        rt.spawn("lvalue", echo_prefix, prefix, std::ref(lvalue_out));
        rt.spawn("rvalue", echo_prefix, std::string("another long heap-allocated prefix: "),
                 std::ref(rvalue_out));
        prefix.assign(prefix.size(), 'x');  // the actor keeps its own copy
    }
    for (int turn = 0; turn < 50; ++turn) {
        rt.send("lvalue", turn);
        rt.send("rvalue", turn);
        rt.run();
    }
    REQUIRE(lvalue_out.size() == 50);
    REQUIRE(rvalue_out.size() == 50);
    CHECK(lvalue_out[0] == "a prefix long enough to be on the heap: 0");
    CHECK(rvalue_out[0] == "another long heap-allocated prefix: 0");
    CHECK(lvalue_out[49] == "a prefix long enough to be on the heap: 49");
    CHECK(rvalue_out[49] == "another long heap-allocated prefix: 49");
}

// Regression: the holder used to keep a string literal argument as `const char*`; the call then
// makes a temporary std::string for the `const std::string&` parameter, and the frame keeps a
// reference to that temporary, which dies when spawn() returns. Reading it later is undefined
// behaviour (garbage, bad_alloc, a crash, or an AddressSanitizer abort), so the actor runs in a
// child process and the test reports how it went.
TEST_CASE("a string literal spawn argument bound to a const std::string& parameter stays valid",
          "[actor]") {
    const coact_test::child_result r = coact_test::run_in_child([] {
        coact::runtime rt(test_options());
        std::vector<std::string> out;
        rt.spawn("literal", echo_prefix,
                 "a literal that becomes a std::string on the heap: ", std::ref(out));
        for (int turn = 0; turn < 10; ++turn) {
            rt.send("literal", turn);
            rt.run();
        }
        return out.size() == 10 &&
               out[0] == "a literal that becomes a std::string on the heap: 0" &&
               out[9] == "a literal that becomes a std::string on the heap: 9";
    });
    INFO(r.describe());
    CHECK(r.passed());
}

// [single]: that children start after the parent's turn, in spawn order, is the single-threaded
// mode's order; with several workers a child may start while its parent still runs. The next test
// checks what holds in every mode.
TEST_CASE("self.spawn starts a child that runs after the parent's turn, never inside spawn()",
          "[actor][single]") {
    coact::runtime rt(test_options());
    std::vector<std::string> log;
    coact::address named_child;
    coact::address anon_child;
    std::string anon_name = "unset";
    rt.spawn("parent", [&](coact::context& self) -> coact::actor {
        log.push_back("parent before spawn");
        named_child = self.spawn("child", [&](coact::context& child) -> coact::actor {
            log.push_back("child '" + std::string(child.name()) + "' starts");
            log.push_back("child got " + std::to_string(co_await child.receive<int>()));
        });
        log.push_back("parent after named spawn");
        anon_child = self.spawn([&](coact::context& child) -> coact::actor {
            anon_name = std::string(child.name());
            log.push_back("anonymous child starts");
            co_return;
        });
        log.push_back("parent after anonymous spawn");
        self.send(named_child, 7);
        co_await self.receive<int>();
    });
    rt.run();
    CHECK(log == std::vector<std::string>{"parent before spawn", "parent after named spawn",
                                          "parent after anonymous spawn", "child 'child' starts",
                                          "child got 7", "anonymous child starts"});
    CHECK(named_child);
    CHECK(anon_child);
    CHECK(named_child != anon_child);
    CHECK(rt.try_lookup("child") == coact::address{});  // it returned: its name is free
    CHECK(anon_name.empty());
    CHECK(rt.stats().spawned == 3);
    CHECK(rt.stats().actors == 1);
}

TEST_CASE("self.spawn never runs the child inside spawn(), and the child knows its name",
          "[actor]") {
    coact::runtime rt(test_options());
    struct child_seen {
        int started_inside_spawn = 0;
        std::string name = "unset";
        int got = -1;
    };
    child_seen named_seen;  // each written by its own child only
    child_seen anon_seen;
    coact::address named_child;
    coact::address anon_child;
    bool parent_done = false;
    auto child = [](coact::context& self, child_seen& seen, bool wait) -> coact::actor {
        if (coact_test::call_marker::active()) ++seen.started_inside_spawn;
        seen.name = std::string(self.name());
        if (wait) seen.got = co_await self.receive<int>();
    };
    rt.spawn("parent", [&](coact::context& self) -> coact::actor {
        {
            const coact_test::call_marker mark;
            named_child = self.spawn("child", child, std::ref(named_seen), true);
            anon_child = self.spawn(child, std::ref(anon_seen), false);
        }
        self.send(named_child, 7);
        parent_done = true;
        co_await self.receive<int>();
    });
    rt.run();
    CHECK(parent_done);
    CHECK(named_child);
    CHECK(anon_child);
    CHECK(named_child != anon_child);
    CHECK(named_seen.started_inside_spawn == 0);
    CHECK(anon_seen.started_inside_spawn == 0);
    CHECK(named_seen.name == "child");
    CHECK(named_seen.got == 7);
    CHECK(anon_seen.name.empty());
    CHECK(rt.try_lookup("child") == coact::address{});  // it returned: its name is free
    CHECK(rt.stats().spawned == 3);
    CHECK(rt.stats().actors == 1);
    CHECK(rt.stats().failed == 0);
}

TEST_CASE("messages to an ended actor whose cell a failed spawn reuses are dead letters, not lost",
          "[actor][spawn][stress]") {
    // A spawn that fails (name_taken) takes a free cell, reopens its inbox and gives it back.
    // The free cell is the last actor's: a sender still holding that actor's address may push
    // into the reopened inbox meanwhile. Those messages must be counted as dead letters (and
    // freed: the ASan build checks for leaks), not dropped with the cell.
    coact::runtime rt(coact_test::test_options());
    rt.spawn("taken", [](coact::context& self) -> coact::actor {
        for (;;) co_await self.receive<int>();
    });
    const coact::address gone = rt.spawn([](coact::context&) -> coact::actor { co_return; });
    rt.run();  // `gone` has ended: its cell is the first free one
    std::atomic<bool> done{false};
    std::atomic<long> sent{0};
    std::thread stale_sender([&] {
        while (!done.load()) {
            rt.send(gone, 1);
            ++sent;
        }
    });
    int refused = 0;
    // At least 100 failed spawns, however far the sender got before this thread ran again (on
    // a loaded machine it could send its 200,000 first, and no spawn would race with it).
    for (int i = 0; i < 20000 && (i < 100 || sent.load() < 200000); ++i) {
        try {
            rt.spawn("taken", [](coact::context&) -> coact::actor { co_return; });
        } catch (const coact::name_taken&) {
            ++refused;
        }
    }
    done = true;
    stale_sender.join();
    rt.run();
    CHECK(refused > 0);
    CHECK(rt.stats().dead_letters == static_cast<std::uint64_t>(sent.load()));
}
