// Delegation, Python's `yield from` (PEP 380): `R r = co_yield coact::yield_from(sub)`
// (contract §2).
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "support/lifetime_probe.hpp"

namespace {

using coact_test::lifetime_probe;
using log_t = std::vector<std::string>;

class reset_request : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// --- return values -------------------------------------------------------------------------

using adder = coact::coroutine<int, int, int>;

adder summer(log_t& log, std::string name) {
    int total = 0;
    while (auto x = co_yield total) {
        log.push_back(name + " got " + std::to_string(*x));
        total += *x;
    }
    co_return total;
}

adder two_sums(log_t& log) {
    const int a = co_yield coact::yield_from(summer(log, "first"));
    log.push_back("first returned " + std::to_string(a));
    const int b = co_yield coact::yield_from(summer(log, "second"));
    log.push_back("second returned " + std::to_string(b));
    co_yield a * 100 + b;
    co_return a + b;
}

adder continues(adder sub) {
    const int r = co_yield coact::yield_from(std::move(sub));
    co_yield r;
    co_return r;
}

// --- routing of send / raise / close ---------------------------------------------------------

using channel = coact::coroutine<std::string, std::string, std::string>;

channel leaf(log_t& log) {
    std::string out = "leaf ready";
    for (;;) {
        try {
            std::optional<std::string> in = co_yield out;
            if (!in) break;
            log.push_back("leaf got " + *in);
            out = "leaf:" + *in;
        } catch (const reset_request&) {
            log.emplace_back("leaf reset");
            out = "leaf was reset";
        }
    }
    co_return "leaf done";
}

channel relay(log_t& log, int depth) {
    std::string r;
    try {
        if (depth == 0) {
            r = co_yield coact::yield_from(leaf(log));
        } else {
            r = co_yield coact::yield_from(relay(log, depth - 1));
        }
    } catch (...) {
        log.push_back("relay " + std::to_string(depth) + " saw an exception");
        throw;
    }
    log.push_back("relay " + std::to_string(depth) + " got " + r);
    co_return r;
}

channel fails_after_one() {
    co_yield "sub ready";
    throw std::logic_error("sub failed");
}

channel passive_leaf() {
    for (;;) co_yield "waiting";
}

// Catches whatever comes out of its delegate at the yield_from, then yields a report.
channel catcher(bool throw_from_sub) {
    std::string what;
    try {
        if (throw_from_sub) {
            co_yield coact::yield_from(fails_after_one());
        } else {
            co_yield coact::yield_from(passive_leaf());
        }
    } catch (const std::exception& e) {
        what = e.what();
    }
    co_yield "caught " + what;
    co_return "catcher done";
}

// --- close ---------------------------------------------------------------------------------

coact::coroutine<int> closing_level(log_t& log, int depth, bool inner_rethrows) {
    try {
        if (depth == 0) {
            for (int i = 0; i < 3; ++i)
                co_yield i;  // bounded: an endless leaf trips clang -Winfinite-recursion
        } else {
            co_yield coact::yield_from(closing_level(log, depth - 1, inner_rethrows));
        }
    } catch (const coact::generator_exit&) {
        log.push_back("level " + std::to_string(depth));
        if (depth > 0 || inner_rethrows) throw;
        // depth 0 with !inner_rethrows: cleans up and returns normally
    }
}

coact::coroutine<int> ignoring_leaf() {
    for (;;) {
        bool got_exit = false;
        try {
            co_yield 1;
        } catch (const coact::generator_exit&) {
            got_exit = true;
        }
        if (got_exit) co_yield -1;
    }
}

coact::coroutine<int> over_ignoring_leaf(bool& outer_saw_exit) {
    try {
        co_yield coact::yield_from(ignoring_leaf());
    } catch (const coact::generator_exit&) {
        outer_saw_exit = true;
        throw;
    }
}

// Catches generator_exit, then cleans up through a delegate that returns without yielding.
coact::coroutine<int, void, int> flush(log_t& log) {
    log.emplace_back("flush ran");
    co_return 5;
}

coact::coroutine<int> cleanup_by_delegation(log_t& log) {
    bool closing = false;
    try {
        co_yield 1;
    } catch (const coact::generator_exit&) {
        closing = true;
    }
    if (closing) {
        try {
            const int n = co_yield coact::yield_from(flush(log));
            log.push_back("flushed " + std::to_string(n));
        } catch (const coact::generator_exit&) {
            log.emplace_back("a second generator_exit");
            throw;
        }
    }
}

// --- depth ---------------------------------------------------------------------------------

adder deep(int depth) {
    if (depth == 0) {
        int total = 0;
        while (auto x = co_yield total) total += *x;
        co_return total;
    }
    const int r = co_yield coact::yield_from(deep(depth - 1));
    co_return r + 1;
}

coact::coroutine<int> guarded_deep(int depth, int& destroyed) {
    lifetime_probe probe(destroyed);
    if (depth == 0) {
        for (int i = 0; i < 3; ++i)
            co_yield i;  // bounded: an endless leaf trips clang -Winfinite-recursion
    } else {
        co_yield coact::yield_from(guarded_deep(depth - 1, destroyed));
    }
}

coact::coroutine<int> closing_deep(int depth, int& cleaned) {
    try {
        if (depth == 0) {
            for (int i = 0; i < 3; ++i)
                co_yield i;  // bounded: an endless leaf trips clang -Winfinite-recursion
        } else {
            co_yield coact::yield_from(closing_deep(depth - 1, cleaned));
        }
    } catch (const coact::generator_exit&) {
        ++cleaned;
        throw;
    }
}

// --- already-started and mixed delegates -----------------------------------------------------

using talk = coact::coroutine<int, int>;

talk recorder(std::vector<std::optional<int>>& got) {
    for (int i = 10;; ++i) {
        std::optional<int> v = co_yield i;
        got.push_back(v);
    }
}

talk takes_over(talk sub) { co_yield coact::yield_from(std::move(sub)); }

coact::generator<int> gen_one_two() {
    co_yield 1;
    co_yield 2;
}

coact::coroutine<int> coro_three_four() {
    co_yield 3;
    co_yield 4;
}

coact::coroutine<int> coroutine_over_generator() {
    co_yield coact::yield_from(gen_one_two());
    co_yield coact::yield_from(coro_three_four());
}

coact::generator<int> generator_over_coroutine() {
    co_yield coact::yield_from(coro_three_four());
    co_yield coact::yield_from(gen_one_two());
}

talk reenters_outer(talk*& outer, log_t& log) {
    co_yield 1;
    try {
        (void)outer->next();
    } catch (const coact::already_running& e) {
        log.emplace_back(e.what());
    }
    co_yield 2;
}

talk around(talk inner) { co_yield coact::yield_from(std::move(inner)); }

}  // namespace

