// actors_printer.cpp — Beazley's first actor: a printer that prints every message it is sent,
// reached by its name. Messages come from outside the runtime (main) and wait in the printer's
// mailbox, in order, until rt.run() delivers them.
//
// Snippets: docs/tutorial/02-actors.md, "The printer".
#include <iostream>

#include <coact/coact.hpp>

namespace {

// [snippet:printer]
coact::actor printer(coact::context& self) {
    for (;;) {
        int msg = co_await self.receive<int>();
        std::cout << "printer: " << msg << '\n';
    }
}
// [/snippet:printer]

}  // namespace

int main() {
    // [snippet:printer_run]
    coact::runtime rt;
    rt.spawn("printer", printer);
    for (int n = 10; n > 0; --n) rt.send("printer", n);
    std::cout << "10 messages queued\n";
    rt.run();
    // [/snippet:printer_run]
}
