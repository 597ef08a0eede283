// coact::detail::inbox: single-threaded semantics of each transition of the protocol, then
// senders racing a reader. In the [stress] cases every envelope carries its sender and sequence
// number (in sender_generation and request) and a payload written into its storage before the
// push (plain memory, so ThreadSanitizer checks that push publishes it); the reader checks each
// sender's order and the payload, and afterwards every envelope must have been accounted for
// exactly once. Every multi-threaded case is bounded by a watchdog.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/detail/message/envelope.hpp>
#include <coact/detail/scheduler/inbox.hpp>

#include "actors/support/watchdog.hpp"
#include "support/xorshift.hpp"

using namespace std::chrono_literals;
using coact::detail::envelope;
using coact::detail::inbox;
using coact::detail::mailbox;
using coact::detail::post_result;
using coact::detail::push_result;
using coact_test::xorshift;

namespace {

/// Walks a chain from head to tail, checking that tail is its last element.
std::vector<envelope*> to_vector(const mailbox& chain) {
    std::vector<envelope*> out;
    for (envelope* e = chain.front(); e != nullptr; e = e->next) out.push_back(e);
    CHECK(chain.back() == (out.empty() ? nullptr : out.back()));
    return out;
}

std::uint64_t payload_of(std::uint32_t sender, std::uint32_t seq) noexcept {
    return (std::uint64_t{sender} << 32 | seq) * 0x9e3779b97f4a7c15u + 1;
}

/// The envelopes of one sender in a stress run, numbered 0..n-1.
class outbox {
  public:
    outbox(std::uint32_t sender, std::size_t n) : sender_(sender), envelopes_(n) {}

    [[nodiscard]] std::size_t size() const noexcept { return envelopes_.size(); }

    /// The sender's thread only, before pushing envelope `seq`.
    envelope* prepare(std::uint32_t seq) noexcept {
        envelope* e = &envelopes_[seq];
        e->sender_generation = sender_;
        e->request = seq;
        const std::uint64_t payload = payload_of(sender_, seq);
        std::memcpy(e->storage, &payload, sizeof payload);
        return e;
    }

  private:
    std::uint32_t sender_;
    std::vector<envelope> envelopes_;
};

/// True if `e` carries the payload its sender wrote (read by the reader after taking it).
bool payload_intact(const envelope* e) noexcept {
    std::uint64_t payload = 0;
    std::memcpy(&payload, e->storage, sizeof payload);
    return payload == payload_of(e->sender_generation, e->request);
}

/// What the reader of a stress run saw: how many envelopes, and whether each sender's arrived in
/// the order it pushed them (numbered by `request`) and with the payload it wrote.
struct receipt {
    explicit receipt(std::uint32_t senders) : expected(senders, 0) {}

    void take(const envelope* e) {
        ++received;
        if (e->sender_generation >= expected.size() ||
            e->request != expected[e->sender_generation]) {
            ++out_of_order;
        } else {
            ++expected[e->sender_generation];
        }
        if (!payload_intact(e)) ++bad_payloads;
    }

    std::vector<std::uint32_t> expected;  // per sender: the number it should push next
    std::size_t received = 0;
    std::size_t out_of_order = 0;
    std::size_t bad_payloads = 0;
};

/// Busy work for about `n` steps: a pause that keeps the thread on its core. On a machine with
/// cores to spare the threads then overlap, rather than take turns as they do when they yield,
/// and the narrow windows of the protocol get hit.
void spin(std::uint64_t n) noexcept {
    volatile std::uint64_t sink = 0;
    for (std::uint64_t i = 0; i < n; ++i) sink = sink + i;
}

/// Waits until `ready()` or `give_up`: spins first, then yields (the thread it waits for may
/// need this core). Returns false if it gave up.
template <class Ready>
bool wait_until(Ready ready, const std::atomic<bool>& give_up) {
    for (int k = 0; !ready(); ++k) {
        if (give_up.load(std::memory_order_relaxed)) return false;
        if (k < 256) {
            spin(16);
        } else {
            std::this_thread::yield();
        }
    }
    return true;
}

}  // namespace

TEST_CASE("a new inbox is empty and take_all returns an empty chain", "[inbox]") {
    inbox box;
    CHECK(box.empty_approx());
    const mailbox chain = box.take_all();
    CHECK(chain.empty());
    CHECK(chain.back() == nullptr);
    CHECK(sizeof(inbox) == sizeof(void*));
}

