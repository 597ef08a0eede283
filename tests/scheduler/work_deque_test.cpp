// coact::detail::work_deque: single-threaded semantics against a model, then an owner racing
// thieves. In the [stress] cases every item is a distinct pointer into an array; each taker
// counts what it took per item and sums a payload the owner wrote before pushing (a plain field,
// so ThreadSanitizer checks that push publishes it). Afterwards every item must have been taken
// exactly once. Every multi-threaded case is bounded by a watchdog.
#include "scheduler/work_stealing/work_deque.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <stdexcept>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "actors/support/watchdog.hpp"
#include "support/xorshift.hpp"

using namespace std::chrono_literals;
using coact::detail::work_deque;
using coact_test::xorshift;

namespace {

struct item {
    std::uint64_t payload = 0;
};

/// What one thread took: a count per item and the sum of the payloads.
struct takings {
    explicit takings(std::size_t n) : count(n, 0) {}
    std::vector<std::uint32_t> count;
    std::uint64_t sum = 0;
    std::size_t taken = 0;
};

/// The items of one stress run and what each thread took of them.
class ledger {
  public:
    ledger(std::size_t n, int takers) : items_(n) {
        for (int i = 0; i < takers; ++i) takings_.emplace_back(n);
    }

    [[nodiscard]] std::size_t size() const noexcept { return items_.size(); }

    /// The owner's thread only, before pushing item i.
    item* prepare(std::size_t i) noexcept {
        items_[i].payload = i * 2654435761u + 1;
        return &items_[i];
    }

    /// Called by taker `who` only.
    void record(int who, const item* taken) noexcept {
        takings& mine = takings_[static_cast<std::size_t>(who)];
        ++mine.count[static_cast<std::size_t>(taken - items_.data())];
        mine.sum += taken->payload;
        ++mine.taken;
    }

    [[nodiscard]] const takings& of(int who) const {
        return takings_[static_cast<std::size_t>(who)];
    }

    /// Items taken other than exactly once, and the checksum of all payloads taken.
    [[nodiscard]] std::size_t not_taken_once() const {
        std::size_t bad = 0;
        for (std::size_t i = 0; i < items_.size(); ++i) {
            std::uint32_t total = 0;
            for (const takings& t : takings_) total += t.count[i];
            if (total != 1) ++bad;
        }
        return bad;
    }

    [[nodiscard]] std::uint64_t checksum() const {
        std::uint64_t sum = 0;
        for (const takings& t : takings_) sum += t.sum;
        return sum;
    }

    [[nodiscard]] std::uint64_t expected_checksum() const {
        std::uint64_t sum = 0;
        for (std::size_t i = 0; i < items_.size(); ++i) sum += i * 2654435761u + 1;
        return sum;
    }

