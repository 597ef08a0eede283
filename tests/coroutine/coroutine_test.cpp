// coact::coroutine<Yield, Send, Return>: next, send, state, result, primed, the error types,
// and what happens when an exception escapes the body (contract §2).
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "support/lifetime_probe.hpp"

namespace {

using coact_test::lifetime_probe;

// The contract's summer: yields the running total, returns it when sent nothing.
coact::coroutine<int, int, int> summer(int& runs) {
    ++runs;
    int total = 0;
    while (auto x = co_yield total) total += *x;
    co_return total;
}

// Records what every co_yield evaluated to and echoes it back.
coact::coroutine<std::string, std::string> echo(std::vector<std::optional<std::string>>& received) {
    std::string out = "ready";
    for (;;) {
        std::optional<std::string> in = co_yield out;
        received.push_back(in);
        out = in.value_or("<none>");
    }
}

coact::coroutine<int> countdown(int n) {
    while (n > 0) co_yield n--;
}

using observed = coact::coroutine<int, int>;

observed observe_self(observed*& self, std::vector<coact::state>& seen) {
    seen.push_back(self->state());
    co_yield 1;
    seen.push_back(self->state());
}

coact::coroutine<int, std::unique_ptr<int>> unbox() {
    int last = 0;
    while (auto box = co_yield last) last = **box;
}

coact::coroutine<std::unique_ptr<int>> boxes() {
    co_yield std::make_unique<int>(1);
    co_yield std::make_unique<int>(2);
}

coact::coroutine<int, int> guarded(int& destroyed) {
    lifetime_probe probe(destroyed);
    for (;;) co_yield 0;
}

// Throws when it is sent nothing (domain_error) or a negative number (invalid_argument).
coact::coroutine<int, int> picky() {
    for (int n = 0;; ++n) {
        std::optional<int> x = co_yield n;
        if (!x) throw std::domain_error("sent nothing");
        if (*x < 0) throw std::invalid_argument("negative");
    }
}

template <class C>
concept can_send = requires(C& c) {
    c.send(1);
};

template <class C>
concept has_result = requires(C& c) {
    c.result();
};

}  // namespace

TEST_CASE("a created coroutine runs no code", "[coroutine]") {
    int runs = 0;
    {
        auto c = summer(runs);
        CHECK(c.state() == coact::state::created);
        CHECK(runs == 0);
    }
    CHECK(runs == 0);  // not even when it is destroyed
}

TEST_CASE("next() runs the body to its first co_yield and returns the yielded value",
          "[coroutine]") {
    int runs = 0;
    auto c = summer(runs);
    CHECK(c.next() == 0);
    CHECK(runs == 1);
    CHECK(c.state() == coact::state::suspended);
}

TEST_CASE("send(v) makes the pending co_yield evaluate to v and next() to nullopt", "[coroutine]") {
    std::vector<std::optional<std::string>> received;
    auto c = echo(received);
    CHECK(c.next() == "ready");
    CHECK(received.empty());
    CHECK(c.send("hello") == "hello");
    CHECK(c.next() == "<none>");
    CHECK(c.send("again") == "again");
    REQUIRE(received.size() == 3);
    CHECK(received[0] == "hello");
    CHECK_FALSE(received[1].has_value());
    CHECK(received[2] == "again");
}

TEST_CASE("send to a just-created coroutine throws not_started and it stays created",
          "[coroutine]") {
    int runs = 0;
    auto c = summer(runs);
    CHECK_THROWS_AS(c.send(1), coact::not_started);
    CHECK(c.state() == coact::state::created);
    CHECK(runs == 0);
    // It can still be started normally.
    CHECK(c.next() == 0);
    CHECK(c.send(4) == 4);
}

TEST_CASE("next and send on a finished coroutine return nullopt", "[coroutine]") {
    int runs = 0;
    auto c = summer(runs);
    c.next();
    CHECK(c.send(2) == 2);
    CHECK(c.send(3) == 5);
    CHECK_FALSE(c.next().has_value());  // the loop ends and the body returns
    CHECK(c.state() == coact::state::closed);
    CHECK_FALSE(c.next().has_value());
    CHECK_FALSE(c.send(1).has_value());
    CHECK(c.state() == coact::state::closed);
    CHECK(c.result() == 5);
}

TEST_CASE("result() before the body has returned throws not_finished", "[coroutine]") {
    int runs = 0;
    auto c = summer(runs);
    CHECK_THROWS_AS(c.result(), coact::not_finished);  // created
    c.next();
    CHECK_THROWS_AS(c.result(), coact::not_finished);  // suspended
    CHECK_THROWS_AS(std::as_const(c).result(), coact::not_finished);
    c.send(7);
    c.next();
    CHECK(c.result() == 7);
    CHECK(std::as_const(c).result() == 7);

    auto closed_early = summer(runs);
    closed_early.next();
    closed_early.close();  // closed without a co_return value
    CHECK_THROWS_AS(closed_early.result(), coact::not_finished);
}

