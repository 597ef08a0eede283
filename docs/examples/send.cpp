// send.cpp — co_yield as an expression: a coroutine that receives values with send(), first with
// an explicit loop, then with the walrus loop `while (auto x = co_yield out)`.
//
// Snippets: docs/tutorial/01-generators-and-coroutines.md, "send: yield as an expression".
#include <iostream>
#include <optional>

#include <coact/coact.hpp>

namespace {

// [snippet:mycoroutine]
coact::coroutine<int, int> mycoroutine() {
    int step = 0;
    for (;;) {
        std::cout << "step: " << step << '\n';
        std::optional<int> received = co_yield step;
        std::cout << "received: " << (received ? *received : -1) << '\n';
        ++step;
    }
}
// [/snippet:mycoroutine]

// [snippet:times_five]
coact::coroutine<int, int> times_five() {
    int out = 0;
    while (auto x = co_yield out) out = *x * 5;
}
// [/snippet:times_five]

}  // namespace

int main() {
    std::cout << "== mycoroutine\n";
    {
        // [snippet:mycoroutine_use]
        auto g = mycoroutine();
        std::optional<int> first = g.next();  // prime it: runs to the first co_yield
        std::cout << "next() -> " << *first << '\n';
        std::optional<int> second = g.send(3);
        std::cout << "send(3) -> " << *second << '\n';
        std::optional<int> third = g.send(10);
        std::cout << "send(10) -> " << *third << '\n';
        // [/snippet:mycoroutine_use]
    }

    std::cout << "== times_five\n";
    // [snippet:times_five_use]
    auto g = times_five();
    g.next();                            // prime it
    std::cout << *g.send(10) << '\n';    // 50
    std::cout << *g.send(23) << '\n';    // 115
    std::cout << *g.send(0) << '\n';     // 0: only "nothing" ends the loop
    std::optional<int> last = g.next();  // send nothing: the loop ends
    std::cout << "after next(): " << (last ? "a value" : "nullopt") << ", state "
              << coact::to_string(g.state()) << '\n';
    std::cout << "send(4) on a closed coroutine: " << (g.send(4) ? "a value" : "nullopt") << '\n';
    // [/snippet:times_five_use]
}
