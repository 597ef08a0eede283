// coact::generator<T>: laziness, exceptions, the std::ranges concepts, move-only elements, and
// RAII when a generator is dropped half way (contract §1).
#include <concepts>
#include <iterator>
#include <memory>
#include <ranges>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "support/lifetime_probe.hpp"
#include "support/views.hpp"

namespace {

using coact_test::lifetime_probe;

// Records every step it takes, so a test can see exactly how far the body has run.
coact::generator<int> traced_count(std::vector<std::string>& trace, int n) {
    trace.emplace_back("start");
    for (int i = 0; i < n; ++i) {
        trace.push_back("yield " + std::to_string(i));
        co_yield i;
    }
    trace.emplace_back("end");
}

coact::generator<int> throws_at(int at) {
    for (int i = 0;; ++i) {
        if (i == at) throw std::runtime_error("boom at " + std::to_string(i));
        co_yield i;
    }
}

coact::generator<int> fib() {
    int a = 0;
    int b = 1;
    for (;;) {
        co_yield a;
        a = std::exchange(b, a + b);
    }
}

coact::generator<std::unique_ptr<int>> boxes(int n) {
    for (int i = 0; i < n; ++i) co_yield std::make_unique<int>(i);
}

coact::generator<int> guarded_count(int& destroyed) {
    lifetime_probe outer(destroyed);
    for (int i = 0;; ++i) {
        lifetime_probe per_step(destroyed);
        co_yield i;
    }
}

// Calls begin() on its own generator object from inside the body, after its first co_yield.
coact::generator<int> begins_itself(coact::generator<int>*& self, std::vector<std::string>& log) {
    co_yield 1;
    try {
        (void)self->begin();
        log.emplace_back("no error");
    } catch (const coact::already_running& e) {
        log.emplace_back(e.what());
    }
    co_yield 2;
}

coact::generator<int> increments_itself(coact::generator<int>*& self,
                                        std::vector<std::string>& log) {
    co_yield 1;
    try {
        auto it = self->begin();  // begin() itself refuses too (see the next test)
        ++it;
        log.emplace_back("no error");
    } catch (const coact::already_running& e) {
        log.emplace_back(e.what());
    }
    co_yield 2;
}

template <class Range>
std::vector<int> take_all(Range&& r) {
    std::vector<int> out;
    for (int x : r) out.push_back(x);
    return out;
}

}  // namespace

TEST_CASE("a generator runs no code until the first element is asked for", "[generator]") {
    std::vector<std::string> trace;
    auto g = traced_count(trace, 2);
    CHECK(trace.empty());
    CHECK(g.state() == coact::state::created);

    auto it = g.begin();
    CHECK(trace == std::vector<std::string>{"start", "yield 0"});
    CHECK(*it == 0);
    CHECK(g.state() == coact::state::suspended);

    ++it;  // each increment runs exactly to the next co_yield
    CHECK(trace == std::vector<std::string>{"start", "yield 0", "yield 1"});
    CHECK(*it == 1);

    ++it;
    CHECK(trace.back() == "end");
    CHECK(it == g.end());
    CHECK(g.state() == coact::state::closed);
}

TEST_CASE("calling begin() twice does not restart or skip the generator", "[generator]") {
    std::vector<std::string> trace;
    auto g = traced_count(trace, 3);
    auto first = g.begin();
    CHECK(*first == 0);
    auto again = g.begin();
    CHECK(*again == 0);
    CHECK(trace == std::vector<std::string>{"start", "yield 0"});
}

TEST_CASE("a generator yields its values to a range-for loop and then ends", "[generator]") {
    std::vector<std::string> trace;
    CHECK(take_all(traced_count(trace, 4)) == std::vector<int>{0, 1, 2, 3});
    CHECK(trace.back() == "end");
    CHECK(take_all(traced_count(trace, 0)).empty());
}

TEST_CASE("an exception thrown before the first co_yield propagates out of begin()",
          "[generator]") {
    auto g = throws_at(0);
    CHECK_THROWS_WITH(g.begin(), "boom at 0");
    CHECK(g.state() == coact::state::closed);
}

TEST_CASE("an exception thrown in the body propagates out of the increment that resumed it",
          "[generator]") {
    auto g = throws_at(2);
    auto it = g.begin();
    CHECK(*it == 0);
    ++it;
    CHECK(*it == 1);
    CHECK_THROWS_WITH(++it, "boom at 2");
    CHECK(g.state() == coact::state::closed);
    const bool at_end = it == g.end();
    CHECK(at_end);
}

