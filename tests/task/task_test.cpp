// coact::task<T>, coact::start and coact::run (contract.md §3).
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/task.hpp>
#include <coact/thread_pool.hpp>

namespace {

coact::task<int> add_later(coact::thread_pool& p, int x, int y) {
    int r = co_await p.submit([=] { return x + y; });
    co_return r;
}

coact::task<int> constant(int v, bool& ran) {
    ran = true;
    co_return v;
}

coact::task<long> depth(long n) {
    if (n == 0) co_return 0;
    const long below = co_await depth(n - 1);
    co_return below + 1;
}

coact::task<int> failing() {
    throw std::logic_error("task failed");
    co_return 0;  // NOLINT: unreachable, makes this a coroutine
}

coact::task<std::string> catches_child() {
    try {
        co_await failing();
    } catch (const std::logic_error& e) {
        co_return std::string("caught: ") + e.what();
    }
    co_return "not thrown";
}

}  // namespace

TEST_CASE("the contract's example: a task awaiting a pool future, started and run", "[task]") {
    coact::thread_pool pool{4};
    coact::future<int> f = coact::start(add_later(pool, 2, 3));
    CHECK(f.get() == 5);
    CHECK(coact::run(add_later(pool, 2, 3)) == 5);
}

TEST_CASE("a task is lazy: its body runs only once started or awaited", "[task]") {
    bool ran = false;
    coact::task<int> t = constant(4, ran);
    CHECK_FALSE(ran);
    CHECK(coact::run(std::move(t)) == 4);
    CHECK(ran);
}

TEST_CASE("start runs a task until it first waits, and the future is ready if it never does",
          "[task]") {
    bool ran = false;
    coact::future<int> f = coact::start(constant(8, ran));
    CHECK(ran);
    CHECK(f.ready());
    CHECK(f.get() == 8);
}

TEST_CASE(
    "a task awaiting a pool future is resumed on the thread that started it, not the "
    "pool's",
    "[task]") {
    coact::thread_pool pool{2};
    const std::thread::id main_thread = std::this_thread::get_id();
    std::thread::id job_thread, resumed_on;
    auto t = [&]() -> coact::task<void> {
        co_await pool.submit([&] { job_thread = std::this_thread::get_id(); });
        resumed_on = std::this_thread::get_id();
    };
    coact::run(t());
    CHECK(job_thread != main_thread);
    CHECK(resumed_on == main_thread);
}

TEST_CASE("a task started on another thread is resumed there", "[task]") {
    coact::thread_pool pool{1};
    std::thread::id started_on, resumed_on;
    auto t = [&]() -> coact::task<int> {
        const int v = co_await pool.submit([] { return 1; });
        resumed_on = std::this_thread::get_id();
        co_return v;
    };
    std::thread other([&] {
        started_on = std::this_thread::get_id();
        CHECK(coact::run(t()) == 1);
    });
    other.join();
    CHECK(resumed_on == started_on);
}

TEST_CASE("an exception escaping a task is rethrown by get and by run", "[task]") {
    coact::future<int> f = coact::start(failing());
    CHECK(f.ready());
    CHECK_THROWS_WITH(f.get(), "task failed");
    CHECK_THROWS_AS(coact::run(failing()), std::logic_error);
}

TEST_CASE("an exception escaping an awaited task is thrown out of the co_await", "[task]") {
    CHECK(coact::run(catches_child()) == "caught: task failed");
}

TEST_CASE("an exception thrown by a pool job is thrown out of the task's co_await", "[task]") {
    coact::thread_pool pool{1};
    auto t = [&]() -> coact::task<std::string> {
        try {
            co_await pool.submit([]() -> int { throw std::range_error("job"); });
        } catch (const std::range_error& e) {
            co_return e.what();
        }
        co_return "no exception";
    };
    CHECK(coact::run(t()) == "job");
}

TEST_CASE("a recursive task 1,000,000 deep completes without native stack growth",
          "[task][depth]") {
    CHECK(coact::run(depth(1'000'000)) == 1'000'000);
}

TEST_CASE("two started tasks progress together while get waits for one", "[task]") {
    coact::thread_pool pool{2};
    std::vector<int> order;
    auto steps = [&](int id, int n) -> coact::task<int> {
        int sum = 0;
        for (int i = 0; i < n; ++i) {
            sum += co_await pool.submit([i] { return i; });
            order.push_back(id);
        }
        co_return sum;
    };
    coact::future<int> a = coact::start(steps(1, 50));
    coact::future<int> b = coact::start(steps(2, 50));
    CHECK(b.get() == 1225);  // waiting for b also resumes a
    CHECK(a.get() == 1225);
    CHECK(order.size() == 100);
}

TEST_CASE("a task started inside a running task runs when that task waits", "[task]") {
    std::vector<std::string> log;
    auto child = [&]() -> coact::task<void> {
        log.push_back("child");
        co_return;
    };
    auto parent = [&]() -> coact::task<void> {
        coact::future<void> c = coact::start(child());
        log.push_back("parent after start");
        co_await c;
        log.push_back("parent after child");
    };
    coact::run(parent());
    CHECK(log == std::vector<std::string>{"parent after start", "child", "parent after child"});
}

TEST_CASE("a task can await a future completed later by a then callback chain", "[task]") {
    coact::thread_pool pool{1};
    auto t = [&]() -> coact::task<int> {
        coact::future<int> doubled =
            pool.submit([] { return 21; }).then([](coact::future<int> f) { return f.get() * 2; });
        co_return co_await doubled;
    };
    CHECK(coact::run(t()) == 42);
}

TEST_CASE("a moved-from or already awaited task is refused with a message", "[task]") {
    bool ran = false;
    coact::task<int> t = constant(1, ran);
    coact::task<int> u = std::move(t);
    CHECK_FALSE(t.valid());  // NOLINT(bugprone-use-after-move): the point of the test
    CHECK_THROWS_WITH(coact::start(std::move(t)), Catch::Contains("empty task"));
    auto awaits_twice = [&]() -> coact::task<int> {
        int a = co_await u;
        int b = co_await u;  // throws: u was awaited
        co_return a + b;
    };
    CHECK_THROWS_WITH(coact::run(awaits_twice()), Catch::Contains("empty task"));
    CHECK_FALSE(ran == false);
}

namespace {

std::size_t count_chars(const std::string& s) { return s.size(); }

coact::task<std::size_t> lengths(coact::thread_pool& pool, std::string text) {
    // The two forms that g++ 12 compiles correctly with a std::string travelling to the pool:
    // the value as an argument of submit, and a capturing lambda named before the co_await.
    const std::size_t a = co_await pool.submit(count_chars, text);
    auto job = [text] { return text.size() * 2; };
    const std::size_t b = co_await pool.submit(std::move(job));
    co_return a + b;
}

}  // namespace

TEST_CASE("a task hands a string to the pool by argument or by a named lambda", "[task]") {
    coact::thread_pool pool{1};
    const std::string text(100, 'x');  // on the heap, not in the small-string buffer
    CHECK(coact::run(lengths(pool, text)) == 300);
}
