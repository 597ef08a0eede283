// The CAF side of the peer benchmarks (../README.md): the six workloads written for the C++
// Actor Framework 0.17 as its manual writes actors: event-based actors returning a `behavior`,
// atom constants, `send`, `request(...).then(...)`, a local group for the fanout and a
// `scoped_actor` in main that waits for the `done` messages which end a round.
//
//   caf_peer <workload> <workers> <rounds> <n> [<m>]
//
// Only libcaf_core is used: the middleman (libcaf_io) is never loaded, and no configuration
// file or command line is handed to CAF, so nothing but the settings below applies.
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/all.hpp>

namespace {

using ball_atom = caf::atom_constant<caf::atom("ball")>;
using partner_atom = caf::atom_constant<caf::atom("partner")>;
using token_atom = caf::atom_constant<caf::atom("token")>;
using next_atom = caf::atom_constant<caf::atom("next")>;
using count_atom = caf::atom_constant<caf::atom("count")>;
using sum_atom = caf::atom_constant<caf::atom("sum")>;
using publish_atom = caf::atom_constant<caf::atom("publish")>;
using ready_atom = caf::atom_constant<caf::atom("ready")>;
using done_atom = caf::atom_constant<caf::atom("done")>;

// A round that has not finished after this long has lost a message: fail instead of hanging.
constexpr auto round_timeout = std::chrono::seconds(300);

constexpr int ring_size = 503;

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "caf_peer: %s\n", what.c_str());
    std::exit(1);
}

// -- the actors ----------------------------------------------------------------------------------

// pingpong and pairs: a player learns its partner once (set-up), then answers each ball with
// the number minus one; the player that receives 0 tells main.
struct player_state {
    caf::actor partner;
};

caf::behavior player(caf::stateful_actor<player_state>* self, caf::actor main) {
    return {
        [=](partner_atom, caf::actor partner) { self->state.partner = std::move(partner); },
        [=](ball_atom, std::int64_t x) {
            if (x == 0)
                self->send(main, done_atom::value);
            else
                self->send(self->state.partner, ball_atom::value, x - 1);
        },
    };
}

// threadring: a node learns its successor once, then passes the token on, one less each hop.
struct ring_node_state {
    caf::actor next;
};

caf::behavior ring_node(caf::stateful_actor<ring_node_state>* self, caf::actor main) {
    return {
        [=](next_atom, caf::actor next) { self->state.next = std::move(next); },
        [=](token_atom, std::int64_t x) {
            if (x == 0)
                self->send(main, done_atom::value);
            else
                self->send(self->state.next, token_atom::value, x - 1);
        },
    };
}

// counting: the counter adds up what it receives and answers a request for the sum (and starts
// over for the next round).
struct counter_state {
    std::int64_t sum = 0;
};

caf::behavior counter(caf::stateful_actor<counter_state>* self) {
    return {
        [=](std::int64_t x) { self->state.sum += x; },
        [=](sum_atom) {
            const std::int64_t sum = self->state.sum;
            self->state.sum = 0;
            return sum;
        },
    };
}

// counting: the producer sends 1..n to the counter, then requests the sum and answers main's
// request with it.
caf::behavior producer(caf::event_based_actor* self, caf::actor counter) {
    return {
        [=](count_atom, std::int64_t n) {
            auto promise = self->make_response_promise<std::int64_t>();
            for (std::int64_t i = 1; i <= n; ++i) self->send(counter, i);
            self->request(counter, caf::infinite, sum_atom::value)
                .then([=](std::int64_t sum) mutable { promise.deliver(sum); });
            return promise;
        },
    };
}

// fanout: a subscriber joins the group, tells main it has, and after each n messages reports
// the sum of what it received.
struct subscriber_state {
    std::int64_t received = 0;
    std::int64_t sum = 0;
};

caf::behavior subscriber(caf::stateful_actor<subscriber_state>* self, caf::group topic,
                         caf::actor main, std::int64_t n) {
    self->join(topic);
    self->send(main, ready_atom::value);
    return {
        [=](std::int64_t x) {
            auto& st = self->state;
            st.sum += x;
            if (++st.received == n) {
                self->send(main, done_atom::value, st.sum);
                st.received = 0;
                st.sum = 0;
            }
        },
    };
}

// fanout: the publisher sends 1..n to the group.
caf::behavior publisher(caf::event_based_actor* self, caf::group topic) {
    return {
        [=](publish_atom, std::int64_t n) {
            for (std::int64_t i = 1; i <= n; ++i) self->send(topic, i);
        },
    };
}

// spawn: waits for one message, tells main, and ends.
caf::behavior waiter(caf::event_based_actor* self, caf::actor main) {
    return {
        [=](std::int64_t x) {
            self->send(main, done_atom::value, x);
            self->quit();
        },
    };
}

// -- the rounds ----------------------------------------------------------------------------------

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

