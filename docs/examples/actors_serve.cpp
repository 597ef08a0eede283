// actors_serve.cpp — a long-lived service. rt.serve() runs actors until request_stop(), sleeping
// while there is nothing to do, and rt.send() may be called from any thread meanwhile. Four
// producer threads send numbers; messages from one sender arrive in the order sent, so each
// producer's "done" comes after all of its numbers.
//
// Snippets: docs/tutorial/02-actors.md, "Services: serve() and other threads".
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <coact/coact.hpp>

namespace {

constexpr int producers = 4;

// [snippet:summer]
coact::actor summer(coact::context& self) {
    long total = 0;
    int done = 0;
    while (done < producers) {
        co_await self.receive([&](long n) { total += n; },
                              [&](const std::string&) { ++done; });  // "done"
    }
    std::cout << "total: " << total << '\n';
    self.runtime().request_stop();  // serve() returns after this turn
}
// [/snippet:summer]

}  // namespace

int main() {
    // [snippet:serve]
    coact::runtime rt;
    rt.spawn("summer", summer);
    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p) {
        threads.emplace_back([&rt] {
            for (long n = 1; n <= 1000; ++n) rt.send("summer", n);  // any thread may send
            rt.send("summer", "done");
        });
    }
    rt.serve();  // on this thread, until request_stop()
    for (std::thread& t : threads) t.join();
    // [/snippet:serve]
    std::cout << "delivered: " << rt.stats().delivered << '\n';
}
