// The thread that gives back the names of lost node incarnations (cluster/src/name_releases.hpp):
// each queued incarnation is released on that thread, not the caller's; one the servers did not
// settle is tried again (a second later) until they do; stop() ends the thread, also while one
// waits to be tried again, and nothing runs after it.
#include "name_releases.hpp"  // cluster/src

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "cluster/support/nodes.hpp"

using namespace std::chrono_literals;

TEST_CASE("lost incarnations are released on a thread of their own, again until settled",
          "[cluster][releases]") {
    std::mutex mutex;
    std::vector<std::string> tried;
    std::thread::id on;
    int refusals_left = 2;  // "b" is not settled twice: no answer from the servers
    coact::name_releases releases([&](const std::string& node, std::uint64_t incarnation) {
        const std::lock_guard lock(mutex);
        on = std::this_thread::get_id();
        tried.push_back(node + "/" + std::to_string(incarnation));
        if (node == "b" && refusals_left > 0) {
            --refusals_left;
            return false;
        }
        return true;
    });
    releases.add("a", 1);
    releases.add("b", 2);
    REQUIRE(coact_test::eventually(
        [&] {
            const std::lock_guard lock(mutex);
            return refusals_left == 0 && tried.back() == "b/2" && tried.size() == 4;
        },
        5s));
    std::this_thread::sleep_for(50ms);  // settled: not tried again
    releases.stop();
    const std::lock_guard lock(mutex);
    CHECK(tried == std::vector<std::string>{"a/1", "b/2", "b/2", "b/2"});
    CHECK(on != std::this_thread::get_id());
}

TEST_CASE(
    "stop() ends the release thread while one waits to be tried again, and later ones are "
    "not run",
    "[cluster][releases]") {
    std::atomic<int> runs{0};
    coact::name_releases releases([&](const std::string&, std::uint64_t) {
        ++runs;
        return false;  // never settled
    });
    releases.add("a", 1);
    REQUIRE(coact_test::eventually([&] { return runs.load() == 1; }));
    const auto asked = std::chrono::steady_clock::now();
    releases.stop();  // the thread waits a second before trying again: stop does not wait for it
    CHECK(std::chrono::steady_clock::now() - asked < 500ms);
    releases.add("b", 2);  // after stop: dropped
    std::this_thread::sleep_for(50ms);
    CHECK(runs.load() == 1);
    CHECK(releases.stopping());
}