TEST_CASE("take_all returns the envelopes in the order they were pushed and leaves it empty",
          "[inbox]") {
    envelope es[4]{};
    inbox box;
    for (envelope& e : es) CHECK(box.push(&e) == push_result::pushed);
    CHECK_FALSE(box.empty_approx());

    CHECK(to_vector(box.take_all()) == std::vector<envelope*>{&es[0], &es[1], &es[2], &es[3]});
    CHECK(box.empty_approx());
    CHECK(box.take_all().empty());

    CHECK(box.push(&es[2]) == push_result::pushed);
    CHECK(to_vector(box.take_all()) == std::vector<envelope*>{&es[2]});
}

TEST_CASE("take_all_newest_first returns the run as pushed, newest first, and leaves it empty",
          "[inbox]") {
    envelope es[3]{};
    inbox box;
    CHECK(box.take_all_newest_first() == nullptr);
    for (envelope& e : es) CHECK(box.push(&e) == push_result::pushed);
    std::vector<envelope*> run;
    for (envelope* e = box.take_all_newest_first(); e != nullptr; e = e->next) run.push_back(e);
    CHECK(run == std::vector<envelope*>{&es[2], &es[1], &es[0]});
    CHECK(box.empty_approx());
    CHECK(box.take_all_newest_first() == nullptr);
    CHECK(box.try_block());  // empty again: the reader may block
    CHECK(box.push(&es[0]) == push_result::woke);
}

TEST_CASE("batches taken one after another append to the reader's private queue in order",
          "[inbox]") {
    envelope es[5]{};
    inbox box;
    mailbox pending;
    pending.append(box.take_all());  // an empty batch changes nothing
    CHECK(pending.empty());

    CHECK(box.push(&es[0]) == push_result::pushed);
    CHECK(box.push(&es[1]) == push_result::pushed);
    pending.append(box.take_all());
    CHECK(pending.pop() == &es[0]);  // handled one, the other waits in the private queue

    CHECK(box.push(&es[2]) == push_result::pushed);
    CHECK(box.push(&es[3]) == push_result::pushed);
    pending.append(box.take_all());
    pending.append(box.take_all());
    CHECK(box.push(&es[4]) == push_result::pushed);
    pending.append(box.take_all());

    CHECK(to_vector(pending) == std::vector<envelope*>{&es[1], &es[2], &es[3], &es[4]});
    for (int i = 1; i < 5; ++i) CHECK(pending.pop() == &es[i]);
    CHECK(pending.empty());
    CHECK(pending.back() == nullptr);
}

TEST_CASE("the first push onto a blocked inbox reports woke and later ones only pushed",
          "[inbox]") {
    envelope es[3]{};
    inbox box;
    REQUIRE(box.try_block());
    CHECK(box.empty_approx());  // blocked, but nothing waits

    es[0].next = &es[2];
    CHECK(box.push(&es[0]) == push_result::woke);
    CHECK(es[0].next == &es[2]);  // not taken: the waker hands it to the reader with the actor
    CHECK(box.empty_approx());    // empty again, and not blocked: the actor counts as scheduled
    CHECK(box.push(&es[1]) == push_result::pushed);
    CHECK(box.push(&es[2]) == push_result::pushed);
    CHECK(to_vector(box.take_all()) == std::vector<envelope*>{&es[1], &es[2]});

    SECTION("and the reader can block again, to be woken again") {
        REQUIRE(box.try_block());
        CHECK(box.push(&es[1]) == push_result::woke);
        CHECK(box.take_all().empty());
    }
}

TEST_CASE("post reports first for the push that makes the inbox non-empty, and only for it",
          "[inbox]") {
    envelope es[4]{};
    inbox box;
    CHECK(box.post(&es[0]) == post_result::first);
    CHECK(box.post(&es[1]) == post_result::queued);
    CHECK(box.post(&es[2]) == post_result::queued);
    CHECK_FALSE(box.empty_approx());
    CHECK(to_vector(box.take_all()) == std::vector<envelope*>{&es[0], &es[1], &es[2]});
    // Taken: the next push is the first again (its sender tells the owner).
    CHECK(box.post(&es[3]) == post_result::first);
    CHECK(box.take_all_newest_first() == &es[3]);
    CHECK(box.post(&es[0]) == post_result::first);

    SECTION("a closed inbox refuses, and leaves the envelope to the caller") {
        CHECK(to_vector(box.close()) == std::vector<envelope*>{&es[0]});
        es[1].next = &es[2];
        CHECK(box.post(&es[1]) == post_result::closed);
        CHECK(es[1].next == &es[2]);
        box.reopen();
        CHECK(box.post(&es[1]) == post_result::first);
    }
}

