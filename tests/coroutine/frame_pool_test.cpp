// Pooled frames: coroutine frames come from per-thread free lists up to 2 KiB and from the
// system above that. Many short-lived coroutines, frames of every size, and frames freed on
// another thread than the one that allocated them must all work.
#include <array>
#include <cstddef>
#include <numeric>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "support/lifetime_probe.hpp"

namespace {

using coact_test::lifetime_probe;

coact::coroutine<int, int, int> small(int& destroyed) {
    lifetime_probe probe(destroyed);
    int total = 0;
    while (auto x = co_yield total) total += *x;
    co_return total;
}

// `buffer` is alive across the co_yields, so it lives in the coroutine frame: a frame of about
// Size bytes, above the pool's 2 KiB limit for Size = 4096.
template <std::size_t Size>
coact::coroutine<int, int, int> big(int& destroyed) {
    lifetime_probe probe(destroyed);
    std::array<unsigned char, Size> buffer{};
    std::size_t n = 0;
    while (auto x = co_yield static_cast<int>(n)) {
        buffer[n % Size] = static_cast<unsigned char>(*x);
        ++n;
    }
    co_return std::accumulate(buffer.begin(), buffer.end(), 0);
}

// One coroutine's whole life: create, prime, two sends, finish; returns its result.
template <class Make>
int run_once(Make make, int& destroyed) {
    auto c = make(destroyed);
    c.next();
    c.send(2);
    c.send(3);
    c.next();
    return c.result();
}

}  // namespace

TEST_CASE("creating and destroying 10000 coroutines in a loop works", "[coroutine][frame]") {
    constexpr int rounds = 10'000;
    int destroyed = 0;
    bool all_right = true;
    for (int i = 0; i < rounds; ++i) {
        all_right = all_right && run_once([](int& d) { return small(d); }, destroyed) == 5;
        // Also the ones that never ran, and the ones dropped while suspended.
        { auto never_started = small(destroyed); }
        {
            auto suspended = coact::primed(small(destroyed));
            suspended.send(i);
        }
    }
    CHECK(all_right);
    CHECK(destroyed == 2 * rounds);  // the never-started ones constructed no probe
}

TEST_CASE("frames larger than 2 KiB work and keep their locals across suspensions",
          "[coroutine][frame]") {
    int destroyed = 0;
    auto c = coact::primed(big<4096>(destroyed));
    for (int i = 1; i <= 4096; ++i) c.send(1);  // fills the whole buffer with ones
    CHECK(c.send(0) == 4097);                   // overwrites buffer[0]
    CHECK_FALSE(c.next().has_value());
    CHECK(c.result() == 4095);
    CHECK(destroyed == 1);
}

TEST_CASE("coroutines of mixed frame sizes can be created and destroyed in any order",
          "[coroutine][frame]") {
    constexpr int rounds = 1'000;
    int destroyed = 0;
    bool all_right = true;
    for (int i = 0; i < rounds; ++i) {
        all_right = all_right && run_once([](int& d) { return big<4096>(d); }, destroyed) == 5;
        all_right = all_right && run_once([](int& d) { return big<1000>(d); }, destroyed) == 5;
        all_right = all_right && run_once([](int& d) { return big<16384>(d); }, destroyed) == 5;
        all_right = all_right && run_once([](int& d) { return small(d); }, destroyed) == 5;
    }
    CHECK(all_right);
    CHECK(destroyed == 4 * rounds);

    // Interleaved lifetimes: many alive at once, released in reverse and then in creation order.
    std::vector<coact::coroutine<int, int, int>> alive;
    for (int i = 0; i < 300; ++i) {
        alive.push_back(coact::primed(small(destroyed)));
        alive.push_back(coact::primed(big<4096>(destroyed)));
    }
    for (std::size_t i = 0; i < alive.size(); i += 2) alive[i] = coact::coroutine<int, int, int>{};
    CHECK(destroyed == 4 * rounds + 300);
    alive.clear();
    CHECK(destroyed == 4 * rounds + 600);
}

TEST_CASE("a frame allocated on one thread can be resumed and destroyed on another",
          "[coroutine][frame]") {
    int destroyed = 0;
    std::vector<coact::coroutine<int, int, int>> made_here;
    for (int i = 0; i < 100; ++i) made_here.push_back(coact::primed(small(destroyed)));

    std::vector<coact::coroutine<int, int, int>> made_there;
    int there_destroyed = 0;
    std::thread worker([&] {
        for (auto& c : made_here) c.send(1);
        made_here.clear();  // freed on the worker
        for (int i = 0; i < 100; ++i) made_there.push_back(coact::primed(small(there_destroyed)));
    });
    worker.join();  // the worker has exited: its cached frames went back to the system
    CHECK(destroyed == 100);

    for (auto& c : made_there) CHECK(c.send(4) == 4);
    made_there.clear();  // allocated by a thread that no longer exists, freed here
    CHECK(there_destroyed == 100);

    // And this thread's pool still hands out working frames.
    CHECK(run_once([](int& d) { return small(d); }, destroyed) == 5);
}
