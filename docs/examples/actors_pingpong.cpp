// actors_pingpong.cpp — Beazley's recursive ping-pong as coact actors: two named actors send a
// number back and forth by name. send() only queues the message and rt.run() delivers it, so
// the game could go on forever (demos/pingpong plays a million rounds); this one ends at 9.
//
// Snippets: docs/tutorial/02-actors.md, "Actors", and README.md.
#include <iostream>

#include <coact/coact.hpp>

namespace {

// [snippet:ping_pong]
constexpr int last = 9;  // Beazley's game never ends; this one stops at 9

coact::actor ping(coact::context& self) {
    for (;;) {
        int n = co_await self.receive<int>();
        std::cout << "ping " << n << '\n';
        if (n < last) self.send("pong", n + 1);
    }
}

coact::actor pong(coact::context& self) {
    for (;;) {
        int n = co_await self.receive<int>();
        std::cout << "pong " << n << '\n';
        if (n < last) self.send("ping", n + 1);
    }
}
// [/snippet:ping_pong]

}  // namespace

int main() {
    // [snippet:ping_pong_run]
    coact::runtime rt;
    rt.spawn("ping", ping);
    rt.spawn("pong", pong);
    rt.send("ping", 0);
    std::cout << "sent 0 to ping; nothing has run yet\n";
    rt.run();  // returns when no actor has a message (or a timer) left
    coact::runtime_stats stats = rt.stats();
    std::cout << stats.delivered << " messages delivered, " << stats.actors << " actors alive\n";
    // [/snippet:ping_pong_run]
}
