// averager.cpp — return values: a coroutine's co_return value is its result() (Python's
// StopIteration.value), available once the body has returned.
//
// Snippets: docs/tutorial/01-generators-and-coroutines.md, "Return values".
#include <iostream>
#include <string>

#include <coact/coact.hpp>

namespace {

// [snippet:gen_with_return]
coact::coroutine<int, void, std::string> gen() {
    co_yield 1;
    co_yield 2;
    co_return "returned value";
}
// [/snippet:gen_with_return]

// [snippet:averager]
struct result {
    int count;
    double average;
};

coact::coroutine<double, double, result> averager_with_result() {
    int count = 0;
    double sum = 0, average = 0;
    while (auto value = co_yield average) {
        ++count;
        sum += *value;
        average = sum / count;
    }
    co_return result{count, average};  // every path must co_return a result
}
// [/snippet:averager]

}  // namespace

int main() {
    std::cout << "== gen\n";
    {
        // [snippet:gen_use]
        auto g = gen();
        while (auto v = g.next()) std::cout << *v << '\n';
        std::cout << g.result() << '\n';
        // [/snippet:gen_use]
    }

    std::cout << "== averager\n";
    // [snippet:averager_use]
    auto averager = coact::primed(averager_with_result());
    std::cout << *averager.send(2) << '\n';  // 2
    std::cout << *averager.send(4) << '\n';  // 3
    std::cout << *averager.send(1) << '\n';  // 2.33333
    std::cout << *averager.send(5) << '\n';  // 3
    try {
        averager.result();  // too early: the body has not returned
    } catch (const coact::not_finished& e) {
        std::cout << e.what() << '\n';
    }
    averager.next();  // nothing: the loop ends and the body returns
    auto [count, average] = averager.result();
    std::cout << "count " << count << ", average " << average << '\n';
    // [/snippet:averager_use]
}
