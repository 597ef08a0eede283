// What spawn keeps alive (the callable, its captures, the arguments), and spawning from inside
// an actor.
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/child_process.hpp"

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
    coact::runtime rt;
    std::vector<std::string> out;
    {
        // Long enough to live on the heap: a dangling capture would be freed memory.
        std::string greeting = "hello from a captured string that is not small";
        auto fn = [greeting, &out](coact::context& self) -> coact::actor {
            for (;;) {
                co_await self.receive<int>();
                out.push_back(greeting);
            }
        };
        rt.spawn("named", fn);
        rt.spawn(std::move(fn));
        // A temporary lambda, gone at the end of this statement:
        rt.spawn("temporary",
                 [greeting = greeting + "!", &out](coact::context& self) -> coact::actor {
                     for (;;) {
                         co_await self.receive<int>();
                         out.push_back(greeting);
                     }
                 });
    }
    for (int turn = 0; turn < 100; ++turn) {
        rt.send("named", turn);
        rt.send("temporary", turn);
        rt.run();  // a new turn each time
    }
    REQUIRE(out.size() == 200);
    for (std::size_t i = 0; i < out.size(); i += 2) {
        CHECK(out[i] == "hello from a captured string that is not small");
        CHECK(out[i + 1] == "hello from a captured string that is not small!");
    }
}

TEST_CASE("spawn arguments bound to const std::string& parameters stay valid", "[actor]") {
    coact::runtime rt;
    std::vector<std::string> out;
    {
        std::string prefix = "a prefix long enough to be on the heap: ";
        rt.spawn("lvalue", echo_prefix, prefix, std::ref(out));
        rt.spawn("rvalue", echo_prefix, std::string("another long heap-allocated prefix: "),
                 std::ref(out));
        prefix.assign(prefix.size(), 'x');  // the actor keeps its own copy
    }
    for (int turn = 0; turn < 50; ++turn) {
        rt.send("lvalue", turn);
        rt.send("rvalue", turn);
        rt.run();
    }
    REQUIRE(out.size() == 100);
    CHECK(out[0] == "a prefix long enough to be on the heap: 0");
    CHECK(out[1] == "another long heap-allocated prefix: 0");
    CHECK(out[98] == "a prefix long enough to be on the heap: 49");
    CHECK(out[99] == "another long heap-allocated prefix: 49");
}

// Regression: the holder used to keep a string literal argument as `const char*`; the call then
// makes a temporary std::string for the `const std::string&` parameter, and the frame keeps a
// reference to that temporary, which dies when spawn() returns. Reading it later is undefined
// behaviour (garbage, bad_alloc, a crash, or an AddressSanitizer abort), so the actor runs in a
// child process and the test reports how it went.
TEST_CASE("a string literal spawn argument bound to a const std::string& parameter stays valid",
          "[actor]") {
    const coact_test::child_result r = coact_test::run_in_child([] {
        coact::runtime rt;
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

TEST_CASE("self.spawn starts a child that runs after the parent's turn, never inside spawn()",
          "[actor]") {
    coact::runtime rt;
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
    CHECK(rt.lookup("child") == coact::address{});  // it returned: its name is free
    CHECK(anon_name.empty());
    CHECK(rt.stats().spawned == 3);
    CHECK(rt.stats().actors == 1);
}
