// actors_errors.cpp — every error of the actor API, provoked on purpose, and the exceptions
// that end an actor as failed.
//
// Snippets: docs/concepts/actors.md, "Errors".
#include <iostream>
#include <string>
#include <thread>

#include <coact/coact.hpp>

namespace {

coact::actor idle(coact::context& self) {
    for (;;) co_await self.receive<int>();
}

// [snippet:inside]
coact::actor misuse(coact::context& self) {
    try {
        co_await self.ask<int>(self.address(), 1);  // would wait forever for itself
    } catch (const coact::error& e) {
        std::cout << e.what() << '\n';
    }
    try {
        self.runtime().run();  // the scheduler this actor runs on
    } catch (const coact::error& e) {
        std::cout << e.what() << '\n';
    }
    std::thread other([&self] {
        try {
            self.runtime().spawn(idle);  // another thread, while run() is active
        } catch (const coact::error& e) {
            std::cout << e.what() << '\n';
        }
    });
    other.join();
}
// [/snippet:inside]

// [snippet:stubborn]
coact::actor stubborn(coact::context& self) {
    for (;;) {
        try {
            co_await self.receive<int>();
        } catch (const coact::generator_exit&) {
            std::cout << "stubborn: not stopping\n";  // and waits again: ended as failed
        }
    }
}
// [/snippet:stubborn]

}  // namespace

int main() {
    coact::runtime rt;
    // [snippet:outside]
    rt.spawn("idle", idle);
    try {
        rt.spawn("idle", idle);
    } catch (const coact::name_taken& e) {
        std::cout << e.what() << '\n';
    }
    try {
        rt.send("nobody", 1);
    } catch (const coact::no_such_actor& e) {
        std::cout << e.what() << '\n';
    }
    try {
        rt.send(coact::address(), 1);
    } catch (const coact::error& e) {
        std::cout << e.what() << '\n';
    }
    // [/snippet:outside]

    rt.spawn("misuse", misuse);
    rt.run();

    // [snippet:stubborn_run]
    rt.spawn("stubborn", stubborn);
    rt.run();
    rt.stop("stubborn");
    rt.run();
    std::cout << "failed: " << rt.stats().failed << '\n';
    // [/snippet:stubborn_run]
}
