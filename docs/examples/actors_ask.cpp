// actors_ask.cpp — answering messages: self.sender() is who sent the message being handled,
// self.reply(v) answers it, and co_await self.ask<R>(target, msg) sends a request and waits
// for its reply while other messages queue up in order; ask_for<R>(timeout, ...) gives up.
//
// Snippets: docs/tutorial/02-actors.md, "Replies and ask".
#include <chrono>
#include <iostream>
#include <string>

#include <coact/coact.hpp>

using namespace std::chrono_literals;

namespace {

// [snippet:doubler]
coact::actor doubler(coact::context& self) {
    for (;;) {
        int n = co_await self.receive<int>();
        self.reply(2 * n);  // to an ask: its answer; to a plain message: a message to the sender
    }
}
// [/snippet:doubler]

// [snippet:plain_client]
coact::actor plain_client(coact::context& self) {
    self.send("doubler", 5);
    int answer = co_await self.receive<int>();  // the reply comes back as an ordinary message
    std::cout << "plain_client: 5 doubled is " << answer << '\n';
}
// [/snippet:plain_client]

// [snippet:asker]
coact::actor asker(coact::context& self) {
    int answer = co_await self.ask<int>("doubler", 21);
    std::cout << "asker: 21 doubled is " << answer << '\n';
    for (int i = 0; i < 2; ++i) {  // what arrived during the ask waited in the mailbox
        std::string note = co_await self.receive<std::string>();
        std::cout << "asker: then " << note << '\n';
    }
}

coact::actor chatter(coact::context& self) {
    self.send("asker", "note 1");
    self.send("asker", "note 2");
    co_return;
}
// [/snippet:asker]

// [snippet:forgetful]
coact::actor forgetful(coact::context& self) {
    co_await self.receive<int>();  // takes the request, then returns without replying
}

coact::actor hopeful(coact::context& self) {
    try {
        int answer = co_await self.ask<int>("forgetful", 1);
        std::cout << "hopeful: got " << answer << '\n';
    } catch (const coact::no_reply& e) {
        std::cout << "hopeful: " << e.what() << '\n';
    }
}
// [/snippet:forgetful]

// [snippet:impatient]
coact::actor slow_doubler(coact::context& self) {
    for (;;) {
        int n = co_await self.receive<int>();
        co_await self.sleep(50ms);  // thinks it over
        self.reply(2 * n);
    }
}

coact::actor impatient(coact::context& self) {
    try {
        int answer = co_await self.ask_for<int>(10ms, "slow", 1);
        std::cout << "impatient: got " << answer << '\n';
    } catch (const coact::ask_timeout& e) {
        std::cout << "impatient: " << e.what() << '\n';
    }
    int answer = co_await self.ask_for<int>(1s, "slow", 2);  // this one comes in time
    std::cout << "impatient: then got " << answer << '\n';
}
// [/snippet:impatient]

}  // namespace

int main() {
    coact::runtime rt;
    rt.spawn("doubler", doubler);

    rt.spawn("plain_client", plain_client);
    rt.run();

    // [snippet:ask_run]
    rt.spawn("asker", asker);      // runs first: asks, and waits for the reply
    rt.spawn("chatter", chatter);  // sends two notes to the asker meanwhile
    rt.run();
    // [/snippet:ask_run]

    rt.spawn("forgetful", forgetful);
    rt.spawn("hopeful", hopeful);
    rt.run();

    // [snippet:outside]
    rt.send("doubler", 4);  // from outside: sender() is a null address, so the reply has no one
    rt.run();               // to go to and becomes a dead letter
    std::cout << "dead letters: " << rt.stats().dead_letters << '\n';
    // [/snippet:outside]

    // [snippet:impatient_run]
    coact::runtime timed{{.virtual_time = true}};  // the same with real time, only slower
    timed.spawn("slow", slow_doubler);
    timed.spawn("impatient", impatient);
    timed.run();
    std::cout << "dead letters: " << timed.stats().dead_letters << " (the late reply)\n";
    // [/snippet:impatient_run]
}
