// futures — Beazley's inlined futures ("Generators: The Final Frontier", PyCon 2014, part 5)
// with coact::task, coact::future and coact::thread_pool.
//
//   build/release/demos/futures/futures                  # compute_fibs(38), a million ticks
//   build/release/demos/futures/futures --fibs 25 --ticks 1000 --threads 2
//
// 1. compute_fibs(n) is a task that hands fib(0) .. fib(n-1) one by one to a thread pool and
//    co_awaits each result, as the talk's `val = yield from pool.submit(fib, i)`. It runs twice
//    sequentially (coact::run, one after the other), then twice in parallel (two tasks started
//    with coact::start, then waited for): with two pool threads and two cores, the second time
//    should be about half the first.
// 2. Where the talk's inlined future resumed the generator on the pool's thread ("that could be
//    a little weird"), a coact task is always resumed on the thread that started it: the demo
//    checks that for every step.
// 3. The talk's "infinite recursion?": a tick task that waits for the pool, prints, and starts
//    the next tick task, a million times. Each start happens inside a running task, so the new
//    task is queued, not run on top of it: no stack grows, however many ticks.
//
// Output: the results and yes/no checks, then one timing line per run; the times differ from run
// to run (the CTest test masks them). Exit status 1 if a check fails, 2 for a bad command line.
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include <coact/coact.hpp>

namespace {

std::int64_t fib(int n) { return n <= 2 ? 1 : fib(n - 1) + fib(n - 2); }

struct checks {
    std::thread::id main_thread = std::this_thread::get_id();
    bool resumed_on_main = true;  // every task step ran on the thread that started it
    std::int64_t ticks_run = 0;
};

coact::task<std::vector<std::int64_t>> compute_fibs(coact::thread_pool& pool, int n, checks& seen) {
    std::vector<std::int64_t> result;
    for (int i = 0; i < n; ++i) {
        const std::int64_t val = co_await pool.submit(fib, i);  // the talk's pool.submit(fib, i)
        if (std::this_thread::get_id() != seen.main_thread) seen.resumed_on_main = false;
        result.push_back(val);
    }
    co_return result;
}

// The talk's recursive(n): each tick starts the next one and returns; `last` ends the chain.
// A tick started inside a running tick is queued, so it runs after this one has returned.
coact::task<void> tick(coact::thread_pool& pool, std::int64_t n, std::int64_t last, bool print,
                       checks& seen, coact::future<void>& newest) {
    co_await pool.submit([] {});  // a real trip through the pool, every tick
    if (std::this_thread::get_id() != seen.main_thread) seen.resumed_on_main = false;
    if (print) std::cout << "Tick: " << n << '\n';
    ++seen.ticks_run;
    if (n + 1 < last) {
        const bool print_next = n + 1 < 3 || n + 2 >= last;
        if (!print_next && print) std::cout << "...\n";
        newest = coact::start(tick(pool, n + 1, last, print_next, seen, newest));
    }
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int usage_error(std::string_view what) {
    std::cerr << "futures: " << what << '\n'
              << "usage: futures [--fibs N] [--ticks N] [--threads N]\n"
              << "  --fibs N     compute fib(0) .. fib(N-1), 1 to 40 (default 38)\n"
              << "  --ticks N    ticks of the recursive task, 1 to 100000000 (default 1000000)\n"
              << "  --threads N  thread pool size, 1 to 64 (default 2)\n";
    return 2;
}

bool read_number(std::string_view text, std::int64_t low, std::int64_t high, std::int64_t& out) {
    const char* end = text.data() + text.size();
    auto [stop, status] = std::from_chars(text.data(), end, out);
    return status == std::errc() && stop == end && out >= low && out <= high;
}

}  // namespace

int main(int argc, char** argv) {
    std::int64_t fibs = 38;
    std::int64_t ticks = 1'000'000;
    std::int64_t threads = 2;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        struct option {
            std::string_view name;
            std::int64_t low, high;
            std::int64_t* value;
        };
        const option options[] = {{"--fibs", 1, 40, &fibs},
                                  {"--ticks", 1, 100'000'000, &ticks},
                                  {"--threads", 1, 64, &threads}};
        const option* matched = nullptr;
        for (const option& o : options) {
            if (arg == o.name) matched = &o;
        }
        if (matched == nullptr) return usage_error("unknown option '" + std::string(arg) + "'");
        if (i + 1 == argc) return usage_error(std::string(arg) + " needs a number");
        if (!read_number(argv[++i], matched->low, matched->high, *matched->value)) {
            return usage_error(std::string(arg) + " needs a whole number from " +
                               std::to_string(matched->low) + " to " +
                               std::to_string(matched->high) + ", not '" + argv[i] + "'");
        }
    }

    coact::thread_pool pool{static_cast<std::size_t>(threads)};
    checks seen;
    const int n = static_cast<int>(fibs);

    auto start = std::chrono::steady_clock::now();
    const std::vector<std::int64_t> first = coact::run(compute_fibs(pool, n, seen));
    const std::vector<std::int64_t> second = coact::run(compute_fibs(pool, n, seen));
    const double sequential = seconds_since(start);

    start = std::chrono::steady_clock::now();
    coact::future<std::vector<std::int64_t>> t1 = coact::start(compute_fibs(pool, n, seen));
    coact::future<std::vector<std::int64_t>> t2 = coact::start(compute_fibs(pool, n, seen));
    const std::vector<std::int64_t> r1 = t1.get();  // runs both tasks while it waits
    const std::vector<std::int64_t> r2 = t2.get();
    const double parallel = seconds_since(start);

    std::cout << "compute_fibs(" << n << "): fib(" << n - 1 << ") = " << first.back() << '\n';
    const bool same = first == second && first == r1 && first == r2;
    std::cout << "all four runs agree: " << (same ? "yes" : "no") << '\n';

    coact::future<void> newest;  // each tick stores its successor's future here
    start = std::chrono::steady_clock::now();
    // start() runs tick 0 now, up to its first wait. Then: wait for the newest tick, which
    // stores its successor in `newest` before it ends, until the last has run (get() rethrows
    // what a tick threw).
    coact::start(tick(pool, 0, ticks, true, seen, newest)).get();
    while (seen.ticks_run < ticks) {
        const coact::future<void> current = newest;
        current.get();
    }
    const double tick_time = seconds_since(start);

    std::cout << "ticks: " << ticks << '\n';
    std::cout << "every task step resumed on the main thread: "
              << (seen.resumed_on_main ? "yes" : "no") << '\n';
    char line[160];
    std::snprintf(line, sizeof line, "sequential: %.3f s, parallel (two tasks): %.3f s\n",
                  sequential, parallel);
    std::cout << line;
    std::snprintf(line, sizeof line, "ticks: %.3f s, %.0f ticks/s\n", tick_time,
                  static_cast<double>(ticks) / tick_time);
    std::cout << line;
    return same && seen.resumed_on_main ? 0 : 1;
}
