// fuzz_runtime — libFuzzer target for the actor runtime (contract §4), in both modes.
//
// The input is a small program. Its first byte picks the mode (one worker, or two: the
// work-stealing scheduler), the throughput, and whether the program is basic or extended (bit 4);
// the rest is a sequence of outside calls: spawn (named or anonymous) of one of the actor kinds,
// send by name or by address, send of a message of the wrong type, stop by name or by address,
// publish, and run(); an extended program also spawns with spawn_options (a bounded mailbox:
// capacity 1-4, overflow reject, drop_newest or wait; a supervisor), spawns supervisors, and sends
// bursts to one address. Every actor takes int messages, and each message's low bits pick what it
// does: nothing, send on by name or by address (in an extended program perhaps with
// `co_await self.put`), reply, publish, subscribe or unsubscribe, stop itself, or its kind's own:
//   echo     replies;              failer   throws (the actor fails);
//   quitter  returns (it ends);    spawner  spawns a child and sends it a message;
//   asker    asks another actor and waits for the reply (no_reply and no_such_actor caught),
//            with ask() or with ask_for() and a timeout of 0, 1 us, 1 ms or hours::max() (then
//            ask_timeout is caught too, and a late reply is a dead letter);
//   ignorer  catches generator_exit and waits again (the runtime fails it: ignored_exit);
//   supervisor (extended programs) spawns a child it supervises, or restarts one of its children
//            (live or held); on a child_failed it restarts or stops the child, as the input says.
// A supervised child also fails on some messages. Everything actors send costs fuel, and spawns
// a budget, so every program ends.
//
// Checked after every run(): the outside calls throw name_taken / no_such_actor exactly when the
// registry says so; stats().delivered equals the messages actors took, failed the failures (held
// ones included), spawned the spawns, actors the bodies alive plus at most the held children;
// restarts lies between the restarted bodies that started and the restart() calls that returned
// true (one worker: the held restarts, seen inside restart(), plus one to all of the live ones,
// which merge while the child has not ended yet); a send that throws mailbox_full or drops goes to
// a bounded actor of that policy, an ask never does (asks are not counted against a bound); one
// worker: every drop happened inside a send. After shutdown(): no actor is left, every body's
// locals were destroyed, and every message that entered a mailbox was delivered, dropped or counted
// as a dead letter (delivered + dead_letters + dropped lies between what certainly entered a
// mailbox and that plus what may have: replies, no_reply notices, copies of outside publishes,
// child_failed notices, a put's hand-over).
//
//   build/<dir>/tests/fuzz/fuzz_runtime -max_len=256 corpus/ tests/fuzz/corpus/runtime
//
// Environment: COACT_FUZZ_WORKERS=1|2 forces the mode, COACT_FUZZ_TRACE=1 prints what each
// program did: docs/design/fuzzing.md.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coact/actor.hpp"
#include "coact/address.hpp"
#include "coact/context.hpp"
#include "coact/errors.hpp"
#include "coact/exit_reason.hpp"
#include "coact/runtime.hpp"
#include "coact/runtime_options.hpp"
#include "coact/spawn_options.hpp"
#include "fuzz_input.hpp"

