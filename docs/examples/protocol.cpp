// protocol.cpp — every call of the coroutine protocol once, and every error coact throws.
//
// Snippets: docs/concepts/coroutine-protocol.md.
#include <exception>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <type_traits>

#include <coact/coact.hpp>

namespace {

// [snippet:summer]
coact::coroutine<int, int, int> summer() {  // yields int, receives int, returns int
    int total = 0;
    try {
        while (auto x = co_yield total) total += *x;
    } catch (const std::range_error&) {
        total = -1;
    }
    co_return total;
}
// [/snippet:summer]

// [snippet:stubborn]
coact::coroutine<int, int> stubborn() {
    for (;;) {
        try {
            co_yield 0;
        } catch (const coact::generator_exit&) {  // swallowed, and the loop yields again
        }
    }
}
// [/snippet:stubborn]

coact::coroutine<int, int>* self = nullptr;

// [snippet:reentrant]
coact::coroutine<int, int> reentrant() {
    co_yield 0;
    self->next();  // resumes itself from inside its own body
}
// [/snippet:reentrant]

}  // namespace

// [snippet:not_std_exception]
static_assert(!std::is_base_of_v<std::exception, coact::generator_exit>);
static_assert(std::is_base_of_v<std::runtime_error, coact::error>);
static_assert(std::is_base_of_v<coact::error, coact::already_running>);
// [/snippet:not_std_exception]

int main() {
    std::cout << "== the calls\n";
    {
        // [snippet:calls]
        auto c = summer();                   // created: nothing ran
        std::cout << *c.next() << ' ';       // 0: primed, now suspended
        std::cout << *c.send(2) << ' ';      // 2
        std::cout << *c.send(3) << '\n';     // 5
        std::optional<int> last = c.next();  // nothing sent: the body returns
        std::cout << std::boolalpha << last.has_value() << ' ' << c.result() << ' '
                  << coact::to_string(c.state()) << '\n';  // false 5 closed

        auto d = coact::primed(summer());
        d.send(4);
        last = d.raise(std::range_error("stop"));  // caught in the body, which then returns
        std::cout << last.has_value() << ' ' << d.result() << '\n';  // false -1
        // [/snippet:calls]
    }

    std::cout << "== the errors\n";
    // [snippet:errors]
    try {
        summer().send(1);  // a value to a just-created coroutine
    } catch (const coact::not_started& e) {
        std::cout << e.what() << '\n';
    }

    try {
        auto s = coact::primed(stubborn());
        s.close();  // the body yields again instead of returning
    } catch (const coact::ignored_exit& e) {
        std::cout << e.what() << '\n';
    }

    try {
        auto r = reentrant();
        self = &r;
        r.next();
        r.next();  // the body calls r.next() from inside
    } catch (const coact::already_running& e) {
        std::cout << e.what() << '\n';
    }

    try {
        auto s = summer();
        s.result();  // before the body returned
    } catch (const coact::not_finished& e) {
        std::cout << e.what() << '\n';
    }

    try {
        auto s = coact::primed(summer());
        s.raise(std::exception_ptr());  // a null exception_ptr
    } catch (const coact::error& e) {
        std::cout << e.what() << '\n';
    }
    // [/snippet:errors]
}
