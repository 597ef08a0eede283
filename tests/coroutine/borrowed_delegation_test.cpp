// Borrowed delegation: `co_yield coact::yield_from(sub)` of an lvalue coroutine drives it in
// place, as Python's `yield from g` on a variable; it is left closed with its result() available,
// and its owner gets it back (suspended) if the delegator is destroyed first.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

namespace {

using log_t = std::vector<std::string>;
using adder = coact::coroutine<int, int, int>;
using talk = coact::coroutine<int, int>;

adder summer(log_t& log, std::string name) {
    int total = 0;
    while (auto x = co_yield total) {
        log.push_back(name + " got " + std::to_string(*x));
        total += *x;
    }
    co_return total;
}

talk recorder(std::vector<std::optional<int>>& got) {
    for (int i = 10;; ++i) {
        std::optional<int> v = co_yield i;
        got.push_back(v);
    }
}

talk borrows(talk& sub) {
    co_yield coact::yield_from(sub);
    co_yield 99;
}

adder borrows_summer(adder& sub) {
    const int r = co_yield coact::yield_from(sub);
    co_yield r * 10;
    co_return r;
}

talk yields_from_itself(talk*& self, log_t& log) {
    co_yield 1;
    try {
        co_yield coact::yield_from(*self);
    } catch (const coact::already_running& e) {
        log.emplace_back(e.what());
    }
    co_yield 2;
}

// The address of this function's own stack frame. Not inlined, so it sits one call below its
// caller: comparing two of them measures how much native stack lies between.
[[gnu::noinline]] std::uintptr_t stack_position() noexcept {
    return reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
}

// Records the deepest native stack position at which it was destroyed.
class stack_probe {
  public:
    explicit stack_probe(std::uintptr_t& deepest) noexcept : deepest_(&deepest) {}
    stack_probe(const stack_probe&) = delete;
    stack_probe& operator=(const stack_probe&) = delete;
    ~stack_probe() { *deepest_ = std::min(*deepest_, stack_position()); }

  private:
    std::uintptr_t* deepest_;
};

coact::coroutine<int> owned_level(int depth, std::uintptr_t& deepest) {
    stack_probe probe(deepest);
    if (depth == 0) {
        for (int i = 0; i < 3; ++i)
            co_yield i;  // bounded: an endless leaf trips clang -Winfinite-recursion
    } else {
        co_yield coact::yield_from(owned_level(depth - 1, deepest));
    }
}

coact::coroutine<int> borrowing_level(int depth, std::uintptr_t& deepest) {
    stack_probe probe(deepest);
    if (depth == 0) {
        for (int i = 0; i < 3; ++i)
            co_yield i;  // bounded: an endless leaf trips clang -Winfinite-recursion
    } else {
        auto sub = borrowing_level(depth - 1, deepest);
        co_yield coact::yield_from(sub);
    }
}

// How much native stack destroying a coroutine suspended after one next() takes.
template <class Make>
std::uintptr_t stack_used_to_destroy(Make make) {
    std::uintptr_t deepest = std::numeric_limits<std::uintptr_t>::max();
    const std::uintptr_t base = stack_position();
    {
        auto c = make(deepest);
        (void)c.next();
    }
    REQUIRE(deepest != std::numeric_limits<std::uintptr_t>::max());  // the probes did run
    return base > deepest ? base - deepest : 0;
}

}  // namespace

TEST_CASE(
    "yield_from of an lvalue coroutine drives it in place and leaves it closed with its result",
    "[coroutine][delegation]") {
    log_t log;
    auto sub = summer(log, "sub");
    auto c = borrows_summer(sub);
    CHECK(c.next() == 0);
    CHECK(c.send(4) == 4);  // the send reaches the borrowed delegate
    CHECK(c.next() == 40);  // it returned 4
    CHECK(sub.state() == coact::state::closed);
    CHECK(sub.result() == 4);  // still there for its owner
    CHECK(log == log_t{"sub got 4"});
    CHECK_FALSE(c.next().has_value());
    CHECK(c.result() == 4);
}

TEST_CASE("the owner of a borrowed delegate cannot resume it while it is delegated",
          "[coroutine][delegation][reentrance]") {
    std::vector<std::optional<int>> got;
    auto sub = recorder(got);
    auto c = borrows(sub);
    CHECK(c.next() == 10);
    CHECK_THROWS_AS(sub.next(), coact::already_running);
    CHECK_THROWS_AS(sub.send(1), coact::already_running);
    CHECK_THROWS_AS(sub.close(), coact::already_running);
    CHECK(c.send(3) == 11);  // the delegation goes on undisturbed
    REQUIRE(got.size() == 1);
    CHECK(got[0] == 3);
}

TEST_CASE(
    "destroying a delegator in the middle of a borrowed delegation leaves the delegate to its "
    "owner",
    "[coroutine][delegation]") {
    std::vector<std::optional<int>> got;
    auto sub = recorder(got);
    {
        auto c = borrows(sub);
        CHECK(c.next() == 10);
        CHECK(c.send(1) == 11);
    }
    CHECK(sub.state() == coact::state::suspended);
    CHECK(sub.send(2) == 12);
    CHECK(got == std::vector<std::optional<int>>{1, 2});
}

TEST_CASE("yield_from of a coroutine from inside its own body throws already_running",
          "[coroutine][delegation][reentrance]") {
    log_t log;
    talk* self = nullptr;
    auto c = yields_from_itself(self, log);
    self = &c;
    CHECK(c.next() == 1);
    CHECK(c.next() == 2);
    REQUIRE(log.size() == 1);
    CHECK_THAT(log[0], Catch::Contains("generator already executing"));
}

TEST_CASE("destroying a deep suspended delegation takes no native stack per level",
          "[coroutine][delegation][depth]") {
    constexpr int depth = 2'000;
    const std::uintptr_t used =
        stack_used_to_destroy([](std::uintptr_t& deepest) { return owned_level(depth, deepest); });
    CHECK(used < 64 * 1024);
}

// Regression (fixed): destroying a suspended chain of *borrowed* delegations (each level
// `auto sub = f(); co_yield yield_from(sub);`) recurses on the native stack, one level per frame:
// destroy_chain() detaches the borrowed delegate, then destroying the delegator's frame runs
// ~coroutine() of its local `sub`, which calls destroy_chain() again, and so on. At depth 100,000
// this overflows the stack (segfault in a g++ Debug build); here 2,000 levels only measure it.
TEST_CASE(
    "destroying a deep suspended chain of borrowed delegations takes no native stack per level",
    "[coroutine][delegation][depth]") {
    constexpr int depth = 2'000;
    const std::uintptr_t used = stack_used_to_destroy(
        [](std::uintptr_t& deepest) { return borrowing_level(depth, deepest); });
    CHECK(used < 64 * 1024);
}
