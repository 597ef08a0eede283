// rt.metrics() and coact::prometheus_text() (contract §7): the counts of a known program in
// both modes, a scrape from another thread while serve() runs (checked by ThreadSanitizer in the
// tsan preset), and the text format line by line.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/modes.hpp"
#include "actors/support/watchdog.hpp"

using namespace std::chrono_literals;
using coact_test::test_options;

namespace {

/// Waits for ever for a message nobody sends.
coact::actor forever(coact::context& self) {
    for (;;) co_await self.receive<int>();
}

/// Takes two ints, then asks "mute" and waits for ever for its answer: what is sent to it
/// later stays queued.
coact::actor waiter(coact::context& self) {
    co_await self.receive<int>();
    co_await self.receive<int>();
    co_await self.ask<int>("mute", 1);
}

/// Takes an ask and never answers it (nor takes another message, which would fail the asker).
coact::actor mute(coact::context& self) {
    co_await self.receive<int>();
    co_await self.receive<std::string>();
}

/// Takes ints; fails on a negative one.
coact::actor fragile(coact::context& self) {
    for (;;) {
        const int n = co_await self.receive<int>();
        if (n < 0) throw std::runtime_error("negative");
    }
}

/// Restarts its child after each failure, twice, then gives it one good message.
coact::actor restarter(coact::context& self) {
    for (int i = 0; i < 2; ++i) {
        const coact::child_failed f = co_await self.receive<coact::child_failed>();
        self.restart(f.who);
        if (i == 0) self.send(f.who, -2);
        if (i == 1) self.send(f.who, 7);
    }
    co_await self.receive<int>();  // then waits
}

const coact::actor_metrics* find(const coact::runtime_metrics& m, coact::address a) {
    const auto it = std::find_if(m.actors.begin(), m.actors.end(),
                                 [&](const coact::actor_metrics& x) { return x.addr == a; });
    return it == m.actors.end() ? nullptr : &*it;
}

// The text exposition format 0.0.4, one line at a time.
const std::string metric_name = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const std::string label = R"([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")";
const std::regex help_line("# HELP (" + metric_name + R"() (?:[^\\\n]|\\[\\n])*)");
const std::regex type_line("# TYPE (" + metric_name +
                           ") (counter|gauge|histogram|summary|untyped)");
const std::regex sample_line(
    "(" + metric_name + ")(?:\\{(?:" + label + "(?:," + label + ")*,?)?\\})? " +
    R"(([+-]?(?:[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|NaN|Inf))( -?[0-9]+)?)");

/// Checks every line of `text` against the grammar, and that each family's HELP and TYPE come
/// once, before its samples, which are together. Returns the samples by family.
std::map<std::string, std::vector<std::string>> parse_exposition(const std::string& text) {
    std::map<std::string, std::vector<std::string>> samples;
    std::set<std::string> described;
    std::string current;
    REQUIRE(!text.empty());
    REQUIRE(text.back() == '\n');
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        INFO("line: " << line);
        std::smatch m;
        if (std::regex_match(line, m, help_line)) {
            CHECK(described.insert(m[1]).second);  // once per family
            current = m[1];
        } else if (std::regex_match(line, m, type_line)) {
            CHECK(m[1] == current);  // right after its HELP
            CHECK(samples.count(current) == 0);
            samples[current];
        } else {
            REQUIRE(std::regex_match(line, m, sample_line));
            CHECK(m[1] == current);  // under its family's TYPE
            samples[current].push_back(line);
        }
    }
    return samples;
}

}  // namespace