// Blocks main until one `done` arrives; fails on a timeout.
void await_done(caf::scoped_actor& self) {
    self->receive([](done_atom) {},
                  caf::after(round_timeout) >> [] { fail("timed out waiting for done"); });
}

// Blocks main until `count` `done`s with a value arrive; returns the sum of the values.
std::int64_t await_done_values(caf::scoped_actor& self, std::int64_t count) {
    std::int64_t total = 0;
    for (std::int64_t i = 0; i < count; ++i)
        self->receive([&](done_atom, std::int64_t x) { total += x; },
                      caf::after(round_timeout) >>
                          [&] {
                              fail("timed out after " + std::to_string(i) + " of " +
                                   std::to_string(count) + " done messages");
                          });
    return total;
}

// Each workload: set up once (untimed), then `round()` runs one round and returns its seconds
// (after checking it), and `teardown()` ends the actors so the system can shut down.
struct workload {
    std::int64_t items = 0;
    std::function<double()> round;
    std::function<void()> teardown;
};

void exit_all(caf::scoped_actor& self, const std::vector<caf::actor>& actors) {
    for (const auto& a : actors) self->send_exit(a, caf::exit_reason::user_shutdown);
}

workload make_pingpong(caf::scoped_actor& self, std::int64_t n) {
    auto ping = self->spawn(player, caf::actor{self});
    auto pong = self->spawn(player, caf::actor{self});
    self->send(ping, partner_atom::value, pong);
    self->send(pong, partner_atom::value, ping);
    workload w;
    w.items = n;
    w.round = [&self, ping, n] {
        const auto start = clock_type::now();
        self->send(ping, ball_atom::value, n - 1);
        await_done(self);
        return seconds_since(start);
    };
    w.teardown = [&self, ping, pong] { exit_all(self, {ping, pong}); };
    return w;
}

workload make_threadring(caf::scoped_actor& self, std::int64_t n) {
    std::vector<caf::actor> ring;
    ring.reserve(ring_size);
    for (int i = 0; i < ring_size; ++i) ring.push_back(self->spawn(ring_node, caf::actor{self}));
    for (int i = 0; i < ring_size; ++i)
        self->send(ring[static_cast<std::size_t>(i)], next_atom::value,
                   ring[static_cast<std::size_t>((i + 1) % ring_size)]);
    workload w;
    w.items = n;
    w.round = [&self, first = ring.front(), n] {
        const auto start = clock_type::now();
        self->send(first, token_atom::value, n - 1);
        await_done(self);
        return seconds_since(start);
    };
    w.teardown = [&self, ring] { exit_all(self, ring); };
    return w;
}

workload make_counting(caf::scoped_actor& self, std::int64_t n) {
    auto count = self->spawn(counter);
    auto produce = self->spawn(producer, count);
    workload w;
    w.items = n;
    w.round = [&self, produce, n] {
        const auto start = clock_type::now();
        std::int64_t sum = -1;
        self->request(produce, round_timeout, count_atom::value, n)
            .receive([&](std::int64_t x) { sum = x; },
                     [&](caf::error& e) { fail("counting request failed: " + to_string(e)); });
        const double seconds = seconds_since(start);
        const std::int64_t expected = n * (n + 1) / 2;
        if (sum != expected)
            fail("counting: sum " + std::to_string(sum) + ", expected " + std::to_string(expected));
        return seconds;
    };
    w.teardown = [&self, count, produce] { exit_all(self, {produce, count}); };
    return w;
}

workload make_fanout(caf::scoped_actor& self, std::int64_t n, std::int64_t m) {
    auto topic = self->system().groups().get_local("fanout");
    std::vector<caf::actor> subscribers;
    subscribers.reserve(static_cast<std::size_t>(m));
    for (std::int64_t i = 0; i < m; ++i)
        subscribers.push_back(self->spawn(subscriber, topic, caf::actor{self}, n));
    // Every subscriber has joined the group once it has said so.
    for (std::int64_t i = 0; i < m; ++i)
        self->receive([](ready_atom) {}, caf::after(round_timeout) >>
                                             [] { fail("fanout: a subscriber never joined"); });
    auto publish = self->spawn(publisher, topic);
    workload w;
    w.items = n * m;
    w.round = [&self, publish, n, m] {
        const auto start = clock_type::now();
        self->send(publish, publish_atom::value, n);
        const std::int64_t total = await_done_values(self, m);
        const double seconds = seconds_since(start);
        const std::int64_t expected = m * (n * (n + 1) / 2);
        if (total != expected)
            fail("fanout: subscribers received a total of " + std::to_string(total) +
                 ", expected " + std::to_string(expected));
        return seconds;
    };
    w.teardown = [&self, publish, subscribers] {
        exit_all(self, subscribers);
        exit_all(self, {publish});
    };
    return w;
}

