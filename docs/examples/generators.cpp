// generators.cpp — the first steps of the tutorial: a generator function, laziness, next() by
// hand, and an infinite generator (fib) that the caller stops.
//
// Snippets: docs/tutorial/01-generators-and-coroutines.md, "A generator".
// [snippet:include]
#include <coact/coact.hpp>
// [/snippet:include]

#include <iostream>
#include <tuple>
#include <utility>

namespace {

// [snippet:mygen]
coact::generator<int> mygen() {
    co_yield 1;
    co_yield 2;
    co_yield 3;
}
// [/snippet:mygen]

// [snippet:countdown]
coact::generator<int> countdown(int n) {
    std::cout << "countdown starts at " << n << '\n';
    while (n > 0) {
        co_yield n;
        --n;
    }
    std::cout << "countdown is done\n";
}
// [/snippet:countdown]

// [snippet:fib]
coact::generator<long> fib() {
    long first = 0, second = 1;
    for (;;) {
        co_yield first;
        std::tie(first, second) = std::pair{second, first + second};
    }
}
// [/snippet:fib]

}  // namespace

int main() {
    std::cout << "== for over mygen()\n";
    // [snippet:mygen_loop]
    for (int one_item : mygen()) std::cout << one_item << '\n';
    // [/snippet:mygen_loop]

    std::cout << "== laziness\n";
    // [snippet:lazy]
    auto c = countdown(3);  // nothing printed yet: the body has not started
    std::cout << "created, state: " << coact::to_string(c.state()) << '\n';
    for (int x : c) std::cout << "T-minus " << x << '\n';
    std::cout << "state: " << coact::to_string(c.state()) << '\n';
    // [/snippet:lazy]

    std::cout << "== next() by hand\n";
    // [snippet:by_hand]
    auto g = fib();
    auto it = g.begin();  // runs the body to its first co_yield: next(g)
    std::cout << *it << '\n';
    ++it;  // next(g) again
    std::cout << *it << '\n';
    ++it;
    std::cout << *it << '\n';
    ++it;
    std::cout << *it << '\n';
    // [/snippet:by_hand]

    std::cout << "== the first ten\n";
    // [snippet:first_ten]
    int count = 0;
    for (long x : fib()) {  // fib() never ends: the loop must
        if (count++ == 10) break;
        std::cout << x << ' ';
    }
    std::cout << '\n';
    // [/snippet:first_ten]
}
