// actor/metrics.cpp — runtime::metrics(): the counters and every live actor, from any thread,
// while the actors run.
//
// What it reads of a cell is atomic (context.hpp): listed_ (the live actor's address
// generation, set at the end of spawn with release, cleared as retire begins), serial_,
// handled_ and queued_ (written by the thread holding the actor's private state, as load + 1
// stores), and generation_. Nothing else of a cell is read: a scrape never waits for an actor.
// Three passes, each under one lock and never two at once, so no lock order is added:
//   1. the chunks (core::chunks_mutex, a real lock in both modes: cells_mutex is a no-op with
//      one worker): every cell whose listed_ is set, with its counts;
//   2. supervision (core::policy_mutex): failures and restarts of the cells with a cell_policy
//      (cell_policy.hpp: never freed while the runtime lives);
//   3. the names (the registry's shared lock): an actor whose cell has another generation now
//      ended since pass 1 and is dropped; the others get their names. A name is registered
//      before listed_ is set (spawn), and removed together with the generation's change, under
//      this lock (retire), so an actor whose generation is unchanged here has exactly the name
//      entry it had in pass 1 (none: anonymous).
#include <algorithm>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "coact/runtime.hpp"

namespace coact {

namespace {

/// Messages in box_: queued_ - handled_ modulo 2^32. `handled` is read first, so the reading
/// is at worst an overcount by messages queued meanwhile (never below zero on x86; clamped
/// elsewhere).
std::size_t mailbox_length(std::uint64_t handled, std::uint32_t queued) noexcept {
    const auto n = static_cast<std::int32_t>(queued - static_cast<std::uint32_t>(handled));
    return n > 0 ? static_cast<std::size_t>(n) : 0;
}

}  // namespace

runtime_metrics runtime::metrics() const {
    detail::core& k = *core_;
    runtime_metrics m;
    m.runtime = k.id;
    m.workers = k.options.workers;
    m.totals = stats();

    std::vector<context*> cells;  // of m.actors, in the same order
    {
        const std::lock_guard lock(k.chunks_mutex);
        for (const auto& chunk : k.chunks) {
            for (std::size_t i = 0; i < 256; ++i) {
                context* c = &chunk[i];
                // Acquire: pairs with spawn's release, so the serial is the new actor's.
                const std::uint32_t generation = c->listed_.load(std::memory_order_acquire);
                if (generation == 0) continue;
                actor_metrics a;
                a.addr = detail_access::make(c, generation);
                a.id = c->serial_.load(std::memory_order_relaxed);
                a.handled = c->handled_.load(std::memory_order_relaxed);
                a.mailbox = mailbox_length(a.handled, c->queued_.load(std::memory_order_relaxed));
                m.actors.push_back(std::move(a));
                cells.push_back(c);
            }
        }
    }
    {
        const std::lock_guard lock(k.policy_mutex);
        for (std::size_t i = 0; i < cells.size(); ++i) {
            const detail::cell_policy* x = cells[i]->policy_.load(std::memory_order_acquire);
            if (x == nullptr) continue;
            m.actors[i].failures = x->failures;
            m.actors[i].restarts = x->incarnation;
        }
    }
    std::vector<bool> ended(cells.size(), false);
    {
        std::unordered_map<const context*, std::size_t> index;
        index.reserve(cells.size());
        for (std::size_t i = 0; i < cells.size(); ++i) index.emplace(cells[i], i);
        k.names.for_each_shared(
            [&](const std::string& name, const context* c) {
                const auto it = index.find(c);
                if (it != index.end()) m.actors[it->second].name = name;
            },
            [&] {  // under the same lock as the names: see pass 3 at the top
                for (std::size_t i = 0; i < cells.size(); ++i) {
                    ended[i] =
                        cells[i]->generation() != detail_access::generation(m.actors[i].addr);
                }
            });
    }
    std::size_t kept = 0;
    for (std::size_t i = 0; i < m.actors.size(); ++i) {
        if (ended[i]) continue;
        if (kept != i) m.actors[kept] = std::move(m.actors[i]);  // not onto itself
        ++kept;
    }
    m.actors.resize(kept);
    std::sort(m.actors.begin(), m.actors.end(),
              [](const actor_metrics& a, const actor_metrics& b) { return a.id < b.id; });
    return m;
}

}  // namespace coact