TEST_CASE("yield_from evaluates to the delegate's co_return value", "[coroutine][delegation]") {
    log_t log;
    auto c = two_sums(log);
    CHECK(c.next() == 0);  // first's initial total comes out of the outer coroutine
    CHECK(c.send(1) == 1);
    CHECK(c.send(2) == 3);
    CHECK(c.next() == 0);  // first returned 3; second's initial total
    CHECK(c.send(5) == 5);
    CHECK(c.next() == 305);
    CHECK_FALSE(c.next().has_value());
    CHECK(c.result() == 8);
    CHECK(log == log_t{"first got 1", "first got 2", "first returned 3", "second got 5",
                       "second returned 5"});
}

TEST_CASE("send and raise go to the innermost delegate and its yields come out of the outer",
          "[coroutine][delegation]") {
    log_t log;
    auto c = relay(log, 2);
    CHECK(c.next() == "leaf ready");
    CHECK(c.state() == coact::state::suspended);
    CHECK(c.send("a") == "leaf:a");
    CHECK(c.raise(reset_request("new query")) == "leaf was reset");
    CHECK(c.send("b") == "leaf:b");
    CHECK(log == log_t{"leaf got a", "leaf reset", "leaf got b"});  // no relay saw anything

    CHECK_FALSE(c.next().has_value());  // the leaf returns; every relay passes the value up
    CHECK(c.result() == "leaf done");
    CHECK(log == log_t{"leaf got a", "leaf reset", "leaf got b", "relay 0 got leaf done",
                       "relay 1 got leaf done", "relay 2 got leaf done"});
}

TEST_CASE("an exception in the delegate propagates into the delegator at the yield_from",
          "[coroutine][delegation]") {
    SECTION("thrown by the delegate's own code") {
        auto c = catcher(true);
        CHECK(c.next() == "sub ready");
        CHECK(c.next() == "caught sub failed");
    }
    SECTION("raised into the delegate, which does not catch it") {
        auto c = catcher(false);
        CHECK(c.next() == "waiting");
        CHECK(c.raise(std::out_of_range("thrown in")) == "caught thrown in");
    }
    SECTION("not caught anywhere: it leaves through raise and every frame is closed") {
        log_t log;
        auto c = relay(log, 2);
        c.next();
        CHECK_THROWS_AS(c.raise(std::out_of_range("nobody catches")), std::out_of_range);
        CHECK(c.state() == coact::state::closed);
        CHECK(log == log_t{"relay 0 saw an exception", "relay 1 saw an exception",
                           "relay 2 saw an exception"});
    }
}

TEST_CASE("close on a delegator closes the innermost delegate first and then each outer frame",
          "[coroutine][delegation][close]") {
    log_t log;
    const bool inner_rethrows = GENERATE(true, false);
    CAPTURE(inner_rethrows);
    auto c = closing_level(log, 2, inner_rethrows);
    CHECK(c.next() == 0);
    CHECK_NOTHROW(c.close());
    // Even when the innermost frame returns normally, each delegator gets its own generator_exit.
    CHECK(log == log_t{"level 0", "level 1", "level 2"});
    CHECK(c.state() == coact::state::closed);
    CHECK_FALSE(c.next().has_value());
}