namespace {

using coact_fuzz::expect;
using coact_fuzz::fuzz_input;

constexpr int max_calls = 64;       // outside calls per program
constexpr int total_fuel = 200;     // messages, asks, puts and publishes actors may send in all
constexpr int spawn_budget = 16;    // children actors may spawn in all
constexpr int max_spawn_depth = 3;  // a child's child's child spawns no more
constexpr std::size_t max_addresses = 32;
constexpr std::size_t max_slots = 64;  // actors whose body starts are counted (world::starts)
constexpr std::string_view topic = "fuzz";
constexpr std::uint8_t extended_bit = 0x10;  // in the mode byte: bounded mailboxes, supervisors

constexpr std::array<std::string_view, 8> names{"a0", "a1", "a2", "a3", "c0", "c1", "c2", "c3"};

enum class kind : std::uint8_t { echo, failer, quitter, spawner, asker, ignorer, supervisor };
constexpr unsigned basic_kinds = 6;  // a basic program's (the seeds from before supervision)
constexpr unsigned all_kinds = 7;

/// An actor's mailbox bound as it was spawned: what a send to it may do when it is full.
enum class bound : std::uint8_t { none, reject, drop_newest, wait };

bound bound_of(const coact::spawn_options& o) {
    return o.capacity == 0 ? bound::none
                           : static_cast<bound>(1 + static_cast<unsigned>(o.overflow));
}

/// A bound from a few bits: none (one time in five), or capacity 1-4 with any policy.
coact::spawn_options bounded_options(unsigned bits) {
    coact::spawn_options o;
    o.capacity = bits % 5;
    o.overflow = static_cast<coact::overflow>((bits / 5) % 3);
    return o;
}

/// Spreads a message's bits, for choices independent of its low bits (its action).
unsigned mix(int v) { return (static_cast<unsigned>(v) * 2654435761U) >> 16; }

/// A supervised child also fails on these messages (one in eight).
bool fails_supervised(int v) { return (v & 0x38) == 0x38; }

struct failure : std::runtime_error {
    failure() : std::runtime_error("fuzz: this actor fails on purpose") {}
};

/// A body's arguments besides its kind and depth: copied anew into each body a restart makes.
struct traits {
    int slot = -1;  // the actor's counter in world::starts (-1: none was left)
    bool supervised = false;
    // A supervisor's: bit i % 8 decides its i-th child_failed: restart the child (1) or stop it.
    std::uint8_t decisions = 0;
};

/// An address and the bound its actor was spawned with.
struct known {
    coact::address address;
    bound limit = bound::none;
};

/// What the program and its actors did, counted the way stats() should count it. Atomic and
/// relaxed: in work-stealing mode actors run on two threads; it is read after run() returns.
struct world {
    bool extended = false;  // mode bit 4: bounded mailboxes and supervisors
    bool single = false;    // one worker: stats() moves only on this thread, during its calls

    std::atomic<int> fuel{total_fuel};
    std::atomic<int> spawns_left{spawn_budget};
    std::atomic<std::uint64_t> received{0};   // messages actors took out of their mailbox
    std::atomic<std::uint64_t> posted{0};     // messages that certainly entered a mailbox or
                                              // were dropped (sends not refused, puts that ended)
    std::atomic<std::uint64_t> replies{0};    // reply() calls: a reply or a message, or neither
    std::atomic<std::uint64_t> asks{0};       // each may also bring one no_reply notice
    std::atomic<std::uint64_t> publishes{0};  // rt.publish(): copies unknown outside
    std::atomic<std::uint64_t> failing{0};    // bodies an exception escaped from
    std::atomic<std::uint64_t> ignored{0};    // bodies that caught generator_exit and waited again
    std::atomic<std::uint64_t> spawned{0};
    std::atomic<int> bodies{0};  // bodies started whose locals are not destroyed yet

    std::atomic<std::uint64_t> refused{0};              // sends that threw mailbox_full
    std::atomic<std::uint64_t> put_attempts{0};         // each may leave one hand-over dead letter
    std::atomic<std::uint64_t> supervised_failures{0};  // each may be held, and notified once
    std::atomic<std::uint64_t> restart_calls{0};        // restart() calls that returned true
    std::atomic<std::uint64_t> held_restarts{0};  // one worker: of those, held (restarted at once)
    std::atomic<std::uint64_t> live_restarts{0};  // one worker: of those, live (at its end)
    std::atomic<std::uint64_t> restarted_starts{0};  // bodies that started after a restart
    std::atomic<std::uint64_t> drops_seen{0};  // one worker: stats().dropped's growth in sends
    std::atomic<bool> any_drop_newest{false};  // a drop_newest actor was spawned
    std::array<std::atomic<int>, max_slots> starts{};  // bodies started per counted actor
    std::atomic<int> next_slot{0};

    std::mutex mutex;  // guards what follows: spawners append from the workers
    std::vector<known> addresses;
    std::vector<coact::address> supervisors;
    // One worker: the bound of each name's holder (the last spawn that took the name: a name is
    // free again only once its holder has ended).
    std::array<bound, names.size()> name_bound{};

    bool take_fuel() { return take(fuel); }
    bool take_spawn() { return take(spawns_left); }
    int take_slot() {
        const int slot = next_slot.fetch_add(1, std::memory_order_relaxed);
        return slot < static_cast<int>(max_slots) ? slot : -1;
    }

    /// A body's first line: counts the start, and the restarts it proves.
    void started(const traits& t) {
        if (t.slot < 0) return;
        const int before = starts[static_cast<std::size_t>(t.slot)].fetch_add(1);
        if (before == 0) return;
        expect(t.supervised, "an actor without a supervisor starts one body only");
        restarted_starts.fetch_add(1, std::memory_order_relaxed);
    }

