// coact/state.hpp — the four states of a coroutine (Python's inspect.getgeneratorstate).
#pragma once

#include <string_view>

namespace coact {

/// The four states of a coroutine or generator (Python's inspect.getgeneratorstate).
enum class state : unsigned char {
    created,    ///< not started: no code of the body has run
    running,    ///< being resumed right now (calls on it throw already_running)
    suspended,  ///< stopped at a co_yield, waiting for next/send/raise/close
    closed,     ///< finished: returned, failed, or closed
};

/// The state's name: "created", "running", "suspended" or "closed".
constexpr std::string_view to_string(state s) noexcept {
    switch (s) {
        case state::created:
            return "created";
        case state::running:
            return "running";
        case state::suspended:
            return "suspended";
        case state::closed:
            return "closed";
    }
    return "?";
}

}  // namespace coact
