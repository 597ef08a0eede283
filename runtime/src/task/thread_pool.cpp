// coact::thread_pool: N threads taking jobs from one moodycamel BlockingConcurrentQueue.
//
// Shutdown: the destructor sets `stopping`, then enqueues one empty job (a stop token) per
// thread. A thread that takes a token runs whatever is still queued, with try_dequeue until it
// fails, then leaves. Every job was enqueued before the destructor began (no submit may race
// with it), and with no producer left try_dequeue fails only on an empty queue: no job is lost.
// Tokens of other threads met while draining are put back, so each thread gets one.
#include "coact/thread_pool.hpp"

#include <atomic>
#include <exception>
#include <new>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <concurrentqueue/blockingconcurrentqueue.h>

#include "coact/errors.hpp"

namespace coact {

struct thread_pool::engine {
    moodycamel::BlockingConcurrentQueue<detail::job> queue;
    std::atomic<bool> stopping{false};
    std::vector<std::thread> threads;

    void work() {
        detail::job j;
        for (;;) {
            queue.wait_dequeue(j);
            if (j) {
                j();
                j = detail::job();
                continue;
            }
            if (stopping.load(std::memory_order_acquire)) break;
        }
        // Our stop token. Jobs may still be queued behind it (the queue is FIFO per producer
        // only): run them. Other threads' tokens taken meanwhile go back for their owners.
        std::size_t others = 0;
        while (queue.try_dequeue(j)) {
            if (j) {
                j();
                j = detail::job();
            } else {
                ++others;
            }
        }
        for (; others > 0; --others) put_token();
    }

    void put_token() noexcept {
        // An empty job holds no allocation: the enqueue allocates only a queue block, and a
        // failure there would leave a thread waiting for ever (a hang: terminate instead).
        if (!queue.enqueue(detail::job())) std::terminate();
    }

    void stop() noexcept {
        stopping.store(true, std::memory_order_release);
        for (std::size_t i = 0; i < threads.size(); ++i) put_token();
        for (std::thread& t : threads) t.join();
        threads.clear();
    }
};

thread_pool::thread_pool(std::size_t threads) : engine_(std::make_unique<engine>()) {
    if (threads == 0) throw error("coact::thread_pool: the number of threads must be at least 1");
    engine_->threads.reserve(threads);
    try {
        for (std::size_t i = 0; i < threads; ++i) {
            engine_->threads.emplace_back([e = engine_.get()] { e->work(); });
        }
    } catch (...) {
        engine_->stop();
        throw;
    }
}

thread_pool::~thread_pool() { engine_->stop(); }

std::size_t thread_pool::size() const noexcept { return engine_->threads.size(); }

void thread_pool::post(detail::job work) {
    if (!engine_->queue.enqueue(std::move(work))) throw std::bad_alloc();
}

}  // namespace coact
