// coact::detail::envelope_pool with an envelope_depot (the work-stealing mode's pools): surplus
// moves between pools through the depot, and the memory kept is bounded however many envelopes
// are freed. A worker that only frees (messages sent from outside come from ::operator new, and
// are freed on the worker that took them) must not make the depot grow without end.
#include <algorithm>
#include <cstddef>
#include <mutex>
#include <new>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/detail/message/envelope.hpp>

using coact::detail::envelope;
using coact::detail::envelope_depot;
using coact::detail::envelope_pool;

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

TEST_CASE("a pool that only frees keeps a bounded number of envelopes in the depot",
          "[envelope_pool]") {
    envelope_depot depot;
    constexpr std::size_t limit = 256;
    {
        envelope_pool pool;
        pool.use_depot(&depot, limit);
        const std::size_t freed = 4 * envelope_depot::default_limit;
        for (std::size_t i = 0; i < freed; ++i) pool.deallocate(heap_envelope());
        CHECK(depot_size(depot) <= depot.limit);
        if (pooled) CHECK(depot_size(depot) >= depot.limit - limit);  // it did fill up
    }
}

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

TEST_CASE("a depot's limit can be set lower", "[envelope_pool]") {
    envelope_depot depot(1024);
    envelope_pool pool;
    pool.use_depot(&depot, 256);
    for (int i = 0; i < 10000; ++i) pool.deallocate(heap_envelope());
    CHECK(depot_size(depot) <= 1024);
}
