// mailboxes.cpp — bounded mailboxes: reject, drop_newest, and backpressure with put.
//
// Snippets: docs/concepts/mailboxes.md.
#include <iostream>
#include <string>

#include <coact/coact.hpp>

namespace {

coact::actor printer(coact::context& self) {
    for (;;) {
        const int n = co_await self.receive<int>();  // before <<: clang and g++ order it apart
        std::cout << "printer: " << n << '\n';
    }
}

}  // namespace

int main() {
    {
        // [snippet:reject]
        coact::runtime rt;
        rt.spawn(coact::spawn_options{.name = "printer", .capacity = 2}, printer);
        rt.send("printer", 1);
        rt.send("printer", 2);
        try {
            rt.send("printer", 3);  // two are queued already: refused
        } catch (const coact::mailbox_full& e) {
            std::cout << e.what() << '\n';
        }
        rt.run();
        // [/snippet:reject]
    }
    {
        // [snippet:drop]
        coact::runtime rt;
        const coact::address p = rt.spawn(
            coact::spawn_options{.capacity = 2, .overflow = coact::overflow::drop_newest}, printer);
        for (int i = 1; i <= 4; ++i) rt.send(p, i);
        rt.run();
        std::cout << "dropped: " << rt.stats().dropped << '\n';
        // [/snippet:drop]
    }
    {
        // [snippet:put]
        coact::runtime rt;
        const coact::address consumer =
            rt.spawn(coact::spawn_options{.capacity = 2, .overflow = coact::overflow::wait},
                     [](coact::context& self) -> coact::actor {
                         for (int i = 0; i < 5; ++i) {
                             const int n = co_await self.receive<int>();
                             std::cout << "consumer took " << n << '\n';
                         }
                     });
        rt.spawn([consumer](coact::context& self) -> coact::actor {
            for (int i = 0; i < 5; ++i) {
                co_await self.put(consumer, i);  // waits while two are queued
                std::cout << "producer put " << i << '\n';
            }
        });
        rt.run();
        // [/snippet:put]
    }
}
