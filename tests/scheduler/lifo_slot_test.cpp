// coact::detail::lifo_slot: the owner's put and take against another worker's steal
// (scheduler/work_stealing/lifo_slot.hpp). Every actor that goes in comes out to exactly one of
// them: the owner (taken, or displaced by a put) or a thief.
#include "scheduler/work_stealing/lifo_slot.hpp"

#include <atomic>
#include <cstddef>
#include <thread>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "support/asymmetric_fence.hpp"
#include "support/spin.hpp"

using coact::detail::basic_lifo_slot;
using coact::detail::lifo_slot;

namespace {

// Stand-ins for actors: the slot only moves pointers, never follows them.
std::vector<coact::context*> tokens(std::size_t n, std::vector<unsigned char>& storage) {
    storage.assign(n, 0);
    std::vector<coact::context*> out;
    for (std::size_t i = 0; i < n; ++i)
        out.push_back(reinterpret_cast<coact::context*>(&storage[i]));
    return out;
}

}  // namespace

TEST_CASE("the owner gets back what it put, and a put displaces the previous actor",
          "[lifo_slot]") {
    std::vector<unsigned char> storage;
    const auto t = tokens(2, storage);
    lifo_slot slot;
    CHECK_FALSE(slot.occupied());
    CHECK(slot.take() == nullptr);
    CHECK(slot.put(t[0]) == nullptr);
    CHECK(slot.occupied());
    CHECK(slot.put(t[1]) == t[0]);
    CHECK(slot.take() == t[1]);
    CHECK(slot.take() == nullptr);
}

TEST_CASE("a stolen actor is not the owner's any more, and the next put acknowledges the steal",
          "[lifo_slot]") {
    coact::detail::asymmetric_fence::prepare();
    std::vector<unsigned char> storage;
    const auto t = tokens(3, storage);
    lifo_slot slot;
    CHECK(slot.put(t[0]) == nullptr);
    CHECK(slot.steal() == t[0]);
    CHECK_FALSE(slot.occupied());
    CHECK(slot.steal() == nullptr);    // nothing there
    CHECK(slot.put(t[1]) == nullptr);  // t[0] is the thief's: not displaced to the owner
    CHECK(slot.steal() == t[1]);       // acknowledged: another steal may go ahead
    CHECK(slot.put(t[2]) == nullptr);
    CHECK(slot.take() == t[2]);
}

TEST_CASE("an actor stolen, run and made ready again is the owner's once more", "[lifo_slot]") {
    coact::detail::asymmetric_fence::prepare();
    std::vector<unsigned char> storage;
    const auto t = tokens(2, storage);
    lifo_slot slot;
    CHECK(slot.put(t[0]) == nullptr);
    CHECK(slot.steal() == t[0]);
    // The thief ran it; a message from this worker makes it ready here again. The put
    // acknowledges the old report, which names this very actor: it must not be dropped.
    CHECK(slot.put(t[0]) == nullptr);
    CHECK(slot.take() == t[0]);
    CHECK(slot.put(t[1]) == nullptr);
    CHECK(slot.take() == t[1]);
}

TEST_CASE("an owner putting and taking while a thief steals: every actor comes out exactly once",
          "[lifo_slot][stress]") {
    coact::detail::asymmetric_fence::prepare();
    if (!coact::detail::asymmetric_fence::registered.load()) {
        SUCCEED("no membarrier on this kernel: the slot is never stolen from (see the next test)");
        return;
    }
    constexpr std::size_t n = 1'000'000;
    constexpr long enough = 2'000;  // steals: the owner stops early once the thief has this many
    std::vector<unsigned char> storage;
    const auto t = tokens(n, storage);
    std::vector<std::atomic<int>> seen(n);
    const auto index = [&](coact::context* c) {
        return static_cast<std::size_t>(reinterpret_cast<unsigned char*>(c) - storage.data());
    };
    lifo_slot slot;
    std::atomic<bool> done{false};
    std::atomic<long> stolen{0};
    std::atomic<bool> started{false};
    std::thread thief([&] {
        started.store(true);
        while (!done.load(std::memory_order_acquire)) {
            if (coact::context* c = slot.steal()) {
                seen[index(c)].fetch_add(1);
                stolen.fetch_add(1);
            }
        }
    });
    while (!started.load()) std::this_thread::yield();
    std::size_t used = 0;
    for (; used < n && stolen.load(std::memory_order_relaxed) < enough; ++used) {
        if (coact::context* d = slot.put(t[used])) seen[index(d)].fetch_add(1);
        // A turn's worth of other work between the slot's operations, so that the thief's
        // membarrier falls between them as often as on them.
        for (int k = 0; k < 16; ++k) coact::detail::cpu_relax();
        if (used % 3 == 0) {
            if (coact::context* c = slot.take()) seen[index(c)].fetch_add(1);
        }
    }
    done.store(true, std::memory_order_release);
    thief.join();
    if (coact::context* c = slot.take()) seen[index(c)].fetch_add(1);
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < used; ++i) {
        if (seen[i].load() != 1) ++wrong;
    }
    INFO("stolen: " << stolen.load() << " of " << used);
    CHECK(wrong == 0);
    CHECK(stolen.load() > 0);  // the race was run, not just the owner's side
}

