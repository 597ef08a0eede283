// coroutine::close() (Python's g.close()) and destroying a suspended coroutine (contract §2).
//
// C++ forbids co_yield inside a catch block, so a body that "ignores" generator_exit sets a flag
// in the handler and yields after it.
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "support/lifetime_probe.hpp"

namespace {

using coact_test::lifetime_probe;
using log_t = std::vector<std::string>;

coact::coroutine<int, int> cleans_up(log_t& log, int& runs) {
    ++runs;
    try {
        for (int i = 0;; ++i) co_yield i;
    } catch (const coact::generator_exit&) {
        log.emplace_back("cleanup");
    }
    log.emplace_back("returning");
}

coact::coroutine<int, int> rethrows(log_t& log, int& destroyed) {
    lifetime_probe outer(destroyed);
    try {
        lifetime_probe inner(destroyed);
        for (int i = 0;; ++i) co_yield i;
    } catch (const coact::generator_exit&) {
        log.emplace_back("cleanup");
        throw;
    }
}

coact::coroutine<int, int> does_not_catch(int& destroyed) {
    lifetime_probe probe(destroyed);
    for (int i = 0;; ++i) co_yield i;
}

coact::coroutine<int> ignores_exit(int& exits, int& destroyed) {
    lifetime_probe probe(destroyed);
    for (int i = 0;; ++i) {
        bool got_exit = false;
        try {
            co_yield i;
        } catch (const coact::generator_exit&) {
            ++exits;
            got_exit = true;
        }
        if (got_exit) co_yield -1;  // yields instead of returning
    }
}

coact::coroutine<int> catches_std_exceptions(int& swallowed) {
    for (;;) {
        try {
            co_yield 1;
        } catch (const std::exception&) {
            ++swallowed;
        }
    }
}

coact::coroutine<int> fails_while_closing() {
    try {
        co_yield 1;
    } catch (const coact::generator_exit&) {
        throw std::runtime_error("cleanup failed");
    }
}

coact::coroutine<int, int, int> returns_seven() {
    co_yield 1;
    co_return 7;
}

}  // namespace

TEST_CASE(
    "close throws generator_exit out of the pending co_yield and the body may clean up and return",
    "[coroutine][close]") {
    log_t log;
    int runs = 0;
    auto c = coact::primed(cleans_up(log, runs));
    CHECK(c.send(5) == 1);
    CHECK_NOTHROW(c.close());
    CHECK(log == log_t{"cleanup", "returning"});
    CHECK(c.state() == coact::state::closed);
    CHECK_FALSE(c.next().has_value());
    CHECK_FALSE(c.send(1).has_value());
}

TEST_CASE("close of a body that rethrows generator_exit or does not catch it ends quietly",
          "[coroutine][close]") {
    log_t log;
    int destroyed = 0;
    SECTION("rethrown") {
        auto c = coact::primed(rethrows(log, destroyed));
        CHECK_NOTHROW(c.close());
        CHECK(log == log_t{"cleanup"});
        CHECK(destroyed == 2);  // both locals, before close() returned
        CHECK(c.state() == coact::state::closed);
    }
    SECTION("not caught") {
        auto c = coact::primed(does_not_catch(destroyed));
        CHECK_NOTHROW(c.close());
        CHECK(destroyed == 1);
        CHECK(c.state() == coact::state::closed);
    }
}

TEST_CASE("close of a body that yields after generator_exit throws ignored_exit",
          "[coroutine][close]") {
    int exits = 0;
    int destroyed = 0;
    {
        auto c = coact::primed(ignores_exit(exits, destroyed));
        CHECK_THROWS_AS(c.close(), coact::ignored_exit);
        CHECK(exits == 1);
        CHECK(destroyed == 0);
    }  // and the frame is still destroyed cleanly afterwards
    CHECK(destroyed == 1);
}

TEST_CASE("close of a created coroutine marks it closed without running the body",
          "[coroutine][close]") {
    log_t log;
    int runs = 0;
    auto c = cleans_up(log, runs);
    CHECK_NOTHROW(c.close());
    CHECK(c.state() == coact::state::closed);
    CHECK_FALSE(c.next().has_value());
    CHECK(runs == 0);
    CHECK(log.empty());
}

TEST_CASE("close of a finished coroutine only keeps it closed", "[coroutine][close]") {
    auto c = coact::primed(returns_seven());
    CHECK_FALSE(c.next().has_value());
    REQUIRE(c.state() == coact::state::closed);
    CHECK_NOTHROW(c.close());
    CHECK_NOTHROW(c.close());
    CHECK(c.state() == coact::state::closed);
    CHECK(c.result() == 7);
}

TEST_CASE("destroying a suspended coroutine runs its locals' destructors without throwing into it",
          "[coroutine][close]") {
    log_t log;
    int destroyed = 0;
    {
        auto c = coact::primed(rethrows(log, destroyed));
        CHECK(c.send(1) == 1);
    }
    CHECK(destroyed == 2);
    CHECK(log.empty());  // no generator_exit: the handler never ran
}

TEST_CASE(
    "generator_exit is not a std::exception so catch of std::exception does not swallow a close",
    "[coroutine][close]") {
    static_assert(!std::is_base_of_v<std::exception, coact::generator_exit>);
    int swallowed = 0;
    auto c = coact::primed(catches_std_exceptions(swallowed));
    // The handler is live: a std::exception thrown in is swallowed and the body yields again.
    CHECK(c.raise(std::runtime_error("swallowed")) == 1);
    CHECK(swallowed == 1);
    CHECK_NOTHROW(c.close());  // would be ignored_exit if the handler caught generator_exit
    CHECK(swallowed == 1);
    CHECK(c.state() == coact::state::closed);
}

TEST_CASE("an exception thrown while handling generator_exit propagates out of close",
          "[coroutine][close]") {
    auto c = coact::primed(fails_while_closing());
    CHECK_THROWS_WITH(c.close(), "cleanup failed");
    CHECK(c.state() == coact::state::closed);
}
