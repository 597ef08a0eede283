// priming.cpp — a coroutine must run to its first co_yield before it can receive a value:
// not_started, priming by hand, and coact::primed (Beazley's @coroutine decorator). Then the four
// states of a coroutine.
//
// Snippets: docs/tutorial/01-generators-and-coroutines.md, "Priming" and "States".
#include <iostream>
#include <optional>
#include <string>

#include <coact/coact.hpp>

namespace {

// [snippet:coroutine_yield]
coact::coroutine<int, int> coroutine_yield(int a) {
    std::cout << "--> started with " << a << '\n';
    std::optional<int> b = co_yield a;
    std::cout << "got sent " << b.value_or(0) << " and yielded back " << a << '\n';
    const int c = a + b.value_or(0);
    co_yield c;
    std::cout << "yielded back " << c << " and exited\n";
}
// [/snippet:coroutine_yield]

// The coroutine whose state is printed from inside its own body.
const coact::coroutine<std::string>* watched = nullptr;

// [snippet:watcher]
coact::coroutine<std::string> watcher() {
    co_yield std::string(coact::to_string(watched->state()));  // observed from inside
}
// [/snippet:watcher]

}  // namespace

int main() {
    std::cout << "== send to a just-created coroutine\n";
    // [snippet:not_started]
    auto mycoro = coroutine_yield(2);
    try {
        mycoro.send(5);
    } catch (const coact::not_started& e) {
        std::cout << e.what() << '\n';
    }
    // [/snippet:not_started]

    std::cout << "== primed by hand\n";
    // [snippet:by_hand]
    std::optional<int> gotten_first = mycoro.next();  // runs to the first co_yield
    std::cout << "gotten_first: " << *gotten_first << '\n';
    std::optional<int> gotten_second = mycoro.send(5);
    std::cout << "gotten_second: " << *gotten_second << '\n';
    std::optional<int> after = mycoro.next();  // runs off the end of the body
    std::cout << "then: " << (after ? "a value" : "nullopt") << '\n';
    // [/snippet:by_hand]

    std::cout << "== coact::primed\n";
    // [snippet:primed]
    auto primed = coact::primed(coroutine_yield(2));  // prints "--> started with 2"
    std::optional<int> sum = primed.send(5);
    std::cout << "send(5) -> " << *sum << '\n';
    // [/snippet:primed]

    std::cout << "== states\n";
    // [snippet:states]
    auto s = coroutine_yield(10);
    std::cout << coact::to_string(s.state()) << '\n';  // created
    s.next();
    std::cout << coact::to_string(s.state()) << '\n';  // suspended
    s.send(1);
    s.next();
    std::cout << coact::to_string(s.state()) << '\n';  // closed

    auto never_run = coroutine_yield(20);
    never_run.close();  // closing a created coroutine: its body never runs
    std::cout << coact::to_string(never_run.state()) << '\n';  // closed
    // [/snippet:states]

    // [snippet:running]
    auto w = watcher();
    watched = &w;
    std::cout << "inside its body: " << *w.next() << '\n';  // running
    // [/snippet:running]
}
