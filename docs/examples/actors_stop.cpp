// actors_stop.cpp — how actors end. An actor whose function returns is done. rt.stop(target)
// closes an actor the Python way: coact::generator_exit is thrown out of its pending co_await,
// so its catch blocks and destructors run. rt.shutdown() (and the runtime's destructor) ends
// every actor by destroying its frame: destructors run, nothing is thrown into the body.
//
// Snippets: docs/tutorial/02-actors.md, "Stopping and shutting down".
#include <cstddef>
#include <iostream>
#include <string>

#include <coact/coact.hpp>

namespace {

// [snippet:worker]
struct connection {  // stands for anything a destructor must release
    std::string owner;
    ~connection() { std::cout << owner << ": connection released\n"; }
};

coact::actor worker(coact::context& self) {
    connection db{std::string(self.name())};
    try {
        for (;;) {
            int job = co_await self.receive<int>();
            std::cout << self.name() << ": job " << job << '\n';
        }
    } catch (const coact::generator_exit&) {  // thrown by stop(): not a std::exception
        std::cout << self.name() << ": stopping\n";
        throw;  // or return; either way the actor ends
    }
}
// [/snippet:worker]

}  // namespace

int main() {
    // [snippet:stop]
    coact::runtime rt;
    rt.spawn("w1", worker);
    rt.send("w1", 1);
    rt.run();
    rt.send("w1", 2);  // still queued when the stop comes: generator_exit wins
    rt.stop("w1");     // takes effect at w1's pending co_await, inside run()
    rt.run();
    std::cout << "alive: " << rt.stats().actors << ", dead letters: " << rt.stats().dead_letters
              << '\n';
    // [/snippet:stop]

    // [snippet:shutdown]
    rt.spawn("w2", worker);
    rt.send("w2", 3);
    rt.run();
    rt.send("w2", 4);
    std::size_t dropped = rt.shutdown();  // no "stopping": nothing is thrown in
    std::cout << "shutdown dropped " << dropped << " message, alive: " << rt.stats().actors << '\n';
    // [/snippet:shutdown]
}