TEST_CASE("of senders posting at once, exactly one per emptying of the inbox is told first",
          "[inbox][stress]") {
    // Two senders post 20,000 envelopes each while the reader takes everything now and then:
    // the number of `first` reports must equal the number of takes that found something, plus
    // one if something is left at the end (each take empties the inbox; each first refills it).
    constexpr int per_sender = 20000;
    std::vector<envelope> es(2 * per_sender);
    inbox box;
    std::atomic<int> firsts{0};
    std::atomic<int> running{2};
    const auto sender = [&](int from) {
        int mine = 0;
        for (int i = 0; i < per_sender; ++i) {
            if (box.post(&es[static_cast<std::size_t>(from * per_sender + i)]) ==
                post_result::first) {
                ++mine;
            }
        }
        firsts.fetch_add(mine);
        running.fetch_sub(1);
    };
    std::thread a(sender, 0);
    std::thread b(sender, 1);
    int takes = 0;
    std::size_t taken = 0;
    const auto take = [&] {
        const mailbox run = box.take_all();
        if (run.empty()) return;
        ++takes;
        taken += to_vector(run).size();
    };
    while (running.load() != 0) take();
    a.join();
    b.join();
    take();
    CHECK(taken == es.size());
    CHECK(firsts.load() == takes);
}

TEST_CASE("try_block fails when something was pushed and leaves it to take", "[inbox]") {
    envelope es[2]{};
    inbox box;
    CHECK(box.push(&es[0]) == push_result::pushed);
    CHECK(box.push(&es[1]) == push_result::pushed);
    CHECK_FALSE(box.try_block());
    CHECK(box.push(&es[0]) == push_result::pushed);  // still not blocked: nobody was told to wake
    CHECK(box.take_all().front() == &es[0]);
    CHECK(box.try_block());
}

TEST_CASE("a push onto a closed inbox is refused and leaves the envelope to the caller",
          "[inbox]") {
    envelope es[2]{};
    inbox box;
    CHECK(box.close().empty());
    CHECK(box.empty_approx());

    es[0].sender_generation = 7;
    es[0].request = 42;
    es[0].storage[0] = 0x5a;
    es[0].next = &es[1];
    CHECK(box.push(&es[0]) == push_result::closed);
    CHECK(es[0].next == &es[1]);  // on one thread the first look sees CLOSED: nothing written
    CHECK(es[0].sender_generation == 7);
    CHECK(es[0].request == 42);
    CHECK(es[0].storage[0] == 0x5a);
    CHECK(box.push(&es[1]) == push_result::closed);  // stays closed
    CHECK(box.close().empty());                      // closing twice returns nothing
}

TEST_CASE("close returns the envelopes not taken yet in push order", "[inbox]") {
    envelope es[4]{};
    inbox box;
    CHECK(box.push(&es[0]) == push_result::pushed);
    CHECK(box.take_all().front() == &es[0]);
    for (int i = 1; i < 4; ++i) CHECK(box.push(&es[i]) == push_result::pushed);

    CHECK(to_vector(box.close()) == std::vector<envelope*>{&es[1], &es[2], &es[3]});
    CHECK(box.push(&es[0]) == push_result::closed);
}

TEST_CASE("closing a blocked inbox returns nothing and refuses later pushes", "[inbox]") {
    envelope e{};
    inbox box;
    REQUIRE(box.try_block());
    CHECK(box.close().empty());
    CHECK(box.push(&e) == push_result::closed);
}

TEST_CASE("a reopened inbox is empty, accepts pushes and can block and close again", "[inbox]") {
    envelope es[3]{};
    inbox box;
    CHECK(box.push(&es[0]) == push_result::pushed);
    CHECK(box.close().front() == &es[0]);

    box.reopen();
    CHECK(box.empty_approx());
    CHECK(box.take_all().empty());
    CHECK(box.push(&es[1]) == push_result::pushed);  // not woke: a reused cell counts as running
    CHECK(to_vector(box.take_all()) == std::vector<envelope*>{&es[1]});
    REQUIRE(box.try_block());
    CHECK(box.push(&es[2]) == push_result::woke);  // handed over, not in the inbox
    CHECK(box.push(&es[0]) == push_result::pushed);
    CHECK(to_vector(box.close()) == std::vector<envelope*>{&es[0]});
}