TEST_CASE("close on a delegator whose delegate ignores generator_exit throws ignored_exit",
          "[coroutine][delegation][close]") {
    bool outer_saw_exit = false;
    auto c = over_ignoring_leaf(outer_saw_exit);
    CHECK(c.next() == 1);
    CHECK_THROWS_AS(c.close(), coact::ignored_exit);
    CHECK_FALSE(outer_saw_exit);
}

// Regression (fixed): the root's closing_ flag makes *every* delegation that finishes
// during close() throw generator_exit into its delegator, not only the delegations that were
// under way when close() was called. Python: `n = yield from flush()` after catching
// GeneratorExit just returns flush's value.
TEST_CASE("a delegation started after catching generator_exit returns its value normally",
          "[coroutine][delegation][close]") {
    log_t log;
    auto c = coact::primed(cleanup_by_delegation(log));
    CHECK_NOTHROW(c.close());
    CHECK(c.state() == coact::state::closed);
    CHECK(log == log_t{"flush ran", "flushed 5"});
}

TEST_CASE("a delegation 100000 deep takes 200000 sends and returns through every frame",
          "[coroutine][delegation][depth]") {
    constexpr int depth = 100'000;
    constexpr int sends = 200'000;
    auto c = deep(depth);
    REQUIRE(c.next() == 0);
    bool all_right = true;
    for (int i = 1; i <= sends; ++i) {
        const std::optional<int> total = c.send(1);
        all_right = all_right && total == i;
    }
    CHECK(all_right);
    CHECK(c.state() == coact::state::suspended);
    CHECK_THROWS_AS(c.result(), coact::not_finished);
    CHECK_FALSE(c.next().has_value());
    CHECK(c.state() == coact::state::closed);
    CHECK(c.result() == sends + depth);  // each frame added one on the way out
}

TEST_CASE("destroying a deep suspended delegation runs every frame's destructors",
          "[coroutine][delegation][depth]") {
    constexpr int depth = 100'000;
    int destroyed = 0;
    {
        auto c = guarded_deep(depth, destroyed);
        CHECK(c.next() == 0);
        CHECK(c.next() == 1);
        CHECK(destroyed == 0);
    }
    CHECK(destroyed == depth + 1);
}

TEST_CASE("close of a 10000 deep delegation raises generator_exit in every frame",
          "[coroutine][delegation][depth][close]") {
    constexpr int depth = 10'000;
    int cleaned = 0;
    auto c = closing_deep(depth, cleaned);
    CHECK(c.next() == 0);
    CHECK_NOTHROW(c.close());
    CHECK(cleaned == depth + 1);
    CHECK(c.state() == coact::state::closed);
}

TEST_CASE("yield_from of an already primed coroutine continues it", "[coroutine][delegation]") {
    std::vector<std::optional<int>> got;
    auto sub = coact::primed(recorder(got));  // yielded 10 to whoever primed it
    auto c = takes_over(std::move(sub));
    CHECK(c.next() == 11);  // the delegate is resumed with nullopt, as Python's next()
    REQUIRE(got.size() == 1);
    CHECK_FALSE(got[0].has_value());
    CHECK(c.send(5) == 12);
    REQUIRE(got.size() == 2);
    CHECK(got[1] == 5);
}

TEST_CASE("yield_from of a finished coroutine evaluates to its result at once",
          "[coroutine][delegation]") {
    log_t log;
    auto sub = coact::primed(summer(log, "sub"));
    sub.send(3);
    REQUIRE_FALSE(sub.next().has_value());
    auto c = continues(std::move(sub));
    CHECK(c.next() == 3);
    CHECK_FALSE(c.next().has_value());
}

TEST_CASE("a generator and a coroutine can delegate to each other",
          "[coroutine][delegation][generator]") {
    auto c = coroutine_over_generator();
    std::vector<int> from_coroutine;
    while (auto x = c.next()) from_coroutine.push_back(*x);
    CHECK(from_coroutine == std::vector<int>{1, 2, 3, 4});

    std::vector<int> from_generator;
    for (int x : generator_over_coroutine()) from_generator.push_back(x);
    CHECK(from_generator == std::vector<int>{3, 4, 1, 2});
}

TEST_CASE("a delegate calling the outer coroutine from inside throws already_running",
          "[coroutine][delegation][reentrance]") {
    log_t log;
    talk* outer = nullptr;
    auto c = around(reenters_outer(outer, log));
    outer = &c;
    CHECK(c.next() == 1);
    CHECK(c.next() == 2);
    REQUIRE(log.size() == 1);
    CHECK_THAT(log[0], Catch::Contains("generator already executing"));
    CHECK(c.state() == coact::state::suspended);
}