TEST_CASE(
    "metrics lists each live actor with its name, id, mailbox, messages handled, failures and "
    "restarts",
    "[actor][metrics]") {
    coact::runtime rt(test_options());
    const coact::address waiting = rt.spawn("waiter", waiter);  // id 1
    const coact::address muted = rt.spawn("mute", mute);        // id 2
    const coact::address anonymous = rt.spawn(forever);         // id 3
    const coact::address sup = rt.spawn("sup", restarter);      // id 4
    const coact::address child = rt.spawn(                      // id 5
        coact::spawn_options{.name = "child", .supervisor = sup}, fragile);
    const coact::address gone = rt.spawn("gone", [](coact::context& self) -> coact::actor {
        co_await self.receive<int>();  // id 6: takes one, ends
    });
    rt.spawn("driver", [&](coact::context& self) -> coact::actor {  // id 7: ends at once
        for (int i = 0; i < 5; ++i) self.send(waiting, i);
        self.send(anonymous, 1);
        self.send(gone, 1);
        self.send(child, -1);
        co_return;
    });
    rt.run();

    const coact::runtime_metrics m = rt.metrics();
    CHECK(m.runtime == rt.id());
    CHECK(m.workers == rt.options().workers);
    CHECK(m.totals.delivered == rt.stats().delivered);
    CHECK(m.totals.actors == 5);
    CHECK(m.totals.spawned == 7);
    CHECK(m.totals.failed == 2);
    CHECK(m.totals.restarts == 2);
    REQUIRE(m.actors.size() == 5);  // "gone" and "driver" have ended
    CHECK(find(m, gone) == nullptr);

    std::vector<std::uint64_t> ids;
    for (const auto& a : m.actors) ids.push_back(a.id);
    CHECK(ids == std::vector<std::uint64_t>{1, 2, 3, 4, 5});  // spawn order

    const coact::actor_metrics* w = find(m, waiting);
    REQUIRE(w != nullptr);
    CHECK(w->name == "waiter");
    CHECK(w->handled == 2);
    CHECK(w->mailbox == 3);
    CHECK(w->failures == 0);
    CHECK(w->restarts == 0);

    const coact::actor_metrics* q = find(m, muted);
    REQUIRE(q != nullptr);
    CHECK(q->name == "mute");
    CHECK(q->handled == 1);  // the ask
    CHECK(q->mailbox == 0);

    const coact::actor_metrics* a = find(m, anonymous);
    REQUIRE(a != nullptr);
    CHECK(a->name.empty());
    CHECK(a->id == 3);
    CHECK(a->handled == 1);
    CHECK(a->mailbox == 0);

    const coact::actor_metrics* s = find(m, sup);
    REQUIRE(s != nullptr);
    CHECK(s->handled == 2);  // two child_failed
    CHECK(s->failures == 0);

    const coact::actor_metrics* c = find(m, child);
    REQUIRE(c != nullptr);
    CHECK(c->name == "child");
    CHECK(c->handled == 3);  // -1, -2, 7: through both restarts
    CHECK(c->mailbox == 0);
    CHECK(c->failures == 2);
    CHECK(c->restarts == 2);

    rt.shutdown();
    CHECK(rt.metrics().actors.empty());
}

TEST_CASE("a held supervised actor is listed with its failure and its queued messages",
          "[actor][metrics]") {
    coact::runtime rt(test_options());
    rt.spawn("mute", mute);
    // Never restarts its child: it waits for an answer that does not come.
    const coact::address sup =
        rt.spawn([](coact::context& self) -> coact::actor { co_await self.ask<int>("mute", 1); });
    const coact::address child =
        rt.spawn(coact::spawn_options{.supervisor = sup}, fragile);  // anonymous
    rt.spawn([&](coact::context& self) -> coact::actor {
        self.send(child, -1);
        self.send(child, 1);
        self.send(child, 2);
        co_return;
    });
    rt.run();
    const coact::runtime_metrics m = rt.metrics();
    const coact::actor_metrics* c = find(m, child);
    REQUIRE(c != nullptr);
    CHECK(c->name.empty());
    CHECK(c->handled == 1);
    CHECK(c->mailbox == 2);  // kept for the next body
    CHECK(c->failures == 1);
    CHECK(c->restarts == 0);
    const coact::actor_metrics* s = find(m, sup);
    REQUIRE(s != nullptr);
    CHECK(s->mailbox == 1);  // child_failed
}

TEST_CASE("metrics from another thread while serve() runs sees live actors and rising counts",
          "[actor][metrics][threads]") {
    coact::runtime rt(test_options());
    std::atomic<bool> started{false};
    // A ping-pong pair, a churn of short-lived actors (named and anonymous), and a supervised
    // child that keeps failing and being restarted: every table metrics() reads changes.
    rt.spawn("pong", [](coact::context& self) -> coact::actor {
        for (;;) {
            const int n = co_await self.receive<int>();
            self.send("ping", n + 1);
        }
    });
    rt.spawn("ping", [&](coact::context& self) -> coact::actor {
        started.store(true, std::memory_order_release);
        self.send("pong", 0);
        for (std::uint64_t i = 0;; ++i) {
            const int n = co_await self.receive<int>();
            self.send("pong", n + 1);
            const std::string name = "short-" + std::to_string(i % 8);
            if (!self.runtime().try_lookup(name)) {
                self.send(
                    self.spawn(
                        name, [](coact::context& s) -> coact::actor { co_await s.receive<int>(); }),
                    1);
            }
            self.send(
                self.spawn([](coact::context& s) -> coact::actor { co_await s.receive<int>(); }),
                1);
        }
    });
    rt.spawn("sup", [](coact::context& self) -> coact::actor {
        const coact::address child = self.spawn(
            coact::spawn_options{.name = "flaky", .supervisor = self.address()}, fragile);
        self.send(child, -1);
        for (int failures = 1;; ++failures) {  // 20 failures (20 lines on stderr), then 1s
            const coact::child_failed f = co_await self.receive<coact::child_failed>();
            self.restart(f.who);
            self.send(f.who, 1);
            if (failures < 20) self.send(f.who, -1);
        }
    });
    std::thread scheduler([&] { rt.serve(); });
    coact_test::watchdog dog(60s, [&] { rt.request_stop(); });
    while (!started.load(std::memory_order_acquire)) std::this_thread::sleep_for(1ms);

    std::uint64_t last_ping = 0;
    std::uint64_t last_flaky_failures = 0;
    int scrapes = 0;
    bool ordered = true;
    bool named_right = true;
    // 500 ms, and on a loaded machine longer, until it has seen ping and flaky at work.
    const auto until = std::chrono::steady_clock::now() + 500ms;
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < until ||
           ((last_ping == 0 || last_flaky_failures == 0) &&
            std::chrono::steady_clock::now() < deadline)) {
        const coact::runtime_metrics m = rt.metrics();
        const std::string text = coact::prometheus_text(m);  // renders whatever it got
        ++scrapes;
        for (std::size_t i = 1; i < m.actors.size(); ++i) {
            ordered = ordered && m.actors[i - 1].id < m.actors[i].id;
        }
        for (const auto& a : m.actors) {
            if (a.name == "ping") {
                CHECK(a.handled >= last_ping);  // a counter never goes back
                last_ping = a.handled;
                named_right = named_right && a.addr == rt.try_lookup("ping");
            }
            if (a.name == "flaky") {
                CHECK(a.failures >= last_flaky_failures);
                last_flaky_failures = a.failures;
                CHECK(a.restarts + 1 >= a.failures);
            }
            if (a.name.rfind("short-", 0) == 0) CHECK(a.handled <= 1);
            CHECK(a.mailbox < 1'000'000);  // never a negative length wrapped around
        }
    }
    rt.request_stop();
    scheduler.join();
    dog.cancel();
    CHECK_FALSE(dog.fired());
    CHECK(scrapes > 0);
    CHECK(ordered);
    CHECK(named_right);
    CHECK(last_ping > 0);
    CHECK(last_flaky_failures > 0);
}