TEST_CASE("three senders and a reader that blocks when idle lose, duplicate and reorder nothing",
          "[inbox][stress]") {
    constexpr std::uint32_t senders = 3;
    constexpr std::size_t per_sender = 100'000;
    std::vector<outbox> outboxes;
    for (std::uint32_t s = 0; s < senders; ++s) outboxes.emplace_back(s, per_sender);

    inbox box;
    std::atomic<bool> start{false};
    std::atomic<bool> give_up{false};
    // Handed from the sender told `woke` to the blocked reader, as the scheduler would hand the
    // actor to a worker: the reader runs again only once it has it. With it comes the envelope
    // that woke the reader (plain memory: the baton publishes it), which the reader takes first.
    std::atomic<bool> baton{false};
    envelope* handed = nullptr;
    // Written by the reader just before each try_block(), read by the sender that wakes it:
    // plain memory, so ThreadSanitizer checks that the wake-up publishes the reader's writes.
    std::size_t block_ticket = 0;
    std::vector<std::vector<std::size_t>> tickets(senders);  // per sender: the blocks it ended
    std::vector<std::size_t> refused(senders, 0);
    coact_test::watchdog dog(20s, [&] { give_up.store(true, std::memory_order_relaxed); });

    std::vector<std::thread> threads;
    for (std::uint32_t s = 0; s < senders; ++s) {
        threads.emplace_back([&, s] {
            xorshift random(0x2545f4914f6cdd1du * (s + 1));
            wait_until([&] { return start.load(std::memory_order_acquire); }, give_up);
            std::uint64_t burst = 0;
            std::uint64_t pauses = 0;
            for (std::uint32_t i = 0; i < per_sender; ++i) {
                if (give_up.load(std::memory_order_relaxed)) break;
                envelope* e = outboxes[s].prepare(i);
                switch (box.push(e)) {
                    case push_result::pushed:
                        break;
                    case push_result::woke:
                        tickets[s].push_back(block_ticket);
                        handed = e;
                        baton.store(true, std::memory_order_release);
                        break;
                    case push_result::closed:
                        ++refused[s];
                        break;
                }
                // Bursts of 1 to 64 pushes, then a pause, so that the reader often finds the
                // inbox empty and blocks; now and then a yield, for a machine short of cores.
                if (burst == 0) {
                    burst = random.next() % 64 + 1;
                    spin(random.next() % 2048);
                    if (++pauses % 16 == 0) std::this_thread::yield();
                }
                --burst;
            }
        });
    }

    receipt seen(senders);
    std::size_t blocks = 0;
    mailbox pending;
    start.store(true, std::memory_order_release);
    while (seen.received < senders * per_sender && !give_up.load(std::memory_order_relaxed)) {
        pending.append(box.take_all());
        if (pending.empty()) {
            block_ticket = blocks + 1;
            if (box.try_block()) {
                ++blocks;
                if (wait_until([&] { return baton.exchange(false, std::memory_order_acquire); },
                               give_up)) {
                    pending.push(std::exchange(handed, nullptr));
                }
            }
            continue;
        }
        // Handle a few, leaving the rest in the private queue for the next turn.
        for (int k = 0; k < 16 && !pending.empty(); ++k) {
            seen.take(pending.pop());
        }
    }
    for (std::thread& t : threads) t.join();
    dog.cancel();

    REQUIRE_FALSE(dog.fired());
    CHECK(seen.out_of_order == 0);
    CHECK(seen.bad_payloads == 0);
    for (std::uint32_t s = 0; s < senders; ++s) {
        CHECK(seen.expected[s] == per_sender);
        CHECK(refused[s] == 0);
    }
    CHECK(seen.received == senders * per_sender);
    CHECK(pending.empty());
    CHECK(box.take_all().empty());

    // Every successful try_block was ended by exactly one sender told `woke`, which saw the
    // ticket the reader wrote before that block.
    std::vector<std::size_t> all;
    for (const auto& mine : tickets) all.insert(all.end(), mine.begin(), mine.end());
    std::sort(all.begin(), all.end());
    std::vector<std::size_t> one_per_block(blocks);
    for (std::size_t b = 0; b < blocks; ++b) one_per_block[b] = b + 1;
    CHECK(all == one_per_block);
    if (blocks == 0) WARN("the reader never blocked: the wake-up was not exercised");
}

