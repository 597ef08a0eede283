// coact::with, PEP 343 in full: the block's exception is thrown into the generator at its yield,
// which may let it out, swallow it (suppressing it), or raise another one instead.
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>
#include <coact/scoped.hpp>

namespace {

using log_t = std::vector<std::string>;
using Catch::Matchers::Contains;

// A transaction over a list of rows: the block adds to a copy, which is committed on a normal
// exit and dropped (rolled back) when an exception comes in, which is then let out again.
coact::generator<std::vector<std::string>*> transaction(std::vector<std::string>& rows,
                                                        log_t& log) {
    std::vector<std::string> pending = rows;
    log.push_back("begin");
    try {
        co_yield &pending;
    } catch (const std::exception& e) {
        log.push_back(std::string("rollback: ") + e.what());
        throw;
    }
    rows = std::move(pending);
    log.push_back("commit");
}

// contextlib.suppress(ValueError): swallows an invalid_argument, lets anything else out.
coact::generator<int> suppress_invalid_argument(log_t& log) {
    try {
        co_yield 0;
    } catch (const std::invalid_argument& e) {
        log.push_back(std::string("suppressed: ") + e.what());
    }
    log.push_back("after the yield");
}

}  // namespace

TEST_CASE("with runs the entry, the block and the exit in order", "[scoped]") {
    std::vector<std::string> rows{"a"};
    log_t log;
    const bool completed = coact::with(transaction(rows, log), [&](auto& pending) {
        log.push_back("block");
        pending->push_back("b");
    });
    CHECK(completed);
    CHECK(log == log_t{"begin", "block", "commit"});
    CHECK(rows == std::vector<std::string>{"a", "b"});
}

TEST_CASE("with throws the block's exception into the generator and lets it out again",
          "[scoped]") {
    std::vector<std::string> rows{"a"};
    log_t log;
    REQUIRE_THROWS_MATCHES(coact::with(transaction(rows, log),
                                       [&](auto& pending) {
                                           pending->push_back("b");
                                           throw std::runtime_error("disk full");
                                       }),
                           std::runtime_error, Catch::Matchers::Message("disk full"));
    CHECK(log == log_t{"begin", "rollback: disk full"});
    CHECK(rows == std::vector<std::string>{"a"});
}

TEST_CASE("with rethrows the very exception object the block threw", "[scoped]") {
    log_t log;
    std::vector<std::string> rows;
    const std::exception* seen_by_block = nullptr;
    try {
        coact::with(transaction(rows, log), [&](auto&) {
            try {
                throw std::runtime_error("original");
            } catch (const std::exception& e) {
                seen_by_block = &e;
                throw;
            }
        });
    } catch (const std::exception& e) {
        CHECK(&e == seen_by_block);
    }
    REQUIRE(seen_by_block != nullptr);
}

TEST_CASE("with suppresses the block's exception when the generator swallows it", "[scoped]") {
    log_t log;
    const bool completed = coact::with(suppress_invalid_argument(log), [&](int&) {
        log.push_back("block");
        throw std::invalid_argument("not a number");
    });
    CHECK_FALSE(completed);
    CHECK(log == log_t{"block", "suppressed: not a number", "after the yield"});
}

TEST_CASE("with lets out an exception the generator does not catch", "[scoped]") {
    log_t log;
    REQUIRE_THROWS_AS(
        coact::with(suppress_invalid_argument(log), [](int&) { throw std::out_of_range("x"); }),
        std::out_of_range);
    CHECK(log.empty());  // the exception went through the co_yield: nothing after it ran
}

TEST_CASE("with reports a different exception that the generator raises instead", "[scoped]") {
    auto translating = []() -> coact::generator<int> {
        try {
            co_yield 0;
        } catch (const std::out_of_range& e) {
            throw std::domain_error(std::string("translated: ") + e.what());
        }
    };
    REQUIRE_THROWS_MATCHES(
        coact::with(translating(), [](int&) { throw std::out_of_range("index 9"); }),
        std::domain_error, Catch::Matchers::Message("translated: index 9"));
}

TEST_CASE("with reports a generator that yields again after the exception as didn't stop",
          "[scoped]") {
    auto stubborn = []() -> coact::generator<int> {
        for (;;) {
            try {
                co_yield 0;
            } catch (const std::exception&) {
            }
        }
    };
    REQUIRE_THROWS_WITH(coact::with(stubborn(), [](int&) { throw std::runtime_error("x"); }),
                        Contains("didn't stop") && Contains("after the exception"));
}

TEST_CASE("with reports a generator that yields twice on a normal exit as didn't stop",
          "[scoped]") {
    auto twice = []() -> coact::generator<int> {
        co_yield 0;
        co_yield 1;
    };
    int ran = 0;
    REQUIRE_THROWS_WITH(coact::with(twice(), [&](int&) { ++ran; }), Contains("didn't stop"));
    CHECK(ran == 1);
}

TEST_CASE("with returns the block's value, or nullopt when its exception was suppressed",
          "[scoped]") {
    log_t log;
    const std::optional<int> doubled = coact::with(suppress_invalid_argument(log), [](int& x) {
        x = 21;
        return x * 2;
    });
    CHECK(doubled == 42);

    const std::optional<int> none = coact::with(
        suppress_invalid_argument(log), [](int&) -> int { throw std::invalid_argument("no"); });
    CHECK_FALSE(none.has_value());
}

TEST_CASE("with works on a coroutine<T> and hands the block the yielded value", "[scoped]") {
    std::string seen;
    std::string exited;
    auto body = [](std::string& out) -> coact::coroutine<std::string> {
        co_yield "entered";
        out = "exit";
    };
    const bool completed = coact::with(body(exited), [&](std::string& v) { seen = v; });
    CHECK(completed);
    CHECK(seen == "entered");
    CHECK(exited == "exit");
}
