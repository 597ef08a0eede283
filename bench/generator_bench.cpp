// generator_bench.cpp — what it costs to pull one element out of a coact::generator.
//
// Summing N ints four ways, side by side: a plain loop and a std::vector (no coroutine at all:
// the floor), a bare minimal C++20 generator written below (the practical limit of a coroutine
// generator), and coact::generator<int>. design.md's target: coact within 1.5x of the bare one.
// Then the same pull through `co_yield coact::yield_from(...)` chains of depth 0 to 1000: the
// cost per element must not grow with the depth.
//
// Every element goes through benchmark::DoNotOptimize, so that the loop and the vector are not
// folded into a formula or vectorised: each variant does the same work per element.
#include <coroutine>
#include <cstdint>
#include <exception>
#include <memory>
#include <numeric>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include <coact/coact.hpp>

namespace {

// ---- The reference: the smallest generator C++20 allows --------------------------------------
// A pointer to the yielded value, suspend_always everywhere, terminate on an exception, frames
// from plain operator new. No state machine, no delegation, no checks.
class bare_generator {
  public:
    struct promise_type {
        int* current = nullptr;

        bare_generator get_return_object() noexcept {
            return bare_generator{std::coroutine_handle<promise_type>::from_promise(*this)};
        }
        static std::suspend_always initial_suspend() noexcept { return {}; }
        static std::suspend_always final_suspend() noexcept { return {}; }
        std::suspend_always yield_value(int& value) noexcept {
            current = std::addressof(value);
            return {};
        }
        static void return_void() noexcept {}
        [[noreturn]] static void unhandled_exception() noexcept { std::terminate(); }
    };

    class iterator {
      public:
        explicit iterator(std::coroutine_handle<promise_type> h) noexcept : handle_(h) {}
        int operator*() const noexcept { return *handle_.promise().current; }
        iterator& operator++() {
            handle_.resume();
            return *this;
        }
        bool operator==(std::default_sentinel_t) const noexcept { return handle_.done(); }

      private:
        std::coroutine_handle<promise_type> handle_;
    };

    explicit bare_generator(std::coroutine_handle<promise_type> h) noexcept : handle_(h) {}
    bare_generator(bare_generator&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
    bare_generator& operator=(bare_generator&&) = delete;
    ~bare_generator() {
        if (handle_) handle_.destroy();
    }

    iterator begin() {
        handle_.resume();
        return iterator{handle_};
    }
    static std::default_sentinel_t end() noexcept { return {}; }

  private:
    std::coroutine_handle<promise_type> handle_;
};

// noinline on both: otherwise clang inlines bare_count into the loop, elides its frame (HALO)
// and turns the whole generator into a plain loop, which is not what a generator handed around a
// program costs, and not a coroutine any more.
[[gnu::noinline]] bare_generator bare_count(int n) {
    for (int i = 0; i < n; ++i) co_yield i;
}

[[gnu::noinline]] coact::generator<int> coact_count(int n) {
    for (int i = 0; i < n; ++i) co_yield i;
}

// ---- Summing 0..N-1 --------------------------------------------------------------------------

/// Fails the benchmark if a variant summed the wrong thing (one compare per N elements).
void check_sum(benchmark::State& state, std::int64_t sum, int n) {
    if (sum != std::int64_t{n} * (n - 1) / 2) state.SkipWithError("wrong sum");
}

void sum_loop(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    for (auto _ : state) {
        std::int64_t sum = 0;
        for (int i = 0; i < n; ++i) {
            benchmark::DoNotOptimize(i);
            sum += i;
        }
        benchmark::DoNotOptimize(sum);
        check_sum(state, sum, n);
    }
    state.SetItemsProcessed(state.iterations() * n);
}

void sum_vector(benchmark::State& state) {
    std::vector<int> values(static_cast<std::size_t>(state.range(0)));
    std::iota(values.begin(), values.end(), 0);
    for (auto _ : state) {
        std::int64_t sum = 0;
        for (int x : values) {
            benchmark::DoNotOptimize(x);
            sum += x;
        }
        benchmark::DoNotOptimize(sum);
        check_sum(state, sum, static_cast<int>(state.range(0)));
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

// The generators are created inside the timed loop (as `for (int x : gen(n))` is written); the
// frame allocation is one per N elements, so the figure is the cost of a pull.
void sum_bare_generator(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    for (auto _ : state) {
        std::int64_t sum = 0;
        for (int x : bare_count(n)) {
            benchmark::DoNotOptimize(x);
            sum += x;
        }
        benchmark::DoNotOptimize(sum);
        check_sum(state, sum, n);
    }
    state.SetItemsProcessed(state.iterations() * n);
}

void sum_coact_generator(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    for (auto _ : state) {
        std::int64_t sum = 0;
        for (int x : coact_count(n)) {
            benchmark::DoNotOptimize(x);
            sum += x;
        }
        benchmark::DoNotOptimize(sum);
        check_sum(state, sum, n);
    }
    state.SetItemsProcessed(state.iterations() * n);
}

constexpr int n_elements = 1 << 16;

BENCHMARK(sum_loop)->Arg(n_elements);
BENCHMARK(sum_vector)->Arg(n_elements);
BENCHMARK(sum_bare_generator)->Arg(n_elements);
BENCHMARK(sum_coact_generator)->Arg(n_elements);

// ---- yield_from: pulling through a chain of delegating generators ----------------------------

coact::generator<int> count_forever() {
    for (int i = 0;; ++i) co_yield i;
}

coact::generator<int> delegate_to(coact::generator<int> inner) {
    co_yield coact::yield_from(std::move(inner));
}

/// count_forever() below `depth` generators that only delegate (built bottom up, in a loop).
coact::generator<int> delegating_chain(int depth) {
    coact::generator<int> chain = count_forever();
    for (int level = 0; level < depth; ++level) chain = delegate_to(std::move(chain));
    return chain;
}

// The chain is built once, outside the timed loop (building 1,000 frames is not what this
// measures); each iteration then pulls N elements through it. Args: {depth, N}.
void sum_yield_from_chain(benchmark::State& state) {
    const int depth = static_cast<int>(state.range(0));
    const int n = static_cast<int>(state.range(1));
    coact::generator<int> chain = delegating_chain(depth);
    auto it = chain.begin();
    for (auto _ : state) {
        std::int64_t sum = 0;
        for (int i = 0; i < n; ++i, ++it) {
            int x = *it;
            benchmark::DoNotOptimize(x);
            sum += x;
        }
        benchmark::DoNotOptimize(sum);
    }
    state.SetItemsProcessed(state.iterations() * n);
}

BENCHMARK(sum_yield_from_chain)
    ->ArgNames({"depth", "n"})
    ->Args({0, n_elements})
    ->Args({1, n_elements})
    ->Args({10, n_elements})
    ->Args({1000, n_elements});

}  // namespace

BENCHMARK_MAIN();
