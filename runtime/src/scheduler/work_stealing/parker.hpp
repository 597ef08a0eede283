// scheduler/work_stealing/parker.hpp — the spot where one idle worker thread sleeps.
//
// A one-token parking spot over a std::mutex and a std::condition_variable, in the manner of
// Java's LockSupport.park/unpark: unpark() leaves a token, park() sleeps until there is one and
// takes it. A token left before the sleep makes park() return at once, so an unpark that lands
// between a worker's decision to sleep and the sleep itself is kept, not lost. Tokens do not add
// up: two unparks before one park leave one token. idle_workers (idle.hpp) keeps one parker per
// worker and decides who sleeps and who is woken; this file only sleeps and wakes.
//
// Why a mutex and a condition variable rather than C++20 std::atomic::wait on a word: a worker
// that owns the next timer must sleep until a deadline, and atomic::wait has no timed form; and
// ThreadSanitizer models pthread mutexes and condition variables fully. glibc's condition
// variable sleeps on a futex, so a parked thread costs no CPU.
//
// Threads: park() and park_until() by one thread at a time (the owning worker); unpark() from
// any thread. The parker must outlive every call on it.
//
//   coact::detail::parker spot;
//   // the worker:                            // another thread:
//   while (!has_work()) spot.park();          publish_work();
//                                             spot.unpark();
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace coact::detail {

class parker {
  public:
    parker() = default;
    parker(const parker&) = delete;
    parker& operator=(const parker&) = delete;

    /// Owner. Sleeps until a token is there, then takes it.
    void park() {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [this] { return token_; });
        token_ = false;
    }

    /// Owner. Sleeps until a token is there (takes it, returns true) or `deadline` has passed
    /// (returns false, leaving no token).
    template <class Clock, class Duration>
    bool park_until(const std::chrono::time_point<Clock, Duration>& deadline) {
        std::unique_lock lock(mutex_);
        if (!wake_.wait_until(lock, deadline, [this] { return token_; })) return false;
        token_ = false;
        return true;
    }

    /// Any thread. Leaves a token and wakes the owner if it sleeps.
    void unpark() {
        {
            std::lock_guard lock(mutex_);
            token_ = true;
        }
        // Outside the lock, so that the woken owner does not at once block on the mutex we
        // hold. The owner cannot miss it: it reads token_ under the mutex before each wait.
        wake_.notify_one();
    }

  private:
    std::mutex mutex_;
    std::condition_variable wake_;
    bool token_ = false;  // guarded by mutex_
};

}  // namespace coact::detail
