// coact/scoped.hpp — a generator that yields once, used as a scope guard: Python's
// @contextmanager (PEP 343), as Beazley's "yield as scissors" cuts a function into entry and exit.
//
//   coact::generator<std::string> tag(std::string name) {
//       std::cout << '<' << name << '>';               // entry: runs when the guard is made
//       co_yield name;                                  // what `with tag("b") as x` binds
//       std::cout << "</" << name << '>';              // exit: runs when the scope ends
//   }
//   { coact::scoped bold(tag("b")); std::cout << "hi " << *bold; }  // <b>hi b</b>
//   coact::with(tag("i"), [](std::string& x) { std::cout << x; });  // PEP 343 in full
//
// The protocol, for a scoped<T> made from a generator<T> or coroutine<T>:
//   1. Entry. The constructor runs the body to its co_yield and keeps the yielded value (value(),
//      *, ->), moved out of the body: yield a pointer to share an object with the exit part. A
//      body that finishes first is an error ("didn't yield"); one that throws throws out of the
//      constructor, and no exit runs.
//   2. Normal exit: exit(), or the destructor when no exception is unwinding the scope. The body
//      is resumed once and must finish; yielding again is an error ("didn't stop"). An error or an
//      exception of the exit part comes out of exit() or of the destructor, which is therefore
//      noexcept(false).
//   3. Exit by an exception: exit(e), or with(). `e` is thrown out of the pending co_yield, so a
//      try/catch around it sees it. If the body finishes normally it swallowed `e`: exit(e)
//      returns true and with() suppresses it. If `e` comes back out, exit(e) returns false and
//      with() rethrows it. Any other exception comes out of exit(e) and with() in its place.
//   4. The destructor during unwinding cannot see the exception in flight (no destructor can), so
//      it throws coact::scope_unwinding into the body instead, and lets nothing out: whatever the
//      body does (rethrow, throw, yield again) is dropped, and the first exception unwinds on.
//      "Unwinding" means std::uncaught_exceptions() is above its value when the guard was made
//      (so a guard held across a coroutine's co_yield, and destroyed under a different count of
//      exceptions than it was made under, may misjudge: keep guards out of suspended frames).
//   5. After any exit, exit() does nothing and exit(e) returns false, as in Python. A body that
//      did not stop is destroyed at once (its locals' destructors run), never resumed again.
//
// A scoped cannot be copied or moved (like std::lock_guard). Threads: one thread at a time.
// Because the destructor may throw, a class with a scoped member has a throwing destructor too:
// prefer a local, or with(). Call exit() yourself where an exit error must be handled in place.
#pragma once

#include <concepts>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "coact/coroutine.hpp"
#include "coact/errors.hpp"
#include "coact/generator.hpp"

namespace coact {

/// Thrown into a scoped body at its co_yield when the guard is destroyed by stack unwinding: the
/// stand-in for the exception in flight, which a destructor cannot see.
class scope_unwinding : public error {
  public:
    scope_unwinding() : error("coact::scoped: the scope was left by an exception") {}
};

/// A scope guard made from a generator that yields once (Python's `@contextmanager`): the
/// constructor runs the entry part, exit() or the destructor the exit part (the protocol is in
/// the header). Neither copyable nor movable; one thread at a time.
template <class T>
class [[nodiscard]] scoped {
  public:
    /// Entry: runs `body` to its co_yield. `body` must not have started yet.
    explicit scoped(coroutine<T> body) : body_(std::move(body)), value_(enter(body_)) {}
    /// As scoped(coroutine<T>), from a generator.
    explicit scoped(generator<T> body)
        : scoped(coroutine<T>(
              detail::return_object<typename generator<T>::promise_type>{body.release()})) {}

    scoped(const scoped&) = delete;
    scoped& operator=(const scoped&) = delete;

