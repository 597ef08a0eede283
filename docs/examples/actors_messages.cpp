// actors_messages.cpp — messages are typed values. receive<T>() takes the next message as a T
// (anything else is a coact::bad_message); receive(handlers...) takes the next message and calls
// the handler whose parameter type matches.
//
// Snippets: docs/tutorial/02-actors.md, "Typed messages".
#include <iostream>
#include <memory>
#include <string>

#include <coact/coact.hpp>

// Outside the anonymous namespace, so that bad_message names them plainly.
// [snippet:account_messages]
struct deposit {
    int amount;
};
struct withdraw {
    int amount;
};
// [/snippet:account_messages]

namespace {

// [snippet:strict]
coact::actor strict(coact::context& self) {
    for (;;) {
        try {
            int n = co_await self.receive<int>();
            std::cout << "strict: " << n << '\n';
        } catch (const coact::bad_message& e) {  // the message was not an int
            std::cout << e.what() << '\n';
        }
    }
}
// [/snippet:strict]

// [snippet:account]
coact::actor account(coact::context& self) {
    int balance = 0;
    for (;;) {
        co_await self.receive([&](deposit d) { balance += d.amount; },
                              [&](withdraw w) { balance -= w.amount; },
                              [&](const std::string& command) {
                                  if (command == "print")
                                      std::cout << "balance: " << balance << '\n';
                              });
    }
}
// [/snippet:account]

// [snippet:parse]
coact::actor parser(coact::context& self) {
    for (;;) {
        // Every handler returns an int.
        int value = co_await self.receive([](int n) { return n; },
                                          [](const std::string& text) { return std::stoi(text); });
        std::cout << "parsed " << value << '\n';
    }
}
// [/snippet:parse]

// [snippet:move_only]
coact::actor keeper(coact::context& self) {
    std::unique_ptr<std::string> box = co_await self.receive<std::unique_ptr<std::string>>();
    std::cout << "keeper: " << *box << '\n';
}
// [/snippet:move_only]

}  // namespace

int main() {
    coact::runtime rt;
    // [snippet:strict_run]
    rt.spawn("strict", strict);
    rt.send("strict", 1);
    rt.send("strict", "two");  // a C string is stored, and received, as a std::string
    rt.send("strict", 3);
    rt.run();
    // [/snippet:strict_run]

    // [snippet:account_run]
    rt.spawn("account", account);
    rt.send("account", deposit{100});
    rt.send("account", withdraw{30});
    rt.send("account", "print");
    rt.run();
    // [/snippet:account_run]

    rt.spawn("parser", parser);
    rt.send("parser", 7);
    rt.send("parser", std::string("42"));
    rt.run();

    // [snippet:move_only_run]
    rt.spawn("keeper", keeper);
    rt.send("keeper", std::make_unique<std::string>("a move-only message"));
    rt.run();
    // [/snippet:move_only_run]

    // [snippet:unhandled]
    rt.send("account", 2.5);  // no handler takes a double: the account fails
    rt.run();
    std::cout << "failed: " << rt.stats().failed << ", account alive: " << std::boolalpha
              << static_cast<bool>(rt.try_lookup("account")) << '\n';
    // [/snippet:unhandled]
}