TEST_CASE("an exception thrown in the body escapes a range-for loop over the generator",
          "[generator]") {
    std::vector<int> seen;
    auto loop = [&] {
        for (int x : throws_at(3)) seen.push_back(x);
    };
    CHECK_THROWS_AS(loop(), std::runtime_error);
    CHECK(seen == std::vector<int>{0, 1, 2});
}

TEST_CASE("a generator is a std::ranges input_range and view", "[generator]") {
    using gen = coact::generator<int>;
    static_assert(std::ranges::input_range<gen>);
    static_assert(std::ranges::view<gen>);
    static_assert(std::input_iterator<std::ranges::iterator_t<gen>>);
    static_assert(std::same_as<std::ranges::range_value_t<gen>, int>);
    static_assert(std::movable<gen>);
    static_assert(!std::copyable<gen>);
    static_assert(std::ranges::input_range<coact::generator<std::unique_ptr<int>>>);

    // A default-constructed or moved-from generator is an empty range.
    gen empty;
    CHECK(empty.begin() == empty.end());
    auto g = fib();
    gen moved = std::move(g);
    CHECK(g.begin() == g.end());  // NOLINT(bugprone-use-after-move): moved-from is empty
    CHECK(*moved.begin() == 0);
}

#if COACT_TEST_HAS_VIEWS
TEST_CASE("an infinite generator composes with std::views::take", "[generator]") {
    std::vector<int> first;
    for (int x : fib() | std::views::take(10)) first.push_back(x);
    CHECK(first == std::vector<int>{0, 1, 1, 2, 3, 5, 8, 13, 21, 34});

    auto evens = fib() | std::views::filter([](int x) { return x % 2 == 0; }) | std::views::take(4);
    CHECK(take_all(evens) == std::vector<int>{0, 2, 8, 34});
}
#endif

TEST_CASE("a move-only element can be moved out of the dereferenced iterator", "[generator]") {
    std::vector<std::unique_ptr<int>> out;
    auto g = boxes(3);
    for (auto it = g.begin(); it != g.end(); ++it) {
        REQUIRE(*it != nullptr);
        out.push_back(std::move(*it));
        CHECK(*it == nullptr);  // the generator's object was moved from, not copied
    }
    REQUIRE(out.size() == 3);
    for (int i = 0; i < 3; ++i) CHECK(*out[static_cast<std::size_t>(i)] == i);

    std::vector<std::unique_ptr<int>> by_range_for;
    for (auto& box : boxes(2)) by_range_for.push_back(std::move(box));
    REQUIRE(by_range_for.size() == 2);
    CHECK(*by_range_for[1] == 1);
}

TEST_CASE("destroying a half-consumed generator runs the destructors of its locals",
          "[generator]") {
    int destroyed = 0;
    {
        auto g = guarded_count(destroyed);
        auto it = g.begin();
        CHECK(*it == 0);
        ++it;
        CHECK(*it == 1);
        CHECK(destroyed == 1);  // the first step's probe went out of scope
    }
    CHECK(destroyed == 3);  // the second step's probe and the outer one

    destroyed = 0;
    { auto never_started = guarded_count(destroyed); }
    CHECK(destroyed == 0);  // no local was ever constructed
}

TEST_CASE("advancing a generator from inside its own body throws already_running",
          "[generator][reentrance]") {
    std::vector<std::string> log;
    coact::generator<int>* self = nullptr;
    auto g = increments_itself(self, log);
    self = &g;
    CHECK(take_all(g) == std::vector<int>{1, 2});  // and it keeps running afterwards
    REQUIRE(log.size() == 1);
    CHECK_THAT(log[0], Catch::Contains("generator already executing"));
}

// Regression (fixed): generator::begin() does not check for re-entrance. Called from inside
// the running body it returns an iterator over a stale (after a co_yield: dangling) or, before
// the first co_yield, null `yielded_` pointer, so `for (int x : *self)` in the body reads freed
// memory or crashes. Python's `for x in g` inside g raises "generator already executing".
TEST_CASE("calling begin() on a generator from inside its own body throws already_running",
          "[generator][reentrance]") {
    std::vector<std::string> log;
    coact::generator<int>* self = nullptr;
    auto g = begins_itself(self, log);
    self = &g;
    CHECK(take_all(g) == std::vector<int>{1, 2});
    REQUIRE(log.size() == 1);
    CHECK_THAT(log[0], Catch::Contains("generator already executing"));
}
