// inbox_bench.cpp — coact's actor inbox next to moodycamel::ConcurrentQueue used the same way
// (many senders push envelope pointers, one reader takes everything there is), so that ratios
// come from one run on one machine:
//   round_trip/Q/B   one thread pushes B envelopes, then takes them all back: an actor whose
//                    senders run on its own worker. Items per CPU second.
//   mpsc/Q/B         two sender threads push B envelopes each per round; the reader (the
//                    benchmark's thread) takes until it has all 2B, yielding when it finds
//                    nothing, then starts the next round. Senders yield while they wait for it.
//                    Items per wall-clock second (UseRealTime): three threads are busy.
// Q is inbox (coact::detail::inbox: push, then take_all and walk the chain), moodycamel
// (a producer token per sender, a consumer token for the reader, try_dequeue_bulk into a buffer
// of 256 until it returns 0; preallocated for 4096), boost_lockfree (boost::lockfree::queue, a
// fixed capacity of 4096, pop one at a time) or boost_spsc (one boost::lockfree::spsc_queue of
// 4096 per sender: the per-pair ring of issue 18's ownership design; the reader drains each ring
// into a buffer of 256). Each sender writes a field of the envelope before pushing it, as making
// a message does, and each reader loads it, as a real reader would; an item is one envelope
// pushed and taken. Across cores, the inbox's reader follows a chain of envelopes written on
// another core, one cache miss after the other; a ring's reader loads the pointers from an
// array and can have several envelopes' misses in flight.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>
#include <boost/lockfree/queue.hpp>
#include <boost/lockfree/spsc_queue.hpp>
#include <concurrentqueue/concurrentqueue.h>

#include <coact/detail/message/envelope.hpp>
#include <coact/detail/scheduler/inbox.hpp>

namespace {

using coact::detail::envelope;

std::vector<envelope> make_envelopes(std::size_t n) {
    std::vector<envelope> envelopes(n);
    for (std::size_t i = 0; i < n; ++i) envelopes[i].request = static_cast<std::uint32_t>(i);
    return envelopes;
}

// Each queue as a sender end (one per pushing thread) and a reader end.

struct coact_inbox {
    coact::detail::inbox box;

    struct sender_end {
        coact_inbox& q;
        void push(envelope* e) { benchmark::DoNotOptimize(q.box.push(e)); }
    };
    struct reader_end {
        coact_inbox& q;
        /// Takes everything there is, oldest first; returns how many and their request sum.
        std::size_t take_all(std::uint64_t& sum) {
            std::size_t n = 0;
            for (const envelope* e = q.box.take_all().front(); e != nullptr; e = e->next) {
                sum += e->request;
                ++n;
            }
            return n;
        }
    };
    sender_end sender() { return {*this}; }
    reader_end reader() { return {*this}; }
};

struct moodycamel_queue {
    moodycamel::ConcurrentQueue<envelope*> queue{4096};

    struct sender_end {
        explicit sender_end(moodycamel_queue& q) : q(q), producer(q.queue) {}
        moodycamel_queue& q;
        moodycamel::ProducerToken producer;
        void push(envelope* e) { benchmark::DoNotOptimize(q.queue.enqueue(producer, e)); }
    };
    struct reader_end {
        explicit reader_end(moodycamel_queue& q) : q(q), consumer(q.queue) {}
        moodycamel_queue& q;
        moodycamel::ConsumerToken consumer;
        envelope* buffer[256];
        std::size_t take_all(std::uint64_t& sum) {
            std::size_t n = 0;
            for (;;) {
                const std::size_t got = q.queue.try_dequeue_bulk(consumer, buffer, 256);
                if (got == 0) return n;
                for (std::size_t i = 0; i < got; ++i) sum += buffer[i]->request;
                n += got;
            }
        }
    };
    sender_end sender() { return sender_end(*this); }
    reader_end reader() { return reader_end(*this); }
};

// The fixed-capacity queues hold 4,096: more than a benchmark ever has in flight. A push that
// fails would lose an envelope and leave the reader waiting: stop with a message instead.
[[noreturn]] void full() {
    std::fputs("bench_inbox: a fixed-capacity queue was full\n", stderr);
    std::abort();
}

struct boost_queue {
    boost::lockfree::queue<envelope*, boost::lockfree::capacity<4096>> queue;

