// supervision/support/children.hpp — child actors for the supervisor tests, and what they record.
//
// A probe counts the bodies a child started (each restart is one more) and keeps the values its
// bodies took, in order, across restarts. In work-stealing mode successive bodies may run on
// different threads (never at once), and the test reads the probe after run(): a mutex and an
// atomic make that safe without relying on the runtime's own ordering.
//
//   coact_test::probe p;
//   std::vector<coact::child_spec> specs{coact_test::worker_spec("w", p)};
//   rt.spawn("sup", coact::supervise, coact::supervisor_options{}, specs);
//   rt.send("w", -1);   // the worker fails; the supervisor restarts it
//   rt.run();
//   CHECK(p.starts == 2);
#pragma once

#include <atomic>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <coact/supervisor.hpp>

namespace coact_test {

struct probe {
    std::atomic<int> starts{0};

    void record(int n) {
        const std::lock_guard lock(mutex_);
        values_.push_back(n);
    }
    [[nodiscard]] std::vector<int> values() {
        const std::lock_guard lock(mutex_);
        return values_;
    }

  private:
    std::mutex mutex_;
    std::vector<int> values_;
};

/// Takes ints: a positive one is recorded, 0 makes it return, a negative one makes it fail.
inline coact::actor worker(coact::context& self, probe& p) {
    ++p.starts;
    for (;;) {
        const int n = co_await self.receive<int>();
        if (n == 0) co_return;
        if (n < 0) throw std::runtime_error("negative input " + std::to_string(n));
        p.record(n);
    }
}

/// As worker, but its first body first asks "sink", which never answers: it is live and busy,
/// and messages sent to it queue up, until it is stopped or restarted.
inline coact::actor stuck_worker(coact::context& self, probe& p) {
    if (++p.starts == 1) co_await self.ask<int>("sink", 0);
    for (;;) {
        const int n = co_await self.receive<int>();
        if (n < 0) throw std::runtime_error("negative input " + std::to_string(n));
        p.record(n);
    }
}

/// Takes one message and never answers it, nor takes another.
inline coact::actor sink(coact::context& self) {
    co_await self.receive<int>();
    for (;;) co_await self.receive<int>();
}

[[nodiscard]] inline coact::child_spec worker_spec(std::string name, probe& p) {
    return {.name = std::move(name),
            .start = [&p](coact::context& self) { return worker(self, p); }};
}

[[nodiscard]] inline coact::child_spec stuck_spec(std::string name, probe& p) {
    return {.name = std::move(name),
            .start = [&p](coact::context& self) { return stuck_worker(self, p); }};
}

/// Monitors `target` and keeps the down it gets, with whether each of `names` was free then.
struct watch_log {
    std::vector<coact::down> downs;
    std::vector<bool> names_free;
};

inline coact::actor watcher(coact::context& self, coact::address target,
                            std::vector<std::string> names, watch_log& log) {
    self.monitor(target);
    log.downs.push_back(co_await self.receive<coact::down>());
    for (const std::string& name : names) {
        log.names_free.push_back(!self.runtime().try_lookup(name));
    }
}

/// The exception a failed actor ended with, if it is a restart_limit.
inline std::optional<coact::restart_limit> as_restart_limit(const std::exception_ptr& e) {
    try {
        if (e) std::rethrow_exception(e);
    } catch (const coact::restart_limit& limit) {
        return limit;
    } catch (...) {
    }
    return std::nullopt;
}

}  // namespace coact_test
