// cluster/src/name_releases.hpp — the names of lost node incarnations, given back on a thread of
// their own, again every second until the servers answer.
//
// Giving a name back takes JetStream requests. Made on the liveness thread, they held up its
// heartbeats: where a partition had taken JetStream's quorum, each request waited out its timeout
// and the node's own side lost it too (route_cut_test.cpp found it as a five-second leave). So
// liveness only queues the lost incarnation here; this thread runs `release` for it, and queues
// it again when the servers did not settle it (no answer), until they do or the node leaves.
//
// Threads: add() from any thread (liveness'); `release` on this object's thread; stop() once, from
// the node's leave, after which nothing runs (what is left is given back by the other nodes,
// when they lose this one).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace coact {

class name_releases {
  public:
    /// Gives back the names `node`'s `incarnation` holds; true when settled (given back, or
    /// held by nobody or someone else now), false to be tried again.
    using release_fn = std::function<bool(const std::string& node, std::uint64_t incarnation)>;

    explicit name_releases(release_fn release) : release_(std::move(release)) {}
    ~name_releases() { stop(); }
    name_releases(const name_releases&) = delete;
    name_releases& operator=(const name_releases&) = delete;

    /// Queues a lost incarnation (the thread starts at the first).
    void add(std::string node, std::uint64_t incarnation) {
        const std::lock_guard lock(mutex_);
        if (stopping_) return;
        queued_.emplace_back(std::move(node), incarnation);
        if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
        wake_.notify_all();
    }

    /// Ends the thread, after the release under way if any. Queued ones are dropped.
    void stop() noexcept {
        std::thread t;
        {
            const std::lock_guard lock(mutex_);
            stopping_ = true;
            t = std::move(thread_);
        }
        wake_.notify_all();
        if (t.joinable()) t.join();
    }

    /// Whether this thread is stopping (checked between names by `release`).
    [[nodiscard]] bool stopping() const {
        const std::lock_guard lock(mutex_);
        return stopping_;
    }

  private:
    void run() {
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            if (queued_.empty()) {
                wake_.wait(lock, [&] { return stopping_ || !queued_.empty(); });
                continue;
            }
            std::vector<std::pair<std::string, std::uint64_t>> now;
            now.swap(queued_);
            lock.unlock();
            std::vector<std::pair<std::string, std::uint64_t>> again;
            for (auto& lost : now) {
                bool settled = true;
                try {
                    settled = release_(lost.first, lost.second);
                } catch (...) {  // out of memory: tried again
                    settled = false;
                }
                if (!settled) again.push_back(std::move(lost));
            }
            lock.lock();
            if (!again.empty()) {
                queued_.insert(queued_.end(), std::make_move_iterator(again.begin()),
                               std::make_move_iterator(again.end()));
                wake_.wait_for(lock, retry_after, [&] { return stopping_; });
            }
        }
    }

    static constexpr std::chrono::seconds retry_after{1};
    release_fn release_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<std::pair<std::string, std::uint64_t>> queued_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace coact