    struct sender_end {
        boost_queue& q;
        void push(envelope* e) {
            if (!q.queue.bounded_push(e)) full();
        }
    };
    struct reader_end {
        boost_queue& q;
        std::size_t take_all(std::uint64_t& sum) {
            std::size_t n = 0;
            envelope* e = nullptr;
            while (q.queue.pop(e)) {
                sum += e->request;
                ++n;
            }
            return n;
        }
    };
    sender_end sender() { return {*this}; }
    reader_end reader() { return {*this}; }
};

/// One ring per sender, as many rings as senders asked for (at most max_senders).
struct boost_spsc {
    static constexpr std::size_t max_senders = 2;
    using ring = boost::lockfree::spsc_queue<envelope*, boost::lockfree::capacity<4096>>;
    ring rings[max_senders];
    std::atomic<std::size_t> senders{0};

    struct sender_end {
        ring& r;
        void push(envelope* e) {
            if (!r.push(e)) full();
        }
    };
    struct reader_end {
        boost_spsc& q;
        envelope* buffer[256] = {};
        std::size_t take_all(std::uint64_t& sum) {
            std::size_t n = 0;
            for (ring& r : q.rings) {
                for (;;) {
                    const std::size_t got = r.pop(buffer, 256);
                    if (got == 0) break;
                    for (std::size_t i = 0; i < got; ++i) sum += buffer[i]->request;
                    n += got;
                }
            }
            return n;
        }
    };
    sender_end sender() { return {rings[senders.fetch_add(1) % max_senders]}; }
    reader_end reader() { return {*this}; }
};

template <class Queue>
void round_trip(benchmark::State& state) {
    const auto batch = static_cast<std::size_t>(state.range(0));
    std::vector<envelope> envelopes = make_envelopes(batch);
    Queue q;
    auto sender = q.sender();
    auto reader = q.reader();
    std::uint64_t sum = 0;
    std::uint32_t stamp = 0;
    for (auto _ : state) {
        ++stamp;
        for (envelope& e : envelopes) {
            e.request = stamp;  // the sender writes its message
            sender.push(&e);
        }
        if (reader.take_all(sum) != batch) state.SkipWithError("lost envelopes");
    }
    benchmark::DoNotOptimize(sum);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
}

template <class Queue>
void mpsc(benchmark::State& state) {
    constexpr int senders = 2;
    const auto batch = static_cast<std::size_t>(state.range(0));
    Queue q;
    auto reader = q.reader();
    std::atomic<std::uint64_t> round{0};  // the reader starts round r by storing r
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int s = 0; s < senders; ++s) {
        threads.emplace_back([&q, &round, &stop, batch] {
            std::vector<envelope> envelopes = make_envelopes(batch);
            auto sender = q.sender();
            for (std::uint64_t done = 0;;) {
                // Acquire: the reader is done with the previous round's envelopes.
                while (round.load(std::memory_order_acquire) == done) {
                    if (stop.load(std::memory_order_relaxed)) return;
                    std::this_thread::yield();
                }
                ++done;
                for (envelope& e : envelopes) {
                    e.request = static_cast<std::uint32_t>(done);  // the sender writes its message
                    sender.push(&e);
                }
            }
        });
    }
    std::uint64_t sum = 0;
    std::uint64_t r = 0;
    for (auto _ : state) {
        round.store(++r, std::memory_order_release);
        for (std::size_t got = 0; got < senders * batch;) {
            const std::size_t n = reader.take_all(sum);
            if (n == 0) std::this_thread::yield();
            got += n;
        }
    }
    stop.store(true, std::memory_order_relaxed);
    for (std::thread& t : threads) t.join();
    benchmark::DoNotOptimize(sum);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * senders * batch));
}

}  // namespace

BENCHMARK(round_trip<coact_inbox>)->Name("round_trip/inbox")->Arg(1)->Arg(256);
BENCHMARK(round_trip<moodycamel_queue>)->Name("round_trip/moodycamel")->Arg(1)->Arg(256);
BENCHMARK(round_trip<boost_queue>)->Name("round_trip/boost_lockfree")->Arg(1)->Arg(256);
BENCHMARK(round_trip<boost_spsc>)->Name("round_trip/boost_spsc")->Arg(1)->Arg(256);
BENCHMARK(mpsc<coact_inbox>)->Name("mpsc/inbox")->Arg(1024)->UseRealTime();
BENCHMARK(mpsc<moodycamel_queue>)->Name("mpsc/moodycamel")->Arg(1024)->UseRealTime();
BENCHMARK(mpsc<boost_queue>)->Name("mpsc/boost_lockfree")->Arg(1024)->UseRealTime();
BENCHMARK(mpsc<boost_spsc>)->Name("mpsc/boost_spsc")->Arg(1024)->UseRealTime();

BENCHMARK_MAIN();
