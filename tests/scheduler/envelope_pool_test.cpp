// coact::detail::envelope_pool: on its own it keeps what a burst needed, so that the next burst of
// that depth allocates nothing, and gives back what a whole period did not use (idle). With an
// envelope_depot (the work-stealing mode's pools) surplus moves between pools through the depot,
// and the memory kept is bounded however many envelopes are freed. A worker that only frees
// (messages sent from outside come from ::operator new, and are freed on the worker that took
// them) must not make the depot grow without end.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/detail/message/envelope.hpp>

using coact::detail::envelope;
using coact::detail::envelope_depot;
using coact::detail::envelope_pool;
using coact::detail::envelope_release;

namespace {

envelope* heap_envelope() { return static_cast<envelope*>(::operator new(sizeof(envelope))); }

std::size_t depot_size(envelope_depot& depot) {
    const std::lock_guard lock(depot.mutex);
    return depot.free.size();
}

#if defined(COACT_DETAIL_NO_ENVELOPE_POOL)
constexpr bool pooled = false;  // AddressSanitizer: every envelope goes back to the heap
#else
constexpr bool pooled = true;
#endif

}  // namespace

TEST_CASE("a pool takes envelopes from the depot before the heap", "[envelope_pool]") {
    envelope_depot depot;
    constexpr std::size_t limit = 256;
    envelope_pool freeing;
    envelope_pool allocating;
    freeing.use_depot(&depot, limit);
    allocating.use_depot(&depot, limit);
    std::vector<envelope*> made;
    for (std::size_t i = 0; i < 4 * limit; ++i) made.push_back(heap_envelope());
    for (envelope* e : made) freeing.deallocate(e);
    const std::size_t spilled = depot_size(depot);
    if (pooled) REQUIRE(spilled > 0);
    void* taken = allocating.allocate();
    if (pooled) {
        // The first envelope the other pool hands out is one of those freed: it came through
        // the depot, which gave up half a pool's limit at once.
        CHECK(std::find(made.begin(), made.end(), taken) != made.end());
        CHECK(depot_size(depot) == spilled - std::min(spilled, limit / 2));
    }
    allocating.deallocate(static_cast<envelope*>(taken));
}

TEST_CASE("a pool that only frees fills the depot with one period's envelopes, not all of them",
          "[envelope_pool]") {
    // A worker taking messages sent from outside frees envelopes the heap made: its surplus goes
    // to the depot, which must not keep all of it for ever.
    constexpr auto depot_period = std::chrono::milliseconds(100);  // shorter than the default
    envelope_depot depot(1024, depot_period);
    envelope_pool pool;
    pool.use_depot(&depot, 256);
    constexpr std::size_t batch = 5'000;
    for (int period = 0; period < 6; ++period) {
        for (std::size_t i = 0; i < batch; ++i) pool.deallocate(heap_envelope());
        std::this_thread::sleep_for(depot_period + std::chrono::milliseconds(10));
    }
    // 30,000 freed: the depot keeps its limit and what the last periods freed.
    if (pooled) CHECK(depot_size(depot) < 1024 + 3 * batch);
    CHECK(depot_size(depot) <= 6 * batch);
}

namespace {

// A producer's pool and its consumer's pool on two workers, sharing a depot with a small limit.
struct producer_and_consumer {
    envelope_depot depot{1024};
    envelope_pool making;
    envelope_pool freeing;

    producer_and_consumer() {
        making.use_depot(&depot, 256);
        freeing.use_depot(&depot, 256);
    }

    std::vector<envelope*> burst(std::size_t n) {
        std::vector<envelope*> made;
        made.reserve(n);
        for (std::size_t i = 0; i < n; ++i)
            made.push_back(static_cast<envelope*>(making.allocate()));
        return made;
    }

    // How many envelopes of `second` are envelopes of `first` (reused, not made again).
    static std::size_t reused(std::vector<envelope*> first, const std::vector<envelope*>& second) {
        std::sort(first.begin(), first.end());
        std::size_t n = 0;
        for (envelope* e : second) n += std::binary_search(first.begin(), first.end(), e) ? 1 : 0;
        return n;
    }
};

constexpr std::size_t deep_burst = 20'000;  // deeper than the depot's limit and both pools'

}  // namespace

TEST_CASE("a burst deeper than the depot's limit goes through it without the heap",
          "[envelope_pool]") {
    // One worker makes every envelope, another frees them (a producer and its consumer on two
    // workers): with a fixed bound on the depot, each envelope beyond it was a malloc.
    producer_and_consumer pc;
    const std::vector<envelope*> first = pc.burst(deep_burst);
    for (envelope* e : first) pc.freeing.deallocate(e);
    // The same burst again: every envelope comes back out of the depot or the pools.
    const std::vector<envelope*> second = pc.burst(deep_burst);
    // At most the freeing pool's own keep is missing.
    if (pooled) CHECK(producer_and_consumer::reused(first, second) >= deep_burst - 256);
    for (envelope* e : second) pc.freeing.deallocate(e);
}

