// coact::scoped, the guard form of Python's @contextmanager: entry when the guard is made, exit
// at the end of the scope, and what the destructor does when an exception unwinds the scope.
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>
#include <coact/scoped.hpp>

#include "support/lifetime_probe.hpp"

namespace {

using log_t = std::vector<std::string>;
using Catch::Matchers::Contains;

// A transaction-like manager that logs each step: "enter", then the body's steps, then "exit",
// or what was thrown into it at its co_yield (which it lets out again).
coact::generator<std::string> tag(log_t& log, std::string name) {
    log.push_back("enter " + name);
    try {
        co_yield name;
    } catch (const coact::scope_unwinding&) {
        log.push_back("unwound " + name);
        throw;
    } catch (const std::exception& e) {
        log.push_back("raised into " + name + ": " + e.what());
        throw;
    }
    log.push_back("exit " + name);
}

coact::generator<int> never_yields(log_t& log) {
    log.push_back("ran");
    co_return;
}

coact::generator<int> yields_twice(log_t& log, int& destroyed) {
    coact_test::lifetime_probe probe(destroyed);
    co_yield 1;
    log.push_back("after first");
    co_yield 2;
    log.push_back("after second");  // never reached: the guard destroys the frame
}

coact::generator<int> fails_on_entry(log_t& log) {
    log.push_back("entry");
    throw std::runtime_error("cannot enter");
    co_yield 0;
}

coact::generator<int> fails_on_exit(log_t& log) {
    co_yield 0;
    log.push_back("exit");
    throw std::runtime_error("cannot exit");
}

// Beazley's temporary change: set a value on entry, restore the old one on exit, however the
// scope is left (catch (...) plus the normal path is try/finally).
coact::generator<int> changed(int& target, int value) {
    const int old = std::exchange(target, value);
    try {
        co_yield old;
    } catch (...) {
        target = old;
        throw;
    }
    target = old;
}

}  // namespace

TEST_CASE("making the guard runs the generator up to its yield and binds the yielded value",
          "[scoped]") {
    log_t log;
    coact::scoped guard(tag(log, "a"));
    CHECK(log == log_t{"enter a"});
    CHECK(*guard == "a");
    CHECK(guard->size() == 1);
    CHECK(guard.value() == "a");
    CHECK(guard.active());
}

TEST_CASE("the code after the yield runs when the guard goes out of scope", "[scoped]") {
    log_t log;
    {
        coact::scoped guard(tag(log, "a"));
        log.push_back("body");
    }
    CHECK(log == log_t{"enter a", "body", "exit a"});
}

TEST_CASE("a coroutine<T> is a scoped body as well as a generator<T>", "[scoped]") {
    log_t log;
    auto body = [](log_t& l) -> coact::coroutine<int> {
        l.push_back("enter");
        co_yield 7;
        l.push_back("exit");
    };
    {
        coact::scoped guard(body(log));
        CHECK(*guard == 7);
    }
    CHECK(log == log_t{"enter", "exit"});
}

TEST_CASE("a generator that finishes without yielding is an error when the guard is made",
          "[scoped]") {
    log_t log;
    REQUIRE_THROWS_MATCHES(
        coact::scoped(never_yields(log)), coact::error,
        Catch::Matchers::Message("coact::scoped: the generator didn't yield (it must yield "
                                 "exactly once)"));
    CHECK(log == log_t{"ran"});
}

TEST_CASE("a generator that has already started is refused", "[scoped]") {
    log_t log;
    coact::generator<std::string> g = tag(log, "a");
    g.begin();
    REQUIRE_THROWS_WITH(coact::scoped(std::move(g)), Contains("already started"));
    CHECK(log == log_t{"enter a"});
}

TEST_CASE("an exception before the yield comes out of the constructor and no exit runs",
          "[scoped]") {
    log_t log;
    REQUIRE_THROWS_WITH(coact::scoped(fails_on_entry(log)), "cannot enter");
    CHECK(log == log_t{"entry"});
}

TEST_CASE("a generator that yields a second time makes the destructor throw didn't stop",
          "[scoped]") {
    log_t log;
    int destroyed = 0;
    REQUIRE_THROWS_WITH([&] { coact::scoped guard(yields_twice(log, destroyed)); }(),
                        Contains("didn't stop") && Contains("yielded a second time"));
    CHECK(log == log_t{"after first"});
    CHECK(destroyed == 1);  // the frame is gone, never resumed again
}

TEST_CASE(
    "an exception of the exit part comes out of the destructor when the scope ends "
    "normally",
    "[scoped]") {
    log_t log;
    REQUIRE_THROWS_WITH([&] { coact::scoped guard(fails_on_exit(log)); }(), "cannot exit");
    CHECK(log == log_t{"exit"});
}

TEST_CASE("leaving the scope by an exception throws scope_unwinding into the generator",
          "[scoped]") {
    log_t log;
    REQUIRE_THROWS_WITH(
        [&] {
            coact::scoped guard(tag(log, "a"));
            log.push_back("body");
            throw std::runtime_error("boom");
        }(),
        "boom");
    CHECK(log == log_t{"enter a", "body", "unwound a"});
    CHECK(std::string(coact::scope_unwinding().what()) ==
          "coact::scoped: the scope was left by an exception");
}

