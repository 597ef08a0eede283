// actors_monitors.cpp — monitors, links and trapped exits.
//
// Snippets: docs/concepts/actors.md, "Monitors and links". (What a failing actor prints to
// stderr is not part of the checked output.)
#include <iostream>
#include <stdexcept>
#include <string>

#include <coact/coact.hpp>

namespace {

// [snippet:worker]
coact::actor worker(coact::context& self) {
    for (;;) {
        const int n = co_await self.receive<int>();
        if (n < 0) throw std::invalid_argument("negative input " + std::to_string(n));
        std::cout << "worker: " << n << '\n';
    }
}
// [/snippet:worker]

// [snippet:watcher]
coact::actor watcher(coact::context& self, coact::address target) {
    self.monitor(target);
    self.send(target, 1);
    self.send(target, -1);  // the worker fails; the watcher hears of it
    const coact::down d = co_await self.receive<coact::down>();
    std::cout << "watcher: worker ended, failed: " << std::boolalpha << d.reason.failed()
              << ", reason: " << d.reason.what() << '\n';
}
// [/snippet:watcher]

// [snippet:keeper]
coact::actor keeper(coact::context& self, coact::address partner) {
    self.trap_exits(true);  // a partner's end is a message, not a stop
    self.link(partner);
    const coact::exit e = co_await self.receive<coact::exit>();
    std::cout << "keeper: partner ended (" << e.reason.what() << "), keeper not stopped\n";
}
// [/snippet:keeper]

}  // namespace

int main() {
    std::cout << "== monitor\n";
    {
        // [snippet:monitor_run]
        coact::runtime rt;
        const coact::address w = rt.spawn("worker", worker);
        rt.spawn("watcher", watcher, w);
        rt.run();
        // [/snippet:monitor_run]
    }

    std::cout << "== link\n";
    {
        // [snippet:link_run]
        coact::runtime rt;
        const coact::address w = rt.spawn(worker);
        rt.spawn([w](coact::context& self) -> coact::actor {
            self.link(w);  // closed when w fails
            for (;;) co_await self.receive<int>();
        });
        rt.spawn(keeper, w);
        rt.run();
        rt.send(w, -2);
        rt.run();
        std::cout << "actors left: " << rt.stats().actors << ", failed: " << rt.stats().failed
                  << '\n';
        // [/snippet:link_run]
    }
}
