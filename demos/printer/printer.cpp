// printer — the first actor of Beazley's "Generators: The Final Frontier" (PyCon 2014, part 6):
// a coroutine that prints every message it receives, reached by its name.
//
// In the talk the printer is a generator and send('printer', n) calls its send() directly. Here
// it is a coact actor: sends only queue the message, and the scheduler in run() delivers them
// in order. It is sent messages from outside (main) and from another actor, and it takes
// messages of more than one type.
//
//   build/release/demos/printer/printer
#include <iostream>
#include <string>

#include <coact/coact.hpp>

namespace {

// Prints whatever arrives, forever. `self.sender()` is null for messages sent from outside.
coact::actor printer(coact::context& self) {
    for (;;) {
        co_await self.receive([&](int n) { std::cout << "Got: " << n; },
                              [&](const std::string& text) { std::cout << "Got: " << text; });
        std::cout << (self.sender() ? " (from an actor)" : " (from outside)") << '\n';
    }
}

// Another actor: sends a few lines to the printer by name, then ends.
coact::actor greeter(coact::context& self, int count) {
    for (int i = 1; i <= count; ++i) {
        self.send("printer", "hello #" + std::to_string(i) + " from " + std::string(self.name()));
    }
    co_return;
}

}  // namespace

int main() {
    try {
        coact::runtime rt;
        rt.spawn("printer", printer);

        // The talk's loop: send('printer', n) for n = 10 down to 1. Nothing is printed yet: the
        // messages wait in the printer's mailbox until run().
        for (int n = 10; n > 0; --n) rt.send("printer", n);
        rt.send("printer", "a string is a message too");

        rt.spawn("greeter", greeter, 3);
        rt.run();  // the printer takes its 11 messages, then the greeter runs and sends 3 more

        const coact::runtime_stats stats = rt.stats();
        std::cout << "delivered: " << stats.delivered << ", actors alive: " << stats.actors
                  << " (the greeter has ended; the printer waits for more)\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "printer: " << e.what() << '\n';
        return 1;
    }
}