    void remember(coact::address a, bound limit, kind k, std::string_view name) {
        if (limit == bound::drop_newest) any_drop_newest.store(true, std::memory_order_relaxed);
        const std::lock_guard lock(mutex);
        if (addresses.size() < max_addresses) addresses.push_back({a, limit});
        if (k == kind::supervisor && supervisors.size() < max_addresses) supervisors.push_back(a);
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (names[i] == name) name_bound[i] = limit;
        }
    }
    known pick(unsigned i) {
        const std::lock_guard lock(mutex);
        return addresses.empty() ? known{} : addresses[i % addresses.size()];
    }
    coact::address pick_supervisor(unsigned i) {
        const std::lock_guard lock(mutex);
        return supervisors.empty() ? coact::address{} : supervisors[i % supervisors.size()];
    }

    /// The bound a send by name meets, where it is known: with one worker a name resolves to
    /// its holder, whose bound admit() reads. (With two, the holder may end, and its cell go to
    /// a new actor, between the two: not checked.)
    std::optional<bound> limit_of_name(std::size_t i) {
        if (!single) return std::nullopt;
        const std::lock_guard lock(mutex);
        return name_bound[i];
    }
    /// The bound a send by address meets: its actor's. Once the actor has ended the send is a
    /// dead letter, never refused or dropped, even when another actor, bounded otherwise, has
    /// taken its cell (docs/design/fuzzing.md, "a send to an ended actor's address met its
    /// successor's mailbox bound").
    [[nodiscard]] static std::optional<bound> limit_of(const known& k) { return k.limit; }

  private:
    static bool take(std::atomic<int>& left) {
        int n = left.load(std::memory_order_relaxed);
        while (n > 0 && !left.compare_exchange_weak(n, n - 1, std::memory_order_relaxed)) {
        }
        return n > 0;
    }
};

void bump(std::atomic<std::uint64_t>& counter, std::uint64_t by = 1) {
    counter.fetch_add(by, std::memory_order_relaxed);
}
std::uint64_t load(const std::atomic<std::uint64_t>& counter) {
    return counter.load(std::memory_order_relaxed);
}

/// Makes one send or ask (`send()`, to an actor whose bound is `limit` when known) and counts it
/// in `sent` unless it threw mailbox_full (then nothing was queued). Returns whether it went
/// through, perhaps dropped. An ask is not counted against a bound: never refused, never
/// dropped. With one worker, the growth of stats().dropped during the call is this send's own:
/// at most one, none for an ask or a refused send.
template <class Send>
bool try_send(coact::runtime& rt, world& w, std::optional<bound> limit, bool ask,
              std::atomic<std::uint64_t>& sent, Send&& send) {
    const std::uint64_t before = w.single ? rt.stats().dropped : 0;
    try {
        send();
    } catch (const coact::mailbox_full&) {
        bump(w.refused);
        expect(!ask, "an ask is not counted against a bound: it never throws mailbox_full");
        if (w.single) expect(rt.stats().dropped == before, "a refused send drops nothing");
        if (limit) {
            expect(*limit != bound::none, "a send to an unbounded actor throws no mailbox_full");
            expect(*limit != bound::drop_newest,
                   "a send to a full drop_newest mailbox drops instead of throwing");
        }
        return false;
    }
    bump(sent);
    if (w.single) {
        const std::uint64_t dropped = rt.stats().dropped - before;
        expect(dropped <= 1, "a send drops one message at most");
        expect(dropped == 0 || !ask, "an ask is never dropped");
        expect(dropped == 0 || !limit || *limit == bound::drop_newest,
               "only a drop_newest mailbox drops");
        bump(w.drops_seen, dropped);
    }
    return true;
}

/// The message an actor passes on when it got `v`: a different mix of actions.
int next_message(int v) { return (v * 37 + 11) & 0xffff; }

/// A local of every body: its destructor runs when the frame ends or is destroyed.
struct body_probe {
    explicit body_probe(world& w) noexcept : w_(w) { w_.bodies.fetch_add(1); }
    ~body_probe() { w_.bodies.fetch_sub(1); }
    body_probe(const body_probe&) = delete;
    body_probe& operator=(const body_probe&) = delete;

  private:
    world& w_;
};

