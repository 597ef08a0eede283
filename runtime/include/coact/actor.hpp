// coact/actor.hpp — the return type of an actor function.
//
//   coact::actor echo(coact::context& self) {
//       for (;;) {
//           auto text = co_await self.receive<std::string>();
//           self.reply(text);
//       }
//   }
//   rt.spawn("echo", echo);
//
// An actor function takes `coact::context&` first (then any spawn arguments) and is a coroutine
// returning coact::actor. It starts when the scheduler first runs it, not inside spawn(). Inside
// it, co_await only what the context offers (receive, receive_for, ask, sleep): those suspend
// through the scheduler, which is what keeps an actor from ever running twice at once.
#pragma once

#include <concepts>
#include <coroutine>
#include <exception>
#include <type_traits>
#include <utility>

#include "coact/detail/coroutine/frame_allocator.hpp"

namespace coact {

namespace detail {
/// Base of the awaiters an actor body may co_await.
struct actor_awaiter {};
}  // namespace detail

/// The return type of an actor function: a coroutine taking `coact::context&` first, spawned
/// by passing the function to runtime::spawn or context::spawn.
class [[nodiscard]] actor {
  public:
    struct promise_type {
        std::exception_ptr exc_;

        static void* operator new(std::size_t size) { return detail::frame_alloc(size); }
        static void operator delete(void* block, std::size_t size) noexcept {
            detail::frame_free(block, size);
        }

        actor get_return_object() noexcept {
            return actor(std::coroutine_handle<promise_type>::from_promise(*this));
        }
        static constexpr std::suspend_always initial_suspend() noexcept { return {}; }
        static constexpr std::suspend_always final_suspend() noexcept { return {}; }
        static constexpr void return_void() noexcept {}
        void unhandled_exception() noexcept { exc_ = std::current_exception(); }

        template <class Awaiter>
        requires std::derived_from<std::remove_cvref_t<Awaiter>, detail::actor_awaiter> Awaiter &&
            await_transform(Awaiter&& a)
        noexcept { return std::forward<Awaiter>(a); }

        template <class Awaiter>
        requires(!std::derived_from<std::remove_cvref_t<Awaiter>,
                                    detail::actor_awaiter>) void await_transform(Awaiter&&) {
            static_assert(!sizeof(Awaiter),
                          "coact::actor: an actor may only co_await what its context offers "
                          "(self.receive, receive_for, ask, sleep); other awaitables would resume "
                          "it outside the scheduler");
        }
    };

    /// The handle of the actor's coroutine frame.
    using handle_type = std::coroutine_handle<promise_type>;

    /// Takes the frame over from `other`, which is left empty.
    actor(actor&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
    actor& operator=(actor&&) = delete;
    ~actor() {
        if (handle_) handle_.destroy();
    }

    /// The runtime takes the frame over when it spawns the actor.
    handle_type release() noexcept { return std::exchange(handle_, nullptr); }

  private:
    explicit actor(handle_type h) noexcept : handle_(h) {}
    handle_type handle_;
};

}  // namespace coact