TEST_CASE("a burst whose consumers free it for longer than a pool's period keeps it for the next",
          "[envelope_pool]") {
    // The depot looks while workers are busy. The consumers of a deep fan-out free envelopes for
    // longer than a pool's 100 ms period while the producer takes none: with that period the
    // depot gave them to the heap in the middle of the run, and the next burst made them all
    // again. Its own period (1 s) spans such a phase.
    producer_and_consumer pc;
    const std::vector<envelope*> first = pc.burst(deep_burst);
    constexpr std::size_t chunks = 5;
    for (std::size_t c = 0; c < chunks; ++c) {  // 300 ms of freeing, nothing taken
        for (std::size_t i = c * deep_burst / chunks; i < (c + 1) * deep_burst / chunks; ++i)
            pc.freeing.deallocate(first[i]);
        std::this_thread::sleep_for(envelope_release::period * 6 / 10);
    }
    const std::vector<envelope*> second = pc.burst(deep_burst);
    if (pooled) CHECK(producer_and_consumer::reused(first, second) >= deep_burst - 256);
    for (envelope* e : second) pc.freeing.deallocate(e);
}

namespace {

// Takes n envelopes from the pool and gives them back: a burst n deep.
void burst(envelope_pool& pool, std::size_t n) {
    std::vector<envelope*> taken;
    taken.reserve(n);
    for (std::size_t i = 0; i < n; ++i) taken.push_back(static_cast<envelope*>(pool.allocate()));
    for (envelope* e : taken) pool.deallocate(e);
}

}  // namespace

TEST_CASE("a pool without a depot keeps every envelope of a burst deeper than any bound",
          "[envelope_pool]") {
    envelope_pool pool;
    constexpr std::size_t deep = std::size_t{1} << 18U;  // four times the old bound of 65,536
    burst(pool, deep);
    if (!pooled) return;
    CHECK(pool.free_count() == deep);
    // The second burst of the same depth reuses them all: the pool neither grows nor shrinks.
    burst(pool, deep);
    CHECK(pool.free_count() == deep);
}

TEST_CASE("an idle pool gives back what a whole period did not use, down to its floor",
          "[envelope_pool]") {
    using namespace std::chrono_literals;
    envelope_pool pool;
    // Later than any real time the pool sees (it looks at the clock itself when it is full).
    const auto t0 = std::chrono::steady_clock::now() + 1h;
    constexpr std::size_t deep = 100'000;
    burst(pool, deep);
    CHECK(pool.idle(t0) == 0);  // the burst used them all: its period keeps them
    if (pooled) CHECK(pool.free_count() == deep);

    burst(pool, 1'000);  // a quiet period: 1,000 used of 100,000
    // Before a period has passed nothing goes, however little was used.
    CHECK(pool.idle(t0 + envelope_release::period / 2) == 0);
    const std::size_t released = pool.idle(t0 + envelope_release::period);
    if (!pooled) return;
    // The 1,000 taken (rounded down by at most one step of the mark) stay, and the floor: the
    // rest is released.
    CHECK(released >= deep - 1'000 - 256 - envelope_release::floor);
    CHECK(released <= deep - envelope_release::floor);
    CHECK(pool.free_count() == deep - released);
    CHECK(pool.free_count() <= 1'000 + 256 + envelope_release::floor);

    // A period in which nothing at all was taken lets the pool fall to its floor, no lower.
    pool.idle(t0 + 2 * envelope_release::period);
    CHECK(pool.free_count() == envelope_release::floor);
    pool.idle(t0 + 3 * envelope_release::period);
    CHECK(pool.free_count() == envelope_release::floor);
}

TEST_CASE("bursts of one depth, one per period, keep their envelopes: none is made again",
          "[envelope_pool]") {
    envelope_pool pool;
    const auto t0 = std::chrono::steady_clock::now() + std::chrono::hours(1);
    constexpr std::size_t deep = 50'000;
    burst(pool, deep);
    for (int period = 1; period <= 5; ++period) {
        burst(pool, deep);
        CHECK(pool.idle(t0 + period * envelope_release::period) == 0);
    }
    if (pooled) CHECK(pool.free_count() == deep);
}

TEST_CASE("a pool that only frees, and is never idle, keeps about one period's envelopes",
          "[envelope_pool]") {
    // Envelopes sent from outside come from the heap and are freed into the scheduler's pool;
    // under steady outside traffic the scheduler may never find itself idle. The pool then
    // releases, when it is full, what a whole period left unused.
    envelope_pool pool;
    constexpr std::size_t batch = 50'000;
    for (int period = 0; period < 6; ++period) {
        for (std::size_t i = 0; i < batch; ++i) pool.deallocate(heap_envelope());
        std::this_thread::sleep_for(envelope_release::period + std::chrono::milliseconds(10));
    }
    // 300,000 freed; what stays is what the last periods freed (the array fills, then looks).
    if (pooled) CHECK(pool.free_count() < 4 * batch);
    CHECK(pool.free_count() <= 6 * batch);
}

TEST_CASE("a burst whose envelopes come back a period after they were taken is released whole",
          "[envelope_pool]") {
    // A burst queued for longer than a period: the pool fills while it drains. It must not start
    // a new period in the middle (it would then count only the envelopes back before that as
    // unused, and freeing a scattered half gives the system few whole pages).
    envelope_pool pool;
    constexpr std::size_t deep = 50'000;
    std::vector<envelope*> taken;
    for (std::size_t i = 0; i < deep; ++i) taken.push_back(static_cast<envelope*>(pool.allocate()));
    std::this_thread::sleep_for(envelope_release::period + std::chrono::milliseconds(10));
    for (envelope* e : taken) pool.deallocate(e);
    const auto now = std::chrono::steady_clock::now();
    pool.idle(now);                             // the burst's own period: all were taken
    pool.idle(now + envelope_release::period);  // a quiet one after it
    if (pooled) CHECK(pool.free_count() == envelope_release::floor);
}
