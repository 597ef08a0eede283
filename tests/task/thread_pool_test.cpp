// coact::thread_pool: submit returns a future of the job's result or exception.
#include <atomic>
#include <chrono>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/thread_pool.hpp>

TEST_CASE("submit runs the job on a pool thread and the future gets its value", "[thread_pool]") {
    coact::thread_pool pool{2};
    CHECK(pool.size() == 2);
    coact::future<std::thread::id> f = pool.submit([] { return std::this_thread::get_id(); });
    CHECK(f.get() != std::this_thread::get_id());
    coact::future<int> sum = pool.submit([] { return 2 + 3; });
    CHECK(sum.get() == 5);
}

TEST_CASE("an exception thrown by a job is rethrown by get", "[thread_pool]") {
    coact::thread_pool pool{1};
    coact::future<int> f = pool.submit([]() -> int { throw std::out_of_range("job failed"); });
    CHECK_THROWS_AS(f.get(), std::out_of_range);
    CHECK_THROWS_WITH(f.get(), "job failed");
}

TEST_CASE("jobs run in parallel on the pool's threads", "[thread_pool]") {
    coact::thread_pool pool{2};
    std::atomic<int> arrived{0};
    // Each job waits for the other to arrive: one thread alone would wait for ever (the 5 s
    // limit below turns that into a failure, not a hang).
    auto meet = [&] {
        ++arrived;
        const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (arrived.load() < 2) {
            if (std::chrono::steady_clock::now() > limit) return false;
            std::this_thread::yield();
        }
        return true;
    };
    coact::future<bool> a = pool.submit(meet);
    coact::future<bool> b = pool.submit(meet);
    CHECK(a.get());
    CHECK(b.get());
}

TEST_CASE("the destructor runs every job already submitted", "[thread_pool]") {
    std::atomic<int> ran{0};
    constexpr int jobs = 1000;
    {
        coact::thread_pool pool{3};
        for (int i = 0; i < jobs; ++i) {
            (void)pool.submit([&ran, i] {
                std::this_thread::sleep_for(std::chrono::microseconds(i % 7 == 0 ? 50 : 0));
                ++ran;
            });
        }
    }
    CHECK(ran.load() == jobs);
}

TEST_CASE("many threads submitting at once lose no job", "[thread_pool][stress]") {
    coact::thread_pool pool{2};
    constexpr int submitters = 4;
    constexpr int each = 2000;  // the job below spells it out: a constexpr is not captured
    std::vector<std::vector<coact::future<int>>> results(submitters);
    std::vector<std::thread> threads;
    for (int s = 0; s < submitters; ++s) {
        threads.emplace_back([&, s] {
            for (int i = 0; i < each; ++i) {
                results[s].push_back(pool.submit([s, i] { return s * 2000 + i; }));
            }
        });
    }
    for (std::thread& t : threads) t.join();
    std::set<int> seen;
    for (auto& per : results) {
        for (auto& f : per) seen.insert(f.get());
    }
    CHECK(seen.size() == static_cast<std::size_t>(submitters * each));
    CHECK(*seen.begin() == 0);
    CHECK(*seen.rbegin() == submitters * each - 1);
}

TEST_CASE("a job may submit to its own pool", "[thread_pool]") {
    coact::thread_pool pool{1};
    coact::future<coact::future<int>> outer =
        pool.submit([&] { return pool.submit([] { return 9; }); });
    CHECK(outer.get().get() == 9);
}

TEST_CASE("a pool of zero threads is refused with a message", "[thread_pool]") {
    CHECK_THROWS_WITH(coact::thread_pool{0}, Catch::Contains("at least 1"));
}

namespace {
std::size_t length_times(const std::string& s, int k) {
    return s.size() * static_cast<std::size_t>(k);
}
}  // namespace

TEST_CASE("submit passes its extra arguments to the function, by value", "[thread_pool]") {
    coact::thread_pool pool{1};
    std::string text = "a string too long for the small-string buffer";
    coact::future<std::size_t> f = pool.submit(length_times, text, 2);
    text.clear();  // the job has its own copy
    CHECK(f.get() == 2 * std::string("a string too long for the small-string buffer").size());
}
