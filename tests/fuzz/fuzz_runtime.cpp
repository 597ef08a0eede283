// fuzz_runtime — libFuzzer target for the actor runtime (contract §4), in both modes.
//
// The input is a small program. Its first byte picks the mode (one worker, or two: the
// work-stealing scheduler) and the throughput; the rest is a sequence of outside calls: spawn
// (named or anonymous) of one of six actor kinds, send by name or by address, send of a message
// of the wrong type, stop by name or by address, publish, and run(). Every actor takes int
// messages, and each message's low bits pick what it does: nothing, send on by name or by
// address, reply, publish, subscribe or unsubscribe, stop itself, or its kind's own action:
//   echo     replies;              failer   throws (the actor fails);
//   quitter  returns (it ends);    spawner  spawns a child and sends it a message;
//   asker    asks another actor and waits for the reply (no_reply and no_such_actor caught);
//   ignorer  catches generator_exit and waits again (the runtime fails it: ignored_exit).
// Everything actors send costs fuel, and spawns a budget, so every program ends.
//
// Checked after every run(): the outside calls throw name_taken / no_such_actor exactly when the
// registry says so; stats().delivered equals the messages actors took, failed the actors that
// failed, spawned the spawns, actors the bodies alive. After shutdown(): no actor is left, every
// body's locals were destroyed, and every message that entered a mailbox was delivered or counted
// as a dead letter (delivered + dead_letters lies between what certainly entered a mailbox and
// that plus what may have: replies, no_reply notices, copies of outside publishes).
//
//   build/<dir>/tests/fuzz/fuzz_runtime -max_len=256 corpus/ tests/fuzz/corpus/runtime
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "coact/actor.hpp"
#include "coact/address.hpp"
#include "coact/context.hpp"
#include "coact/errors.hpp"
#include "coact/runtime.hpp"
#include "coact/runtime_options.hpp"
#include "fuzz_input.hpp"

namespace {

using coact_fuzz::expect;
using coact_fuzz::fuzz_input;

constexpr int max_calls = 64;       // outside calls per program
constexpr int total_fuel = 200;     // messages, asks and publishes actors may send in all
constexpr int spawn_budget = 16;    // children actors may spawn in all
constexpr int max_spawn_depth = 3;  // a child's child's child spawns no more
constexpr std::size_t max_addresses = 32;
constexpr std::string_view topic = "fuzz";

constexpr std::array<std::string_view, 8> names{"a0", "a1", "a2", "a3", "c0", "c1", "c2", "c3"};

enum class kind : std::uint8_t { echo, failer, quitter, spawner, asker, ignorer };
constexpr unsigned kinds = 6;

struct failure : std::runtime_error {
    failure() : std::runtime_error("fuzz: this actor fails on purpose") {}
};

/// What the program and its actors did, counted the way stats() should count it. Atomic and
/// relaxed: in work-stealing mode actors run on two threads; it is read after run() returns.
struct world {
    std::atomic<int> fuel{total_fuel};
    std::atomic<int> spawns_left{spawn_budget};
    std::atomic<std::uint64_t> received{0};   // messages actors took out of their mailbox
    std::atomic<std::uint64_t> posted{0};     // messages that certainly entered a mailbox
    std::atomic<std::uint64_t> replies{0};    // reply() calls: a reply or a message, or neither
    std::atomic<std::uint64_t> asks{0};       // each may also bring one no_reply notice
    std::atomic<std::uint64_t> publishes{0};  // rt.publish(): copies unknown outside
    std::atomic<std::uint64_t> failing{0};    // bodies an exception escaped from
    std::atomic<std::uint64_t> ignored{0};    // bodies that caught generator_exit and waited again
    std::atomic<std::uint64_t> spawned{0};
    std::atomic<int> bodies{0};  // bodies started whose locals are not destroyed yet

    std::mutex mutex;  // guards addresses: spawners append from the workers
    std::vector<coact::address> addresses;

    bool take_fuel() { return take(fuel); }
    bool take_spawn() { return take(spawns_left); }