namespace {

// Stops the owner after it read the slot and before it stores, until the test lets it go: the
// thief then runs its whole steal in that gap, the one interleaving where both saw the actor.
struct gap {
    static inline std::atomic<bool> armed{false};
    static inline std::atomic<bool> owner_waiting{false};
    static inline std::atomic<bool> go_on{false};
    static void owner_between_load_and_store() noexcept {
        if (!armed.load()) return;
        owner_waiting.store(true);
        while (!go_on.load()) std::this_thread::yield();
    }
};

// The owner's operation `op` runs on another thread and stops in the gap; a steal runs there;
// then the owner finishes. Returns what the owner's operation returned and what the thief got.
template <class Op>
std::pair<coact::context*, coact::context*> steal_in_the_gap(basic_lifo_slot<gap>& slot, Op op) {
    gap::owner_waiting = false;
    gap::go_on = false;
    gap::armed = true;
    coact::context* owner_got = nullptr;
    std::thread owner([&] { owner_got = op(slot); });
    while (!gap::owner_waiting.load()) std::this_thread::yield();
    coact::context* thief_got = nullptr;
    std::thread thief([&] { thief_got = slot.steal(); });
    thief.join();  // the whole steal ran while the owner held the actor it had read
    gap::armed = false;
    gap::go_on = true;
    owner.join();
    return {owner_got, thief_got};
}

}  // namespace

TEST_CASE("a steal between the owner's read and its store: the thief has it, the owner not",
          "[lifo_slot]") {
    coact::detail::asymmetric_fence::prepare();
    std::vector<unsigned char> storage;
    const auto t = tokens(3, storage);

    SECTION("the owner was taking it") {
        basic_lifo_slot<gap> slot;
        CHECK(slot.put(t[0]) == nullptr);
        const auto [owner_got, thief_got] =
            steal_in_the_gap(slot, [](basic_lifo_slot<gap>& s) { return s.take(); });
        CHECK(thief_got == t[0]);
        CHECK(owner_got == nullptr);  // without the thief's report the owner would run it too
        CHECK_FALSE(slot.occupied());
    }
    SECTION("the owner was putting another in its place") {
        basic_lifo_slot<gap> slot;
        CHECK(slot.put(t[0]) == nullptr);
        const auto [owner_got, thief_got] =
            steal_in_the_gap(slot, [&](basic_lifo_slot<gap>& s) { return s.put(t[1]); });
        CHECK(thief_got == t[0]);
        CHECK(owner_got == nullptr);  // t[0] is not displaced to the deque as well
        CHECK(slot.take() == t[1]);   // the new one stays
    }
}

TEST_CASE("without membarrier a steal backs out and the owner keeps its actor", "[lifo_slot]") {
    coact::detail::asymmetric_fence::prepare();
    const bool with_membarrier = coact::detail::asymmetric_fence::registered.load();
    struct restore {
        bool value;
        ~restore() { coact::detail::asymmetric_fence::registered.store(value); }
    } restore_after{with_membarrier};
    coact::detail::asymmetric_fence::registered.store(false);  // as on a kernel without it
    std::vector<unsigned char> storage;
    const auto t = tokens(1, storage);
    lifo_slot slot;
    CHECK(slot.put(t[0]) == nullptr);
    CHECK(slot.steal() == nullptr);
    CHECK(slot.take() == t[0]);  // the failed steal left no flag behind
    CHECK(slot.put(t[0]) == nullptr);
    CHECK(slot.take() == t[0]);
}
