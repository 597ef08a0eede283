// close.cpp — how a coroutine ends: an exception from inside, raise() from the caller, close()
// and generator_exit, a coroutine that ignores generator_exit, and destruction (RAII).
//
// Snippets: docs/tutorial/01-generators-and-coroutines.md, "close and cleanup"; and
// docs/concepts/coroutine-protocol.md.
#include <exception>
#include <iostream>
#include <optional>
#include <stdexcept>

#include <coact/coact.hpp>

namespace {

// [snippet:coroutine_exception]
coact::coroutine<int, int> coroutine_exception(int number) {
    std::cout << "-> coroutine started\n";
    for (;;) {
        std::optional<int> x;
        try {
            x = co_yield number;
        } catch (const std::invalid_argument&) {  // Python's ValueError
            std::cout << "*** invalid_argument handled. Continuing...\n";
            continue;
        } catch (const coact::generator_exit&) {
            std::cout << "closing: clean up here, then let it go\n";
            throw;
        }
        std::cout << "-> coroutine received: " << (x ? std::to_string(*x) : "nothing") << '\n';
        if (!x) throw std::domain_error("cannot add nothing to a number");
        number += *x;
    }
}
// [/snippet:coroutine_exception]

// [snippet:without_reraise]
coact::coroutine<int, int> coroutine_without_reraise() {
    for (;;) {
        try {
            std::optional<int> x = co_yield 0;
            std::cout << "got value " << x.value_or(-1) << '\n';
        } catch (const coact::generator_exit&) {
            std::cout << "I do nothing\n";  // ...and loop back to co_yield
        }
    }
}
// [/snippet:without_reraise]

// [snippet:not_a_std_exception]
coact::coroutine<int, int> catches_everything_std() {
    try {
        for (;;) co_yield 0;
    } catch (const std::exception& e) {  // does not catch generator_exit
        std::cout << "never printed by close(): " << e.what() << '\n';
    }
}
// [/snippet:not_a_std_exception]

// [snippet:raii]
struct connection {
    connection() { std::cout << "connection opened\n"; }
    ~connection() { std::cout << "connection closed\n"; }
};

coact::coroutine<int, int> service_with_connection() {
    connection conn;
    while (auto x = co_yield 0) std::cout << "serving " << *x << '\n';
}
// [/snippet:raii]

}  // namespace

int main() {
    std::cout << "== an exception from inside\n";
    {
        // [snippet:from_inside]
        auto mycoro = coact::primed(coroutine_exception(15));
        mycoro.send(2);
        try {
            mycoro.next();  // sends nothing: the body throws
        } catch (const std::domain_error& e) {
            std::cout << "caught: " << e.what() << '\n';
        }
        std::cout << "state: " << coact::to_string(mycoro.state()) << '\n';
        // [/snippet:from_inside]
    }

    std::cout << "== raise\n";
    {
        // [snippet:raise]
        auto mycoro = coact::primed(coroutine_exception(15));
        std::optional<int> r = mycoro.raise(std::invalid_argument("oh"));  // handled
        std::cout << "raise returned " << *r << ", state " << coact::to_string(mycoro.state())
                  << '\n';
        mycoro.send(2);
        try {
            mycoro.raise(std::out_of_range("not handled"));  // not handled: it dies
        } catch (const std::out_of_range& e) {
            std::cout << "caught: " << e.what() << ", state " << coact::to_string(mycoro.state())
                      << '\n';
        }
        // [/snippet:raise]
    }

    std::cout << "== close\n";
    {
        // [snippet:close]
        auto mycoro = coact::primed(coroutine_exception(2));
        mycoro.close();
        std::cout << "state: " << coact::to_string(mycoro.state()) << '\n';
        mycoro.close();  // closing again does nothing
        // [/snippet:close]
    }

    std::cout << "== ignoring generator_exit\n";
    {
        // [snippet:ignored_exit]
        auto mycoro = coact::primed(coroutine_without_reraise());
        mycoro.send(2);
        try {
            mycoro.close();
        } catch (const coact::ignored_exit& e) {
            std::cout << e.what() << '\n';
        }
        // [/snippet:ignored_exit]
    }

    std::cout << "== catch (const std::exception&) does not swallow close()\n";
    {
        // [snippet:not_a_std_exception_use]
        auto c = coact::primed(catches_everything_std());
        c.close();
        std::cout << "state: " << coact::to_string(c.state()) << '\n';
        // [/snippet:not_a_std_exception_use]
    }

    std::cout << "== destroying a suspended coroutine\n";
    {
        // [snippet:raii_use]
        {
            auto svc = coact::primed(service_with_connection());
            svc.send(1);
            std::cout << "leaving the scope\n";
        }  // the frame is destroyed: ~connection runs, nothing is thrown into the body
        std::cout << "left the scope\n";
        // [/snippet:raii_use]
    }
}