    void remember(coact::address a) {
        const std::lock_guard lock(mutex);
        if (addresses.size() < max_addresses) addresses.push_back(a);
    }
    coact::address pick(unsigned i) {
        const std::lock_guard lock(mutex);
        return addresses.empty() ? coact::address{} : addresses[i % addresses.size()];
    }

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

/// The actions every kind shares (a message's low three bits; 5 is the kind's own).
void react(coact::context& self, world& w, int v) {
    const int out = next_message(v);
    const auto target = static_cast<unsigned>(v >> 3);
    switch (v & 7) {
        case 1:
            if (!w.take_fuel()) return;
            try {
                self.send(names[target % names.size()], out);
                bump(w.posted);
            } catch (const coact::no_such_actor&) {
            }
            return;
        case 2:
            if (const coact::address a = w.pick(target); a && w.take_fuel()) {
                self.send(a, out);
                bump(w.posted);
            }
            return;
        case 3:
        case 5:  // echo's own action; the others handle theirs before calling react()
            if (!w.take_fuel()) return;
            self.reply(out);
            bump(w.replies);
            return;
        case 4:
            if (w.take_fuel()) bump(w.posted, self.publish(topic, out));
            return;
        case 6:
            self.stop(self.address());  // the next receive throws generator_exit
            return;
        case 7:
            if (!self.subscribe(topic)) self.unsubscribe(topic);
            return;
        default:
            return;
    }
}

coact::actor fuzz_actor(coact::context& self, world* w, kind k, int depth) {
    const body_probe probe{*w};
    try {
        for (;;) {
            int v = 0;
            if (k == kind::ignorer) {
                try {
                    v = co_await self.receive<int>();
                } catch (const coact::generator_exit&) {
                    bump(w->ignored);  // and wait again: the runtime fails this actor
                    continue;
                }
            } else {
                v = co_await self.receive<int>();
            }
            bump(w->received);
            if ((v & 7) != 5 || k == kind::echo || k == kind::ignorer) {
                react(self, *w, v);
                continue;
            }
            if (k == kind::failer) throw failure{};
            if (k == kind::quitter) co_return;
            const auto target = static_cast<unsigned>(v >> 3);
            if (k == kind::spawner) {
                if (depth >= max_spawn_depth || !w->take_spawn()) continue;
                const kind child_kind = static_cast<kind>(target % kinds);
                coact::address child;
                try {
                    child = (target & 8) != 0 ? self.spawn(names[4 + target % 4], fuzz_actor, w,
                                                           child_kind, depth + 1)
                                              : self.spawn(fuzz_actor, w, child_kind, depth + 1);
                } catch (const coact::name_taken&) {
                    continue;
                }
                bump(w->spawned);
                w->remember(child);
                if (w->take_fuel()) {
                    self.send(child, next_message(v));
                    bump(w->posted);
                }
                continue;
            }
            // asker: ask() throws before sending anything (no_such_actor; coact::error when
            // asking itself, which then fails this actor) or has sent the ask.
            if (!w->take_fuel()) continue;
            try {
                if ((target & 8) != 0) {
                    auto reply = self.ask<int>(names[target % names.size()], next_message(v));
                    bump(w->asks);
                    static_cast<void>(co_await reply);
                } else if (const coact::address a = w->pick(target)) {
                    auto reply = self.ask<int>(a, next_message(v));
                    bump(w->asks);
                    static_cast<void>(co_await reply);
                }
            } catch (const coact::no_reply&) {
            } catch (const coact::no_such_actor&) {
            }
        }
    } catch (const coact::generator_exit&) {
        throw;  // stopped: closed, not failed
    } catch (const coact::bad_message&) {
        bump(w->received);  // it was taken, then found to be of the wrong type
        bump(w->failing);
        throw;
    } catch (...) {
        bump(w->failing);
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

void check_after_run(coact::runtime& rt, world& w) {
    const coact::runtime_stats s = rt.stats();
    expect_equal(load(w.received), s.delivered, "stats().delivered counts the messages taken");
    expect_equal(load(w.failing) + load(w.ignored), s.failed,
                 "stats().failed counts the actors that failed");
    expect_equal(load(w.spawned), s.spawned, "stats().spawned counts the spawns");
    expect_equal(static_cast<std::uint64_t>(w.bodies.load()), s.actors,
                 "after run(), stats().actors counts the bodies alive");
}

void check_after_shutdown(coact::runtime& rt, world& w) {
    const coact::runtime_stats s = rt.stats();
    expect_equal(0, s.actors, "no actor is alive after shutdown()");
    expect_equal(0, static_cast<std::uint64_t>(w.bodies.load()),
                 "shutdown() destroys every body's locals");
    expect_equal(load(w.received), s.delivered, "stats().delivered counts the messages taken");
    const std::uint64_t accounted = s.delivered + s.dead_letters;
    const std::uint64_t surely = load(w.posted) + load(w.asks);
    const std::uint64_t maybe =
        load(w.replies) + load(w.asks) + load(w.publishes) * load(w.spawned);
    if (accounted < surely || accounted > surely + maybe) {
        std::fprintf(stdout, "delivered %llu + dead letters %llu, expected %llu..%llu\n",
                     static_cast<unsigned long long>(s.delivered),
                     static_cast<unsigned long long>(s.dead_letters),
                     static_cast<unsigned long long>(surely),
                     static_cast<unsigned long long>(surely + maybe));
        coact_fuzz::fail("every message is delivered or counted as a dead letter");
    }
}

void run(fuzz_input& in) {
    const std::uint8_t mode = in.byte();
    coact::runtime_options options;
    options.workers = (mode & 1) != 0 ? 2 : 1;
    options.throughput = 1 + (mode >> 1) % 8;
    options.offload_threads = 0;
    world w;
    coact::runtime rt{options};

    auto spawn = [&](std::string_view name) {
        const auto k = static_cast<kind>(in.below(kinds));
        const bool taken = !name.empty() && static_cast<bool>(rt.lookup(name));
        try {
            const coact::address a = name.empty() ? rt.spawn(fuzz_actor, &w, k, 0)
                                                  : rt.spawn(name, fuzz_actor, &w, k, 0);
            expect(!taken, "spawn() with a name in use throws name_taken");
            bump(w.spawned);
            w.remember(a);
        } catch (const coact::name_taken&) {
            expect(taken, "spawn() throws name_taken only for a name in use");
        }
    };

    for (int calls = 0; calls < max_calls && !in.empty(); ++calls) {
        const unsigned op = in.below(11);
        const std::string_view name = names[in.below(names.size())];
        switch (op) {
            case 0:
            case 1:
                spawn(name);
                break;
            case 2:
                spawn({});
                break;
            case 3: {
                const int v = in.byte();
                const bool known = static_cast<bool>(rt.lookup(name));
                try {
                    rt.send(name, v);
                    expect(known, "send() to a name nobody has throws no_such_actor");
                    bump(w.posted);
                } catch (const coact::no_such_actor&) {
                    expect(!known, "send() throws no_such_actor only for an unknown name");
                }
                break;
            }
            case 4:
                if (const coact::address a = w.pick(in.byte())) {
                    rt.send(a, static_cast<int>(in.byte()));
                    bump(w.posted);
                }
                break;
            case 5:
                if (const coact::address a = w.pick(in.byte())) {
                    rt.send(a, std::string("not an int"));
                    bump(w.posted);
                }
                break;
            case 6: {
                const bool known = static_cast<bool>(rt.lookup(name));
                try {
                    static_cast<void>(rt.stop(name));
                    expect(known, "stop() of a name nobody has throws no_such_actor");
                } catch (const coact::no_such_actor&) {
                    expect(!known, "stop() throws no_such_actor only for an unknown name");
                }
                break;
            }
            case 7:
                if (const coact::address a = w.pick(in.byte())) static_cast<void>(rt.stop(a));
                break;
            case 8:
                rt.publish(topic, static_cast<int>(in.byte()));
                bump(w.publishes);
                break;
            default:
                rt.run();
                check_after_run(rt, w);
                break;
        }
    }
    rt.run();
    check_after_run(rt, w);
    static_cast<void>(rt.shutdown());
    check_after_shutdown(rt, w);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz_input in{data, size};
    run(in);
    return 0;
}
