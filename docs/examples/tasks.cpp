// tasks.cpp — tasks, futures and the thread pool (Beazley's inlined futures), and an actor's
// offload.
//
// Snippets: docs/tutorial/03-bending-control-flow.md.
#include <iostream>
#include <stdexcept>
#include <string>
#include <thread>

#include <coact/coact.hpp>

namespace {

// [snippet:add_later]
coact::task<int> add_later(coact::thread_pool& p, int x, int y) {
    int r = co_await p.submit([=] { return x + y; });  // submit returns coact::future<int>
    co_return r;
}
// [/snippet:add_later]

// [snippet:depth]
coact::task<long> depth(long n) {
    if (n == 0) co_return 0;
    long below = co_await depth(n - 1);  // a task awaiting a task: no native stack per level
    co_return below + 1;
}
// [/snippet:depth]

// [snippet:which_thread]
coact::task<std::string> which_thread(coact::thread_pool& pool) {
    const std::thread::id before = std::this_thread::get_id();
    const std::thread::id job = co_await pool.submit([] { return std::this_thread::get_id(); });
    const std::thread::id after = std::this_thread::get_id();
    co_return std::string("job on another thread: ") + (job != before ? "yes" : "no") +
        ", resumed on the starting thread: " + (after == before ? "yes" : "no");
}
// [/snippet:which_thread]

// [snippet:offload]
std::size_t slow_checksum(const std::string& text) {  // stands for blocking work: a file, a query
    std::size_t s = 0;
    for (const char c : text) s = s * 31 + static_cast<unsigned char>(c);
    return s % 1000;
}

coact::actor checksum(coact::context& self) {
    for (;;) {
        const std::string text = co_await self.receive<std::string>();
        // A pool thread runs slow_checksum(text); the scheduler runs other actors meanwhile.
        const std::size_t sum = co_await self.offload(slow_checksum, text);
        std::cout << "checksum of '" << text << "': " << sum << '\n';
    }
}
// [/snippet:offload]

}  // namespace

int main() {
    std::cout << "== start and run\n";
    {
        // [snippet:start_run]
        coact::thread_pool pool{4};
        coact::future<int> f = coact::start(add_later(pool, 2, 3));  // a task is a future
        int five = f.get();                                 // blocks; rethrows the task's exception
        int also_five = coact::run(add_later(pool, 2, 3));  // run to completion on this thread
        std::cout << five << ' ' << also_five << '\n';
        // [/snippet:start_run]
    }

    std::cout << "== then\n";
    {
        // [snippet:then]
        coact::thread_pool pool{2};
        coact::future<int> answer = pool.submit([] { return 6 * 7; });
        coact::future<std::string> text = answer.then(
            [](coact::future<int> r) { return "the answer is " + std::to_string(r.get()); });
        std::cout << text.get() << '\n';
        coact::future<int> broken =
            pool.submit([]() -> int { throw std::runtime_error("no answer"); });
        try {
            broken.get();
        } catch (const std::runtime_error& e) {
            std::cout << "get rethrew: " << e.what() << '\n';
        }
        // [/snippet:then]
    }

    std::cout << "== which thread\n";
    {
        coact::thread_pool pool{2};
        std::cout << coact::run(which_thread(pool)) << '\n';
    }

    std::cout << "== a million deep\n";
    // [snippet:depth_run]
    std::cout << coact::run(depth(1'000'000)) << '\n';
    // [/snippet:depth_run]

    std::cout << "== offload\n";
    {
        // [snippet:offload_run]
        coact::runtime rt;  // its pool (offload_threads, 2 by default) starts at the first offload
        rt.spawn("checksum", checksum);
        rt.send("checksum", std::string("hello"));
        rt.run();  // does not return while an offload is in flight
        // [/snippet:offload_run]
    }
}
