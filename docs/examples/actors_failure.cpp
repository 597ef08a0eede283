// actors_failure.cpp — an exception that escapes an actor ends that actor only: run() goes on,
// one line naming the actor and the exception goes to stderr, and stats().failed counts it.
// Messages that can no longer be delivered become dead letters.
//
// Snippets: docs/tutorial/02-actors.md, "When an actor fails".
#include <iostream>
#include <stdexcept>

#include <coact/coact.hpp>

namespace {

// [snippet:divider]
coact::actor divider(coact::context& self) {
    for (;;) {
        int n = co_await self.receive<int>();
        if (n == 0) throw std::domain_error("division by zero");
        std::cout << "divider: 100 / " << n << " = " << 100 / n << '\n';
    }
}

coact::actor counter(coact::context& self) {
    for (int count = 1;; ++count) {
        co_await self.receive<int>();
        std::cout << "counter: " << count << '\n';
    }
}
// [/snippet:divider]

}  // namespace

int main() {
    // [snippet:failure_run]
    coact::runtime rt;
    coact::address d = rt.spawn("divider", divider);
    rt.spawn("counter", counter);
    for (int n : {5, 0, 4}) {  // the 4 is still queued when the divider fails
        rt.send("divider", n);
        rt.send("counter", n);
    }
    rt.run();
    rt.send(d, 2);  // to the address of an ended actor: a dead letter, once run() delivers it
    rt.run();
    try {
        rt.send("divider", 2);  // its name is free again: no such actor
    } catch (const coact::no_such_actor& e) {
        std::cout << e.what() << '\n';
    }
    coact::runtime_stats stats = rt.stats();
    std::cout << "failed: " << stats.failed << ", dead letters: " << stats.dead_letters
              << ", alive: " << stats.actors << '\n';
    // [/snippet:failure_run]
}
