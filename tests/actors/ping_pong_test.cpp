// Beazley's recursive ping-pong, done right: two actors that answer each other by name. Because
// send() only queues, each answer is a new turn of the scheduler, not a nested call, so the
// native stack stays flat however long the rally goes on.
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/modes.hpp"

using coact_test::test_options;

namespace {

// The address of this function's own stack frame: a real stack position, whereas a coroutine's
// locals live in its heap frame. Not inlined, so it always sits one call below its caller.
[[gnu::noinline]] std::uintptr_t stack_position() noexcept {
    return reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
}

// What both players saw. Only one player runs at a time (each waits for the other's message),
// so the messages order every access to it, in every mode.
struct rally {
    // The range of stack positions seen on one thread: with several workers the players run on
    // several threads, each with a native stack of its own.
    struct stack_range {
        std::thread::id thread;
        std::uintptr_t low = std::numeric_limits<std::uintptr_t>::max();
        std::uintptr_t high = 0;
    };

    int rounds = 0;
    long turns = 0;  // messages handled by both players together
    int last = -1;   // the number that ended the rally
    std::vector<stack_range> stacks;

    void note(int n) {
        ++turns;
        const std::uintptr_t here = stack_position();
        stack_range& r = range_of(std::this_thread::get_id());
        r.low = here < r.low ? here : r.low;
        r.high = here > r.high ? here : r.high;
        last = n;
    }
    /// The largest range of stack positions seen on any one thread.
    [[nodiscard]] std::uintptr_t spread() const noexcept {
        std::uintptr_t widest = 0;
        for (const stack_range& r : stacks)
            widest = r.high - r.low > widest ? r.high - r.low : widest;
        return widest;
    }

  private:
    stack_range& range_of(std::thread::id id) {
        for (stack_range& r : stacks) {
            if (r.thread == id) return r;
        }
        stacks.push_back({id});
        return stacks.back();
    }
};

coact::actor player(coact::context& self, std::string other, rally& r) {
    for (;;) {
        const int n = co_await self.receive<int>();
        r.note(n);
        if (n >= r.rounds) co_return;
        self.send(other, n + 1);
    }
}

// Runs a rally of `rounds` with exactly `options` and returns what was seen; `stats` gets the
// runtime's counters.
rally play(int rounds, coact::runtime_options options, coact::runtime_stats& stats) {
    rally r;
    r.rounds = rounds;
    coact::runtime rt(options);
    rt.spawn("ping", player, std::string("pong"), std::ref(r));
    rt.spawn("pong", player, std::string("ping"), std::ref(r));
    rt.send("ping", 0);
    rt.run();
    stats = rt.stats();
    return r;
}

// Recursion would need at least one native frame per round: far more than this over thousands
// of rounds. Without recursion every turn starts from the same scheduler frame.
constexpr std::uintptr_t flat_stack = 8 * 1024;

}  // namespace

TEST_CASE("ping-pong by name runs many rounds without growing the native stack", "[actor]") {
    coact::runtime_stats stats;
    const rally r = play(1'000, test_options(), stats);
    CHECK(r.last == 1'000);
    CHECK(r.turns == 1'001);
    CHECK_FALSE(r.stacks.empty());
    CHECK(r.spread() < flat_stack);
    // Messages 0..1000, every one handed to an actor.
    CHECK(stats.delivered == 1'001);
    CHECK(stats.dead_letters == 0);
    CHECK(stats.failed == 0);
    CHECK(stats.actors == 1);  // the player that got 1000 returned; the other still waits
}

TEST_CASE("a ping-pong of 200000 rounds completes in constant native stack", "[actor][stress]") {
    coact::runtime_stats stats;
    const rally r = play(200'000, test_options(), stats);
    CHECK(r.last == 200'000);
    CHECK(r.turns == 200'001);
    CHECK(r.spread() < flat_stack);
    CHECK(stats.delivered == 200'001);
}

TEST_CASE("with workers = 2 ping-pong gives the same final counts as with one worker", "[actor]") {
    coact::runtime_stats one;
    coact::runtime_stats two;
    const rally a = play(5'000, {.workers = 1}, one);
    const rally b = play(5'000, {.workers = 2}, two);
    CHECK(b.last == a.last);
    CHECK(b.turns == a.turns);
    CHECK(b.spread() < flat_stack);
    CHECK(two.delivered == one.delivered);
    CHECK(two.dead_letters == one.dead_letters);
    CHECK(two.failed == one.failed);
    CHECK(two.actors == one.actors);
    CHECK(two.spawned == one.spawned);
    CHECK(b.last == 5'000);
}