    ~scoped() noexcept(false) {
        if (!active_) return;
        if (std::uncaught_exceptions() <= uncaught_) {
            exit();
            return;
        }
        try {
            exit(std::make_exception_ptr(scope_unwinding()));
        } catch (...) {  // never a second exception while one is unwinding (point 4)
        }
    }

    /// The value the body yielded (Python's `as` target).
    T& value() noexcept { return value_; }
    /// The value the body yielded, read-only.
    const T& value() const noexcept { return value_; }
    /// The value the body yielded, as value().
    T& operator*() noexcept { return value_; }
    /// The value the body yielded, read-only.
    const T& operator*() const noexcept { return value_; }
    /// The address of the value the body yielded.
    T* operator->() noexcept { return std::addressof(value_); }
    /// The address of the value the body yielded, read-only.
    const T* operator->() const noexcept { return std::addressof(value_); }

    /// Whether the exit part is still to run.
    [[nodiscard]] bool active() const noexcept { return active_; }

    /// Normal exit, now: Python's __exit__(None, None, None). Does nothing after an exit.
    void exit() {
        if (!std::exchange(active_, false)) return;
        if (body_.next()) didnt_stop("it yielded a second time");
    }

    /// Exit by the exception `e`: Python's __exit__(type, e, tb). Returns true if the body
    /// swallowed `e` (suppress it), false if `e` came back out (rethrow it); throws anything else
    /// the body throws instead. A null `e` is a normal exit (and returns false).
    bool exit(std::exception_ptr e) {
        if (!e) {
            exit();
            return false;
        }
        if (!std::exchange(active_, false)) return false;
        bool yielded = false;
        try {
            yielded = body_.raise(e).has_value();
        } catch (...) {
            if (std::current_exception() == e) return false;
            throw;
        }
        if (yielded) didnt_stop("it yielded again after the exception was thrown into it");
        return true;
    }

  private:
    static T enter(coroutine<T>& body) {
        if (body.state() != coact::state::created)
            throw error("coact::scoped: the generator has already started (or is empty)");
        std::optional<T> yielded = body.next();
        if (!yielded)
            throw error("coact::scoped: the generator didn't yield (it must yield exactly once)");
        return std::move(*yielded);
    }

    [[noreturn]] void didnt_stop(const char* why) {
        body_ = coroutine<T>();  // destroyed now: never resumed again
        throw error(std::string("coact::scoped: the generator didn't stop: ") + why +
                    " (it must yield exactly once)");
    }

    coroutine<T> body_;
    T value_;
    int uncaught_ = std::uncaught_exceptions();
    bool active_ = true;
};

namespace detail {

template <class T, class Block>
auto run_scoped(scoped<T>& guard, Block& block) {
    using result = std::invoke_result_t<Block&, T&>;
    if constexpr (std::is_void_v<result>) {
        try {
            std::invoke(block, guard.value());
        } catch (...) {
            if (guard.exit(std::current_exception())) return false;
            throw;
        }
        guard.exit();
        return true;
    } else {
        static_assert(std::is_object_v<result>, "coact::with: the block must return a value");
        std::optional<result> out;
        try {
            out.emplace(std::invoke(block, guard.value()));
        } catch (...) {
            if (guard.exit(std::current_exception())) return out;
            throw;
        }
        guard.exit();
        return out;
    }
}

}  // namespace detail

/// Python's `with body as x: block(x)`, PEP 343 in full (points 1-3 above). Returns, for a block
/// returning void, true if the block ran to its end and false if the body suppressed its
/// exception; for a block returning R, the std::optional<R> of its value, nullopt if suppressed.
template <class T, class Block>
requires std::invocable<Block&, T&>
auto with(generator<T> body, Block&& block) {
    scoped<T> guard(std::move(body));
    return detail::run_scoped(guard, block);
}

/// As with() of a generator, for a coroutine body.
template <class T, class Block>
requires std::invocable<Block&, T&>
auto with(coroutine<T> body, Block&& block) {
    scoped<T> guard(std::move(body));
    return detail::run_scoped(guard, block);
}

}  // namespace coact