TEST_CASE("prometheus_text writes every family once, in the exposition format",
          "[actor][metrics]") {
    coact::runtime rt(test_options());
    const coact::address named = rt.spawn("pong", forever);
    rt.spawn(forever);
    rt.spawn([&](coact::context& self) -> coact::actor {
        self.send(named, 1);
        co_return;
    });
    rt.run();
    const auto samples = parse_exposition(coact::prometheus_text(rt.metrics()));
    const std::string r = "{runtime=\"" + std::to_string(rt.id()) + "\"}";
    CHECK(samples.at("coact_messages_delivered_total") ==
          std::vector<std::string>{"coact_messages_delivered_total" + r + " 1"});
    CHECK(samples.at("coact_actors") == std::vector<std::string>{"coact_actors" + r + " 2"});
    CHECK(samples.at("coact_actors_spawned_total") ==
          std::vector<std::string>{"coact_actors_spawned_total" + r + " 3"});
    for (const char* total :
         {"coact_dead_letters_total", "coact_actors_failed_total", "coact_published_total",
          "coact_unheard_total", "coact_restarts_total", "coact_dropped_total"}) {
        CHECK(samples.at(total) == std::vector<std::string>{total + r + " 0"});
    }
    const std::string labels = "{runtime=\"" + std::to_string(rt.id()) + "\",actor=";
    CHECK(samples.at("coact_actor_messages_handled_total") ==
          std::vector<std::string>{
              "coact_actor_messages_handled_total" + labels + "\"pong\",id=\"1\"} 1",
              "coact_actor_messages_handled_total" + labels + "\"\",id=\"2\"} 0"});
    CHECK(samples.at("coact_actor_mailbox_length").size() == 2);
    CHECK(samples.at("coact_actor_failures_total").size() == 2);
    CHECK(samples.at("coact_actor_restarts_total").size() == 2);
    CHECK(samples.size() == 13);
}

TEST_CASE("prometheus_text escapes a name's backslash, quote and line feed, and keeps it UTF-8",
          "[actor][metrics]") {
    coact::runtime rt(test_options());
    rt.spawn("a\"b\\c\nd \xC3\xA9 \xFF", forever);  // any characters, even a stray byte
    REQUIRE(rt.metrics().actors.at(0).name == "a\"b\\c\nd \xC3\xA9 \xFF");
    const auto samples = parse_exposition(coact::prometheus_text(rt.metrics()));
    CHECK(
        samples.at("coact_actor_mailbox_length") ==
        std::vector<std::string>{"coact_actor_mailbox_length{runtime=\"" + std::to_string(rt.id()) +
                                 "\",actor=\"a\\\"b\\\\c\\nd \xC3\xA9 \xEF\xBF\xBD\",id=\"1\"} 0"});
}

TEST_CASE("prometheus_text of several runtimes writes each family once with all their samples",
          "[actor][metrics]") {
    coact::runtime one(test_options());
    coact::runtime two(test_options());
    one.spawn("a", forever);
    two.spawn("b", forever);
    const std::vector<coact::runtime_metrics> both{one.metrics(), two.metrics()};
    const auto samples = parse_exposition(coact::prometheus_text(both));
    CHECK(samples.at("coact_actors").size() == 2);
    CHECK(samples.at("coact_actor_mailbox_length").size() == 2);
}
