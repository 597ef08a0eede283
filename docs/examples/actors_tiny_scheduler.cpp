// actors_tiny_scheduler.cpp — Beazley's second solution to the ping-pong failure: a tiny message
// scheduler. send() only appends (name, message) to a deque; run() pops one message at a time
// and delivers it, so no coroutine is ever resumed from inside another one. The coroutines are
// the same as in ping_pong_direct.cpp; only send() and run() changed.
//
// Snippets: docs/tutorial/02-actors.md, "The idea: send only queues".
#include <cstddef>
#include <deque>
#include <iostream>
#include <map>
#include <string>
#include <utility>
#include <variant>

#include <coact/coact.hpp>

namespace {

using actor = coact::coroutine<std::monostate, int>;
std::map<std::string, actor> registry;

// [snippet:scheduler]
std::deque<std::pair<std::string, int>> queue;  // messages not yet delivered

void send(const std::string& name, int msg) {
    queue.emplace_back(name, msg);  // only queued: nothing runs here
}

void run(std::size_t limit) {  // Beazley's loop runs while there are messages: forever, here
    for (; limit > 0 && !queue.empty(); --limit) {
        auto [name, msg] = std::move(queue.front());
        queue.pop_front();
        registry.at(name).send(msg);  // returns when the receiver yields again
    }
}
// [/snippet:scheduler]

actor ping() {
    while (auto n = co_yield std::monostate{}) {
        std::cout << "ping " << *n << '\n';
        send("pong", *n + 1);
    }
}

actor pong() {
    while (auto n = co_yield std::monostate{}) {
        std::cout << "pong " << *n << '\n';
        send("ping", *n + 1);
    }
}

}  // namespace

int main() {
    // [snippet:run]
    registry.emplace("ping", coact::primed(ping()));
    registry.emplace("pong", coact::primed(pong()));
    send("ping", 0);
    run(10);  // ten deliveries, then stop the game by hand
    std::cout << "messages still queued: " << queue.size() << '\n';
    // [/snippet:run]
    std::cout << "ping is " << coact::to_string(registry.at("ping").state()) << ", pong is "
              << coact::to_string(registry.at("pong").state()) << '\n';
    registry.clear();
}
