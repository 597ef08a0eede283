// actors_workers.cpp — the same actors on two threads. A runtime made with .workers = 2 runs
// them on the work-stealing scheduler: the thread calling run() and one more. Each pair of
// actors plays ping-pong; pairs run at the same time on different workers. The output is the
// same on every run because it only prints what does not depend on the interleaving: each
// actor's own count, and the totals.
//
// Snippets: docs/tutorial/02-actors.md, "More threads: the work-stealing mode".
#include <atomic>
#include <iostream>

#include <coact/coact.hpp>

namespace {

// [snippet:pair]
coact::actor pong(coact::context& self) {
    for (;;) {
        const int n = co_await self.receive<int>();
        self.reply(n + 1);  // back to whoever sent it
    }
}

coact::actor ping(coact::context& self, coact::address partner, int rounds,
                  std::atomic<long>* total) {
    int last = 0;
    self.send(partner, 0);
    while (last < 2 * rounds - 1) {
        last = co_await self.receive<int>();  // only this actor touches `last`: no lock
        self.send(partner, last + 1);
    }
    *total += last;  // shared by every ping: atomic
}
// [/snippet:pair]

}  // namespace

int main() {
    // [snippet:run]
    coact::runtime rt{{.workers = 2}};
    std::atomic<long> total{0};
    for (int i = 0; i < 100; ++i) rt.spawn(ping, rt.spawn(pong), 1000, &total);
    rt.run();  // returns when no actor on either worker has anything left to do
    std::cout << "total: " << total << '\n';
    std::cout << "delivered: " << rt.stats().delivered << '\n';
    // [/snippet:run]
}
