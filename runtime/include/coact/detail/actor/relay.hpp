// coact/detail/actor/relay.hpp — what an actor needs to stand in for another: take any message
// whatever its type, send one on with another actor's address as its sender, and answer an ask
// it will not answer itself. The cluster library's proxies and gateway are such actors
// (docs/design/cluster.md, "The message path"); nothing in the core uses this.
//
//   for (;;) {
//       detail::relayed m = co_await detail::relay::receive_any(self);
//       if (m.type() == typeid(int)) ...          // m.view<int>(), m.sender(), m.kind()
//   }
//   detail::relay::send_as(self, from, to, value);  // `to` sees self.sender() == from
//
// Threads: the actor's own turn, as every call of its context.
#pragma once

#include <coroutine>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>

#include "coact/actor.hpp"
#include "coact/address.hpp"
#include "coact/context.hpp"
#include "coact/detail/actor/awaiters.hpp"
#include "coact/detail/actor/core.hpp"
#include "coact/detail/actor/spawn.hpp"
#include "coact/detail/message/envelope.hpp"
#include "coact/detail/message/message_traits.hpp"
#include "coact/errors.hpp"
#include "coact/spawn_options.hpp"

namespace coact::detail {

/// A message taken whatever its type; frees its envelope when it goes.
class relayed {
  public:
    relayed(envelope_pool* pool, envelope* e) noexcept : pool_(pool), e_(e) {}
    relayed(relayed&& o) noexcept : pool_(o.pool_), e_(std::exchange(o.e_, nullptr)) {}
    relayed& operator=(relayed&&) = delete;
    relayed(const relayed&) = delete;
    relayed& operator=(const relayed&) = delete;
    ~relayed() {
        if (e_ != nullptr) free_envelope(pool_, e_);
    }

    /// The payload's type.
    [[nodiscard]] const std::type_info& type() const noexcept { return *e_->ops->type; }
    /// An ask (its asker waits for a reply) or a plain message.
    [[nodiscard]] bool is_ask() const noexcept { return e_->kind == envelope_kind::ask; }
    /// A refusal instead of a reply (relay::ask_any): view<std::string>() says why.
    [[nodiscard]] bool is_no_reply() const noexcept { return e_->kind == envelope_kind::no_reply; }
    /// Who sent it (null from outside the runtime).
    [[nodiscard]] address sender() const noexcept {
        return detail_access::make(e_->sender, e_->sender_generation);
    }
    /// The payload, read-only; `type()` must be typeid(T).
    template <class T>
    [[nodiscard]] const T& view() const noexcept {
        return e_->view<T>();
    }
    /// The envelope itself, for an encoder registered by type (cluster's wire_registry).
    [[nodiscard]] const envelope& raw() const noexcept { return *e_; }

  private:
    envelope_pool* pool_;
    envelope* e_;
};

/// An ask taken over by the actor handling it (relay::detach_ask), to be answered later.
struct detached_ask {
    address asker;
    std::uint32_t request = 0;
};

struct relay {
    struct any_awaiter : actor_awaiter {
        context* self;
        [[nodiscard]] bool await_ready() const noexcept { return self->message_ready(); }
        void await_suspend(std::coroutine_handle<>) const noexcept {
            self->suspend_for(wait_kind::message);
        }
        relayed await_resume() {
            return {self->pool(), self->take_message()};  // a stop: generator_exit, as anywhere
        }
    };

    /// The next message, whatever its type. A stop request throws generator_exit, as in any
    /// receive.
    static any_awaiter receive_any(context& self) noexcept { return {{}, &self}; }

    /// self.spawn(options, fn, args...), with a gate every send to the new actor passes
    /// (cell_policy.hpp): a proxy refuses at the send what it could not carry. `gate` must live
    /// as long as the runtime (core::retire_seam). Unlike other actors, the new one sees a stop
    /// that comes before its first turn: its body starts, and its first wait throws
    /// generator_exit (core::closes_unstarted).
    template <class Fn, class... Args>
    static address spawn_gated(context& self, const spawn_options& options, const send_gate* gate,
                               Fn&& fn, Args&&... args) {
        return self.core_->spawn_gated(options, gate, std::forward<Fn>(fn),
                                       std::forward<Args>(args)...);
    }