  private:
    std::vector<item> items_;
    std::vector<takings> takings_;  // [0] is the owner, thieves from 1
};

/// Steals into `book` as taker `who` until the owner is done and the deque is empty.
void thief_loop(work_deque<item*>& deque, ledger& book, int who, const std::atomic<bool>& start,
                const std::atomic<bool>& owner_done, const std::atomic<bool>& give_up) {
    while (!start.load(std::memory_order_acquire)) std::this_thread::yield();
    while (!give_up.load(std::memory_order_relaxed)) {
        if (item* got = deque.steal()) {
            book.record(who, got);
            continue;
        }
        // The owner empties the deque before it sets owner_done and pushes nothing after: a
        // nullptr seen after owner_done means the deque stays empty.
        if (owner_done.load(std::memory_order_acquire)) {
            if (deque.steal() == nullptr) break;
            continue;
        }
        std::this_thread::yield();
    }
}

enum class owner_mode { push_and_pop, push_only };

/// One owner pushing `n` items (popping some of them back in push_and_pop mode, and taking an
/// item itself when the deque is full), `thieves` thieves stealing; checks every item was taken
/// exactly once.
void run_stress(std::size_t n, int thieves, std::size_t capacity, owner_mode mode) {
    work_deque<item*> deque(capacity);
    ledger book(n, thieves + 1);
    std::atomic<bool> start{false};
    std::atomic<bool> owner_done{false};
    std::atomic<bool> give_up{false};
    coact_test::watchdog dog(30s, [&] { give_up.store(true, std::memory_order_relaxed); });

    std::vector<std::thread> pool;
    for (int who = 1; who <= thieves; ++who) {
        pool.emplace_back(thief_loop, std::ref(deque), std::ref(book), who, std::cref(start),
                          std::cref(owner_done), std::cref(give_up));
    }
    start.store(true, std::memory_order_release);

    xorshift random(0x9e3779b97f4a7c15u + n + static_cast<std::uint64_t>(thieves));
    std::size_t full = 0;
    for (std::size_t i = 0; i < n && !give_up.load(std::memory_order_relaxed); ++i) {
        item* next = book.prepare(i);
        if (mode == owner_mode::push_only) {
            while (!deque.push(next) && !give_up.load(std::memory_order_relaxed)) {
                ++full;
                std::this_thread::yield();
            }
            continue;
        }
        if (!deque.push(next)) {
            ++full;
            book.record(0, next);  // what the runtime would send to the injection queue
            // Thieves are not keeping up, probably not running (a busy or small machine): let
            // them, or the run would test the owner alone.
            std::this_thread::yield();
        }
        // Pops 0.75 items per push on average: the deque fills, thieves empty it.
        const std::uint64_t dice = random.next() % 8;
        const int pops = dice < 3 ? 1 : dice == 3 ? 3 : 0;
        for (int k = 0; k < pops; ++k) {
            if (item* got = deque.pop()) book.record(0, got);
        }
    }
    while (item* got = deque.pop()) book.record(0, got);
    owner_done.store(true, std::memory_order_release);
    for (std::thread& t : pool) t.join();
    dog.cancel();

    REQUIRE_FALSE(dog.fired());
    CHECK(deque.empty_approx());
    std::size_t taken = 0;
    for (int who = 0; who <= thieves; ++who) taken += book.of(who).taken;
    CHECK(taken == n);
    CHECK(book.not_taken_once() == 0);
    CHECK(book.checksum() == book.expected_checksum());
    // Not a correctness condition (a starved thief is possible on a busy machine), but a run
    // in which no thief stole tested little.
    std::size_t stolen = 0;
    for (int who = 1; who <= thieves; ++who) stolen += book.of(who).taken;
    if (stolen == 0) WARN("no thief stole anything; pushes refused as full: " << full);
}

/// Rounds of `per_round` pushes, then as many pops, by the owner, while one thief steals
/// throughout: the deque is nearly always almost empty, where the owner and thieves meet.
void run_rounds(std::size_t n, std::size_t per_round) {
    work_deque<item*> deque(per_round);
    ledger book(n, 2);
    std::atomic<bool> start{false};
    std::atomic<bool> owner_done{false};
    std::atomic<bool> give_up{false};
    coact_test::watchdog dog(30s, [&] { give_up.store(true, std::memory_order_relaxed); });
    std::thread thief(thief_loop, std::ref(deque), std::ref(book), 1, std::cref(start),
                      std::cref(owner_done), std::cref(give_up));
    start.store(true, std::memory_order_release);
    std::size_t refused = 0;  // none expected: each round ends with the deque empty
    for (std::size_t i = 0; i < n && !give_up.load(std::memory_order_relaxed);) {
        const std::size_t end = std::min(n, i + per_round);
        for (; i < end; ++i) {
            item* next = book.prepare(i);
            if (!deque.push(next)) {
                ++refused;
                book.record(0, next);
            }
        }
        for (std::size_t k = 0; k < per_round; ++k) {
            if (item* got = deque.pop()) book.record(0, got);
        }
    }
    owner_done.store(true, std::memory_order_release);
    thief.join();
    dog.cancel();

    REQUIRE_FALSE(dog.fired());
    CHECK(refused == 0);
    CHECK(book.of(0).taken + book.of(1).taken == n);
    CHECK(book.not_taken_once() == 0);
    CHECK(book.checksum() == book.expected_checksum());
}

}  // namespace

TEST_CASE("a new deque is empty and both ends return nullptr", "[work_deque]") {
    work_deque<int*> deque(8);
    CHECK(deque.capacity() == 8);
    CHECK(deque.empty_approx());
    CHECK(deque.size_approx() == 0);
    CHECK(deque.pop() == nullptr);
    CHECK(deque.steal() == nullptr);
    CHECK(deque.empty_approx());  // popping an empty deque leaves it consistent
}

TEST_CASE("the owner pops in LIFO order and thieves steal in FIFO order", "[work_deque]") {
    int values[6] = {};
    work_deque<int*> deque(8);
    for (int& v : values) REQUIRE(deque.push(&v));
    CHECK(deque.size_approx() == 6);

    CHECK(deque.pop() == &values[5]);
    CHECK(deque.steal() == &values[0]);
    CHECK(deque.pop() == &values[4]);
    CHECK(deque.steal() == &values[1]);
    CHECK(deque.steal() == &values[2]);
    CHECK(deque.pop() == &values[3]);
    CHECK(deque.pop() == nullptr);
    CHECK(deque.steal() == nullptr);
}

