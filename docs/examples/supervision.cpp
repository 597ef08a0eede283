// supervision.cpp — supervisors: coact::supervise, restart intensity, and a supervisor written
// by hand with the engine's primitives (spawn_options::supervisor, child_failed, restart).
//
// Snippets: docs/concepts/supervision.md. (What a failing actor prints to stderr is not part
// of the checked output.)
#include <chrono>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include <coact/coact.hpp>
#include <coact/supervisor.hpp>

namespace {

// [snippet:worker]
// Doubles what it is sent, and fails on a negative number. `seen` lives in the body: a restart
// starts again from 0.
coact::actor doubler(coact::context& self) {
    int seen = 0;
    for (;;) {
        const int n = co_await self.receive<int>();
        if (n < 0) throw std::invalid_argument("negative input " + std::to_string(n));
        std::cout << "doubler: " << n << " -> " << 2 * n << " (" << ++seen << " seen)\n";
    }
}

// A child with arguments: its spec's start function passes them (see `children` below).
coact::actor greeter(coact::context& self, std::string greeting) {
    for (;;) {
        const std::string who = co_await self.receive<std::string>();  // taken before the << chain
        std::cout << greeting << ", " << who << '\n';
    }
}
// [/snippet:worker]

// [snippet:on_event]
void print_event(const coact::supervisor_event& e) {
    std::cout << "supervisor: " << coact::to_string(e.what) << ' ' << e.child;
    if (!e.reason.empty()) std::cout << " (" << e.reason << ')';
    std::cout << '\n';
}
// [/snippet:on_event]

// [snippet:watch]
coact::actor watch(coact::context& self, coact::address supervisor) {
    self.monitor(supervisor);
    const coact::down d = co_await self.receive<coact::down>();
    std::cout << "watch: the supervisor ended: " << d.reason.what() << '\n';
}
// [/snippet:watch]

// [snippet:by_hand]
// A supervisor written with the primitives: it restarts its child twice, then ends it for good.
coact::actor patient(coact::context& self) {
    self.spawn(coact::spawn_options{.name = "doubler", .supervisor = self.address()}, doubler);
    for (int restarts = 0;; ++restarts) {
        const coact::child_failed f = co_await self.receive<coact::child_failed>();
        std::cout << "patient: child failed (" << f.reason.what() << ")\n";
        if (restarts == 2) {
            self.stop(f.who);  // held: it ends now, with this failure as its reason
            co_return;
        }
        self.restart(f.who);  // a new body, same address and name, the queued messages kept
    }
}
// [/snippet:by_hand]

}  // namespace

int main() {
    std::cout << "== supervise\n";
    {
        // [snippet:supervise]
        std::vector<coact::child_spec> children{
            {.name = "doubler", .start = doubler},
            {.name = "greeter",
             .start = [](coact::context& self) { return greeter(self, "hello"); }}};
        coact::supervisor_options options{.strategy = coact::restart_strategy::one_for_one,
                                          .max_restarts = 3,
                                          .within = std::chrono::seconds(5),
                                          .on_event = print_event};
        coact::runtime rt;
        rt.spawn("supervisor", coact::supervise, options, children);
        rt.run();  // the supervisor starts its children
        const coact::address before = rt.try_lookup("doubler");
        for (int n : {1, 2, -3, 4}) rt.send("doubler", n);
        rt.send(before, 5);
        rt.send("greeter", std::string("world"));
        rt.run();
        std::cout << "same address: " << std::boolalpha << (rt.try_lookup("doubler") == before)
                  << ", restarts: " << rt.stats().restarts
                  << ", dead letters: " << rt.stats().dead_letters << '\n';
        // [/snippet:supervise]
    }

    std::cout << "== give up\n";
    {
        // [snippet:give_up]
        coact::runtime rt;
        std::vector<coact::child_spec> children{{.name = "doubler", .start = doubler}};
        const coact::address supervisor = rt.spawn(
            "supervisor", coact::supervise, coact::supervisor_options{.max_restarts = 1}, children);
        rt.spawn(watch, supervisor);
        rt.run();
        for (int n : {-1, -2, 3}) rt.send("doubler", n);  // two failures: one restart too many
        rt.run();
        std::cout << "actors: " << rt.stats().actors
                  << ", dead letters: " << rt.stats().dead_letters << '\n';
        // [/snippet:give_up]
    }

    std::cout << "== tree\n";
    {
        // [snippet:tree]
        // "workers" gives up at its child's first failure; "root" restarts it, children and all.
        std::vector<coact::child_spec> workers{{.name = "doubler", .start = doubler}};
        const coact::supervisor_options strict{.max_restarts = 0};
        std::vector<coact::child_spec> tree{
            {.name = "workers", .start = [strict, workers](coact::context& self) {
                 return coact::supervise(self, strict, workers);
             }}};
        coact::runtime rt;
        rt.spawn("root", coact::supervise, coact::supervisor_options{.on_event = print_event},
                 tree);
        rt.run();
        rt.send("doubler", -1);
        rt.run();
        rt.send("doubler", 6);
        rt.run();
        // [/snippet:tree]
    }

    std::cout << "== by hand\n";
    {
        // [snippet:by_hand_run]
        coact::runtime rt;
        rt.spawn("patient", patient);
        rt.run();
        for (int n : {1, -1, 2, -2, 3, -3, 4}) rt.send("doubler", n);
        rt.run();
        std::cout << "actors: " << rt.stats().actors << ", failed: " << rt.stats().failed
                  << ", restarts: " << rt.stats().restarts
                  << ", dead letters: " << rt.stats().dead_letters << '\n';
        // [/snippet:by_hand_run]
    }
}