/// A send that react() leaves to the body: `co_await self.put(...)` (by name if `name` is set).
struct put_request {
    coact::address to;
    std::string_view name;
    int message = 0;
};

/// The actions every kind shares (a message's low three bits; 5 is the kind's own). In an
/// extended program bit 6 turns a send into a put, returned for the body to co_await.
std::optional<put_request> react(coact::context& self, world& w, int v) {
    const int out = next_message(v);
    const auto target = static_cast<unsigned>(v >> 3);
    const bool put = w.extended && (v & 0x40) != 0;
    switch (v & 7) {
        case 1: {
            if (!w.take_fuel()) return std::nullopt;
            const std::size_t i = target % names.size();
            if (put) return put_request{{}, names[i], out};
            try {
                try_send(self.runtime(), w, w.limit_of_name(i), false, w.posted,
                         [&] { self.send(names[i], out); });
            } catch (const coact::no_such_actor&) {
            }
            return std::nullopt;
        }
        case 2:
            if (const known k = w.pick(target); k.address && w.take_fuel()) {
                if (put) return put_request{k.address, {}, out};
                try_send(self.runtime(), w, w.limit_of(k), false, w.posted,
                         [&] { self.send(k.address, out); });
            }
            return std::nullopt;
        case 3:
        case 5:  // echo's own action; the others handle theirs before calling react()
            if (!w.take_fuel()) return std::nullopt;
            self.reply(out);
            bump(w.replies);
            return std::nullopt;
        case 4:
            if (w.take_fuel()) bump(w.posted, self.publish(topic, out));
            return std::nullopt;
        case 6:
            self.stop(self.address());  // the next receive throws generator_exit
            return std::nullopt;
        case 7:
            if (!self.subscribe(topic)) self.unsubscribe(topic);
            return std::nullopt;
        default:
            return std::nullopt;
    }
}

/// A failure escaping a body: counted once, whether the actor ends or is held.
void count_failure(world& w, const traits& t) {
    bump(w.failing);
    if (t.supervised) bump(w.supervised_failures);
}

coact::actor fuzz_actor(coact::context& self, world* w, kind k, int depth, traits t);
coact::actor fuzz_supervisor(coact::context& self, world* w, kind k, int depth, traits t);

using ask_awaiter = decltype(std::declval<coact::context&>().ask<int>(coact::address{}, 0));
using ask_for_awaiter = decltype(std::declval<coact::context&>().ask_for<int>(
    std::chrono::nanoseconds{}, coact::address{}, 0));

/// An asker's timeout, picked by the message: none (plain ask), or one of four for ask_for.
std::optional<std::chrono::nanoseconds> ask_timeout_of(int v) {
    const unsigned m = mix(v) >> 8;
    if ((m & 1) == 0) return std::nullopt;
    switch ((m >> 1) & 3) {
        case 0:
            return std::chrono::nanoseconds::zero();  // times out at once
        case 1:
            return std::chrono::microseconds(1);  // races with the reply
        case 2:
            return std::chrono::milliseconds(1);
        default:
            return std::chrono::nanoseconds::max();  // past the clock's range: as ask()
    }
}

using body_fn = coact::actor (*)(coact::context&, world*, kind, int, traits);
body_fn body_of(kind k) { return k == kind::supervisor ? fuzz_supervisor : fuzz_actor; }

/// A spawner's or a supervisor's own action: a child (named or not; in an extended program of
/// any kind and perhaps bounded; a supervisor's is supervised by it), then a message to it.
std::optional<coact::address> spawn_child(coact::context& self, world& w, int v, int depth,
                                          bool supervise) {
    const auto target = static_cast<unsigned>(v >> 3);
    if (depth >= max_spawn_depth || !w.take_spawn()) return std::nullopt;
    const kind child_kind = static_cast<kind>(target % (w.extended ? all_kinds : basic_kinds));
    coact::spawn_options options;
    if (w.extended) options = bounded_options(mix(v));
    if ((target & 8) != 0) options.name = names[4 + target % 4];
    if (supervise) options.supervisor = self.address();
    const traits t{w.take_slot(), supervise, static_cast<std::uint8_t>(mix(v) >> 8)};
    coact::address child;
    try {
        child = self.spawn(options, body_of(child_kind), &w, child_kind, depth + 1, t);
    } catch (const coact::name_taken&) {
        return std::nullopt;
    }
    bump(w.spawned);
    w.remember(child, bound_of(options), child_kind, options.name);
    if (w.take_fuel()) {
        // Its bound is known: it has just been spawned, and nobody else may end it before it
        // takes a message (only by-name stops from outside, and its own).
        try_send(self.runtime(), w, bound_of(options), false, w.posted,
                 [&] { self.send(child, next_message(v)); });
    }
    return child;
}

