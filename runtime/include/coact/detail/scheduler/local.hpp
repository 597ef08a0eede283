// coact/detail/scheduler/local.hpp — the single-threaded scheduler: one thread runs every actor.
//
// The default (runtime_options{}). Its per-message half is here, inline, because every send of
// every actor goes through it: deliver() pushes the envelope on the receiver's mailbox and, if
// the receiver sits idle waiting for what came, puts it on the ready deque. Nothing is atomic
// and nothing is locked on that path: only the scheduler's thread touches actors.
// The loop, the remote queue for other threads and the timers are in
// src/scheduler/local/local_scheduler.cpp (its top comment numbers the loop's steps).
//
// Threads: deliver/schedule on the scheduler's thread (inside a turn, or on the thread driving
// the runtime while no run() is active); the rest as scheduler.hpp says.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "coact/detail/message/envelope.hpp"
#include "coact/detail/scheduler/ready_queue.hpp"
#include "coact/detail/scheduler/scheduler.hpp"
#include "coact/detail/scheduler/timer_queue.hpp"

namespace coact::detail {

class remote_queue;  // src/scheduler/local/remote_queue.hpp
struct remote_item;

class local_scheduler : public scheduler {
  public:
    explicit local_scheduler(core& k);
    ~local_scheduler() override;

    // --- the per-message path (dispatch.hpp defines deliver) ---
    void deliver(context* to, std::uint32_t generation, envelope* e);
    void schedule(context* c);

    // What every actor uses on every message (its envelope pool, the delivered count): every
    // cell's context::local_ points here, so the per-message path needs no branch to find it.
    worker_local scheduler_thread;

    // --- scheduler ---
    void run(bool serve) override;
    void request_stop() noexcept override;
    std::size_t shutdown() override;
    void check_spawn_thread() const override;
    [[nodiscard]] context* running() const noexcept override { return running_; }
    void post(context* to, std::uint32_t generation, envelope* e) override;
    void post_stop(context* to, std::uint32_t generation) override;
    void post_publish(std::string_view topic, envelope* e) override;
    bool stop_from_outside(context* c, std::uint32_t generation) override;
    void start(context* c) override;
    bool stop(context* c, std::uint32_t generation) override;
    void restart(context* c, std::uint32_t generation, std::uint32_t incarnation) override;
    void hold(context* c) noexcept override;
    void cell_opened(context* c) noexcept override;
    void cell_closed(context*) noexcept override {}
    std::size_t cell_dropped(context*) noexcept override { return 0; }
    void arm_timer(context* c, clock::duration delay) override;
    void disarm_timer(context* c) noexcept override;
    void send_after(clock::duration delay, context* to, std::uint32_t generation,
                    envelope* e) override;
    void advance_time(clock::duration d) override;
    void trace_to(tracer& t) noexcept override;
    [[nodiscard]] std::uint64_t delivered() const noexcept override {
        return scheduler_thread.delivered.load(std::memory_order_relaxed);
    }

  protected:
    /// One turn of one actor: resume it until its next co_await (or its end).
    void turn(context* c);
    void run_turn(context* c);     // the same, inlined into the loop (local_scheduler.cpp only)
    void resume_turn(context* c);  // run_turn's work, which a traced turn brackets
    /// Fires the timers that are due; true if any actor became ready or a message went out.
    bool fire_due_timers();
    /// Outside messages taken per round of the loop: enough to amortise the queue, few enough
    /// that turns and timers come between rounds however fast threads send.
    static constexpr std::size_t remote_batch = 1024;
    /// Delivers at most `limit` items from the remote queue, oldest first.
    void take_remote(std::size_t limit = remote_batch);

    core& k_;
    unsigned throughput_;  // messages per turn (the deterministic scheduler's step() sets 1)
    ready_queue<context*> ready_;
    timer_queue timers_;
    context* running_ = nullptr;  // the actor being resumed right now
    std::unique_ptr<remote_queue> remote_;
    std::vector<remote_item> batch_;  // what one take_remote() moved out
};

}  // namespace coact::detail
