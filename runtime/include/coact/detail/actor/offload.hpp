// coact/detail/actor/offload.hpp — context::offload: blocking work on the runtime's thread pool.
//
// An offload is an ask whose answer comes from a pool thread instead of an actor:
//   1. offload(fn) takes a request number as ask() does, counts the offload as in flight
//      (core::offloads_pending: run() does not return while one is), and submits a job to the
//      runtime's thread pool (made at the first offload, runtime_options::offload_threads).
//   2. The actor suspends waiting for a reply (wait_kind::reply); other messages stay queued.
//   3. The job runs fn, packs its value or exception in an offload_result, and delivers it to
//      the actor as a reply envelope through core::inject, the path of sends from other threads:
//      the scheduler then resumes the actor on one of its own threads, as for any message.
//   4. The awaiter's end (resumed, or destroyed with the actor) takes the offload out of the
//      count; a result arriving for an actor that no longer waits is a dead letter.
#pragma once

#include <cstdio>
#include <exception>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>

#include "coact/context.hpp"
#include "coact/thread_pool.hpp"

namespace coact::detail {

template <class R>
struct offload_result {
    std::optional<std::conditional_t<std::is_void_v<R>, bool, R>> value;
    std::exception_ptr error;
};

template <class R>
struct offload_awaiter : reply_wait {
    explicit offload_awaiter(context* s) noexcept : reply_wait{{}, s} {
        s->core_->offloads_pending.fetch_add(1, std::memory_order_relaxed);
    }
    // g++ 12 moves the awaiter into the frame: the count goes with it.
    offload_awaiter(offload_awaiter&& other) noexcept
        : reply_wait{{}, std::exchange(other.self, nullptr)} {}
    offload_awaiter& operator=(offload_awaiter&&) = delete;
    ~offload_awaiter() {
        // Under the idle coordinator's lock the last parking worker reads the count; this
        // worker takes that lock when it parks, after this.
        if (self != nullptr) self->core_->offloads_pending.fetch_sub(1, std::memory_order_relaxed);
    }

    R await_resume() {
        envelope_guard g(*self, take_reply());
        if (!g.e->holds<offload_result<R>>()) [[unlikely]]
            self->throw_bad_message(g.e, type_name(typeid(offload_result<R>)));
        offload_result<R>& r = g.e->get<offload_result<R>>();
        if (r.error) std::rethrow_exception(r.error);
        if constexpr (!std::is_void_v<R>) return std::move(*r.value);
    }
};

/// What the pool thread runs: fn, then the delivery of its outcome to the waiting actor.
template <class R, class F>
void run_offload(core* k, context* to, std::uint32_t generation, std::uint32_t request,
                 F& fn) noexcept {
    offload_result<R> r;
    try {
        if constexpr (std::is_void_v<R>) {
            fn();
            r.value.emplace(true);
        } else {
            r.value.emplace(fn());
        }
    } catch (...) {
        r.error = std::current_exception();
    }
    try {
        envelope* e = make_envelope<offload_result<R>>(nullptr, std::move(r), nullptr, 0,
                                                       envelope_kind::reply, request);
        k->inject(to, generation, e);
    } catch (...) {
        // Out of memory for the envelope or the queue: the actor would wait for ever.
        std::fputs("coact: offload: no memory to deliver a result; terminating\n", stderr);
        std::terminate();
    }
}

}  // namespace coact::detail

namespace coact {

template <class F, class... Args>
requires std::is_invocable_v<F&, Args&...>
auto context::offload(F fn, Args... args) {
    using R = std::invoke_result_t<F&, Args&...>;
    thread_pool& pool = core_->offload_pool();
    if (++next_request_ == 0) ++next_request_;  // 0 means "no request"
    const std::uint32_t request = next_request_;
    awaited_request_ = request;
    static_cast<void>(pool.submit([k = core_, to = this, generation = generation(), request,
                                   f = std::move(fn), ... a = std::move(args)]() mutable noexcept {
        auto call = [&]() -> R { return std::invoke(f, a...); };
        detail::run_offload<R>(k, to, generation, request, call);
    }));
    return detail::offload_awaiter<R>(this);  // counted in flight from here
}

}  // namespace coact