/// A supervisor's restart(): with one worker, stats().restarts moves during the call exactly
/// when the child was held (a live child is restarted at its end, later).
void restart_child(coact::context& self, world& w, coact::address child) {
    const std::uint64_t before = w.single ? self.runtime().stats().restarts : 0;
    bool restarted = false;
    try {
        restarted = self.restart(child);
    } catch (const coact::error&) {
        coact_fuzz::fail("restart() of a child it supervises throws");
    }
    if (restarted) bump(w.restart_calls);
    if (!w.single) return;
    const std::uint64_t now = self.runtime().stats().restarts - before;
    expect(now <= 1, "restart() restarts one body at most");
    expect(restarted || now == 0, "a restart() that returns false restarts nothing");
    if (now == 1) {
        bump(w.held_restarts);
    } else if (restarted) {
        bump(w.live_restarts);
    }
}

coact::actor fuzz_actor(coact::context& self, world* w, kind k, int depth, traits t) {
    const body_probe probe{*w};
    w->started(t);
    try {
        for (;;) {
            int v = 0;
            if (k == kind::ignorer) {
                try {
                    v = co_await self.receive<int>();
                } catch (const coact::generator_exit&) {
                    bump(w->ignored);  // and wait again: the runtime fails this actor
                    if (t.supervised) bump(w->supervised_failures);
                    continue;
                }
            } else {
                v = co_await self.receive<int>();
            }
            bump(w->received);
            if (t.supervised && fails_supervised(v)) throw failure{};
            if ((v & 7) != 5 || k == kind::echo || k == kind::ignorer) {
                if (const std::optional<put_request> p = react(self, *w, v)) {
                    bump(w->put_attempts);
                    try {
                        if (p->name.empty()) {
                            co_await self.put(p->to, p->message);
                        } else {
                            co_await self.put(p->name, p->message);
                        }
                        bump(w->posted);  // delivered, or a dead letter; never refused
                    } catch (const coact::no_such_actor&) {
                    } catch (const coact::mailbox_full&) {
                        coact_fuzz::fail("put() throws mailbox_full");
                    }
                }
                continue;
            }
            if (k == kind::failer) throw failure{};
            if (k == kind::quitter) co_return;
            if (k == kind::spawner) {
                static_cast<void>(spawn_child(self, *w, v, depth, false));
                continue;
            }
            // asker: ask() throws before sending anything (no_such_actor; coact::error when
            // asking itself, which then fails this actor) or has sent the ask.
            const auto target = static_cast<unsigned>(v >> 3);
            if (!w->take_fuel()) continue;
            try {
                const std::optional<std::chrono::nanoseconds> timeout = ask_timeout_of(v);
                std::optional<ask_awaiter> reply;
                std::optional<ask_for_awaiter> timed_reply;
                const auto ask = [&](auto to) {
                    if (timeout) {
                        timed_reply.emplace(self.ask_for<int>(*timeout, to, next_message(v)));
                    } else {
                        reply.emplace(self.ask<int>(to, next_message(v)));
                    }
                };
                if ((target & 8) != 0) {
                    const std::size_t i = target % names.size();
                    try_send(self.runtime(), *w, w->limit_of_name(i), true, w->asks,
                             [&] { ask(names[i]); });
                } else if (const known a = w->pick(target); a.address) {
                    try_send(self.runtime(), *w, w->limit_of(a), true, w->asks,
                             [&] { ask(a.address); });
                }
                if (reply) static_cast<void>(co_await *reply);
                if (timed_reply) static_cast<void>(co_await *timed_reply);
            } catch (const coact::no_reply&) {
            } catch (const coact::no_such_actor&) {
            } catch (const coact::ask_timeout&) {
            }
        }
    } catch (const coact::generator_exit&) {
        throw;  // stopped: closed, not failed
    } catch (const coact::bad_message&) {
        bump(w->received);  // it was taken, then found to be of the wrong type
        count_failure(*w, t);
        throw;
    } catch (...) {
        count_failure(*w, t);
        throw;
    }
}

