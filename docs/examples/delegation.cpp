// delegation.cpp — `co_yield coact::yield_from(x)`, Python's `yield from x`: chaining ranges and
// generators, and delegating to sub-coroutines whose return values come back to the delegator.
//
// Snippets: docs/tutorial/01-generators-and-coroutines.md, "yield_from: delegation".
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <coact/coact.hpp>

namespace {

// [snippet:chain]
coact::generator<int> chain(const std::vector<int>& x, const std::vector<int>& y) {
    co_yield coact::yield_from(x);  // an lvalue range: iterated in place, not copied
    co_yield coact::yield_from(y);
}

coact::generator<int> chain(const std::vector<int>& x, coact::generator<int> y) {
    co_yield coact::yield_from(x);
    co_yield coact::yield_from(y);  // a generator: delegated to, where it is
}
// [/snippet:chain]

// [snippet:internal_general]
coact::coroutine<int, std::string, int> internal(std::string name, int start, int end) {
    for (int i = start; i < end; ++i) {
        std::optional<std::string> value = co_yield i;
        std::cout << name << " got " << value.value_or("nothing") << '\n';
    }
    std::cout << name << " finished at " << end - 1 << '\n';
    co_return end;
}

coact::coroutine<int, std::string, int> general() {
    int start = co_yield coact::yield_from(internal("first", 1, 5));
    int end = co_yield coact::yield_from(internal("second", start, 10));
    co_return end;
}
// [/snippet:internal_general]

}  // namespace

int main() {
    std::cout << "== chain\n";
    // [snippet:chain_use]
    const std::vector<int> a{1, 2, 3}, b{4, 5, 6}, c{7, 8, 9};
    for (int x : chain(a, b)) std::cout << x << ' ';
    std::cout << '\n';
    for (int x : chain(a, chain(b, c))) std::cout << x << ' ';
    std::cout << '\n';
    // [/snippet:chain_use]

    std::cout << "== internal and general\n";
    // [snippet:internal_general_use]
    auto g = general();
    std::cout << "Out: " << *g.next() << '\n';
    for (int n = 1; n <= 9; ++n) {
        std::optional<int> out = g.send("value " + std::to_string(n));
        if (out) {
            std::cout << "Out: " << *out << '\n';
        } else {
            std::cout << "general returned " << g.result() << '\n';  // StopIteration: 10
        }
    }
    // [/snippet:internal_general_use]
}
