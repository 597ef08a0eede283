// coact/errors.hpp — the exceptions coact throws.
//
// Every error a user can cause derives from coact::error (a std::runtime_error) and says in its
// what() what was wrong. The one exception that does not is coact::generator_exit: like Python's
// GeneratorExit it is not an error but a request to finish, so `catch (const std::exception&)` in
// a coroutine body does not swallow a close().
//
//   try { c.send(1); }
//   catch (const coact::not_started& e) { /* call c.next() first */ }
//   catch (const coact::error& e) { std::cerr << e.what() << '\n'; }
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "coact/address.hpp"

namespace coact {

/// Base of every error coact throws (except generator_exit, which is not an error).
class error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// send() of a value to a coroutine that has not reached its first co_yield (Python's TypeError
/// "can't send non-None value to a just-started generator").
class not_started : public error {
  public:
    not_started();
};

/// next/send/raise/close on a coroutine from inside its own body ("generator already executing").
class already_running : public error {
  public:
    already_running();
};

/// close() found the coroutine yielding again after generator_exit was thrown into it.
class ignored_exit : public error {
  public:
    ignored_exit();
    /// With `what` as its message instead of the standard one.
    explicit ignored_exit(const std::string& what) : error(what) {}
};

/// result() before the body returned a value.
class not_finished : public error {
  public:
    using error::error;
};

/// spawn() with a name another live actor already has.
class name_taken : public error {
  public:
    /// `name` is the name asked for; what() quotes it.
    explicit name_taken(std::string_view name);
    /// A name held elsewhere (a cluster-scoped name): what() quotes it and says who holds it.
    name_taken(std::string_view name, std::string_view holder);
};

/// A send to a bounded mailbox that is full (spawn_options::capacity, overflow::reject or
/// overflow::wait; asks are not counted); what() names the receiver and its capacity.
class mailbox_full : public error {
  public:
    /// `waits`: the mailbox's policy is overflow::wait, and what() says to use put() instead.
    mailbox_full(std::string_view actor, std::uint32_t capacity, bool waits);
};

/// send()/ask() to a name no live actor has.
class no_such_actor : public error {
  public:
    /// `name` is the name looked up; what() quotes it.
    explicit no_such_actor(std::string_view name);
};

/// An actor received a message of a type it did not ask for; what() names both types.
class bad_message : public error {
  public:
    using error::error;
};

/// ask(): the asked actor ended, or took its next message, without replying.
class no_reply : public error {
  public:
    using error::error;
};

/// ask_for(): no reply came within the timeout. what() names the asked actor and the timeout.
class ask_timeout : public error {
  public:
    /// `actor` describes the target ("'pong'", "<anonymous #3>"), whose address is `target`.
    ask_timeout(std::string_view actor, address target, std::chrono::nanoseconds timeout);
    /// The actor that did not reply in time.
    [[nodiscard]] address target() const noexcept { return target_; }

  private:
    address target_;
};

/// subscribe/unsubscribe/publish with a topic name that is empty or misuses `*`.
class bad_topic : public error {
  public:
    using error::error;
};

/// Thrown out of the pending co_yield by close(). Deliberately not a std::exception.
struct generator_exit {
    /// "coact::generator_exit".
    [[nodiscard]] static const char* what() noexcept { return "coact::generator_exit"; }
};

}  // namespace coact
