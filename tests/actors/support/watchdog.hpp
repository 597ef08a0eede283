// actors/support/watchdog.hpp — bounds a test that waits on threads or real time.
//
// A thread that sleeps until `limit` has passed or the watchdog is cancelled (destructor or
// cancel()). If the limit passes first it sets fired() and calls the action: for serve() the
// action is rt.request_stop(), so the test returns and fails on fired(); for run(), which has
// no way to be interrupted, the default action ends the process with a message instead of
// letting the test hang.
//
//   coact_test::watchdog dog(std::chrono::seconds(20), [&] { rt.request_stop(); });
//   rt.serve();
//   dog.cancel();
//   REQUIRE_FALSE(dog.fired());
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

namespace coact_test {

class watchdog {
  public:
    template <class Rep, class Period>
    watchdog(std::chrono::duration<Rep, Period> limit, std::function<void()> action)
        : thread_([this, limit, action = std::move(action)] {
              std::unique_lock lock(mutex_);
              if (wake_.wait_for(lock, limit, [this] { return cancelled_; })) return;
              fired_.store(true, std::memory_order_release);
              lock.unlock();
              action();
          }) {}

    /// Ends the process when `limit` passes: for waits nothing else can interrupt, such as run().
    template <class Rep, class Period>
    watchdog(std::chrono::duration<Rep, Period> limit, std::string what)
        : watchdog(limit, [what = std::move(what)] {
              std::fprintf(stderr, "watchdog: '%s' did not finish in time; aborting the test run\n",
                           what.c_str());
              std::fflush(stderr);
              std::_Exit(3);
          }) {}

    watchdog(const watchdog&) = delete;
    watchdog& operator=(const watchdog&) = delete;
    ~watchdog() { cancel(); }

    /// Stops the watchdog and joins its thread (after the action, if it already fired).
    void cancel() {
        {
            std::lock_guard lock(mutex_);
            cancelled_ = true;
        }
        wake_.notify_all();
        if (thread_.joinable()) thread_.join();
    }

    [[nodiscard]] bool fired() const noexcept { return fired_.load(std::memory_order_acquire); }

  private:
    std::mutex mutex_;
    std::condition_variable wake_;
    bool cancelled_ = false;
    std::atomic<bool> fired_{false};
    std::thread thread_;  // last: it starts once the members above exist
};

}  // namespace coact_test