workload make_spawn(caf::scoped_actor& self, std::int64_t n) {
    workload w;
    w.items = n;
    w.round = [&self, n] {
        std::vector<caf::actor> actors;
        actors.reserve(static_cast<std::size_t>(n));
        const auto start = clock_type::now();
        for (std::int64_t i = 0; i < n; ++i)
            actors.push_back(self->spawn(waiter, caf::actor{self}));
        for (std::int64_t i = 0; i < n; ++i) self->send(actors[static_cast<std::size_t>(i)], i + 1);
        const std::int64_t total = await_done_values(self, n);
        const double seconds = seconds_since(start);
        if (total != n * (n + 1) / 2)
            fail("spawn: the actors received a total of " + std::to_string(total) + ", expected " +
                 std::to_string(n * (n + 1) / 2));
        return seconds;
    };
    w.teardown = [] {};
    return w;
}

workload make_pairs(caf::scoped_actor& self, std::int64_t n, std::int64_t m) {
    std::vector<caf::actor> pings;
    std::vector<caf::actor> everyone;
    for (std::int64_t i = 0; i < m; ++i) {
        auto ping = self->spawn(player, caf::actor{self});
        auto pong = self->spawn(player, caf::actor{self});
        self->send(ping, partner_atom::value, pong);
        self->send(pong, partner_atom::value, ping);
        pings.push_back(ping);
        everyone.push_back(ping);
        everyone.push_back(pong);
    }
    workload w;
    w.items = n * m;
    w.round = [&self, pings, n, m] {
        const auto start = clock_type::now();
        for (const auto& ping : pings) self->send(ping, ball_atom::value, n - 1);
        for (std::int64_t i = 0; i < m; ++i) await_done(self);
        return seconds_since(start);
    };
    w.teardown = [&self, everyone] { exit_all(self, everyone); };
    return w;
}

// -- main ----------------------------------------------------------------------------------------

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr,
                 "caf_peer: %s\n"
                 "usage: caf_peer <workload> <workers> <rounds> <n> [<m>]\n"
                 "  workload: pingpong | threadring | counting | spawn      (n)\n"
                 "            fanout | pairs                                (n m; m defaults to "
                 "1000 for fanout, 100 for pairs)\n"
                 "  workers, rounds, n, m: positive integers\n",
                 why);
    std::exit(2);
}

std::int64_t positive(const char* arg, const char* name) {
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(arg, &end, 10);
    if (errno != 0 || end == arg || *end != '\0' || v < 1)
        usage((std::string(name) + " must be a positive integer, got '" + arg + "'").c_str());
    return v;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 5 || argc > 6) usage("wrong number of arguments");
    const std::string_view name = argv[1];
    const bool takes_m = name == "fanout" || name == "pairs";
    if (name != "pingpong" && name != "threadring" && name != "counting" && name != "spawn" &&
        !takes_m)
        usage((std::string("unknown workload '") + argv[1] + "'").c_str());
    if (argc == 6 && !takes_m) usage((std::string(argv[1]) + " takes no <m>").c_str());
    const std::int64_t workers = positive(argv[2], "workers");
    const std::int64_t rounds = positive(argv[3], "rounds");
    const std::int64_t n = positive(argv[4], "n");
    const std::int64_t m = argc == 6 ? positive(argv[5], "m") : (name == "fanout" ? 1000 : 100);

    caf::actor_system_config cfg;
    cfg.set("scheduler.max-threads", static_cast<std::size_t>(workers));
    caf::actor_system system{cfg};
    const std::size_t threads = system.scheduler().num_workers();
    if (threads != static_cast<std::size_t>(workers))
        fail("asked CAF for " + std::to_string(workers) + " scheduler threads, it runs " +
             std::to_string(threads));
    const std::string version = std::to_string(CAF_MAJOR_VERSION) + "." +
                                std::to_string(CAF_MINOR_VERSION) + "." +
                                std::to_string(CAF_PATCH_VERSION);
    {
        caf::scoped_actor self{system};
        workload w;
        if (name == "pingpong")
            w = make_pingpong(self, n);
        else if (name == "threadring")
            w = make_threadring(self, n);
        else if (name == "counting")
            w = make_counting(self, n);
        else if (name == "fanout")
            w = make_fanout(self, n, m);
        else if (name == "spawn")
            w = make_spawn(self, n);
        else
            w = make_pairs(self, n, m);

        w.round();  // warm-up, not reported
        for (std::int64_t r = 1; r <= rounds; ++r) {
            const double seconds = w.round();
            std::printf(
                "{\"system\":\"caf\",\"version\":\"%s\",\"workload\":\"%s\",\"workers\":%lld,"
                "\"threads\":%zu,\"round\":%lld,\"items\":%lld,\"seconds\":%.6f}\n",
                version.c_str(), argv[1], static_cast<long long>(workers), threads,
                static_cast<long long>(r), static_cast<long long>(w.items), seconds);
            std::fflush(stdout);
        }
        w.teardown();
    }
    // ~actor_system waits for every actor: the teardown has sent each one an exit message.
    return 0;
}