coact::actor fuzz_supervisor(coact::context& self, world* w, kind, int depth, traits t) {
    const body_probe probe{*w};
    w->started(t);
    std::array<coact::address, 4> children{};  // the last four it spawned
    std::size_t spawned = 0;
    unsigned failures = 0;
    try {
        for (;;) {
            std::optional<int> message;
            std::optional<coact::child_failed> failed;
            co_await self.receive([&](int v) { message = v; },
                                  [&](const coact::child_failed& f) { failed = f; });
            bump(w->received);
            if (failed) {
                expect(failed->reason.failed() && static_cast<bool>(failed->who),
                       "child_failed names the child and a failure");
                if (((t.decisions >> (failures++ % 8)) & 1U) != 0) {
                    restart_child(self, *w, failed->who);
                } else {
                    static_cast<void>(self.stop(failed->who));  // held: it ends for good
                }
                continue;
            }
            const int v = *message;
            if (t.supervised && fails_supervised(v)) throw failure{};
            if ((v & 7) != 5) {
                if (const std::optional<put_request> p = react(self, *w, v)) {
                    bump(w->put_attempts);
                    try {
                        if (p->name.empty()) {
                            co_await self.put(p->to, p->message);
                        } else {
                            co_await self.put(p->name, p->message);
                        }
                        bump(w->posted);
                    } catch (const coact::no_such_actor&) {
                    } catch (const coact::mailbox_full&) {
                        coact_fuzz::fail("put() throws mailbox_full");
                    }
                }
                continue;
            }
            const auto target = static_cast<unsigned>(v >> 3);
            if ((target & 16) != 0) {  // restart one of its children: live, held or ended
                if (spawned != 0) {
                    restart_child(self, *w, children[target % std::min<std::size_t>(spawned, 4)]);
                }
                continue;
            }
            if (const std::optional<coact::address> c = spawn_child(self, *w, v, depth, true)) {
                children[spawned++ % children.size()] = *c;
            }
        }
    } catch (const coact::generator_exit&) {
        throw;
    } catch (const coact::bad_message&) {
        bump(w->received);
        count_failure(*w, t);
        throw;
    } catch (...) {
        count_failure(*w, t);
        throw;
    }
}

void report(const char* what, std::uint64_t want, std::uint64_t got) {
    std::fprintf(stdout, "%s: expected %llu, got %llu\n", what,
                 static_cast<unsigned long long>(want), static_cast<unsigned long long>(got));
}

void expect_equal(std::uint64_t want, std::uint64_t got, const char* what) {
    if (want == got) return;
    report(what, want, got);
    coact_fuzz::fail(what);
}

void expect_between(std::uint64_t low, std::uint64_t high, std::uint64_t got, const char* what) {
    if (low <= got && got <= high) return;
    std::fprintf(stdout, "%s: expected %llu..%llu, got %llu\n", what,
                 static_cast<unsigned long long>(low), static_cast<unsigned long long>(high),
                 static_cast<unsigned long long>(got));
    coact_fuzz::fail(what);
}

void check_after_run(coact::runtime& rt, world& w) {
    const coact::runtime_stats s = rt.stats();
    expect_equal(load(w.received), s.delivered, "stats().delivered counts the messages taken");
    expect_equal(load(w.failing) + load(w.ignored), s.failed,
                 "stats().failed counts the failures, held actors' included");
    expect_equal(load(w.spawned), s.spawned, "stats().spawned counts the spawns");
    // A held child counts as an actor but has no body; at most one per supervised failure. After
    // run() every other actor has a started body (a restarted one was scheduled, and ran).
    const auto bodies = static_cast<std::uint64_t>(w.bodies.load());
    expect_between(bodies, bodies + load(w.supervised_failures), s.actors,
                   "after run(), stats().actors counts the bodies alive and the held actors");
    // Every restarted body that started was a restart; every restart was asked for by a
    // restart() that returned true (two asks of a live child before it ends make one restart;
    // with two workers, an ask aimed at a body that has failed since is ignored).
    expect_between(load(w.restarted_starts), load(w.restart_calls), s.restarts,
                   "stats().restarts lies between the restarted bodies and the restart() calls");
    if (w.single) {
        // One worker: a held child is restarted inside restart(), a live one at its end, which
        // comes before run() returns (it is stopped, so runnable); asks of a live child merge
        // until then, so all of them make at least one restart.
        const std::uint64_t held = load(w.held_restarts);
        const std::uint64_t live = load(w.live_restarts);
        expect_between(held + (live != 0 ? 1 : 0), held + live, s.restarts,
                       "one worker: stats().restarts counts the held restarts and the live ones");
        expect_equal(load(w.drops_seen), s.dropped,
                     "one worker: every drop happens in a send (not a reply, publication or "
                     "child_failed)");
    }
    if (!w.any_drop_newest.load()) expect_equal(0, s.dropped, "no drop_newest actor, no drop");
}