    /// Whether a stop waits to be thrown (generator_exit) at the next receive_any: for a relay
    /// spawned with a gate and stopped before its first turn, from its first line on.
    static bool stop_pending(const context& self) noexcept {
        return self.stop_requested_ && !self.exit_delivered_;
    }

    /// Whether receive_any would return at once (a message waits, or a stop): a relay that
    /// batches sends its batch when this is false, before it would wait.
    static bool has_message(const context& self) noexcept { return self.message_ready(); }

    /// The reply to relay::ask_any, whatever its type (is_no_reply() for a refusal).
    struct any_reply_awaiter : reply_wait {
        relayed await_resume() { return {self->pool(), take_reply()}; }
    };

    /// Asks `to` with `message` and waits for its reply, whatever its type.
    template <class T>
    static any_reply_awaiter ask_any(context& self, address to, T&& message) {
        self.send_request(to, std::forward<T>(message), "coact::detail::relay::ask_any");
        return {{{}, &self}};
    }

    /// The ask being handled becomes this actor's to answer later, with answer() or
    /// refuse_detached() from any of its turns: taking the next message no longer fails it.
    static detached_ask detach_ask(context& self) noexcept {
        return {self.sender_, std::exchange(self.current_request_, 0)};
    }

    /// Answers a detached ask with `value`; the asker sees `from` as the replier.
    template <class T>
    static void answer(context& self, const detached_ask& a, address from, T&& value) {
        context* to = detail_access::cell(a.asker);
        if (to == nullptr) return;
        envelope* e = make_envelope<message_type_t<T>>(
            self.pool(), std::forward<T>(value), detail_access::cell(from),
            detail_access::generation(from), envelope_kind::reply, a.request);
        self.core_->deliver(to, detail_access::generation(a.asker), e);
    }

    /// Fails a detached ask: the asker's co_await throws coact::no_reply with `why` as what().
    static void refuse_detached(context& self, const detached_ask& a, address from,
                                std::string why) {
        context* to = detail_access::cell(a.asker);
        if (to == nullptr) return;
        envelope* e = make_envelope<std::string>(
            self.pool(), std::move(why), detail_access::cell(from), detail_access::generation(from),
            envelope_kind::no_reply, a.request);
        self.core_->deliver(to, detail_access::generation(a.asker), e);
    }

    /// Sends `message` to `to` as if `from` had sent it: `to`'s self.sender() is `from`.
    template <class T>
    static void send_as(context& self, address from, address to, T&& message) {
        context* target = detail_access::cell(to);
        if (target == nullptr) throw error("coact::detail::relay::send_as: the target is null");
        envelope_pool* const p = self.pool();
        envelope* e =
            make_envelope<message_type_t<T>>(p, std::forward<T>(message), detail_access::cell(from),
                                             detail_access::generation(from));
        if (!self.core_->admit(target, detail_access::generation(to), e, p)) return;
        self.core_->deliver(target, detail_access::generation(to), e);
    }

    /// Publishes `message` to the local subscribers of `topic` as if `from` had published it
    /// (a publication from another node: it is not handed to the topic bridge again).
    template <class T>
    static std::size_t publish_as(context& self, address from, std::string_view topic,
                                  T&& message) {
        const std::lock_guard lock(self.core_->topics_mutex);
        const auto subs = self.core_->topics.subscribers(topic);
        if (subs.empty()) return self.core_->fan_out(topic, subs, nullptr);
        envelope* e = make_shared_envelope<message_type_t<T>>(self.pool(), std::forward<T>(message),
                                                              detail_access::cell(from),
                                                              detail_access::generation(from));
        return self.core_->fan_out(topic, subs, e);
    }

    /// When `self` ends, its monitors get down{self, reason} and its linked partners
    /// exit{self, reason}, whatever its own end: a proxy mirrors its remote actor's end this way.
    /// A partner that does not trap exits ends when `reason` is failed or noconnection.
    static void end_as(context& self, exit_reason reason) {
        self.core_->end_as(&self, std::move(reason));
    }

    /// The ask being handled gets no_reply now, with `why` in its message ("actor X <why>
    /// without replying to the ask").
    static void refuse_ask(context& self, const char* why) noexcept {
        self.core_->abandon_request(&self, why);
    }
};

}  // namespace coact::detail
