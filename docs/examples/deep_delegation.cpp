// deep_delegation.cpp — delegation depth costs heap, not native stack: a chain of 100,000
// generators, each delegating to the next, and a chain of coroutines that forwards every send to
// the innermost one in O(1).
//
//   deep_delegation           runs both chains and prints what came out
//   deep_delegation --time    also times one send at several depths
//
// Snippets: docs/tutorial/01-generators-and-coroutines.md, "Why a loop drives delegation", and
// docs/design/coroutines.md.
#include <chrono>
#include <iostream>
#include <string_view>

#include <coact/coact.hpp>

namespace {

// [snippet:nested]
coact::generator<int> nested(int depth) {
    if (depth == 0) {
        co_yield 42;
        co_return;
    }
    co_yield coact::yield_from(nested(depth - 1));
}
// [/snippet:nested]

// [snippet:relay]
coact::coroutine<long, long> echo() {
    long out = 0;
    while (auto x = co_yield out) out = *x;
}

coact::coroutine<long, long> relay(int depth) {
    if (depth == 0) {
        co_yield coact::yield_from(echo());
    } else {
        co_yield coact::yield_from(relay(depth - 1));
    }
}
// [/snippet:relay]

void time_sends(int depth) {
    constexpr long sends = 1'000'000;
    double best = 0;
    for (int round = 0; round < 3; ++round) {  // the best of three, on a noisy machine
        auto r = coact::primed(relay(depth));
        long check = 0;
        const auto start = std::chrono::steady_clock::now();
        for (long i = 1; i <= sends; ++i) check += *r.send(i);
        const std::chrono::duration<double, std::nano> took =
            std::chrono::steady_clock::now() - start;
        if (check != sends * (sends + 1) / 2) std::cout << "WRONG RESULT\n";
        if (round == 0 || took.count() < best) best = took.count();
    }
    std::cout << "depth " << depth << ": " << best / sends << " ns per send\n";
}

}  // namespace

int main(int argc, char** argv) {
    // [snippet:nested_use]
    for (int x : nested(100'000)) std::cout << "nested(100000) yields " << x << '\n';
    // [/snippet:nested_use]

    // [snippet:relay_use]
    auto r = coact::primed(relay(100'000));
    long total = 0;
    for (long i = 1; i <= 1000; ++i) total += *r.send(i);  // each send reaches echo() directly
    std::cout << "sum of 1000 sends through 100001 frames: " << total << '\n';
    // [/snippet:relay_use]

    if (argc == 2 && std::string_view(argv[1]) == "--time") {
        for (int depth : {0, 10, 1000, 100'000}) time_sends(depth);
    }
}
