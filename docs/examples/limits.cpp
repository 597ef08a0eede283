// limits.cpp — the places where C++ cannot say what Python says, and what to write instead.
//
// Snippets: docs/concepts/coroutine-protocol.md, "What C++ cannot express".
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <coact/coact.hpp>

namespace {

// [snippet:yield_after_catch]
coact::coroutine<std::string, std::string> doubler() {
    std::string out = "send a number";
    while (auto text = co_yield out) {
        std::optional<std::string> error;
        try {
            out = std::to_string(2 * std::stol(*text));
        } catch (const std::exception& e) {
            error = e.what();  // no co_yield in a handler: remember what happened...
        }
        if (error) {
            std::optional<std::string> ack =
                co_yield "cannot double " + *text + " (" + *error + ")";
            out = ack ? "ok, send a number" : "bye";  // ...and yield after the try block
        }
    }
}
// [/snippet:yield_after_catch]

// [snippet:maybe_none]
coact::coroutine<int, int, std::optional<int>> first_negative() {
    while (auto x = co_yield 0) {
        if (*x < 0) co_return *x;
    }
    co_return std::nullopt;  // Python would return None implicitly; here it is spelled out
}
// [/snippet:maybe_none]

// [snippet:delegate_forms]
coact::coroutine<int, int, int> accumulator() {
    int total = 0;
    while (auto x = co_yield total) total += *x;
    co_return total;
}

coact::coroutine<int, int, int> sum_twice() {
    int first = co_yield coact::yield_from(accumulator());  // an rvalue: moved into this frame
    auto second = accumulator();
    co_yield coact::yield_from(second);  // an lvalue: borrowed, driven where it is
    co_return first + second.result();   // closed now, and its result() is still there
}
// [/snippet:delegate_forms]

// [snippet:borrowed]
coact::coroutine<int, int> forward_to(coact::coroutine<int, int, int>& sub) {
    co_yield coact::yield_from(sub);  // borrows the caller's coroutine
}
// [/snippet:borrowed]

// [snippet:adapter]
coact::coroutine<std::string, int> squares() {  // receives ints
    std::string out = "send a number";
    while (auto x = co_yield out) out = std::to_string(*x * *x);
}

// Cannot delegate to squares() from a coroutine<std::string, std::string>: the Send types
// differ. An adapter forwards by hand (next and send only; raise and close stay here).
coact::coroutine<std::string, std::string> squares_from_text() {
    auto inner = squares();
    std::optional<std::string> reply = inner.next();
    while (reply) {
        std::optional<std::string> text = co_yield *reply;
        reply = text ? inner.send(std::stoi(*text)) : inner.next();
    }
}
// [/snippet:adapter]

// [snippet:in_place]
coact::generator<int> all_of(const std::vector<int>& numbers) {
    co_yield coact::yield_from(
        numbers);  // iterates `numbers` itself: it must outlive the generator
}
// [/snippet:in_place]

// [snippet:catch_all]
coact::coroutine<int, int> careful() {
    for (;;) {
        try {
            co_yield 0;
        } catch (const coact::generator_exit&) {
            throw;  // first: let close() end the coroutine
        } catch (...) {
            std::cout << "something else was raised\n";
        }
    }
}
// [/snippet:catch_all]

// [snippet:braced]
int count_of(const std::vector<int>& v) { return static_cast<int>(v.size()); }

coact::generator<int> sizes() {
    // co_yield count_of(std::vector<int>{1, 2});  // g++ 12: "array used as initializer"
    const std::vector<int> pair{1, 2};
    co_yield count_of(pair);
}
// [/snippet:braced]

// [snippet:move_only]
coact::generator<std::unique_ptr<int>> boxes(int n) {
    for (int i = 0; i < n; ++i) co_yield std::make_unique<int>(i);
}
// [/snippet:move_only]

}  // namespace

int main() {
    std::cout << "== co_yield after the catch block\n";
    {
        // [snippet:yield_after_catch_use]
        auto d = coact::primed(doubler());
        std::cout << *d.send("21") << '\n';
        std::cout << *d.send("twenty") << '\n';
        std::cout << *d.send("ok") << '\n';
        // [/snippet:yield_after_catch_use]
    }

    std::cout << "== an explicit \"None\"\n";
    {
        // [snippet:maybe_none_use]
        auto f = coact::primed(first_negative());
        f.send(3);
        f.next();
        std::cout << (f.result() ? "a negative number" : "none found") << '\n';
        // [/snippet:maybe_none_use]
    }

    std::cout << "== a delegate is moved in or borrowed\n";
    {
        // [snippet:delegate_forms_use]
        auto s = coact::primed(sum_twice());  // suspended in the first accumulator
        s.send(2);
        s.send(3);
        s.next();  // the first one returns 5; the second one starts
        s.send(10);
        s.next();  // the second one returns 10
        std::cout << "sum_twice returned " << s.result() << '\n';
        // [/snippet:delegate_forms_use]
    }
    {
        // [snippet:borrowed_use]
        auto acc = accumulator();  // owned here
        auto f = forward_to(acc);  // borrows it while it runs
        f.next();
        f.send(2);
        std::cout << "while borrowed: " << coact::to_string(acc.state()) << '\n';
        try {
            acc.send(1);  // its owner may not drive it meanwhile
        } catch (const coact::already_running&) {
            std::cout << "acc.send(1): already_running\n";
        }
        std::cout << "through f: " << *f.send(3) << '\n';
        f.next();  // nothing sent: acc returns, and so does forward_to
        std::cout << "afterwards: " << coact::to_string(acc.state()) << ", result " << acc.result()
                  << '\n';
        // [/snippet:borrowed_use]
    }

    std::cout << "== an adapter between Send types\n";
    {
        auto s = squares_from_text();
        std::cout << *s.next() << '\n';
        std::cout << *s.send("12") << '\n';
    }

    std::cout << "== an lvalue range is iterated in place\n";
    {
        // [snippet:in_place_use]
        std::vector<int> numbers{1, 2, 3};
        auto g = all_of(numbers);
        auto it = g.begin();  // yields 1
        numbers[2] = 30;      // seen by the generator: nothing was copied
        for (; it != g.end(); ++it) std::cout << *it << ' ';
        std::cout << '\n';
        // [/snippet:in_place_use]
    }

    std::cout << "== catch (...) after generator_exit\n";
    {
        // [snippet:catch_all_use]
        auto c = coact::primed(careful());
        c.raise(42);
        c.close();
        std::cout << coact::to_string(c.state()) << '\n';
        // [/snippet:catch_all_use]
    }

    std::cout << "== name the braced temporary first\n";
    for (int n : sizes()) std::cout << n << '\n';

    std::cout << "== move-only values\n";
    {
        // [snippet:move_only_use]
        std::vector<std::unique_ptr<int>> kept;
        for (std::unique_ptr<int>& box : boxes(3)) kept.push_back(std::move(box));
        std::cout << kept.size() << " boxes, last holds " << *kept.back() << '\n';
        // [/snippet:move_only_use]
    }
}
