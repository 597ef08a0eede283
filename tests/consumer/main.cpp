// A program written against an *installed* coact, as a user would write it: it sees only what
// `find_package(coact)` or `pkg-config coact` gives it. Built and run by run.cmake (the CTest
// test `consumer.find_package`); prints one line and exits 0 when the results are right.
#include <chrono>
#include <cstdio>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <coact/coact.hpp>
#include <coact/supervisor.hpp>

namespace {

coact::generator<int> fib() {
    int a = 0, b = 1;
    for (;;) {
        co_yield a;
        std::tie(a, b) = std::pair{b, a + b};
    }
}

coact::coroutine<int, int> running_total() {
    int total = 0;
    while (auto v = co_yield total) total += *v;
}

// contract.md §3: a task awaiting a thread pool's future.
coact::task<int> add_later(coact::thread_pool& p, int x, int y) {
    int r = co_await p.submit([=] { return x + y; });
    co_return r;
}

// contract.md §5: a monitor's down, with the contract's field names.
coact::actor fails_at_once(coact::context&) {
    throw std::runtime_error("boom");
    co_return;
}

}  // namespace

int main() {
    int fib_sum = 0;
#if defined(__clang__) && __clang_major__ < 16 && defined(__GLIBCXX__)
    // clang < 16 cannot compile libstdc++'s range adaptors at all (even `vector | views::take(2)`
    // fails: llvm-project issue 44178), so with clang 14 the first ten are taken by hand.
    int taken = 0;
    for (int x : fib()) {
        if (taken++ == 10) break;
        fib_sum += x;
    }
#else
    for (int x : fib() | std::views::take(10)) fib_sum += x;
#endif

    auto total = running_total();
    total.next();
    total.send(5);
    std::optional<int> r = total.send(7);

    coact::thread_pool pool{2};
    const int five = coact::start(add_later(pool, 2, 3)).get();

    coact::runtime rt;
    coact::exit_reason seen{};
    rt.spawn("watcher", [&](coact::context& self) -> coact::actor {
        self.monitor(self.spawn(fails_at_once));
        const coact::down d = co_await self.receive<coact::down>();
        if (d.who) seen = d.reason;
    });
    rt.run();
    if (seen.kind != coact::exit_kind::failed || seen.what() != "boom") {
        std::fprintf(stderr, "coact consumer: wrong down: %s\n", seen.what().c_str());
        return 1;
    }

    // Issue 7: an installed <coact/supervisor.hpp>; a child failing once is restarted, and a
    // bounded mailbox refuses a third message.
    coact::runtime sup_rt;
    int bodies = 0;
    std::vector<coact::child_spec> children{
        {.name = "flaky", .start = [&bodies](coact::context& self) -> coact::actor {
             ++bodies;
             const int n = co_await self.receive<int>();
             if (n < 0) throw std::runtime_error("negative");
         }}};
    sup_rt.spawn("sup", coact::supervise, coact::supervisor_options{}, children);
    sup_rt.run();
    sup_rt.send("flaky", -1);
    sup_rt.run();
    sup_rt.spawn(coact::spawn_options{.name = "small", .capacity = 2}, fails_at_once);
    bool refused = false;
    try {
        for (int i = 0; i < 3; ++i) sup_rt.send("small", i);
    } catch (const coact::mailbox_full&) {
        refused = true;
    }
    if (bodies != 2 || sup_rt.stats().restarts != 1 || !refused) {
        std::fprintf(stderr, "coact consumer: supervision: %d bodies, %llu restarts, refused %d\n",
                     bodies, static_cast<unsigned long long>(sup_rt.stats().restarts),
                     refused ? 1 : 0);
        return 1;
    }

    // Issue 16: ask_for gives up with ask_timeout (on virtual time: at once).
    coact::runtime timed{{.virtual_time = true}};
    timed.spawn("mute", [](coact::context& self) -> coact::actor {
        for (;;) co_await self.receive<int>();
    });
    std::string timeout_text;
    timed.spawn([&](coact::context& self) -> coact::actor {
        try {
            co_await self.ask_for<int>(std::chrono::milliseconds(5), "mute", 1);
        } catch (const coact::ask_timeout& e) {
            timeout_text = e.what();
        }
    });
    timed.run();
    timed.stop("mute");
    timed.run();
    if (timeout_text.find("'mute'") == std::string::npos || timed.stats().actors != 0) {
        std::fprintf(stderr, "coact consumer: ask_for: '%s', %llu actors left\n",
                     timeout_text.c_str(), static_cast<unsigned long long>(timed.stats().actors));
        return 1;
    }

    if (fib_sum != 88 || !r || *r != 12 || five != 5) {
        std::fprintf(stderr,
                     "coact consumer: wrong results: fib sum %d (want 88), total %d (want 12), "
                     "task %d (want 5)\n",
                     fib_sum, r ? *r : -1, five);
        return 1;
    }
    std::printf("coact consumer: ok (fib sum %d, running total %d, task %d)\n", fib_sum, *r, five);
    return 0;
}
