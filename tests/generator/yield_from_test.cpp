// `co_yield coact::yield_from(x)` in a generator: nested generators, rvalue and lvalue ranges,
// and a 100,000-deep chain of delegating generators (contract §1).
#include <cstdint>
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

template <class Range>
std::vector<int> take_all(Range&& r) {
    std::vector<int> out;
    for (int x : r) out.push_back(x);
    return out;
}

coact::generator<int> one_two() {
    co_yield 1;
    co_yield 2;
}

coact::generator<int> around(std::vector<std::string>& trace) {
    trace.emplace_back("outer before");
    co_yield 0;
    co_yield coact::yield_from(one_two());
    trace.emplace_back("outer after");
    co_yield 3;
}

// A range that counts how often it is copied: yield_from must never copy it.
class copy_counting_range {
  public:
    copy_counting_range(std::vector<int> values, int& copies)
        : values_(std::move(values)), copies_(&copies) {}
    copy_counting_range(const copy_counting_range& other)
        : values_(other.values_), copies_(other.copies_) {
        ++*copies_;
    }
    copy_counting_range(copy_counting_range&&) noexcept = default;
    copy_counting_range& operator=(const copy_counting_range&) = delete;
    copy_counting_range& operator=(copy_counting_range&&) noexcept = default;
    ~copy_counting_range() = default;

    [[nodiscard]] auto begin() const { return values_.begin(); }
    [[nodiscard]] auto end() const { return values_.end(); }

  private:
    std::vector<int> values_;
    int* copies_;
};

coact::generator<int> over_lvalue(std::vector<int>& v) { co_yield coact::yield_from(v); }

coact::generator<int> over_counted_lvalue(const copy_counting_range& r) {
    co_yield coact::yield_from(r);
}

coact::generator<int> over_counted_rvalue(std::vector<int> values, int& copies) {
    copy_counting_range r(std::move(values), copies);
    co_yield coact::yield_from(std::move(r));
}

coact::generator<int> over_moved_vector() {
    std::vector<int> head{4, 5};
    co_yield coact::yield_from(std::move(head));
    co_yield 6;
}

coact::generator<int> over_lvalue_generator() {
    auto inner = one_two();
    co_yield coact::yield_from(inner);  // an lvalue generator is borrowed: driven in place
    co_yield static_cast<int>(inner.state() == coact::state::closed);
}

#if COACT_TEST_HAS_VIEWS
coact::generator<int> fib() {
    int a = 0;
    int b = 1;
    for (;;) {
        co_yield a;
        a = std::exchange(b, a + b);
    }
}

// The contract's example: any range or generator.
coact::generator<int> both() {
    co_yield coact::yield_from(fib() | std::views::take(3));
    std::vector<int> tail{7, 8};
    co_yield coact::yield_from(tail);
}
#endif

// depth 0 yields 0; every level then yields its own depth once its delegate has finished, so
// the chain yields 0, 1, ..., depth: proof that each frame resumed after its delegate.
coact::generator<int> relay(int depth) {
    if (depth > 0) co_yield coact::yield_from(relay(depth - 1));
    co_yield depth;
}

coact::generator<int> failing_leaf() {
    co_yield 1;
    throw std::logic_error("leaf failed");
}

coact::generator<int> around_failing_leaf() {
    co_yield 0;
    co_yield coact::yield_from(failing_leaf());
    co_yield 99;
}

coact::generator<int> guarded_relay(int depth, int& destroyed) {
    lifetime_probe probe(destroyed);
    if (depth == 0) {
        for (int i = 0; i < 3; ++i)
            co_yield i;  // bounded: an endless leaf trips clang -Winfinite-recursion
    } else {
        co_yield coact::yield_from(guarded_relay(depth - 1, destroyed));
    }
}

}  // namespace

TEST_CASE("yield_from of a nested generator yields its values in place",
          "[generator][delegation]") {
    std::vector<std::string> trace;
    CHECK(take_all(around(trace)) == std::vector<int>{0, 1, 2, 3});
    CHECK(trace == std::vector<std::string>{"outer before", "outer after"});
}

#if COACT_TEST_HAS_VIEWS
TEST_CASE("yield_from of an rvalue range adaptor over a generator yields its elements",
          "[generator][delegation]") {
    CHECK(take_all(both()) == std::vector<int>{0, 1, 1, 7, 8});
}
#endif

TEST_CASE("yield_from of an rvalue container moves it into the generator",
          "[generator][delegation]") {
    CHECK(take_all(over_moved_vector()) == std::vector<int>{4, 5, 6});

    int copies = 0;
    CHECK(take_all(over_counted_rvalue({1, 2, 3}, copies)) == std::vector<int>{1, 2, 3});
    CHECK(copies == 0);
}

TEST_CASE("yield_from of an lvalue vector iterates it in place", "[generator][delegation]") {
    std::vector<int> v{1, 2, 3};
    auto g = over_lvalue(v);
    v[0] = 10;  // before the first element is asked for
    auto it = g.begin();
    CHECK(*it == 10);
    v[1] = 20;  // while the generator is suspended inside the vector
    v[2] = 30;
    ++it;
    CHECK(*it == 20);
    ++it;
    CHECK(*it == 30);
    ++it;
    const bool at_end = it == g.end();
    CHECK(at_end);
}

TEST_CASE("yield_from of an lvalue range never copies it", "[generator][delegation]") {
    int copies = 0;
    const copy_counting_range r({5, 6, 7}, copies);
    CHECK(take_all(over_counted_lvalue(r)) == std::vector<int>{5, 6, 7});
    CHECK(copies == 0);
}

TEST_CASE("yield_from of an lvalue generator iterates it to the end", "[generator][delegation]") {
    CHECK(take_all(over_lvalue_generator()) == std::vector<int>{1, 2, 1});
}

TEST_CASE("a chain of 100000 generators each delegating to the next works",
          "[generator][delegation][depth]") {
    constexpr int depth = 100'000;
    std::int64_t count = 0;
    std::int64_t sum = 0;
    int expected = 0;
    bool in_order = true;
    for (int x : relay(depth)) {
        in_order = in_order && x == expected++;
        ++count;
        sum += x;
    }
    CHECK(in_order);
    CHECK(count == depth + 1);
    CHECK(sum == std::int64_t{depth} * (depth + 1) / 2);
}

TEST_CASE("an exception in a nested generator propagates out of the outer increment",
          "[generator][delegation]") {
    auto g = around_failing_leaf();
    auto it = g.begin();
    CHECK(*it == 0);
    ++it;
    CHECK(*it == 1);
    CHECK_THROWS_AS(++it, std::logic_error);
    CHECK(g.state() == coact::state::closed);
}

TEST_CASE("destroying a generator in the middle of a delegation runs every frame's destructors",
          "[generator][delegation]") {
    int destroyed = 0;
    {
        auto g = guarded_relay(50, destroyed);
        auto it = g.begin();
        ++it;
        CHECK(*it == 1);
        CHECK(destroyed == 0);
    }
    CHECK(destroyed == 51);
}
