// coact/detail/actor/awaiters.hpp — what an actor's co_await waits on: one awaiter per way of
// waiting (receive, receive with handlers, receive_for, an ask's reply, ask_for, put, sleep).
//
// Each follows the same three steps:
//   1. await_ready: continue at once if what it waits for is there (a message and budget left
//      in this turn, a reply, a stop request to deliver);
//   2. await_suspend: record what it waits for (context::wait_) and, for a timed wait, arm the
//      actor's timer; the scheduler resumes the actor when runnable() says it may go on;
//   3. await_resume: disarm the timer, take the envelope (envelope_guard frees it, also when a
//      handler throws), check the type, move the payload out; a stop becomes generator_exit.
// Threads: the thread running the actor's turn.
#pragma once

#include <coroutine>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "coact/actor.hpp"
#include "coact/address.hpp"
#include "coact/context.hpp"
#include "coact/detail/actor/core.hpp"
#include "coact/detail/message/envelope.hpp"
#include "coact/detail/message/message_traits.hpp"
#include "coact/errors.hpp"

namespace coact::detail {

/// Frees an envelope when the awaiter is done with it (also when a handler throws).
struct envelope_guard {
    envelope_pool* pool;
    envelope* e;
    envelope_guard(context& self, envelope* env) noexcept;
    envelope_guard(const envelope_guard&) = delete;
    envelope_guard& operator=(const envelope_guard&) = delete;
    COACT_HOT ~envelope_guard() { free_envelope(pool, e); }
};

template <class T>
struct receive_awaiter : actor_awaiter {
    context* self;

    [[nodiscard]] bool await_ready() const noexcept { return self->message_ready(); }
    void await_suspend(std::coroutine_handle<>) const noexcept {
        self->suspend_for(wait_kind::message);
    }
    COACT_HOT T await_resume() {
        envelope_guard g(*self, self->take_message());
        if (!g.e->holds<T>()) [[unlikely]]
            self->throw_bad_message(g.e, type_name(typeid(T)));
        return g.e->take<T>();
    }
};

template <class... H>
struct handlers_awaiter : actor_awaiter {
    using result = std::common_type_t<handler_result_t<H>...>;
    static_assert((std::is_same_v<result, handler_result_t<H>> && ...),
                  "coact::receive(handlers...): every handler must return the same type");

    context* self;
    std::tuple<H...> handlers;

    [[nodiscard]] bool await_ready() const noexcept { return self->message_ready(); }
    void await_suspend(std::coroutine_handle<>) const noexcept {
        self->suspend_for(wait_kind::message);
    }
    result await_resume() {
        envelope_guard g(*self, self->take_message());
        return dispatch<0>(g.e);
    }

  private:
    template <std::size_t I>
    result dispatch(envelope* e) {
        if constexpr (I == sizeof...(H)) {
            std::string expected;
            ((expected += (expected.empty() ? "" : " or "),
              expected += type_name(typeid(handler_arg_t<H>))),
             ...);
            self->throw_bad_message(e, expected);
        } else {
            using handler = std::tuple_element_t<I, std::tuple<H...>>;
            using arg = handler_arg_t<handler>;
            using param = handler_param_t<handler>;
            static_assert(
                !std::is_lvalue_reference_v<param> ||
                    std::is_const_v<std::remove_reference_t<param>>,
                "coact::receive(handlers...): a handler takes its message by value, by const& "
                "or by &&, not by non-const & (the message may be shared with other subscribers)");
            if (!e->holds<arg>()) return dispatch<I + 1>(e);
            if constexpr (std::is_lvalue_reference_v<param>) {
                return std::invoke(std::get<I>(handlers), e->view<arg>());  // never copied
            } else {
                if (e->ops->shared) [[unlikely]]
                    return std::invoke(std::get<I>(handlers), e->take<arg>());
                return std::invoke(std::get<I>(handlers), std::move(e->get<arg>()));
            }
        }
    }
};

template <class T>
struct receive_for_awaiter : actor_awaiter {
    context* self;
    clock::duration timeout;

    [[nodiscard]] bool await_ready() const noexcept {
        // A zero timeout is a poll: answer at once when the mailbox is empty, but when the turn's
        // budget is spent, suspend like any receive so that other actors get their turn.
        return self->message_ready() || (timeout <= clock::duration::zero() && self->box_.empty());
    }
    void await_suspend(std::coroutine_handle<>) const {
        self->suspend_for(wait_kind::message_or_timer);
        self->arm_timer(timeout);
    }
    std::optional<T> await_resume() {
        self->disarm_timer();
        if (self->timed_out_) {
            self->timed_out_ = false;
            self->check_stop();
            return std::nullopt;
        }
        if (self->box_.empty() && !self->stop_requested_) return std::nullopt;  // zero timeout
        envelope_guard g(*self, self->take_message());
        if (!g.e->holds<T>()) [[unlikely]]
            self->throw_bad_message(g.e, type_name(typeid(T)));
        return std::optional<T>(g.e->take<T>());
    }
};

/// Waiting for the answer to a request: an ask's reply, or an offload's result (offload.hpp).
struct reply_wait : actor_awaiter {
    context* self;

