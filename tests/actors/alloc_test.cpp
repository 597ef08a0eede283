// Steady-state messaging allocates nothing: envelopes and frames come from the frame pool, the
// ready queue has grown to its working size, and a send by name hits the sender's name cache.
//
// Its own executable: it replaces the global operator new/delete (support/counting_new.hpp).
#include <functional>
#include <string>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/counting_new.hpp"
#include "actors/support/modes.hpp"

using coact_test::test_options;

#if defined(__SANITIZE_ADDRESS__)
#define COACT_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COACT_TEST_ASAN 1
#endif
#endif

#ifndef COACT_TEST_ASAN
namespace {

struct rally {
    int limit = 0;
    long handled = 0;
};

// Answers n with n + 1 until the limit, then waits for the next rally (it never ends, so the
// same two actors serve the warm-up and the measured run).
coact::actor player(coact::context& self, std::string other, rally& r) {
    for (;;) {
        const int n = co_await self.receive<int>();
        ++r.handled;
        if (n < r.limit) self.send(other, n + 1);
    }
}

// Sends 1..n to `sink` in one turn: all of them are queued at once.
coact::actor flooder(coact::context& self, coact::address sink) {
    for (;;) {
        const int n = co_await self.receive<int>();
        for (int i = 1; i <= n; ++i) self.send(sink, i);
    }
}

coact::actor summer(coact::context& self, long long& sum) {
    for (;;) sum += co_await self.receive<int>();
}

}  // namespace
#endif

TEST_CASE("steady-state ping-pong allocates nothing per message", "[actor][alloc]") {
#ifdef COACT_TEST_ASAN
    SUCCEED(
        "skipped under AddressSanitizer: the frame pool is bypassed on purpose, so every "
        "envelope comes from operator new");
#else
    rally r;
    coact::runtime rt(test_options());
    rt.spawn("ping", player, std::string("pong"), std::ref(r));
    rt.spawn("pong", player, std::string("ping"), std::ref(r));

    r.limit = 1'000;  // warm-up: fills the frame pool, grows the ready queue, fills the name caches
    rt.send("ping", 0);
    rt.run();
    REQUIRE(r.handled == 1'001);

    r.limit = 100'000;
    rt.send("ping", 0);  // outside the count: the injection queue may allocate for a new producer
    coact_test::allocations::start();
    rt.run();
    const long allocated = coact_test::allocations::stop();
    REQUIRE(r.handled == 1'001 + 100'001);
    CHECK(allocated == 0);
    CHECK(rt.stats().delivered == 1'001 + 100'001);
#endif
}

TEST_CASE("a queue deeper than any fixed bound allocates nothing per message once warm",
          "[actor][alloc]") {
#ifdef COACT_TEST_ASAN
    SUCCEED("skipped under AddressSanitizer: the envelope pool is bypassed on purpose");
#else
    // 300,000 messages queued at once: deeper than the 65,536 envelopes a pool used to keep (a
    // malloc per message beyond it). This executable runs in the single-threaded mode only: with
    // two workers the producer and the consumer run side by side, and how far the producer gets
    // ahead, so how many envelopes a round needs, changes from round to round.
    constexpr int deep = 300'000;
    long long sum = 0;
    coact::runtime rt(test_options());
    const coact::address sink = rt.spawn(summer, std::ref(sum));
    const coact::address source = rt.spawn(flooder, sink);
    rt.send(source, deep);  // warm-up: the pools grow to the burst's depth
    rt.run();
    const long long expected = static_cast<long long>(deep) * (deep + 1) / 2;
    REQUIRE(sum == expected);

    rt.send(source, deep);
    coact_test::allocations::start();
    rt.run();
    const long allocated = coact_test::allocations::stop();
    REQUIRE(sum == 2 * expected);
    // Nothing per message: a few allocations (a queue's block, a batch) are not a message each.
    CHECK(allocated < 100);
#endif
}