TEST_CASE("a reader taking batches while two senders push without pause loses nothing",
          "[inbox][stress]") {
    // No pauses and no blocking: pushes as dense as they get, so that they land between the
    // reader's read of the head and its exchange (which must be one operation).
    constexpr std::uint32_t senders = 2;
    constexpr std::size_t per_sender = 100'000;
    std::vector<outbox> outboxes;
    for (std::uint32_t s = 0; s < senders; ++s) outboxes.emplace_back(s, per_sender);

    inbox box;
    std::atomic<bool> start{false};
    std::atomic<bool> give_up{false};
    std::vector<std::size_t> not_pushed(senders, 0);
    coact_test::watchdog dog(20s, [&] { give_up.store(true, std::memory_order_relaxed); });

    std::vector<std::thread> threads;
    for (std::uint32_t s = 0; s < senders; ++s) {
        threads.emplace_back([&, s] {
            wait_until([&] { return start.load(std::memory_order_acquire); }, give_up);
            for (std::uint32_t i = 0; i < per_sender; ++i) {
                if (box.push(outboxes[s].prepare(i)) != push_result::pushed) ++not_pushed[s];
                if (i % 4096 == 0) {
                    if (give_up.load(std::memory_order_relaxed)) break;
                    std::this_thread::yield();
                }
            }
        });
    }

    receipt seen(senders);
    std::size_t batches = 0;
    start.store(true, std::memory_order_release);
    for (std::size_t idle = 0;
         seen.received < senders * per_sender && !give_up.load(std::memory_order_relaxed);) {
        const mailbox batch = box.take_all();
        if (batch.empty()) {
            if (++idle % 64 == 0) std::this_thread::yield();
            continue;
        }
        ++batches;
        for (const envelope* e = batch.front(); e != nullptr; e = e->next) seen.take(e);
    }
    for (std::thread& t : threads) t.join();
    dog.cancel();

    REQUIRE_FALSE(dog.fired());
    CHECK(seen.out_of_order == 0);
    CHECK(seen.bad_payloads == 0);
    for (std::uint32_t s = 0; s < senders; ++s) {
        CHECK(seen.expected[s] == per_sender);
        CHECK(not_pushed[s] == 0);
    }
    CHECK(seen.received == senders * per_sender);
    CHECK(box.take_all().empty());
    if (batches < 2) WARN("the reader took everything in " << batches << " batch(es)");
}

TEST_CASE("of three senders pushing onto a blocked inbox at once exactly one is told to wake it",
          "[inbox][stress]") {
    constexpr std::uint32_t senders = 3;
    // Every round is a lockstep of four threads: on two loaded cores (CTest runs two tests at
    // once) a round can take milliseconds, so the count is kept modest and the watchdog long.
    constexpr std::uint32_t rounds = 1'000;
    std::vector<outbox> outboxes;
    for (std::uint32_t s = 0; s < senders; ++s) outboxes.emplace_back(s, 1);

    inbox box;
    std::atomic<std::uint32_t> round{0};   // the reader starts round r + 1 with the inbox blocked
    std::atomic<std::uint32_t> pushes{0};  // pushes done, over all rounds
    std::atomic<std::uint32_t> wokes{0};   // pushes told woke, over all rounds
    std::atomic<bool> give_up{false};
    coact_test::watchdog dog(60s, [&] { give_up.store(true, std::memory_order_relaxed); });

    std::vector<std::thread> threads;
    for (std::uint32_t s = 0; s < senders; ++s) {
        threads.emplace_back([&, s] {
            for (std::uint32_t r = 1; r <= rounds; ++r) {
                if (!wait_until([&] { return round.load(std::memory_order_acquire) >= r; },
                                give_up)) {
                    return;
                }
                if (box.push(outboxes[s].prepare(0)) == push_result::woke) {
                    wokes.fetch_add(1, std::memory_order_relaxed);
                }
                pushes.fetch_add(1, std::memory_order_release);
            }
        });
    }

    std::uint32_t bad_rounds = 0;
    std::uint32_t not_blocked = 0;
    std::uint32_t done = 0;
    for (std::uint32_t r = 1; r <= rounds && !give_up.load(std::memory_order_relaxed); ++r) {
        if (!box.try_block()) ++not_blocked;
        round.store(r, std::memory_order_release);
        wait_until([&] { return pushes.load(std::memory_order_acquire) >= senders * r; }, give_up);
        // All three pushes of the round are in: the woke count is final for it. The one told
        // woke keeps its envelope (it would hand it over with the actor); the others are here.
        const std::vector<envelope*> got = to_vector(box.take_all());
        if (got.size() != senders - 1 || wokes.load(std::memory_order_relaxed) != r) ++bad_rounds;
        done = r;
    }
    for (std::thread& t : threads) t.join();
    dog.cancel();

    REQUIRE_FALSE(dog.fired());
    CHECK(done == rounds);
    CHECK(not_blocked == 0);
    CHECK(bad_rounds == 0);
    CHECK(wokes.load() == rounds);
}

