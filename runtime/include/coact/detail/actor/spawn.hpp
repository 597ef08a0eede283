// coact/detail/actor/spawn.hpp — how spawn keeps an actor's function and arguments, and
// core::spawn itself.
//
// The function and its arguments live as long as the actor (its frame may refer to them: a
// capturing lambda's captures, a `const std::string&` parameter), in a spawn_holder the cell
// owns. A supervised actor's holder starts new bodies from copies of them at each restart.
//
// core::spawn (the scheduler thread, or any thread while run() is not active; work-stealing:
// any thread): takes a cell, names it, sets its bound, supervisor and send gate, starts the body
// up to its initial suspension, counts it, and hands it to the scheduler (scheduler::start),
// which is the last touch: another worker may run the actor from there on.
#pragma once

#include <functional>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "coact/actor.hpp"
#include "coact/context.hpp"
#include "coact/detail/actor/core.hpp"
#include "coact/detail/message/message_traits.hpp"
#include "coact/detail/scheduler/dispatch.hpp"
#include "coact/errors.hpp"
#include "coact/spawn_options.hpp"

namespace coact::detail {

/// A spawned callable and its arguments, kept alive as long as the actor (its frame may refer
/// to them: a capturing lambda's captures, a `const std::string&` parameter).
struct spawn_holder {
    virtual ~spawn_holder() = default;
    virtual actor start_again(context& self) = 0;
};

/// How spawn keeps its arguments: decayed, except that C strings and string_views are kept as
/// std::string when the function accepts that (so a `const std::string&` parameter refers to the
/// kept string, not to a temporary that dies when spawn() returns).
template <class Fn, class... Args>
struct spawn_args {
    using strings = std::tuple<message_type_t<Args>...>;
    using decayed = std::tuple<std::decay_t<Args>...>;
    using type =
        std::conditional_t<std::is_invocable_r_v<actor, Fn&, context&, message_type_t<Args>&&...>,
                           strings, decayed>;
};
template <class Fn, class... Args>
using spawn_arg_t = typename spawn_args<Fn, Args...>::type;

template <class Fn, class Tuple>
struct spawn_holder_of;

template <class Fn, class... Args>
struct spawn_holder_of<Fn, std::tuple<Args...>> final : spawn_holder {
    template <class F, class... A>
    explicit spawn_holder_of(F&& f, A&&... a)
        : fn(std::forward<F>(f)), args(std::forward<A>(a)...) {}

    actor start(context& self) {
        return std::apply(
            [&](Args&... a) -> actor { return std::invoke(fn, self, std::move(a)...); }, args);
    }

    /// For a supervised actor's bodies: each gets copies, so that the next restart has them too.
    actor start_again(context& self) override {
        if constexpr ((std::is_copy_constructible_v<Args> && ...)) {
            return std::apply(
                [&](Args&... a) -> actor { return std::invoke(fn, self, Args(a)...); }, args);
        } else {
            throw error(
                "coact::spawn: a supervised actor's arguments must be copyable (each restart "
                "starts its function again with them)");
        }
    }

    Fn fn;
    std::tuple<Args...> args;
};

template <class Fn, class... Args>
coact::address core::spawn(std::string_view name, Fn&& fn, Args&&... args) {
    return spawn(spawn_options{.name = name}, std::forward<Fn>(fn), std::forward<Args>(args)...);
}

template <class Fn, class... Args>
coact::address core::spawn_gated(const spawn_options& options, const send_gate* gate, Fn&& fn,
                                 Args&&... args) {
    using fn_type = std::decay_t<Fn>;
    static_assert(std::is_invocable_r_v<actor, fn_type&, context&, std::decay_t<Args>&&...>,
                  "coact::spawn: the function must be callable as fn(coact::context&, args...) "
                  "and return coact::actor");
    sched->check_spawn_thread();
    const bool supervised = static_cast<bool>(options.supervisor);
    if (supervised && detail_access::cell(options.supervisor)->core_ != this) {
        throw error("coact::spawn: the supervisor belongs to " +
                    describe_runtime(detail_access::cell(options.supervisor)->core_) + ", not to " +
                    describe_runtime(this) +
                    ", where the actor is spawned; a supervisor and its children share one "
                    "runtime");
    }
    context* c = acquire_cell();
    try {
        // A pool's members share its name: none of them holds it here (the cluster's proxy for
        // the pool does), so each is anonymous in this runtime.
        if (!options.name.empty() && options.scope != scope::pool) {
            c->name_ = names.insert(options.name, c);
            if (c->name_ == nullptr) throw name_taken(options.name);
        }
        if (options.scope != scope::local) [[unlikely]]
            claim_name(c, options);
        set_policy(c, options, gate);
        if constexpr (std::is_pointer_v<fn_type> && sizeof...(Args) == 0) {
            if (!supervised) {
                c->handle_ = std::invoke(fn, *c).release();  // a plain function: no keeping
            } else {
                auto* h = new spawn_holder_of<fn_type, std::tuple<>>(fn);  // for restarts
                c->holder_ = h;
                c->handle_ = h->start_again(*c).release();
            }
        } else {
            auto* h = new spawn_holder_of<fn_type, spawn_arg_t<fn_type, Args...>>(
                std::forward<Fn>(fn), std::forward<Args>(args)...);
            c->holder_ = h;
            c->handle_ = (supervised ? h->start_again(*c) : h->start(*c)).release();
        }
    } catch (...) {
        abandon_spawn(c);
        throw;
    }
    c->wait_ = wait_kind::start;
    const std::uint32_t generation = c->generation();
    c->serial_.store(static_cast<std::uint32_t>(count_and_read(spawned)),
                     std::memory_order_relaxed);
    count(alive);
    // Release: runtime::metrics() (acquire) lists the actor with its name and serial.
    c->listed_.store(generation, std::memory_order_release);
    if (trace != nullptr) [[unlikely]]
        trace_spawned(*trace, c, generation);
    sched->start(c);  // the last touch: with several threads another may run (and end) it now
    return detail_access::make(c, generation);
}

}  // namespace coact::detail
