// tutorial_work_stealing.cpp — actors on several cores: runtime_options{.workers = N}, what
// stays the same (each sender's order, an actor on one thread at a time, sends from any thread),
// what changes (no order across actors, counters read after run(), the step-by-step test mode
// stays single-threaded), serve() and request_stop() from other threads, and which workloads a
// second worker speeds up.
//
// Every run prints the same thing: only what does not depend on how the actors interleave
// (results sorted before they are printed, totals, counters read after run()).
//
//   tutorial_work_stealing          the examples of the chapter
//   tutorial_work_stealing --time   also times independent work and a ring with 1 and 2 workers
//
// Snippets: docs/tutorial/04-work-stealing.md.
#include <atomic>
#include <chrono>
#include <future>
#include <iostream>
#include <map>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include <coact/coact.hpp>
#include <coact/testing.hpp>

namespace {

// [snippet:primes]
struct range {  // the numbers lo, lo + 1, ..., hi - 1
    int lo = 0;
    int hi = 0;
};

struct count {
    range r;
    int primes = 0;
};

bool is_prime(int n) {
    if (n < 2) return false;
    for (int d = 2; d * d <= n; ++d) {
        if (n % d == 0) return false;
    }
    return true;
}

// Counts the primes in each range it is sent, and answers with a count.
coact::actor prime_counter(coact::context& self) {
    for (;;) {
        const range r = co_await self.receive<range>();
        int primes = 0;
        for (int n = r.lo; n < r.hi; ++n) primes += is_prime(n) ? 1 : 0;
        self.reply(count{r, primes});
    }
}

// Cuts [0, limit) into `pieces` ranges, one per counter, and collects the answers.
coact::actor tally(coact::context& self, int limit, int pieces, std::map<int, int>* by_range) {
    const int size = limit / pieces;
    for (int i = 0; i < pieces; ++i) {
        self.send(self.spawn(prime_counter), range{i * size, (i + 1) * size});
    }
    for (int i = 0; i < pieces; ++i) {
        const count c = co_await self.receive<count>();  // in whatever order they finish
        (*by_range)[c.r.lo] = c.primes;                  // a map keeps them sorted by range
    }
}
// [/snippet:primes]

// [snippet:order]
// Sends 0, 1, 2, ... to `to`.
coact::actor producer(coact::context& self, coact::address to, int how_many) {
    for (int n = 0; n < how_many; ++n) self.send(to, n);
    co_return;
}

// Checks that each sender's numbers arrive as 0, 1, 2, ... whoever else sends meanwhile.
coact::actor checker(coact::context& self, int expected) {
    std::unordered_map<coact::address, int> next;  // the number due from each sender
    bool in_order = true;
    for (int i = 0; i < expected; ++i) {
        const int n = co_await self.receive<int>();
        in_order = in_order && n == next[self.sender()]++;
    }
    std::cout << "checker: " << expected << " messages from " << next.size()
              << " senders, each sender's in order: " << std::boolalpha << in_order << '\n';
}
// [/snippet:order]

// [snippet:summer]
// Adds up what producers send until each has said "done", then answers through a promise.
coact::actor summer(coact::context& self, int producers, std::promise<long>* result) {
    long total = 0;
    for (int done = 0; done < producers;) {
        co_await self.receive([&](long n) { total += n; }, [&](const std::string&) { ++done; });
    }
    result->set_value(total);
}
// [/snippet:summer]

// [snippet:ring]
// One member of a ring: takes a token, passes it on, one less, until it is 0.
coact::actor member(coact::context& self, int index, std::atomic<int>* holder) {
    const coact::address next = co_await self.receive<coact::address>();  // wired up first
    for (;;) {
        const int token = co_await self.receive<int>();
        if (token == 0) {
            *holder = index;  // the token stops here
        } else {
            self.send(next, token - 1);
        }
    }
}

// Builds a ring of `size` members, passes a token `passes` times, and says where it stopped.
int run_ring(coact::runtime& rt, int size, int passes) {
    std::atomic<int> holder{-1};
    std::vector<coact::address> ring;
    for (int i = 0; i < size; ++i) ring.push_back(rt.spawn(member, i, &holder));
    for (int i = 0; i < size; ++i) rt.send(ring[i], ring[(i + 1) % size]);
    rt.send(ring[0], passes);
    rt.run();
    return holder;
}
// [/snippet:ring]

std::map<int, int> count_primes(coact::runtime& rt, int limit, int pieces) {
    std::map<int, int> by_range;
    rt.spawn(tally, limit, pieces, &by_range);
    rt.run();
    return by_range;
}

// Seconds `work` takes on a runtime made with `options` (the runtime is made beforehand).
template <class Work>
double seconds(coact::runtime_options options, Work work) {
    coact::runtime rt{options};
    const auto start = std::chrono::steady_clock::now();
    work(rt);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void time_workloads() {
    const coact::runtime_options single{};                         // workers = 1
    const coact::runtime_options stealing{.work_stealing = true};  // the same scheduler, 1 thread
    const coact::runtime_options two{.workers = 2};
    auto primes = [](coact::runtime& rt) { count_primes(rt, 4'000'000, 64); };
    auto ring = [](coact::runtime& rt) { run_ring(rt, 503, 2'000'000); };
    for (auto [name, work] : {std::pair{"primes", +primes}, std::pair{"ring", +ring}}) {
        const double one = seconds(single, work);
        const double stolen = seconds(stealing, work);
        const double both = seconds(two, work);
        std::cout << name << ": 1 worker " << one << " s, stealing on 1 thread " << stolen
                  << " s, 2 workers " << both << " s; 2 workers are " << one / both
                  << " times as fast as 1\n";
    }
}

}  // namespace

int main(int argc, char** argv) {
    {
        // [snippet:workers]
        coact::runtime rt{{.workers = 2}};  // the thread that calls run(), and one more
        std::map<int, int> by_range;
        rt.spawn(tally, 100'000, 4, &by_range);
        rt.run();  // returns when both workers are idle with nothing left to do
        int total = 0;
        for (const auto& [lo, primes] : by_range) {
            std::cout << "primes from " << lo << ": " << primes << '\n';
            total += primes;
        }
        std::cout << "primes below 100000: " << total << '\n';
        // [/snippet:workers]
    }

    {
        // [snippet:order_run]
        coact::runtime rt{{.workers = 2}};
        const coact::address c = rt.spawn(checker, 3 * 10'000);
        for (int p = 0; p < 3; ++p) rt.spawn(producer, c, 10'000);
        rt.run();
        const coact::runtime_stats stats = rt.stats();  // exact now that run() has returned
        std::cout << "delivered: " << stats.delivered << ", actors alive: " << stats.actors << '\n';
        // [/snippet:order_run]
    }

    {
        // [snippet:serve]
        coact::runtime rt{{.workers = 2}};
        std::thread service([&rt] { rt.serve(); });  // the scheduler, on a thread of its own

        std::promise<long> result;
        rt.spawn("summer", summer, 3, &result);  // while serve() runs: fine with 2 workers
        std::vector<std::thread> producers;
        for (int p = 0; p < 3; ++p) {
            producers.emplace_back([&rt] {
                for (long n = 1; n <= 1000; ++n) rt.send("summer", n);
                rt.send("summer", "done");  // after this thread's numbers: sent in order
            });
        }
        const long total = result.get_future().get();  // this thread waits for the answer
        rt.request_stop();                             // and stops the service from here
        service.join();
        for (std::thread& t : producers) t.join();
        std::cout << "total: " << total << '\n';
        // [/snippet:serve]
    }

    {
        // [snippet:testing]
        coact::testing::deterministic sim{{.workers = 2}};
        try {
            sim.step();
        } catch (const coact::error& e) {
            std::cout << e.what() << '\n';
        }
        // [/snippet:testing]
    }

    {
        // [snippet:ring_run]
        coact::runtime rt{{.workers = 2}};
        const int holder = run_ring(rt, 503, 10'000);
        std::cout << "after 10000 passes the token stops at member " << holder << '\n';
        // [/snippet:ring_run]
    }

    if (argc == 2 && std::string_view(argv[1]) == "--time") time_workloads();
}
