// reference_loop.hpp — the practical limit for coact's actor benchmarks: the smallest actor
// system C++20 coroutines allow, written by hand for one message type.
//
// An "actor" is a bare coroutine with an empty promise; a message is an int; the scheduler is
// Beazley's tiny message loop (PyCon 2014, part 6): a std::deque of (actor, message) pairs, popped
// in order, each pair resuming its actor once. There is no mailbox, no name, no message type
// check, no failure handling and no allocation per message (the deque reuses its blocks in
// steady state). coact does all of that, so it cannot be as fast; design.md asks for at least
// half the speed on ping-pong and thread-ring and 0.3x on spawn.
//
//   reference::loop loop;
//   std::coroutine_handle<> peer;
//   reference::actor a = echo(loop, peer);      // suspended at its start
//   a.start();                                  // runs to its first co_await loop.receive()
//   loop.send(a.handle(), 42);
//   loop.run();                                 // until the deque is empty
//
// Single-threaded. An actor object owns its frame; destroying it destroys the frame.
#pragma once

#include <coroutine>
#include <deque>
#include <exception>
#include <utility>

namespace reference {

class actor {
  public:
    struct promise_type {
        actor get_return_object() noexcept {
            return actor(std::coroutine_handle<promise_type>::from_promise(*this));
        }
        static std::suspend_always initial_suspend() noexcept { return {}; }
        static std::suspend_always final_suspend() noexcept { return {}; }
        static void return_void() noexcept {}
        [[noreturn]] static void unhandled_exception() noexcept { std::terminate(); }
    };

    actor(actor&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
    actor& operator=(actor&& other) noexcept {
        if (this != &other) {
            if (handle_) handle_.destroy();
            handle_ = std::exchange(other.handle_, nullptr);
        }
        return *this;
    }
    ~actor() {
        if (handle_) handle_.destroy();
    }

    /// Runs the body to its first co_await.
    void start() { handle_.resume(); }
    [[nodiscard]] std::coroutine_handle<> handle() const noexcept { return handle_; }

  private:
    explicit actor(std::coroutine_handle<promise_type> h) noexcept : handle_(h) {}
    std::coroutine_handle<promise_type> handle_;
};

class loop {
  public:
    /// Queues `message` for the actor `to`; never runs it here.
    void send(std::coroutine_handle<> to, int message) { queue_.emplace_back(to, message); }

    /// co_await: suspends the actor until the loop delivers its next message, and returns it.
    [[nodiscard]] auto receive() noexcept {
        struct awaiter {
            const loop* owner;
            static bool await_ready() noexcept { return false; }
            static void await_suspend(std::coroutine_handle<>) noexcept {}
            [[nodiscard]] int await_resume() const noexcept { return owner->current_; }
        };
        return awaiter{this};
    }

    /// Delivers messages until none is left; returns how many were delivered.
    long run() {
        long delivered = 0;
        while (!queue_.empty()) {
            auto [to, message] = queue_.front();
            queue_.pop_front();
            current_ = message;
            to.resume();
            ++delivered;
        }
        return delivered;
    }

  private:
    std::deque<std::pair<std::coroutine_handle<>, int>> queue_;
    int current_ = 0;
};

}  // namespace reference
