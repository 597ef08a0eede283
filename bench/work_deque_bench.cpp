// work_deque_bench.cpp — coact's work-stealing deque next to two general lock-free queues doing
// the same work, so that ratios come from one run on one machine:
//   owner_cycle/Q/B    one thread pushes B pointers, then takes them back (the deque pops its
//                      newest first; the queues, being FIFO, their oldest). The worker's common
//                      case: it makes actors ready and runs them itself, nobody steals.
//   batch_steal/Q/B    the owner pushes B pointers, then waits until a second thread, which
//                      takes continuously (steal() for the deque), has taken all B. Both yield
//                      when they have nothing to do. Wall-clock time: two threads are busy
//                      and the owner spends part of it waiting.
// Q is work_deque (coact::detail::work_deque, capacity 1024), moodycamel
// (moodycamel::ConcurrentQueue with a producer token for the owner and a consumer token per
// taking thread, preallocated for 1024) or boost_lockfree (boost::lockfree::queue with a fixed
// capacity of 1024). Items/s counts pointers pushed and taken back.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>
#include <boost/lockfree/queue.hpp>
#include <concurrentqueue/concurrentqueue.h>

#include "scheduler/work_stealing/work_deque.hpp"

namespace {

struct task {
    std::int64_t value;
};

constexpr std::size_t capacity = 1024;

// Each queue as an owner end (push, take its own) and a thief end (take from another thread).

struct coact_deque {
    coact::detail::work_deque<task*> queue{capacity};

    struct owner_end {
        coact_deque& q;
        bool push(task* t) { return q.queue.push(t); }
        task* take() { return q.queue.pop(); }
    };
    struct thief_end {
        coact_deque& q;
        task* take() { return q.queue.steal(); }
    };
    owner_end owner() { return {*this}; }
    thief_end thief() { return {*this}; }
};

struct moodycamel_queue {
    moodycamel::ConcurrentQueue<task*> queue{capacity};

    struct owner_end {
        explicit owner_end(moodycamel_queue& q) : q(q), producer(q.queue), consumer(q.queue) {}
        moodycamel_queue& q;
        moodycamel::ProducerToken producer;
        moodycamel::ConsumerToken consumer;
        bool push(task* t) { return q.queue.enqueue(producer, t); }
        task* take() {
            task* t = nullptr;
            return q.queue.try_dequeue(consumer, t) ? t : nullptr;
        }
    };
    struct thief_end {
        explicit thief_end(moodycamel_queue& q) : q(q), consumer(q.queue) {}
        moodycamel_queue& q;
        moodycamel::ConsumerToken consumer;
        task* take() {
            task* t = nullptr;
            return q.queue.try_dequeue(consumer, t) ? t : nullptr;
        }
    };
    owner_end owner() { return owner_end(*this); }
    thief_end thief() { return thief_end(*this); }
};

struct boost_queue {
    boost::lockfree::queue<task*, boost::lockfree::capacity<capacity>> queue;

    struct owner_end {
        boost_queue& q;
        bool push(task* t) { return q.queue.bounded_push(t); }
        task* take() {
            task* t = nullptr;
            return q.queue.pop(t) ? t : nullptr;
        }
    };
    struct thief_end {
        boost_queue& q;
        task* take() {
            task* t = nullptr;
            return q.queue.pop(t) ? t : nullptr;
        }
    };
    owner_end owner() { return {*this}; }
    thief_end thief() { return {*this}; }
};

template <class Queue>
void owner_cycle(benchmark::State& state) {
    const auto batch = static_cast<std::size_t>(state.range(0));
    std::vector<task> tasks(batch);
    Queue q;
    auto owner = q.owner();
    for (auto _ : state) {
        for (task& t : tasks) {
            if (!owner.push(&t)) state.SkipWithError("push refused");
        }
        for (std::size_t i = 0; i < batch; ++i) benchmark::DoNotOptimize(owner.take());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
}

template <class Queue>
void batch_steal(benchmark::State& state) {
    const auto batch = static_cast<std::size_t>(state.range(0));
    std::vector<task> tasks(batch);
    Queue q;
    auto owner = q.owner();
    std::atomic<std::uint64_t> taken{0};  // written by the thief only
    std::atomic<bool> stop{false};
    std::thread thief([&q, &taken, &stop] {
        auto end = q.thief();
        std::uint64_t count = 0;
        while (!stop.load(std::memory_order_relaxed)) {
            if (task* t = end.take()) {
                benchmark::DoNotOptimize(t);
                taken.store(++count, std::memory_order_release);
            } else {
                std::this_thread::yield();
            }
        }
    });
    std::uint64_t target = 0;
    for (auto _ : state) {
        for (task& t : tasks) {
            if (!owner.push(&t)) state.SkipWithError("push refused");
        }
        target += batch;
        // Yield while waiting (the thief does too when it finds nothing): on a machine where
        // the two threads share a core, the turn then passes at once instead of at the end of
        // a time slice. With a core each, a yield returns at once.
        while (taken.load(std::memory_order_acquire) < target) std::this_thread::yield();
    }
    stop.store(true, std::memory_order_relaxed);
    thief.join();
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
}

}  // namespace

BENCHMARK(owner_cycle<coact_deque>)->Name("owner_cycle/work_deque")->Arg(1)->Arg(256);
BENCHMARK(owner_cycle<moodycamel_queue>)->Name("owner_cycle/moodycamel")->Arg(1)->Arg(256);
BENCHMARK(owner_cycle<boost_queue>)->Name("owner_cycle/boost_lockfree")->Arg(1)->Arg(256);
BENCHMARK(batch_steal<coact_deque>)->Name("batch_steal/work_deque")->Arg(1024)->UseRealTime();
BENCHMARK(batch_steal<moodycamel_queue>)->Name("batch_steal/moodycamel")->Arg(1024)->UseRealTime();
BENCHMARK(batch_steal<boost_queue>)->Name("batch_steal/boost_lockfree")->Arg(1024)->UseRealTime();

BENCHMARK_MAIN();
