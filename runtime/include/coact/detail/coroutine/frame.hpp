// coact/detail/coroutine/frame.hpp — the part of a coroutine frame that delegation and the driver
// see.
//
// Every coact coroutine and generator frame starts with a frame<Yield, Send>. Frames linked by
// `co_yield yield_from(sub)` form a chain: the outermost frame is the root, the innermost the top.
// The root's fields below drive the whole chain, so that depth costs heap, never native stack:
//
//   1. next/send/raise/close reach the root (the object the user holds) and call drive().
//   2. drive() resumes the top frame directly, from a loop (no symmetric transfer: g++ 12 does
//      not make it a tail call at -O0 or under ASan).
//   3. A frame that yields a value leaves `yielded_` pointing at it and suspends: drive() returns.
//   4. A frame that delegates links the child below itself and makes it the top; drive() loops
//      and starts the child.
//   5. A frame that finishes (returns or throws) pops: its parent becomes the top and is resumed;
//      the parent's delegate awaiter takes the child's result or rethrows its exception.
//   6. When the root itself finishes, drive() returns false.
//
// Values travel by pointer: `sent_` points at the caller's argument for the length of one
// send(), `yielded_` at the yielded object for as long as the frame stays suspended. A raise or
// close stores the exception in `pending_`; the co_yield that resumes throws it. Nothing on the
// next/send path throws or catches.
//
// Single-threaded by design: one chain is driven by one thread at a time (state_ guards
// re-entrance, not concurrency).
#pragma once

#include <coroutine>
#include <exception>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "coact/detail/coroutine/frame_allocator.hpp"
#include "coact/errors.hpp"
#include "coact/state.hpp"

namespace coact::detail {

[[noreturn]] void throw_already_running();
[[noreturn]] void throw_not_started();

template <class Yield, class Send>
struct frame {
    using value_type = std::remove_cvref_t<Yield>;
    using send_type = std::conditional_t<std::is_void_v<Send>, std::nullptr_t, Send>;

    // Links: valid in every frame.
    std::coroutine_handle<> handle_;
    frame* parent_ = nullptr;                        // the frame delegating to this one
    frame* root_ = this;                             // the outermost frame of the chain
    std::coroutine_handle<>* owner_slot_ = nullptr;  // the parent's awaiter that owns this frame
    std::exception_ptr exc_;                         // what escaped this frame's body

    // Driver state: used in the root only.
    frame* top_ = this;
    value_type* yielded_ = nullptr;
    send_type* sent_ = nullptr;
    std::exception_ptr pending_;
    coact::state state_ = coact::state::created;
    bool exit_pending_ = false;  // on the chain when close() began: owes its delegator an exit
    bool borrowed_ = false;      // linked by yield_from of an lvalue: its owner is elsewhere

    /// Resumes the chain until some frame yields (true) or the root finishes (false).
    bool drive() noexcept {
        frame* top = top_;
        top->handle_.resume();
        if (top_ == top && !top->handle_.done()) [[likely]]
            return true;
        return drive_on(top);
    }

    [[gnu::noinline]] bool drive_on(frame* top) noexcept {
        for (;;) {
            if (frame* now = top_; now != top) [[unlikely]] {  // a delegation started
                top = now;
                top->handle_.resume();
                continue;
            }
            if (!top->handle_.done()) [[likely]]
                return true;
            if (top == this) return false;
            top = top->parent_;  // a delegate finished: its parent collects the outcome
            top_ = top;
            top->handle_.resume();
        }
    }

    /// One step of next/send (sent == nullptr means "send None"). Returns whether a value was
    /// yielded; rethrows an exception that escaped the root.
    bool step(send_type* sent) {
        if (state_ != coact::state::suspended) [[unlikely]]
            return step_unusual(sent);
        sent_ = sent;
        return resume_root();
    }

    [[gnu::noinline]] bool step_unusual(send_type* sent) {
        if (state_ == coact::state::running) throw_already_running();
        if (state_ == coact::state::closed) return false;
        if (sent != nullptr) throw_not_started();
        sent_ = sent;
        return resume_root();
    }

    /// raise(): throws `e` out of the pending co_yield of the top frame.
    bool throw_in(std::exception_ptr e) {
        if (state_ == coact::state::running) throw_already_running();
        if (state_ != coact::state::suspended) {  // created or closed: the body never sees it
            state_ = coact::state::closed;
            std::rethrow_exception(std::move(e));
        }
        pending_ = std::move(e);
        sent_ = nullptr;
        return resume_root();
    }