TEST_CASE(
    "while senders push and the reader closes and reopens, every envelope is taken or "
    "refused exactly once",
    "[inbox][stress]") {
    constexpr std::uint32_t senders = 3;
    constexpr std::size_t per_sender = 60'000;
    std::vector<outbox> outboxes;
    for (std::uint32_t s = 0; s < senders; ++s) outboxes.emplace_back(s, per_sender);

    inbox box;
    std::atomic<bool> start{false};
    std::atomic<bool> give_up{false};
    std::atomic<std::uint32_t> senders_done{0};
    // Per sender and envelope: refused (written by the sender) and taken (by the reader).
    std::vector<std::vector<std::uint8_t>> refused(senders, std::vector<std::uint8_t>(per_sender));
    std::vector<std::vector<std::uint8_t>> taken(senders, std::vector<std::uint8_t>(per_sender));
    std::vector<std::size_t> wokes(senders, 0);
    coact_test::watchdog dog(20s, [&] { give_up.store(true, std::memory_order_relaxed); });

    std::vector<std::thread> threads;
    for (std::uint32_t s = 0; s < senders; ++s) {
        threads.emplace_back([&, s] {
            wait_until([&] { return start.load(std::memory_order_acquire); }, give_up);
            for (std::uint32_t i = 0; i < per_sender; ++i) {
                if (give_up.load(std::memory_order_relaxed)) break;
                switch (box.push(outboxes[s].prepare(i))) {
                    case push_result::pushed:
                        break;
                    case push_result::woke:  // the reader never blocks in this test
                        ++wokes[s];
                        break;
                    case push_result::closed:
                        ++refused[s][i];
                        break;
                }
                if (i % 1024 == 0) std::this_thread::yield();
            }
            senders_done.fetch_add(1, std::memory_order_release);
        });
    }

    std::int64_t last[senders] = {-1, -1, -1};
    std::size_t out_of_order = 0;
    std::size_t bad_payloads = 0;
    std::size_t closes = 0;
    auto record = [&](const mailbox& chain) {
        for (const envelope* e = chain.front(); e != nullptr; e = e->next) {
            const std::uint32_t s = e->sender_generation;
            if (s >= senders || std::int64_t{e->request} <= last[s]) {
                ++out_of_order;
                continue;
            }
            last[s] = e->request;
            ++taken[s][e->request];
            if (!payload_intact(e)) ++bad_payloads;
        }
    };
    xorshift random(7);
    start.store(true, std::memory_order_release);
    while (!give_up.load(std::memory_order_relaxed)) {
        // Read before the close below: if every sender had finished, that close takes the rest.
        const bool finished = senders_done.load(std::memory_order_acquire) == senders;
        for (std::uint64_t k = random.next() % 4; k > 0; --k) {
            record(box.take_all());
            spin(random.next() % 256);
        }
        // Now and then a yield, while open or while closed: on a machine short of cores, where
        // the threads take turns rather than overlap, the senders' turns then fall in both.
        const std::uint64_t dice = random.next() % 64;
        if (dice == 0) std::this_thread::yield();
        record(box.close());
        ++closes;
        if (finished) break;
        spin(random.next() % 256);  // let some pushes find the inbox closed
        if (dice == 1) std::this_thread::yield();
        // Senders still pushing are the late senders of point 7: they land in the "new" actor.
        box.reopen();
    }
    for (std::thread& t : threads) t.join();
    dog.cancel();

    REQUIRE_FALSE(dog.fired());
    CHECK(out_of_order == 0);
    CHECK(bad_payloads == 0);
    std::size_t not_once = 0;
    std::size_t total_refused = 0;
    for (std::uint32_t s = 0; s < senders; ++s) {
        CHECK(wokes[s] == 0);
        for (std::size_t i = 0; i < per_sender; ++i) {
            if (taken[s][i] + refused[s][i] != 1) ++not_once;
            total_refused += refused[s][i];
        }
    }
    CHECK(not_once == 0);
    CHECK(box.push(outboxes[0].prepare(0)) == push_result::closed);
    if (total_refused == 0) WARN("no push found the inbox closed, over " << closes << " closes");
}