void check_after_shutdown(coact::runtime& rt, world& w) {
    const coact::runtime_stats s = rt.stats();
    expect_equal(0, s.actors, "no actor is alive after shutdown()");
    expect_equal(0, static_cast<std::uint64_t>(w.bodies.load()),
                 "shutdown() destroys every body's locals");
    expect_equal(load(w.received), s.delivered, "stats().delivered counts the messages taken");
    // A message that entered a mailbox is taken, dropped by a full drop_newest mailbox, a dead
    // letter, or counted by shutdown() (with the dead letters). "Maybe": what actors did not
    // send themselves, or cannot know if it was sent: replies (to an ask, a message, or nothing
    // when the sender is outside), no_reply notices, copies of outside publishes (at most one
    // per actor), child_failed notices (none when the supervisor has ended), and the hand-over
    // a put waited for (a dead letter when it arrives after the putter ended or was restarted).
    const std::uint64_t accounted = s.delivered + s.dead_letters + s.dropped;
    const std::uint64_t surely = load(w.posted) + load(w.asks);
    const std::uint64_t maybe = load(w.replies) + load(w.asks) +
                                load(w.publishes) * load(w.spawned) + load(w.put_attempts) +
                                load(w.supervised_failures);
    if (accounted < surely || accounted > surely + maybe) {
        std::fprintf(
            stdout, "delivered %llu + dead letters %llu + dropped %llu, expected %llu..%llu\n",
            static_cast<unsigned long long>(s.delivered),
            static_cast<unsigned long long>(s.dead_letters),
            static_cast<unsigned long long>(s.dropped), static_cast<unsigned long long>(surely),
            static_cast<unsigned long long>(surely + maybe));
        coact_fuzz::fail("every message is delivered, dropped or counted as a dead letter");
    }
}

/// COACT_FUZZ_TRACE set: what a program did, on stdout (to see what a seed exercises).
void print_summary(coact::runtime& rt, world& w, std::size_t left) {
    const coact::runtime_stats s = rt.stats();
    std::fprintf(stdout,
                 "coact fuzz: %s, %s: spawned %llu, delivered %llu, dead letters %llu (%zu at "
                 "shutdown), dropped %llu, refused %llu, puts %llu, failed %llu (supervised "
                 "%llu), restarts %llu (restart() true %llu)\n",
                 w.single ? "one worker" : "two workers", w.extended ? "extended" : "basic",
                 static_cast<unsigned long long>(s.spawned),
                 static_cast<unsigned long long>(s.delivered),
                 static_cast<unsigned long long>(s.dead_letters), left,
                 static_cast<unsigned long long>(s.dropped),
                 static_cast<unsigned long long>(load(w.refused)),
                 static_cast<unsigned long long>(load(w.put_attempts)),
                 static_cast<unsigned long long>(s.failed),
                 static_cast<unsigned long long>(load(w.supervised_failures)),
                 static_cast<unsigned long long>(s.restarts),
                 static_cast<unsigned long long>(load(w.restart_calls)));
}