    /// close(): generator_exit into the top frame; each delegator on the way out gets its own.
    void close() {
        if (state_ == coact::state::running) throw_already_running();
        if (state_ != coact::state::suspended) {
            state_ = coact::state::closed;
            return;
        }
        pending_ = std::make_exception_ptr(generator_exit{});
        sent_ = nullptr;
        // Each delegate on the chain now must make its delegator exit too (PEP 380), even if it
        // returns normally; a delegation started later, during cleanup, is not affected.
        for (frame* f = top_; f != this; f = f->parent_) f->exit_pending_ = true;
        state_ = coact::state::running;
        const bool yielded = drive();
        for (frame* f = top_; f != this; f = f->parent_) f->exit_pending_ = false;
        if (yielded) {
            pending_ = nullptr;
            state_ = coact::state::suspended;
            throw ignored_exit();
        }
        state_ = coact::state::closed;
        if (std::exception_ptr e = std::exchange(exc_, nullptr)) {
            try {
                std::rethrow_exception(std::move(e));
            } catch (const generator_exit&) {  // the expected way to end: swallowed
            }
        }
    }

    /// Destroys every frame of the chain, innermost first, without resuming any of them. A
    /// borrowed delegate (and what it delegates to) is not ours: it is detached, suspended, and
    /// left to its owner, which is usually a local of a frame destroyed here.
    void destroy_chain() noexcept {
        frame* borrowed = nullptr;
        for (frame* f = top_; f != this; f = f->parent_) {
            if (f->borrowed_) borrowed = f;
        }
        frame* f = top_;
        if (borrowed != nullptr) {
            for (frame* g = top_;; g = g->parent_) {
                g->root_ = borrowed;
                if (g == borrowed) break;
            }
            borrowed->top_ = top_;
            borrowed->state_ = coact::state::suspended;
            borrowed->borrowed_ = false;
            f = std::exchange(borrowed->parent_, nullptr);
        }
        while (f != this) {
            frame* parent = f->parent_;
            if (f->owner_slot_ != nullptr) *f->owner_slot_ = nullptr;
            f->handle_.destroy();
            f = parent;
        }
        handle_.destroy();
    }

    /// Makes this root's chain part of `parent`'s chain, below it. `owner_slot` is where the
    /// parent keeps the frame it now owns, or null when the frame is only borrowed.
    void adopt_into(frame* parent, std::coroutine_handle<>* owner_slot) noexcept {
        frame* new_root = parent->root_;
        for (frame* f = top_;; f = f->parent_) {
            f->root_ = new_root;
            if (f == this) break;
        }
        parent_ = parent;
        owner_slot_ = owner_slot;
        borrowed_ = owner_slot == nullptr;
        if (borrowed_) state_ = coact::state::running;  // its owner must not resume it meanwhile
        new_root->top_ = top_;
    }

    /// A borrowed delegate finished: it is a closed root of its own again.
    void release_borrowed() noexcept {
        borrowed_ = false;
        parent_ = nullptr;
        root_ = this;
        top_ = this;
        state_ = coact::state::closed;
    }

  private:
    bool resume_root() {
        state_ = coact::state::running;
        if (drive()) [[likely]] {
            state_ = coact::state::suspended;
            return true;
        }
        return finish_root();
    }

    [[gnu::noinline]] bool finish_root() {
        state_ = coact::state::closed;
        if (exc_) [[unlikely]]
            std::rethrow_exception(std::exchange(exc_, nullptr));
        return false;
    }
};

/// Destroys a root's chain, through the per-thread trampoline (see destroy_chain_later).
template <class Yield, class Send>
void destroy_root(frame<Yield, Send>& root) noexcept {
    destroy_chain_later(
        &root, [](void* r) noexcept { static_cast<frame<Yield, Send>*>(r)->destroy_chain(); });
}

[[noreturn, gnu::noinline, gnu::cold]] inline void rethrow_and_clear(std::exception_ptr& e) {
    std::rethrow_exception(std::exchange(e, nullptr));
}

/// What a co_yield of a value evaluates to: optional<Send> (nullopt is Python's None), or void.
template <class Yield, class Send>
struct yield_awaiter {
    frame<Yield, Send>* self_;

    static constexpr bool await_ready() noexcept { return false; }
    static constexpr void await_suspend(std::coroutine_handle<>) noexcept {}
    auto await_resume() {
        frame<Yield, Send>* root = self_->root_;
        if (root->pending_) [[unlikely]]
            rethrow_and_clear(root->pending_);
        if constexpr (!std::is_void_v<Send>) {
            if (Send* s = std::exchange(root->sent_, nullptr))
                return std::optional<Send>(std::move(*s));
            return std::optional<Send>();
        }
    }
};

/// co_yield of an lvalue or a convertible value: the awaiter keeps the copy alive while suspended.
template <class Yield, class Send>
struct yield_copy_awaiter : yield_awaiter<Yield, Send> {
    typename frame<Yield, Send>::value_type value_;

    void await_suspend(std::coroutine_handle<>) noexcept {
        this->self_->root_->yielded_ = std::addressof(value_);
    }
};

}  // namespace coact::detail
