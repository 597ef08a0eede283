// coroutine_bench.cpp — the cost of the two-way protocol of coact::coroutine.
//
//   send_*            one send() round trip: resume the body, get the next yielded value back
//   send_yield_from   the same, through `co_yield coact::yield_from(...)` chains of depth 0 to
//                     1000: the innermost frame is resumed directly, so the cost must be flat
//   create_destroy_*  making a coroutine (frame allocation, promise set-up) and destroying it
//                     unstarted: coact's pooled frame allocator against plain new/delete
//   raise_*           Python's g.throw(): an exception thrown into the body, caught there, and
//                     the body yields again. For information only: exceptions cost microseconds
//                     and are not the hot path (a plain throw/catch is shown for scale)
//
// design.md's targets: send "in the low nanoseconds", delegation cost flat in depth.
#include <coroutine>
#include <exception>
#include <optional>
#include <stdexcept>
#include <utility>

#include <benchmark/benchmark.h>

#include <coact/coact.hpp>

namespace {

// ---- The reference: a minimal two-way coroutine ----------------------------------------------
// Receives an int, yields an int; frames from plain operator new; no state, no checks.
class bare_coroutine {
  public:
    struct promise_type {
        int yielded = 0;
        int sent = 0;

        struct receive {
            promise_type* promise;
            static bool await_ready() noexcept { return false; }
            static void await_suspend(std::coroutine_handle<>) noexcept {}
            int await_resume() const noexcept { return promise->sent; }
        };

        bare_coroutine get_return_object() noexcept {
            return bare_coroutine{std::coroutine_handle<promise_type>::from_promise(*this)};
        }
        static std::suspend_always initial_suspend() noexcept { return {}; }
        static std::suspend_always final_suspend() noexcept { return {}; }
        receive yield_value(int value) noexcept {
            yielded = value;
            return {this};
        }
        static void return_void() noexcept {}
        [[noreturn]] static void unhandled_exception() noexcept { std::terminate(); }
    };

    explicit bare_coroutine(std::coroutine_handle<promise_type> h) noexcept : handle_(h) {}
    bare_coroutine(bare_coroutine&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
    bare_coroutine& operator=(bare_coroutine&&) = delete;
    ~bare_coroutine() {
        if (handle_) handle_.destroy();
    }

    void prime() { handle_.resume(); }
    int send(int value) {
        handle_.promise().sent = value;
        handle_.resume();
        return handle_.promise().yielded;
    }

  private:
    std::coroutine_handle<promise_type> handle_;
};

// noinline: the create/destroy benchmarks must really allocate (clang could otherwise elide the
// frame allocation of a coroutine whose ramp is inlined into a scope it does not outlive).
[[gnu::noinline]] bare_coroutine bare_plus_one() {
    int reply = 0;
    for (;;) reply = (co_yield reply) + 1;
}

[[gnu::noinline]] coact::coroutine<int, int> coact_plus_one() {
    int reply = 0;
    while (auto x = co_yield reply) reply = *x + 1;
}

// ---- send ------------------------------------------------------------------------------------

void send_bare(benchmark::State& state) {
    bare_coroutine c = bare_plus_one();
    c.prime();
    int x = 0;
    for (auto _ : state) {
        x = c.send(x) & 0xffff;
        benchmark::DoNotOptimize(x);
    }
    state.SetItemsProcessed(state.iterations());
}

void send_coact(benchmark::State& state) {
    coact::coroutine<int, int> c = coact::primed(coact_plus_one());
    int x = 0;
    for (auto _ : state) {
        x = *c.send(x) & 0xffff;
        benchmark::DoNotOptimize(x);
    }
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK(send_bare);
BENCHMARK(send_coact);

// ---- send through yield_from -----------------------------------------------------------------

coact::coroutine<int, int> delegate_to(coact::coroutine<int, int> inner) {
    co_yield coact::yield_from(std::move(inner));
}

/// coact_plus_one() below `depth` coroutines that only delegate (built bottom up, in a loop).
coact::coroutine<int, int> delegating_chain(int depth) {
    coact::coroutine<int, int> chain = coact_plus_one();
    for (int level = 0; level < depth; ++level) chain = delegate_to(std::move(chain));
    return chain;
}

// The chain is built and primed outside the timed loop. Arg: depth.
void send_yield_from(benchmark::State& state) {
    coact::coroutine<int, int> c =
        coact::primed(delegating_chain(static_cast<int>(state.range(0))));
    int x = 0;
    for (auto _ : state) {
        x = *c.send(x) & 0xffff;
        benchmark::DoNotOptimize(x);
    }
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK(send_yield_from)->ArgName("depth")->Arg(0)->Arg(1)->Arg(10)->Arg(1000);

// ---- create + destroy ------------------------------------------------------------------------

void create_destroy_bare(benchmark::State& state) {
    for (auto _ : state) {
        bare_coroutine c = bare_plus_one();
        benchmark::DoNotOptimize(c);
    }
    state.SetItemsProcessed(state.iterations());
}

void create_destroy_coact(benchmark::State& state) {
    for (auto _ : state) {
        coact::coroutine<int, int> c = coact_plus_one();
        benchmark::DoNotOptimize(c);
    }
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK(create_destroy_bare);
BENCHMARK(create_destroy_coact);

// ---- raise, caught in the body ---------------------------------------------------------------

/// Yields how many exceptions it has caught so far; survives every std::runtime_error.
coact::coroutine<int, int> resilient() {
    int caught = 0;
    for (;;) {
        try {
            while (co_yield caught) {
            }
        } catch (const std::runtime_error&) {
            ++caught;
        }
    }
}

void raise_caught(benchmark::State& state) {
    coact::coroutine<int, int> c = coact::primed(resilient());
    for (auto _ : state) {
        std::optional<int> caught = c.raise(std::runtime_error("raised by the benchmark"));
        benchmark::DoNotOptimize(caught);
    }
    state.SetItemsProcessed(state.iterations());
}

[[gnu::noinline]] void throw_runtime_error() {
    throw std::runtime_error("thrown by the benchmark");
}

void throw_catch_reference(benchmark::State& state) {
    for (auto _ : state) {
        try {
            throw_runtime_error();
        } catch (const std::runtime_error& e) {
            benchmark::DoNotOptimize(&e);
        }
    }
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK(raise_caught);
BENCHMARK(throw_catch_reference);

}  // namespace

BENCHMARK_MAIN();