TEST_CASE("state() is running while the body executes and suspended at a co_yield", "[coroutine]") {
    std::vector<coact::state> seen;
    observed* self = nullptr;
    auto c = observe_self(self, seen);
    self = &c;
    CHECK(c.state() == coact::state::created);
    CHECK(c.next() == 1);
    CHECK(c.state() == coact::state::suspended);
    CHECK_FALSE(c.next().has_value());
    CHECK(c.state() == coact::state::closed);
    CHECK(seen == std::vector<coact::state>{coact::state::running, coact::state::running});
    CHECK(coact::to_string(coact::state::suspended) == "suspended");
}

TEST_CASE("primed returns the coroutine advanced to its first co_yield", "[coroutine]") {
    int runs = 0;
    auto c = coact::primed(summer(runs));
    CHECK(runs == 1);
    CHECK(c.state() == coact::state::suspended);
    CHECK(c.send(2) == 2);  // no not_started: it was primed
    CHECK(c.send(3) == 5);
}

TEST_CASE("send exists only when Send is not void and result only when Return is not void",
          "[coroutine]") {
    static_assert(can_send<coact::coroutine<int, int>>);
    static_assert(!can_send<coact::coroutine<int>>);
    static_assert(has_result<coact::coroutine<int, int, int>>);
    static_assert(!has_result<coact::coroutine<int, int>>);
    static_assert(std::is_same_v<decltype(std::declval<coact::coroutine<int, int>&>().next()),
                                 std::optional<int>>);

    auto c = countdown(3);
    CHECK(c.next() == 3);
    CHECK(c.next() == 2);
    CHECK(c.next() == 1);
    CHECK_FALSE(c.next().has_value());
}

TEST_CASE("move-only values can be sent into and yielded out of a coroutine", "[coroutine]") {
    auto in = coact::primed(unbox());
    CHECK(in.send(std::make_unique<int>(42)) == 42);

    auto out = boxes();
    std::optional<std::unique_ptr<int>> first = out.next();
    REQUIRE(first.has_value());
    REQUIRE(*first != nullptr);
    CHECK(**first == 1);
    auto second = out.next();
    REQUIRE(second.has_value());
    CHECK(**second == 2);
    CHECK_FALSE(out.next().has_value());
}

TEST_CASE("a moved-from coroutine is empty and closed and the moved-to one continues",
          "[coroutine]") {
    int runs = 0;
    auto a = coact::primed(summer(runs));
    a.send(5);
    auto b = std::move(a);
    CHECK(a.state() == coact::state::closed);  // NOLINT(bugprone-use-after-move)
    CHECK_FALSE(a.next().has_value());         // NOLINT(bugprone-use-after-move)
    CHECK_THROWS_AS(a.result(), coact::not_finished);
    CHECK(b.send(1) == 6);
}

TEST_CASE("move-assigning over a suspended coroutine destroys its frame", "[coroutine]") {
    int destroyed = 0;
    auto c = coact::primed(guarded(destroyed));
    c = coact::primed(guarded(destroyed));
    CHECK(destroyed == 1);
    CHECK(c.state() == coact::state::suspended);
}

TEST_CASE("an exception escaping the body propagates out of the call that resumed it and closes it",
          "[coroutine]") {
    auto c = picky();
    REQUIRE(c.next() == 0);
    REQUIRE(c.send(5) == 1);

    SECTION("out of next()") { CHECK_THROWS_WITH(c.next(), "sent nothing"); }
    SECTION("out of send()") { CHECK_THROWS_AS(c.send(-1), std::invalid_argument); }
    SECTION("out of raise()") {
        CHECK_THROWS_AS(c.raise(std::overflow_error("thrown in")), std::overflow_error);
    }
    CHECK(c.state() == coact::state::closed);
    // The exception is reported once; afterwards the coroutine is simply finished.
    CHECK_NOTHROW(c.next());
    CHECK_FALSE(c.next().has_value());
    CHECK_FALSE(c.send(1).has_value());
}

TEST_CASE(
    "coact errors derive from coact::error and std::runtime_error but generator_exit does not",
    "[coroutine]") {
    static_assert(std::is_base_of_v<std::runtime_error, coact::error>);
    static_assert(std::is_base_of_v<coact::error, coact::not_started>);
    static_assert(std::is_base_of_v<coact::error, coact::already_running>);
    static_assert(std::is_base_of_v<coact::error, coact::ignored_exit>);
    static_assert(std::is_base_of_v<coact::error, coact::not_finished>);
    static_assert(std::is_base_of_v<std::runtime_error, coact::not_started>);
    static_assert(std::is_base_of_v<std::runtime_error, coact::already_running>);
    static_assert(std::is_base_of_v<std::runtime_error, coact::ignored_exit>);
    static_assert(std::is_base_of_v<std::runtime_error, coact::not_finished>);
    static_assert(!std::is_base_of_v<std::exception, coact::generator_exit>);
    static_assert(!std::is_base_of_v<coact::error, coact::generator_exit>);

    // Every error says what went wrong.
    CHECK_THAT(coact::already_running().what(), Catch::Contains("generator already executing"));
    CHECK(std::string(coact::not_started().what()).size() > 20);
    CHECK(std::string(coact::ignored_exit().what()).size() > 20);
}
