// scoped.cpp — a generator that yields once as a scope guard: Python's @contextmanager.
//
// Snippets: docs/concepts/scoped.md.
#include <iostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <coact/coact.hpp>
#include <coact/scoped.hpp>

namespace {

// [snippet:tag]
// Beazley's "yield as scissors": before the co_yield is the entry, after it the exit.
coact::generator<std::string> tag(std::string name) {
    std::cout << '<' << name << ">\n";
    co_yield name;
    std::cout << "</" << name << ">\n";
}
// [/snippet:tag]

// [snippet:changed]
// A temporary change: set on entry, restored on exit however the scope is left. C++ has no
// `finally`: the catch (...) that rethrows and the normal path both restore.
coact::generator<int> changed(int& target, int value) {
    const int old = std::exchange(target, value);
    try {
        co_yield old;
    } catch (...) {
        target = old;
        throw;
    }
    target = old;
}
// [/snippet:changed]

// [snippet:transaction]
// A transaction over a list: the block edits a copy, committed on a normal exit. An exception
// from the block is thrown in at the co_yield: the copy is dropped, and the exception goes on
// unless it is a std::invalid_argument, which this manager swallows (suppresses).
coact::generator<std::vector<std::string>*> transaction(std::vector<std::string>& rows) {
    std::vector<std::string> pending = rows;
    try {
        co_yield &pending;
    } catch (const std::invalid_argument& e) {
        std::cout << "rolled back and suppressed: " << e.what() << '\n';
        co_return;
    } catch (const std::exception& e) {
        std::cout << "rolled back: " << e.what() << '\n';
        throw;
    }
    rows = std::move(pending);
    std::cout << "committed\n";
}
// [/snippet:transaction]

}  // namespace

int main() {
    // [snippet:guard]
    {
        coact::scoped h1(tag("h1"));  // prints <h1>
        std::cout << "inside " << *h1 << '\n';
    }  // prints </h1>
    // [/snippet:guard]

    // [snippet:temporary]
    int verbosity = 1;
    {
        coact::scoped old(changed(verbosity, 3));
        std::cout << "verbosity " << verbosity << " (was " << *old << ")\n";
    }
    std::cout << "verbosity " << verbosity << '\n';
    // [/snippet:temporary]

    // [snippet:with]
    std::vector<std::string> rows{"ada"};
    coact::with(transaction(rows),
                [](std::vector<std::string>* pending) { pending->push_back("grace"); });
    const bool completed = coact::with(transaction(rows), [](std::vector<std::string>* pending) {
        pending->push_back("nobody");
        throw std::invalid_argument("bad name");
    });
    std::cout << "completed: " << std::boolalpha << completed << ", rows: " << rows.size() << '\n';
    try {
        coact::with(transaction(rows), [](auto*) { throw std::runtime_error("disk full"); });
    } catch (const std::runtime_error& e) {
        std::cout << "caught: " << e.what() << '\n';
    }
    // [/snippet:with]

    // [snippet:unwinding]
    try {
        coact::scoped old(changed(verbosity, 5));
        throw std::runtime_error("failed inside");
    } catch (const std::runtime_error& e) {  // the guard threw coact::scope_unwinding into
        std::cout << e.what() << ", verbosity " << verbosity << '\n';  // changed(): restored
    }
    // [/snippet:unwinding]
}
