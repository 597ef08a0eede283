// ping_pong_direct.cpp — Beazley's recursive ping-pong with send() as a direct call: it fails
// on the third message, because ping is still running when pong sends back to it. The next
// chapter (actors) puts a scheduler between send and receive.
//
// Snippets: docs/tutorial/01-generators-and-coroutines.md, "Teaser: ping-pong".
#include <iostream>
#include <map>
#include <string>
#include <variant>

#include <coact/coact.hpp>

namespace {

// [snippet:registry]
using actor = coact::coroutine<std::monostate, int>;  // yields nothing useful, receives ints
std::map<std::string, actor> registry;

void send(const std::string& name, int msg) {
    registry.at(name).send(msg);  // a direct call: runs the receiver right now
}
// [/snippet:registry]

// [snippet:ping_pong]
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
// [/snippet:ping_pong]

}  // namespace

int main() {
    // [snippet:ping_pong_run]
    registry.emplace("ping", coact::primed(ping()));
    registry.emplace("pong", coact::primed(pong()));
    try {
        send("ping", 0);
    } catch (const coact::already_running& e) {
        std::cout << e.what() << '\n';
    }
    // [/snippet:ping_pong_run]
    std::cout << "ping is " << coact::to_string(registry.at("ping").state()) << ", pong is "
              << coact::to_string(registry.at("pong").state()) << '\n';
    registry.clear();  // destroy the coroutines before main returns, not during static teardown
}