TEST_CASE("nothing escapes the destructor during unwinding, whatever the generator does",
          "[scoped]") {
    log_t log;
    int destroyed = 0;
    coact::generator<int> body;
    SECTION("it throws another exception") {
        body = [](log_t& l) -> coact::generator<int> {
            try {
                co_yield 0;
            } catch (const coact::scope_unwinding&) {
                l.push_back("caught");
            }
            throw std::logic_error("from the exit part");
        }(log);
    }
    SECTION("it yields again") {
        body = [](log_t& l, int& d) -> coact::generator<int> {
            coact_test::lifetime_probe probe(d);
            try {
                co_yield 0;
            } catch (const coact::scope_unwinding&) {
                l.push_back("caught");
            }
            co_yield 1;
        }(log, destroyed);
    }
    SECTION("it swallows scope_unwinding and finishes") {
        body = [](log_t& l) -> coact::generator<int> {
            try {
                co_yield 0;
            } catch (const coact::scope_unwinding&) {
                l.push_back("caught");
            }
        }(log);
    }
    REQUIRE_THROWS_AS(
        [&] {
            coact::scoped guard(std::move(body));
            throw std::out_of_range("the first exception");
        }(),
        std::out_of_range);
    CHECK(log == log_t{"caught"});
}

TEST_CASE("when an inner guard's exit throws, the outer guard exits as by an exception",
          "[scoped]") {
    log_t log;
    REQUIRE_THROWS_WITH(
        [&] {
            coact::scoped outer(tag(log, "outer"));
            coact::scoped inner(fails_on_exit(log));
            log.push_back("body");
        }(),
        "cannot exit");
    CHECK(log == log_t{"enter outer", "body", "exit", "unwound outer"});
}

TEST_CASE("a guard made while unwinding exits normally in that same unwinding", "[scoped]") {
    // The count of uncaught exceptions is compared with its value when the guard was made, so a
    // guard inside a destructor that runs during unwinding still takes the normal exit.
    log_t log;
    struct cleanup {
        log_t& log;
        ~cleanup() {
            coact::scoped guard(tag(log, "in cleanup"));
            log.push_back("cleanup body");
        }
    };
    REQUIRE_THROWS_WITH(
        [&] {
            cleanup c{log};
            throw std::runtime_error("boom");
        }(),
        "boom");
    CHECK(log == log_t{"enter in cleanup", "cleanup body", "exit in cleanup"});
}

TEST_CASE("exit() runs the exit part early, once", "[scoped]") {
    log_t log;
    {
        coact::scoped guard(tag(log, "a"));
        guard.exit();
        CHECK_FALSE(guard.active());
        log.push_back("after exit");
        guard.exit();
        CHECK(*guard == "a");  // the bound value outlives the exit
    }
    CHECK(log == log_t{"enter a", "exit a", "after exit"});
}

TEST_CASE("exit() reports a generator that yields a second time", "[scoped]") {
    log_t log;
    int destroyed = 0;
    coact::scoped guard(yields_twice(log, destroyed));
    REQUIRE_THROWS_WITH(guard.exit(), Contains("didn't stop"));
    CHECK(destroyed == 1);
    CHECK_FALSE(guard.active());
    CHECK_NOTHROW(guard.exit());
}

TEST_CASE("exit(e) throws e into the generator and says whether it was swallowed", "[scoped]") {
    log_t log;
    const std::exception_ptr e = std::make_exception_ptr(std::runtime_error("bad"));

    SECTION("a generator that lets e out: false") {
        coact::scoped guard(tag(log, "a"));
        CHECK_FALSE(guard.exit(e));
        CHECK(log == log_t{"enter a", "raised into a: bad"});
    }
    SECTION("a generator that finishes normally: true") {
        coact::scoped guard([](log_t& l) -> coact::generator<int> {
            try {
                co_yield 0;
            } catch (const std::runtime_error& error) {
                l.push_back(std::string("swallowed ") + error.what());
            }
        }(log));
        CHECK(guard.exit(e));
        CHECK(log == log_t{"swallowed bad"});
    }
    SECTION("a generator that throws something else: that comes out") {
        coact::scoped guard([]() -> coact::generator<int> {
            try {
                co_yield 0;
            } catch (const std::runtime_error&) {
                throw std::logic_error("instead");
            }
        }());
        REQUIRE_THROWS_AS(guard.exit(e), std::logic_error);
    }
    SECTION("a null exception_ptr is a normal exit") {
        coact::scoped guard(tag(log, "a"));
        CHECK_FALSE(guard.exit(std::exception_ptr()));
        CHECK(log == log_t{"enter a", "exit a"});
    }
    SECTION("after an exit, exit(e) does nothing") {
        coact::scoped guard(tag(log, "a"));
        guard.exit();
        CHECK_FALSE(guard.exit(e));
        CHECK(log == log_t{"enter a", "exit a"});
    }
}

TEST_CASE("a temporary-change guard restores the value however the scope is left", "[scoped]") {
    int level = 1;
    {
        coact::scoped old(changed(level, 5));
        CHECK(*old == 1);
        CHECK(level == 5);
    }
    CHECK(level == 1);
    try {
        coact::scoped old(changed(level, 9));
        CHECK(level == 9);
        throw std::runtime_error("leave");
    } catch (const std::runtime_error&) {
        CHECK(level == 1);
    }
    CHECK(level == 1);
}
