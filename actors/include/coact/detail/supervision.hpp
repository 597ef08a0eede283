// coact/detail/supervision.hpp — the state of one coact::supervise() body: its children, its
// recent restart times, and what each message does to them. Included by coact/supervisor.hpp;
// used only from the supervisor's own turns, so nothing here needs a lock.
//
// The protocol:
//  1. Start: spawn each child in order (named, spawn_options::supervisor = self) and monitor
//     it. If a live actor still holds a child's name (typically that child's previous
//     incarnation, still ending after this supervisor was itself restarted), monitor the holder
//     and start that child, and the ones after it, at the holder's down.
//  2. child_failed{who} from a child: forget the restart times older than `within`; if
//     max_restarts remain, give up (4); else record this one and restart the children the
//     strategy names, in start order. restart() returning false means the child ended for good:
//     its down (3) forgets it. From an actor that is not a child (an orphan of a previous
//     incarnation, held for this address): stop it, so it ends for good.
//  3. down{who} from a child: it returned or someone else stopped it; forget it (not restarted).
//  4. Give up: stop every child (a held one ends for good), wait for each one's down (stopping a
//     child again if it fails meanwhile), then fail with restart_limit.
//  5. Stopped, or an exception (start, on_event): stop every child and end at once. A stopped
//     actor cannot wait, so the children may still be ending when the supervisor's down is sent.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <deque>
#include <string>
#include <utility>
#include <vector>

namespace coact::detail {

class supervision {
  public:
    supervision(context& self, supervisor_options options, std::vector<child_spec> specs)
        : self_(self), options_(std::move(options)) {
        if (options_.within <= std::chrono::milliseconds::zero()) {
            // Restarts older than the window are forgotten: with no window none would ever add
            // up to max_restarts, and a child failing at start would be restarted for ever.
            throw error("coact::supervise: supervisor_options::within must be positive, not " +
                        std::to_string(options_.within.count()) +
                        " ms: restarts are counted within that window");
        }
        children_.reserve(specs.size());
        for (std::size_t i = 0; i < specs.size(); ++i) {
            child_spec& s = specs[i];
            // Built by appending: g++ 12 at -O3 warns falsely (-Wrestrict, GCC bug 105651) on
            // `"#" + std::to_string(i)`, which breaks a user's build under -Werror.
            std::string label = s.name;
            if (label.empty()) label.append("#").append(std::to_string(i));
            if (!s.start) {
                throw error("coact::supervise: child '" + label + "' has no start function");
            }
            const bool twice = !s.name.empty() &&
                               std::any_of(children_.begin(), children_.end(),
                                           [&](const child& c) { return c.spec.name == s.name; });
            if (twice) throw error("coact::supervise: two children are named '" + s.name + "'");
            children_.push_back(child{std::move(s), {}, std::move(label)});
        }
    }

    /// Step 1: starts the children not started yet, in order, until one's name is taken.
    void start_children() {
        while (next_ < children_.size() && !giving_up_) {
            child& c = children_[next_];
            const spawn_options how{.name = c.spec.name,
                                    .capacity = c.spec.capacity,
                                    .overflow = c.spec.overflow,
                                    .supervisor = self_.address()};
            try {
                c.who = self_.spawn(how, c.spec.start);
            } catch (const name_taken&) {
                const coact::address holder = self_.runtime().try_lookup(c.spec.name);
                if (!holder) continue;  // it ended meanwhile: try again
                self_.monitor(holder);
                blocker_ = holder;
                return;
            }
            self_.monitor(c.who);
            ++next_;
            report(supervisor_event::kind::started, c, {});
        }
    }

    /// Step 2.
    void on_failed(const child_failed& f) {
        child* c = find(f.who);
        if (c == nullptr || giving_up_) {
            self_.stop(f.who);
            return;
        }
        report(supervisor_event::kind::failed, *c, f.reason.what());
        const auto now = options_.clock ? options_.clock() : std::chrono::steady_clock::now();
        while (!restarts_.empty() && now - restarts_.front() >= options_.within) {
            restarts_.pop_front();
        }
        if (restarts_.size() >= options_.max_restarts) {
            begin_give_up(*c);
            return;
        }
        restarts_.push_back(now);
        const auto failed = static_cast<std::size_t>(c - children_.data());
        for (std::size_t i = 0; i < next_; ++i) {
            child& other = children_[i];
            const bool chosen =
                options_.strategy == restart_strategy::one_for_all ||
                (options_.strategy == restart_strategy::one_for_one && i == failed) ||
                (options_.strategy == restart_strategy::rest_for_one && i >= failed);
            if (chosen && other.who && self_.restart(other.who)) {
                report(supervisor_event::kind::restarted, other, {});
            }
        }
    }

    /// Step 3 (and the downs awaited in steps 1 and 4).
    void on_down(const down& d) {
        if (blocker_ && d.who == blocker_) {
            blocker_ = {};
            start_children();
            return;
        }
        child* c = find(d.who);
        if (c == nullptr) return;  // a holder's second down, or one for a previous incarnation
        c->who = {};
        if (giving_up_) {
            std::erase(stopping_, d.who);
        } else {
            report(supervisor_event::kind::ended, *c, d.reason.what());
        }
    }

    /// True once the supervisor gave up and every child has ended.
    [[nodiscard]] bool finished() const noexcept { return giving_up_ && stopping_.empty(); }

    /// Step 5 (and the first half of 4): stops every child, the last started first.
    void stop_children() noexcept {
        for (auto it = children_.rbegin(); it != children_.rend(); ++it) {
            if (!it->who) continue;
            try {
                self_.stop(it->who);
            } catch (...) {  // stop() does not throw for an address; nothing to undo if it did
            }
        }
    }

    /// Step 4, once finished(): reports gave_up and fails the supervisor.
    [[noreturn]] void give_up() {
        restart_limit limit(limit_child_, options_.max_restarts, options_.within);
        if (options_.on_event) {
            options_.on_event(supervisor_event{.what = supervisor_event::kind::gave_up,
                                               .child = limit_child_,
                                               .who = {},
                                               .reason = limit.what()});
        }
        throw limit;
    }

  private:
    struct child {
        child_spec spec;
        coact::address who;  // null: not started yet, or ended
        std::string label;   // the name, or "#i"
    };

    child* find(coact::address who) noexcept {
        if (!who) return nullptr;
        for (child& c : children_) {
            if (c.who == who) return &c;
        }
        return nullptr;
    }

    void begin_give_up(const child& failed) {
        giving_up_ = true;
        limit_child_ = failed.label;
        blocker_ = {};
        for (const child& c : children_) {
            if (c.who) stopping_.push_back(c.who);
        }
        stop_children();
    }

    void report(supervisor_event::kind what, const child& c, std::string reason) {
        if (!options_.on_event) return;
        options_.on_event(supervisor_event{
            .what = what, .child = c.label, .who = c.who, .reason = std::move(reason)});
    }

    context& self_;
    supervisor_options options_;
    std::vector<child> children_;
    std::size_t next_ = 0;    // the first child not started yet
    coact::address blocker_;  // step 1: the live holder of children_[next_]'s name
    std::deque<std::chrono::steady_clock::time_point> restarts_;  // within the window, oldest first
    bool giving_up_ = false;
    std::string limit_child_;
    std::vector<coact::address> stopping_;  // step 4: children whose down is awaited
};

}  // namespace coact::detail