TEST_CASE("push returns false when the deque is full and the deque keeps its items",
          "[work_deque]") {
    int values[5] = {};
    work_deque<int*> deque(4);
    for (int i = 0; i < 4; ++i) REQUIRE(deque.push(&values[i]));
    CHECK_FALSE(deque.push(&values[4]));
    CHECK(deque.size_approx() == 4);

    SECTION("a steal makes room at the other end") {
        CHECK(deque.steal() == &values[0]);
        CHECK(deque.push(&values[4]));
        CHECK_FALSE(deque.push(&values[4]));
        CHECK(deque.pop() == &values[4]);
        CHECK(deque.steal() == &values[1]);
    }
    SECTION("a pop makes room at the same end") {
        CHECK(deque.pop() == &values[3]);
        CHECK(deque.push(&values[4]));
        CHECK(deque.pop() == &values[4]);
        CHECK(deque.pop() == &values[2]);
    }
}

TEST_CASE("a capacity of one holds one item, taken from either end", "[work_deque]") {
    int a = 0;
    int b = 0;
    work_deque<int*> deque(1);
    REQUIRE(deque.push(&a));
    CHECK_FALSE(deque.push(&b));
    CHECK(deque.steal() == &a);
    REQUIRE(deque.push(&b));
    CHECK(deque.pop() == &b);
    CHECK(deque.pop() == nullptr);
}

TEST_CASE("a capacity that is not a power of two is rejected", "[work_deque]") {
    CHECK_THROWS_AS(work_deque<int*>(0), std::invalid_argument);
    CHECK_THROWS_AS(work_deque<int*>(3), std::invalid_argument);
    CHECK_THROWS_AS(work_deque<int*>(100), std::invalid_argument);
    CHECK_NOTHROW(work_deque<int*>(1024));
}

TEST_CASE("pushes, pops and steals wrap around the buffer many times in the model's order",
          "[work_deque]") {
    constexpr std::size_t capacity = 8;
    std::vector<int> values(1000);
    work_deque<int*> deque(capacity);
    std::deque<int*> model;
    xorshift random(42);
    std::size_t next = 0;
    std::size_t pushed = 0;
    for (int step = 0; step < 100'000; ++step) {
        const std::uint64_t dice = random.next() % 8;
        if (dice < 4) {  // push, half the time
            int* v = &values[next++ % values.size()];
            const bool accepted = deque.push(v);
            REQUIRE(accepted == (model.size() < capacity));
            if (accepted) {
                model.push_back(v);
                ++pushed;
            }
        } else if (dice < 6) {
            int* expected = model.empty() ? nullptr : model.back();
            if (!model.empty()) model.pop_back();
            REQUIRE(deque.pop() == expected);
        } else {
            int* expected = model.empty() ? nullptr : model.front();
            if (!model.empty()) model.pop_front();
            REQUIRE(deque.steal() == expected);
        }
        REQUIRE(deque.size_approx() == model.size());
    }
    CHECK(pushed > 10 * capacity);  // went round the buffer many times
}

TEST_CASE("an owner pushing and popping while one thief steals takes every item exactly once",
          "[work_deque][stress]") {
    run_stress(300'000, 1, 64, owner_mode::push_and_pop);
}

TEST_CASE("an owner pushing and popping while three thieves steal takes every item exactly once",
          "[work_deque][stress]") {
    run_stress(300'000, 3, 64, owner_mode::push_and_pop);
}

TEST_CASE("two thieves drain every item of an owner that only pushes, each exactly once",
          "[work_deque][stress]") {
    run_stress(300'000, 2, 256, owner_mode::push_only);
}

TEST_CASE("the owner and a thief racing for the last item never both get it",
          "[work_deque][stress]") {
    // One item per round: every pop that finds it races the thief at point 3 of the protocol.
    run_rounds(200'000, 1);
}

TEST_CASE("a thief never steals the item the owner has claimed with a pop",
          "[work_deque][stress]") {
    // Two items per round: the owner's first pop takes index b without a CAS (point 2 of the
    // protocol), while the thief may be stealing index b - 1 and looking at b next.
    run_rounds(200'000, 2);
}
