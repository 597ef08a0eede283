// actors_spawn.cpp — actors that create actors. A prime sieve in the style of CSP: each filter
// is an anonymous actor that keeps the first number it receives (a prime), drops its multiples,
// and passes the rest to a filter it spawns itself, reached by address. A number 0 ends the
// stream.
//
// Snippets: docs/tutorial/02-actors.md, "Anonymous actors and addresses".
#include <iostream>
#include <string>
#include <unordered_set>

#include <coact/coact.hpp>

namespace {

// [snippet:filter]
coact::actor filter(coact::context& self) {
    const int prime = co_await self.receive<int>();
    if (prime == 0) co_return;
    std::cout << prime << ' ';
    coact::address next;  // null until a number gets through
    for (;;) {
        const int n = co_await self.receive<int>();
        if (n == 0) {
            if (next) self.send(next, 0);
            co_return;
        }
        if (n % prime == 0) continue;
        if (!next) next = self.spawn(filter);  // anonymous: known only by its address
        self.send(next, n);
    }
}
// [/snippet:filter]

// [snippet:greeter]
coact::actor greeter(coact::context& self, std::string greeting) {  // a spawn argument
    co_await self.receive<int>();
    std::cout << greeting << " from " << (self.name().empty() ? "an anonymous actor" : self.name())
              << '\n';
}
// [/snippet:greeter]

}  // namespace

int main() {
    // [snippet:sieve_run]
    coact::runtime rt;
    coact::address first = rt.spawn(filter);
    for (int n = 2; n <= 30; ++n) rt.send(first, n);
    rt.send(first, 0);
    rt.run();
    std::cout << '\n'
              << rt.stats().spawned << " filters spawned, " << rt.stats().actors << " alive\n";
    // [/snippet:sieve_run]

    // [snippet:addresses]
    coact::address a = rt.spawn("hello", greeter, std::string("hello"));
    coact::address b = rt.spawn(greeter, std::string("hi"));
    std::unordered_set<coact::address> known{a, b};  // comparable and hashable
    std::cout << std::boolalpha << (rt.lookup("hello") == a) << ' ' << (a == b) << ' '
              << known.size() << ' ' << static_cast<bool>(rt.try_lookup("nobody")) << '\n';
    rt.send(a, 1);
    rt.send(b, 1);
    rt.run();
    // [/snippet:addresses]
}
