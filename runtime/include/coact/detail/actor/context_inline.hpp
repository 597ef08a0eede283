// coact/detail/actor/context_inline.hpp — the inline members of coact::context, in the order
// context.hpp declares them: send, put, ask, reply, receive, time, monitors and links, pub/sub,
// spawn. context.hpp includes this file at its end; a reader of `self.send` starts here.
//
// What they share: each makes an envelope from the pool of the thread running the actor
// (context::pool), admits it to a bounded mailbox (core::admit), and hands it to core::deliver
// (detail/scheduler/dispatch.hpp), which the scheduler takes from there. Waiting members return
// an awaiter (awaiters.hpp). Threads: the thread running this actor's turn.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "coact/context.hpp"
#include "coact/detail/actor/awaiters.hpp"
#include "coact/detail/actor/core.hpp"
#include "coact/detail/actor/deadline.hpp"
#include "coact/detail/actor/spawn.hpp"
#include "coact/detail/message/envelope.hpp"
#include "coact/detail/scheduler/dispatch.hpp"

namespace coact {

inline runtime& context::runtime() const noexcept { return *core_->owner; }

inline bool context::message_ready() const noexcept {
    if (stop_requested_) [[unlikely]]
        return !exit_delivered_;
    return !box_.empty() && budget_ > 0;
}

inline void context::check_stop() {
    if (stop_requested_ && !exit_delivered_) [[unlikely]] {
        exit_delivered_ = true;
        throw generator_exit{};
    }
}

template <class T>
COACT_HOT void context::send(coact::address target, T&& message) {
    context* to = detail_access::cell(target);
    if (to == nullptr) [[unlikely]]
        throw error("coact::context::send: the target address is null");
    detail::envelope_pool* const p = pool();
    detail::envelope* e = detail::make_envelope<detail::message_type_t<T>>(
        p, std::forward<T>(message), this, generation());
    if (!core_->admit(to, detail_access::generation(target), e, p)) [[unlikely]]
        return;
    core_->deliver(to, detail_access::generation(target), e);
}

template <class T>
auto context::put(coact::address target, T&& message) {
    context* to = detail_access::cell(target);
    if (to == nullptr) [[unlikely]]
        throw error("coact::context::put: the target address is null");
    detail::envelope* e = detail::make_envelope<detail::message_type_t<T>>(
        pool(), std::forward<T>(message), this, generation());
    return detail::put_awaiter(this, to, detail_access::generation(target), e);
}

template <class T>
auto context::put(std::string_view target, T&& message) {
    context* to = find_by_name(target);
    return put(detail_access::make(to, to->generation()), std::forward<T>(message));
}

// A one-entry cache saves the hash lookup when an actor keeps sending to the same name (the
// ping-pong case). It is only trusted if that cell still has the same generation (the actor
// did not end) and still carries the name.
template <class T>
void context::send(std::string_view target, T&& message) {
    context* to = find_by_name(target);
    send(detail_access::make(to, to->generation()), std::forward<T>(message));
}

template <class T>
auto context::receive() {
    return detail::receive_awaiter<T>{{}, this};
}

template <class... Handlers>
requires(sizeof...(Handlers) > 0) auto context::receive(Handlers&&... handlers) {
    return detail::handlers_awaiter<Handlers...>{{}, this, {std::forward<Handlers>(handlers)...}};
}

template <class T, class Rep, class Period>
auto context::receive_for(std::chrono::duration<Rep, Period> timeout) {
    return detail::receive_for_awaiter<T>{{}, this, detail::saturated(timeout)};
}

template <class T>
void context::send_request(coact::address target, T&& message, const char* operation) {
    context* to = detail_access::cell(target);
    if (to == nullptr) [[unlikely]]
        throw error(std::string(operation) + ": the target address is null");
    if (to == this && detail_access::generation(target) == generation()) [[unlikely]] {
        throw error(std::string(operation) +
                    ": an actor asking itself would wait forever for its own reply");
    }
    if (++next_request_ == 0) ++next_request_;  // 0 means "no request"
    detail::envelope* e = detail::make_envelope<detail::message_type_t<T>>(
        pool(), std::forward<T>(message), this, generation(), detail::envelope_kind::ask,
        next_request_);
    // Asks are not counted: admitted.
    static_cast<void>(core_->admit(to, detail_access::generation(target), e, pool()));
    awaited_request_ = e->request;
    core_->deliver(to, detail_access::generation(target), e);
}

template <class R, class T>
auto context::ask(coact::address target, T&& message) {
    send_request(target, std::forward<T>(message), "coact::context::ask");
    return detail::ask_awaiter<R>{{{}, this}};
}

template <class R, class T>
auto context::ask(std::string_view target, T&& message) {
    context* to = find_by_name(target);
    return ask<R>(detail_access::make(to, to->generation()), std::forward<T>(message));
}

template <class R, class Rep, class Period, class T>
auto context::ask_for(std::chrono::duration<Rep, Period> timeout, coact::address target,
                      T&& message) {
    send_request(target, std::forward<T>(message), "coact::context::ask_for");
    return detail::ask_for_awaiter<R>(this, target, detail::saturated(timeout));
}

template <class R, class Rep, class Period, class T>
auto context::ask_for(std::chrono::duration<Rep, Period> timeout, std::string_view target,
                      T&& message) {
    context* to = find_by_name(target);
    return ask_for<R>(timeout, detail_access::make(to, to->generation()), std::forward<T>(message));
}

template <class T>
void context::reply(T&& value) {
    const std::uint32_t request = current_request_;
    // If making the message throws (a copy that fails), the ask stays pending: a later reply
    // answers it, or the asker gets no_reply when this actor moves on or ends.
    detail::envelope* e = detail::make_envelope<detail::message_type_t<T>>(
        pool(), std::forward<T>(value), this, generation(),
        request != 0 ? detail::envelope_kind::reply : detail::envelope_kind::plain, request);
    current_request_ = 0;
    if (!sender_) {
        core_->dead_letter(e);  // the message came from outside: nobody to answer
        return;
    }
    core_->deliver(detail_access::cell(sender_), detail_access::generation(sender_), e);
}

template <class Rep, class Period, class T>
void context::send_after(std::chrono::duration<Rep, Period> delay, coact::address target,
                         T&& message) {
    context* to = detail_access::cell(target);
    if (to == nullptr) [[unlikely]]
        throw error("coact::context::send_after: the target address is null");
    detail::envelope* e = detail::make_envelope<detail::message_type_t<T>>(
        pool(), std::forward<T>(message), this, generation());
    if (core_->trace != nullptr) [[unlikely]]
        detail::trace_sent(*core_->trace, e, to, detail_access::generation(target));
    core_->sched->send_after(detail::saturated(delay), to, detail_access::generation(target), e);
}

template <class Rep, class Period, class T>
void context::send_after(std::chrono::duration<Rep, Period> delay, std::string_view target,
                         T&& message) {
    context* to = core_->resolve_local(target);
    send_after(delay, detail_access::make(to, to->generation()), std::forward<T>(message));
}

template <class Rep, class Period>
auto context::sleep(std::chrono::duration<Rep, Period> duration) {
    return detail::sleep_awaiter{{}, this, detail::saturated(duration)};
}

inline void context::monitor_node(std::string_view node) {
    detail::node_monitors* nodes = core_->nodes.load(std::memory_order_acquire);
    if (nodes == nullptr) {
        throw error("coact::context::monitor_node: this runtime has joined no cluster (node '" +
                    std::string(node) + "')");
    }
    nodes->monitor_node(node, address());
}

inline void context::monitor(coact::address target) {
    core_->watch(this, target, false, "coact::context::monitor");
}
inline coact::address context::lookup(std::string_view name) {
    context* found = find_by_name(name);
    return detail_access::make(found, found->generation());
}

inline void context::monitor(std::string_view target) {
    context* to = find_by_name(target);
    monitor(detail_access::make(to, to->generation()));
}
inline void context::link(coact::address target) {
    core_->watch(this, target, true, "coact::context::link");
}
inline void context::link(std::string_view target) {
    context* to = find_by_name(target);
    link(detail_access::make(to, to->generation()));
}
inline void context::trap_exits(bool on) { core_->trap_exits(this, on); }
inline bool context::restart(coact::address child) { return core_->restart(this, child); }
inline bool context::demonitor(coact::address target) {
    return core_->unwatch(this, target, false);
}
inline bool context::unlink(coact::address target) { return core_->unwatch(this, target, true); }

inline bool context::subscribe(std::string_view topic) {
    detail::topic_table::check_subscribe_name(topic, "coact::context::subscribe");
    subscribed_ = true;
    const std::lock_guard lock(core_->topics_mutex);
    return core_->topics.subscribe(this, generation(), topic);
}

inline bool context::unsubscribe(std::string_view topic) {
    detail::topic_table::check_subscribe_name(topic, "coact::context::unsubscribe");
    const std::lock_guard lock(core_->topics_mutex);
    return core_->topics.unsubscribe(this, topic);
}

template <class T>
std::size_t context::publish(std::string_view topic, T&& message) {
    detail::topic_table::check_publish_name(topic, "coact::context::publish");
    if (detail::topic_bridge* b = core_->bridge.load(std::memory_order_acquire);
        b != nullptr && b->shares(topic)) [[unlikely]] {
        return publish_shared(*b, topic, std::forward<T>(message));
    }
    const std::lock_guard lock(core_->topics_mutex);
    const auto subs = core_->topics.subscribers(topic);
    if (subs.empty()) return core_->fan_out(topic, subs, nullptr);  // counted; no payload made
    detail::envelope* e = detail::make_shared_envelope<detail::message_type_t<T>>(
        pool(), std::forward<T>(message), this, generation());
    return core_->fan_out(topic, subs, e);
}

template <class T>
std::size_t context::publish_shared(detail::topic_bridge& b, std::string_view topic, T&& message) {
    detail::envelope* e = detail::make_shared_envelope<detail::message_type_t<T>>(
        pool(), std::forward<T>(message), this, generation());
    try {
        b.published(topic, *e, address());  // to the other nodes first: it may refuse the type
    } catch (...) {
        core_->release(e);
        throw;
    }
    const std::lock_guard lock(core_->topics_mutex);
    return core_->fan_out(topic, core_->topics.subscribers(topic), e);
}

template <class First, class... Rest>
coact::address context::spawn(First&& first, Rest&&... rest) {
    if constexpr (std::is_same_v<std::decay_t<First>, spawn_options>) {
        return core_->spawn(static_cast<const spawn_options&>(first), std::forward<Rest>(rest)...);
    } else if constexpr (std::is_convertible_v<First, std::string_view>) {
        return core_->spawn(std::string_view(first), std::forward<Rest>(rest)...);
    } else {
        return core_->spawn(std::string_view(), std::forward<First>(first),
                            std::forward<Rest>(rest)...);
    }
}

}  // namespace coact