    [[nodiscard]] bool await_ready() const noexcept {
        return self->reply_ != nullptr || (self->stop_requested_ && !self->exit_delivered_);
    }
    void await_suspend(std::coroutine_handle<>) const noexcept {
        self->suspend_for(wait_kind::reply);
    }
    /// The answer, now the actor's to free; throws generator_exit if it was stopped instead.
    [[nodiscard]] envelope* take_reply() const {
        envelope* e = std::exchange(self->reply_, nullptr);
        self->awaited_request_ = 0;  // an answer arriving later is a dead letter
        if (e == nullptr) {
            self->check_stop();
            throw no_reply("coact::no_reply: resumed without an answer");  // not reached
        }
        if (self->core_->trace != nullptr) [[unlikely]]
            trace_took_here(*self->core_->trace, e);
        return e;
    }
};

template <class R>
struct ask_awaiter : reply_wait {
    R await_resume() {
        envelope_guard g(*self, take_reply());
        if (g.e->kind == envelope_kind::no_reply) throw no_reply(g.e->get<std::string>());
        if (!g.e->holds<R>()) [[unlikely]]
            self->throw_bad_message(g.e, type_name(typeid(R)));
        return std::move(g.e->get<R>());
    }
};

/// co_await self.ask_for<R>(timeout, ...): an ask that also wakes when its timer fires.
template <class R>
struct ask_for_awaiter : ask_awaiter<R> {
    coact::address target;
    clock::duration timeout;  // saturated (deadline.hpp)

    ask_for_awaiter(context* s, coact::address t, clock::duration d) noexcept
        : ask_awaiter<R>{{{}, s}}, target(t), timeout(d) {}

    [[nodiscard]] bool await_ready() const noexcept {
        return this->reply_wait::await_ready() || timeout <= clock::duration::zero();
    }
    void await_suspend(std::coroutine_handle<>) const {
        this->self->suspend_for(wait_kind::reply_or_timer);
        this->self->arm_timer(timeout);
    }
    R await_resume() {
        context* const self = this->self;
        self->disarm_timer();
        self->timed_out_ = false;
        if (self->reply_ == nullptr && !(self->stop_requested_ && !self->exit_delivered_)) {
            self->awaited_request_ = 0;  // the reply, if it comes, is a dead letter
            core::throw_ask_timeout(target, timeout);
        }
        return ask_awaiter<R>::await_resume();  // the reply, or generator_exit if stopped
    }
};

/// co_await self.put(target, message): delivers at once when there is room (or no bound);
/// otherwise waits for a taker of target's mailbox to hand this actor a place (cell_policy.hpp).
struct put_awaiter : reply_wait {
    context* to;
    std::uint32_t generation;
    envelope* e;  // until delivered; freed here if the actor is stopped or destroyed meanwhile

    put_awaiter(context* s, context* t, std::uint32_t g, envelope* m) noexcept
        : reply_wait{{}, s}, to(t), generation(g), e(m) {}
    put_awaiter(put_awaiter&& other) noexcept
        : reply_wait{{}, other.self},
          to(other.to),
          generation(other.generation),
          e(std::exchange(other.e, nullptr)) {}
    put_awaiter& operator=(put_awaiter&&) = delete;
    ~put_awaiter() {
        if (e != nullptr) self->core_->release(e);
    }

    [[nodiscard]] bool await_ready() {
        if (to->core_->try_put(self, to, generation, e)) {  // the bound is to's runtime's
            self->core_->deliver(to, generation, std::exchange(e, nullptr));
            return true;
        }
        return false;  // registered as a waiter: awaited_request_ is set
    }
    void await_resume() {
        if (e == nullptr) return;                                      // delivered in await_ready
        if (self->reply_ == nullptr) to->core_->forget_put(self, to);  // stopped meanwhile
        envelope_guard g(*self, take_reply());
        e->slot = std::exchange(g.e->slot, nullptr);  // the place the taker handed over (or none)
        self->core_->deliver(to, generation, std::exchange(e, nullptr));
    }
};

struct sleep_awaiter : actor_awaiter {
    context* self;
    clock::duration duration;

    [[nodiscard]] bool await_ready() const noexcept {
        return duration <= clock::duration::zero() ||
               (self->stop_requested_ && !self->exit_delivered_);
    }
    void await_suspend(std::coroutine_handle<>) const {
        self->suspend_for(wait_kind::timer);
        self->arm_timer(duration);
    }
    void await_resume() const {
        self->disarm_timer();
        self->timed_out_ = false;
        self->check_stop();
    }
};

inline envelope_guard::envelope_guard(context& self, envelope* env) noexcept
    : pool(self.pool()), e(env) {}

}  // namespace coact::detail
