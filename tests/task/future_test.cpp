// coact::future<T>: get, ready, then, and the empty future.
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/future.hpp>
#include <coact/thread_pool.hpp>

namespace {

template <class T>
std::pair<coact::future<T>, std::shared_ptr<coact::detail::future_state<T>>> make_pending() {
    auto state = std::make_shared<coact::detail::future_state<T>>();
    return {coact::future<T>(state), state};
}

}  // namespace

TEST_CASE("a future is not ready until its producer sets a value, then get returns it",
          "[future]") {
    auto [f, producer] = make_pending<int>();
    CHECK_FALSE(f.ready());
    producer->set_value(42);
    CHECK(f.ready());
    CHECK(f.get() == 42);
    CHECK(f.get() == 42);  // an lvalue get leaves the value in place
}

TEST_CASE("get blocks until another thread sets the value", "[future]") {
    auto [f, producer] = make_pending<std::string>();
    std::thread t([p = producer] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        p->set_value("late");
    });
    CHECK(f.get() == "late");
    t.join();
}

TEST_CASE("get rethrows the producer's exception, every time", "[future]") {
    auto [f, producer] = make_pending<int>();
    producer->set_exception(std::make_exception_ptr(std::runtime_error("boom")));
    CHECK(f.ready());
    CHECK_THROWS_WITH(f.get(), "boom");
    CHECK_THROWS_WITH(f.get(), "boom");
}

TEST_CASE("get on an rvalue future moves the value out", "[future]") {
    auto [f, producer] = make_pending<std::unique_ptr<int>>();
    producer->set_value(std::make_unique<int>(7));
    std::unique_ptr<int> p = std::move(f).get();
    REQUIRE(p != nullptr);
    CHECK(*p == 7);
}

TEST_CASE("copies of a future share one result", "[future]") {
    auto [f, producer] = make_pending<int>();
    coact::future<int> g = f;
    producer->set_value(3);
    CHECK(g.ready());
    CHECK(g.get() == 3);
}

TEST_CASE("then runs its callback on the completing thread, with the ready future", "[future]") {
    auto [f, producer] = make_pending<int>();
    std::thread::id ran_on;
    coact::future<std::string> s = f.then([&](coact::future<int> r) {
        ran_on = std::this_thread::get_id();
        return std::to_string(r.get() + 1);
    });
    CHECK_FALSE(s.ready());
    std::thread::id producer_thread;
    std::thread t([&, p = producer] {
        producer_thread = std::this_thread::get_id();
        p->set_value(41);
    });
    t.join();
    CHECK(s.ready());
    CHECK(s.get() == "42");
    CHECK(ran_on == producer_thread);
    CHECK(ran_on != std::this_thread::get_id());
}

TEST_CASE("then on a ready future runs the callback at once, on the caller's thread", "[future]") {
    auto [f, producer] = make_pending<int>();
    producer->set_value(1);
    std::thread::id ran_on;
    coact::future<void> done =
        f.then([&](const coact::future<int>&) { ran_on = std::this_thread::get_id(); });
    CHECK(done.ready());
    CHECK(ran_on == std::this_thread::get_id());
}

TEST_CASE("an exception thrown by a then callback goes to the future then returned", "[future]") {
    auto [f, producer] = make_pending<int>();
    coact::future<int> g = f.then([](coact::future<int> r) -> int {
        if (r.get() < 0) throw std::invalid_argument("negative");
        return r.get();
    });
    producer->set_value(-1);
    CHECK_THROWS_AS(g.get(), std::invalid_argument);
}

TEST_CASE("then callbacks run in the order they were registered", "[future]") {
    auto [f, producer] = make_pending<void>();
    std::vector<int> order;
    auto a = f.then([&](coact::future<void>) { order.push_back(1); });
    auto b = f.then([&](coact::future<void>) { order.push_back(2); });
    producer->set_value();
    CHECK(order == std::vector<int>{1, 2});
}

TEST_CASE("an empty future says so instead of crashing", "[future]") {
    coact::future<int> f;
    CHECK_FALSE(f.valid());
    CHECK_THROWS_WITH(f.get(), Catch::Contains("empty"));
    CHECK_THROWS_AS(f.ready(), coact::error);
    coact::future<int> g = std::move(f);
    CHECK_THROWS_AS(g.then([](coact::future<int>) {}), coact::error);
}