void run(fuzz_input& in) {
    static const bool trace = std::getenv("COACT_FUZZ_TRACE") != nullptr;
    // COACT_FUZZ_WORKERS=1 or 2: that mode whatever the first byte says (a campaign on one mode).
    static const char* const forced = std::getenv("COACT_FUZZ_WORKERS");
    const std::uint8_t mode = in.byte();
    coact::runtime_options options;
    options.workers = (mode & 1) != 0 ? 2 : 1;
    if (forced != nullptr) options.workers = std::string_view(forced) == "2" ? 2 : 1;
    options.throughput = 1 + (mode >> 1) % 8;
    options.offload_threads = 0;
    world w;
    w.extended = (mode & extended_bit) != 0;
    w.single = options.workers == 1;
    coact::runtime rt{options};

    auto spawn = [&](kind k, const coact::spawn_options& o, std::uint8_t decisions) {
        const bool taken = !o.name.empty() && static_cast<bool>(rt.try_lookup(o.name));
        const traits t{w.take_slot(), static_cast<bool>(o.supervisor), decisions};
        try {
            const coact::address a = rt.spawn(o, body_of(k), &w, k, 0, t);
            expect(!taken, "spawn() with a name in use throws name_taken");
            bump(w.spawned);
            w.remember(a, bound_of(o), k, o.name);
        } catch (const coact::name_taken&) {
            expect(taken, "spawn() throws name_taken only for a name in use");
        }
    };
    auto plain_spawn = [&](std::string_view name) {
        const auto k = static_cast<kind>(in.below(w.extended ? all_kinds : basic_kinds));
        spawn(k, coact::spawn_options{.name = name}, 0);
    };

    for (int calls = 0; calls < max_calls && !in.empty(); ++calls) {
        const unsigned op = in.below(w.extended ? 16 : 11);
        const std::size_t name_index = in.below(names.size());
        const std::string_view name = names[name_index];
        switch (op) {
            case 0:
            case 1:
                plain_spawn(name);
                break;
            case 2:
                plain_spawn({});
                break;
            case 3: {
                const int v = in.byte();
                const bool known_name = static_cast<bool>(rt.try_lookup(name));
                try {
                    try_send(rt, w, w.limit_of_name(name_index), false, w.posted,
                             [&] { rt.send(name, v); });
                    expect(known_name, "send() to a name nobody has throws no_such_actor");
                } catch (const coact::no_such_actor&) {
                    expect(!known_name, "send() throws no_such_actor only for an unknown name");
                }
                break;
            }
            case 4:
                if (const known k = w.pick(in.byte()); k.address) {
                    const int v = in.byte();
                    try_send(rt, w, w.limit_of(k), false, w.posted, [&] { rt.send(k.address, v); });
                }
                break;
            case 5:
                if (const known k = w.pick(in.byte()); k.address) {
                    try_send(rt, w, w.limit_of(k), false, w.posted,
                             [&] { rt.send(k.address, std::string("not an int")); });
                }
                break;
            case 6: {
                const bool known_name = static_cast<bool>(rt.try_lookup(name));
                try {
                    static_cast<void>(rt.stop(name));
                    expect(known_name, "stop() of a name nobody has throws no_such_actor");
                } catch (const coact::no_such_actor&) {
                    expect(!known_name, "stop() throws no_such_actor only for an unknown name");
                }
                break;
            }
            case 7:
                if (const known k = w.pick(in.byte()); k.address)
                    static_cast<void>(rt.stop(k.address));
                break;
            case 8:
                rt.publish(topic, static_cast<int>(in.byte()));
                bump(w.publishes);
                break;
            case 11:    // extended: spawn with a bound and perhaps a supervisor, named...
            case 12: {  // ...or anonymous
                const auto k = static_cast<kind>(in.below(all_kinds));
                coact::spawn_options o = bounded_options(in.byte());
                const std::uint8_t s = in.byte();
                const std::uint8_t decisions = in.byte();
                if (op == 11) o.name = name;
                // Perhaps under a supervisor that has ended since (then it is not held).
                if ((s & 1) != 0) o.supervisor = w.pick_supervisor(s >> 1U);
                spawn(k, o, decisions);
                break;
            }
            case 13: {  // extended: a supervisor, named or anonymous
                const std::uint8_t decisions = in.byte();
                coact::spawn_options o;
                if ((in.byte() & 1) != 0) o.name = name;
                spawn(kind::supervisor, o, decisions);
                break;
            }
            case 14: {  // extended: a burst to one address, to fill a bounded mailbox
                const known k = w.pick(in.byte());
                const unsigned n = 1 + in.below(8);
                const int v = in.byte();
                for (unsigned i = 0; k.address && i < n; ++i) {
                    try_send(rt, w, w.limit_of(k), false, w.posted,
                             [&] { rt.send(k.address, v + static_cast<int>(i)); });
                }
                break;
            }
            default:
                rt.run();
                check_after_run(rt, w);
                break;
        }
    }
    rt.run();
    check_after_run(rt, w);
    const std::size_t left = rt.shutdown();
    if (trace) print_summary(rt, w, left);
    check_after_shutdown(rt, w);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz_input in{data, size};
    run(in);
    return 0;
}
