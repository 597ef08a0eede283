#include "coact/errors.hpp"

#include <exception>
#include <string>

#include "coact/detail/coroutine/frame.hpp"
#include "coact/exit_reason.hpp"
#include "coact/future.hpp"
#include "coact/task.hpp"

namespace coact {

not_started::not_started()
    : error(
          "coact::not_started: send() of a value to a just-created coroutine; "
          "call next() first to run it to its first co_yield (or use coact::primed)") {}

already_running::already_running()
    : error(
          "coact::already_running: generator already executing (a coroutine was resumed "
          "from inside its own body)") {}

ignored_exit::ignored_exit()
    : error(
          "coact::ignored_exit: coroutine ignored generator_exit (it yielded a value after "
          "close() instead of returning)") {}

mailbox_full::mailbox_full(std::string_view actor, std::uint32_t capacity, bool waits)
    : error("coact::mailbox_full: the mailbox of actor " + std::string(actor) + " is full (" +
            std::to_string(capacity) + " messages)" +
            (waits ? "; its overflow policy is wait: send with co_await self.put(...)" : "")) {}

std::string exit_reason::what() const {
    switch (kind) {
        case exit_kind::normal:
            return "normal";
        case exit_kind::closed:
            return "closed";
        case exit_kind::no_actor:
            return "no actor";
        case exit_kind::noconnection:
            if (!error) return "noconnection";
            break;
        case exit_kind::failed:
            break;
    }
    if (!error) return "failed";
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return e.what();
    } catch (const generator_exit&) {
        return generator_exit::what();
    } catch (...) {
        return "an exception of unknown type";
    }
}

namespace {

// "10 ms", "250 us", "7 ns": the largest whole unit.
std::string duration_text(std::chrono::nanoseconds d) {
    using namespace std::chrono;
    if (d % milliseconds(1) == nanoseconds::zero()) {
        return std::to_string(duration_cast<milliseconds>(d).count()) + " ms";
    }
    if (d % microseconds(1) == nanoseconds::zero()) {
        return std::to_string(duration_cast<microseconds>(d).count()) + " us";
    }
    return std::to_string(d.count()) + " ns";
}

}  // namespace

ask_timeout::ask_timeout(std::string_view actor, address target, std::chrono::nanoseconds timeout)
    : error("coact::ask_timeout: actor " + std::string(actor) + " did not reply within " +
            duration_text(timeout)),
      target_(target) {}

name_taken::name_taken(std::string_view name)
    : error("coact::name_taken: an actor named '" + std::string(name) + "' is already running") {}

name_taken::name_taken(std::string_view name, std::string_view holder)
    : error("coact::name_taken: the name '" + std::string(name) + "' is held by " +
            std::string(holder)) {}

no_such_actor::no_such_actor(std::string_view name)
    : error("coact::no_such_actor: no actor named '" + std::string(name) + "' is running") {}

}  // namespace coact

namespace coact::detail {

void throw_already_running() { throw already_running(); }
void throw_not_started() { throw not_started(); }

void throw_empty_future(const char* operation) {
    throw error(std::string("coact::future::") + operation +
                ": the future is empty (default-constructed, or moved from)");
}

void throw_empty_task(const char* operation) {
    throw error(std::string("coact::task: ") + operation +
                " of an empty task (moved from, already started, or already awaited)");
}

}  // namespace coact::detail
