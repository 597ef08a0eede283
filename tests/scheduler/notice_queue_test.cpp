// coact::detail::notice_queue: what the owner takes is what was pushed, and the count that
// parking reads says whether anything waits (scheduler/work_stealing/notice_queue.hpp).
#include "scheduler/work_stealing/notice_queue.hpp"

#include <atomic>
#include <cstddef>
#include <set>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

using coact::detail::from_outside;
using coact::detail::notice;
using coact::detail::notice_queue;

namespace {

coact::context* token(std::vector<unsigned char>& storage, std::size_t i) {
    return reinterpret_cast<coact::context*>(&storage[i]);
}

}  // namespace

TEST_CASE("notices come out as they went in, and pending says whether any wait", "[notice_queue]") {
    std::vector<unsigned char> storage(3);
    notice_queue q;
    notice out[8];
    CHECK_FALSE(q.pending());
    CHECK(q.take(out, 8) == 0);
    q.push({token(storage, 0), 1, false});
    q.push({token(storage, 1), from_outside, true});
    CHECK(q.pending());
    CHECK(q.pending_approx());
    REQUIRE(q.take(out, 8) == 2);
    CHECK(out[0].cell == token(storage, 0));
    CHECK(out[0].from == 1);
    CHECK_FALSE(out[0].run);
    CHECK(out[1].cell == token(storage, 1));
    CHECK(out[1].run);
    CHECK_FALSE(q.pending());

    q.push({token(storage, 2), 0, false});
    q.clear();
    CHECK_FALSE(q.pending());
    CHECK(q.take(out, 8) == 0);
}

TEST_CASE("notices pushed from three threads are each taken once", "[notice_queue][stress]") {
    constexpr std::size_t per_thread = 10000;
    std::vector<unsigned char> storage(3 * per_thread);
    notice_queue q;
    std::atomic<int> running{3};
    std::vector<std::thread> senders;
    for (std::size_t t = 0; t < 3; ++t) {
        senders.emplace_back([&, t] {
            for (std::size_t i = 0; i < per_thread; ++i)
                q.push({token(storage, t * per_thread + i)});
            running.fetch_sub(1);
        });
    }
    std::set<coact::context*> seen;
    std::size_t duplicates = 0;
    notice out[64];
    const auto drain = [&] {
        const std::size_t n = q.take(out, 64);
        for (std::size_t i = 0; i < n; ++i) {
            if (!seen.insert(out[i].cell).second) ++duplicates;
        }
    };
    while (running.load() != 0) drain();
    for (std::thread& s : senders) s.join();
    while (q.pending()) drain();
    CHECK(duplicates == 0);
    CHECK(seen.size() == storage.size());
}
