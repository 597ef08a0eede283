// Pub/sub (contract §4): subscribe/unsubscribe/publish from actors, rt.publish from outside,
// one copy per subscriber in publish order, automatic unsubscription at the end, patterns,
// bad topic names, and one shared payload for all subscribers (copy on write).
#include <atomic>
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
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

// A payload that counts how often it is copied (moves are free and not counted). Subscribers
// copy it on whichever thread runs them: the count is atomic.
struct counted_blob {
    static inline std::atomic<int> copies{0};
    std::vector<char> bytes;

    explicit counted_blob(std::size_t n, char fill) : bytes(n, fill) {}
    counted_blob(const counted_blob& o) : bytes(o.bytes) { ++copies; }
    counted_blob(counted_blob&&) noexcept = default;
    counted_blob& operator=(const counted_blob&) = delete;
    counted_blob& operator=(counted_blob&&) = delete;
    ~counted_blob() = default;
};

// Records every int it receives, after subscribing to `topic` (a name or a pattern).
coact::actor listener(coact::context& self, std::string topic, std::vector<int>& out) {
    self.subscribe(topic);
    for (;;) out.push_back(co_await self.receive<int>());
}

}  // namespace

TEST_CASE("every subscriber gets exactly one copy and other actors get none", "[actor][pubsub]") {
    coact::runtime rt(test_options());
    std::vector<int> a;
    std::vector<int> b;
    std::vector<int> other;
    rt.spawn("a", listener, std::string("news"), std::ref(a));
    rt.spawn("b", listener, std::string("news"), std::ref(b));
    rt.spawn("c", listener, std::string("weather"), std::ref(other));
    rt.run();  // every listener has subscribed
    std::size_t reached = 0;
    rt.spawn("publisher", [&](coact::context& self) -> coact::actor {
        reached = self.publish("news", 42);
        co_return;
    });
    rt.run();
    CHECK(reached == 2);
    CHECK(a == std::vector<int>{42});
    CHECK(b == std::vector<int>{42});
    CHECK(other.empty());
    CHECK(rt.stats().published == 1);
    CHECK(rt.stats().unheard == 0);
    CHECK(rt.stats().dead_letters == 0);
}

TEST_CASE("publications arrive in publish order per publisher", "[actor][pubsub]") {
    coact::runtime rt(test_options({.virtual_time = true}));
    struct tagged {
        int publisher;
        int seq;
    };
    std::vector<std::vector<tagged>> seen(3);
    for (int s = 0; s < 3; ++s) {
        rt.spawn([&seen, s](coact::context& self) -> coact::actor {
            self.subscribe("feed");
            for (;;) seen[static_cast<std::size_t>(s)].push_back(co_await self.receive<tagged>());
        });
    }
    rt.run();  // every subscriber follows "feed" before anything is published
    for (int p = 0; p < 2; ++p) {
        rt.spawn([p](coact::context& self) -> coact::actor {
            for (int i = 0; i < 200; ++i) {
                self.publish("feed", tagged{p, i});
                if (i % 7 == 0) co_await self.sleep(1ms);  // interleave the two publishers
            }
        });
    }
    rt.run();
    for (const auto& mine : seen) {
        REQUIRE(mine.size() == 400);
        int next[2] = {0, 0};
        for (const tagged& t : mine) {
            CHECK(t.seq == next[t.publisher]);
            next[t.publisher] = t.seq + 1;
        }
        CHECK(next[0] == 200);
        CHECK(next[1] == 200);
    }
}

// [single]: steps the deterministic fixture, single-threaded by design.
TEST_CASE("only actors subscribed at the time of publishing get the message",
          "[actor][pubsub][fixture][single]") {
    coact::testing::deterministic t;
    std::vector<int> got;
    t.spawn("late", [&](coact::context& self) -> coact::actor {
        // Wait for the go-ahead, then subscribe: what was published before stays unseen.
        co_await self.receive<std::string>();
        CHECK(self.subscribe("t"));
        CHECK_FALSE(self.subscribe("t"));  // already following it
        for (;;) {
            const int n = co_await self.receive<int>();
            got.push_back(n);
            if (n == 2) CHECK(self.unsubscribe("t"));
            if (n == 2) CHECK_FALSE(self.unsubscribe("t"));
        }
    });
    t.run();
    t.publish("t", 1);  // nobody follows "t" yet
    CHECK(t.stats().unheard == 1);
    t.send("late", std::string("go"));
    CHECK(t.subscribers("t") == 0);
    t.step();
    CHECK(t.subscribers("t") == 1);
    t.publish("t", 2);
    t.publish("t", 3);  // published before the subscriber handled 2: it still followed "t"
    CHECK(t.mailbox_size("late") == 2);
    t.run();
    CHECK(t.subscribers("t") == 0);
    t.publish("t", 4);  // after the unsubscribe
    t.run();
    CHECK(got == std::vector<int>{2, 3});
    CHECK(t.stats().published == 4);
    CHECK(t.stats().unheard == 2);  // 1 and 4
}

TEST_CASE("a subscriber that has unsubscribed keeps what was published before", "[actor][pubsub]") {
    coact::runtime rt(test_options());
    rt.spawn("gate", [](coact::context& self) -> coact::actor {
        for (;;) {
            co_await self.receive<int>();  // the subscriber's ask: it follows "t" by now
            self.publish("t", 1);
            self.publish("t", 2);
            self.reply(0);
        }
    });
    std::vector<int> got;
    rt.spawn("sub", [&](coact::context& self) -> coact::actor {
        self.subscribe("t");
        co_await self.ask<int>("gate", 0);  // 1 and 2 were published to it meanwhile
        self.unsubscribe("t");
        for (;;) got.push_back(co_await self.receive<int>());
    });
    rt.run();
    CHECK(got == std::vector<int>{1, 2});
    rt.publish("t", 3);
    rt.run();
    CHECK(got == std::vector<int>{1, 2});
    CHECK(rt.stats().published == 3);
    CHECK(rt.stats().unheard == 1);
}

TEST_CASE("actors that end are unsubscribed: no dead letters from a topic afterwards",
          "[actor][pubsub]") {
    coact::runtime rt(test_options());
    rt.spawn("returns", [](coact::context& self) -> coact::actor {
        self.subscribe("t");
        self.subscribe("t.*");
        co_await self.receive<int>();  // takes one, then ends normally
    });
    rt.spawn("fails", [](coact::context& self) -> coact::actor {
        self.subscribe("t");
        co_await self.receive<int>();
        throw std::runtime_error("boom");
    });
    rt.spawn("stopped", [](coact::context& self) -> coact::actor {
        self.subscribe("t");
        self.subscribe("*");
        for (;;) co_await self.receive<int>();
    });
    rt.run();
    rt.publish("t", 1);  // the first two take it and end
    rt.stop("stopped");
    rt.run();
    REQUIRE(rt.stats().actors == 0);
    const auto before = rt.stats();
    CHECK(before.failed == 1);
    rt.publish("t", 2);
    rt.publish("t.x", 3);
    rt.run();
    const auto after = rt.stats();
    CHECK(after.dead_letters == before.dead_letters);
    CHECK(after.unheard == before.unheard + 2);

    // A new actor in a recycled cell does not inherit the old subscriptions.
    std::vector<int> fresh;
    rt.spawn("fresh", [&](coact::context& self) -> coact::actor {
        for (;;) fresh.push_back(co_await self.receive<int>());
    });
    rt.run();
    rt.publish("t", 4);
    rt.run();
    CHECK(fresh.empty());
    CHECK(rt.stats().unheard == after.unheard + 1);
}

TEST_CASE("publishing to a topic nobody follows is counted, not an error", "[actor][pubsub]") {
    coact::runtime rt(test_options());
    std::size_t reached = 99;
    rt.spawn([&](coact::context& self) -> coact::actor {
        reached = self.publish("void", std::string("hello"));
        co_return;
    });
    rt.publish("void", 1);
    rt.run();
    CHECK(reached == 0);
    CHECK(rt.stats().published == 2);
    CHECK(rt.stats().unheard == 2);
    CHECK(rt.stats().dead_letters == 0);
    CHECK(rt.stats().failed == 0);
}

TEST_CASE("the publisher is the sender of a publication, and rt.publish has no sender",
          "[actor][pubsub]") {
    coact::runtime rt(test_options());
    std::vector<coact::address> senders;
    rt.spawn("sub", [&](coact::context& self) -> coact::actor {
        self.subscribe("t");
        for (;;) {
            co_await self.receive<int>();
            senders.push_back(self.sender());
        }
    });
    rt.run();
    const coact::address publisher =
        rt.spawn("publisher", [](coact::context& self) -> coact::actor {
            self.publish("t", 1);
            co_return;
        });
    rt.run();
    rt.publish("t", 2);
    rt.run();
    REQUIRE(senders.size() == 2);
    CHECK(senders[0] == publisher);
    CHECK_FALSE(senders[1]);
}

TEST_CASE("an actor may follow the topic it publishes to", "[actor][pubsub]") {
    coact::runtime rt(test_options());
    std::vector<int> got;
    rt.spawn([&](coact::context& self) -> coact::actor {
        self.subscribe("echo");
        self.publish("echo", 7);
        got.push_back(co_await self.receive<int>());
    });
    rt.run();
    CHECK(got == std::vector<int>{7});
}

TEST_CASE("patterns: a trailing * follows every topic below it, each subscriber once",
          "[actor][pubsub]") {
    coact::runtime rt(test_options());
    std::map<std::string, std::vector<int>> got;  // one vector per follower, made before it runs
    auto follow = [&](const std::string& name, std::vector<std::string> topics) {
        rt.spawn([&out = got[name], topics](coact::context& self) -> coact::actor {
            for (const std::string& t : topics) self.subscribe(t);
            for (;;) out.push_back(co_await self.receive<int>());
        });
    };
    follow("prices.*", {"prices.*"});
    follow("everything", {"*"});
    follow("aapl", {"prices.aapl"});
    follow("overlapping", {"prices.aapl", "prices.*", "*"});  // still one copy each
    follow("us", {"prices.us.*"});
    rt.run();
    rt.publish("prices.aapl", 1);
    rt.publish("prices.us.msft", 2);
    rt.publish("prices", 3);     // "prices.*" is below "prices", not "prices" itself
    rt.publish("pricesx.a", 4);  // not below "prices"
    rt.publish("weather", 5);
    rt.run();
    CHECK(got["prices.*"] == std::vector<int>{1, 2});
    CHECK(got["everything"] == std::vector<int>{1, 2, 3, 4, 5});
    CHECK(got["aapl"] == std::vector<int>{1});
    CHECK(got["overlapping"] == std::vector<int>{1, 2, 3, 4, 5});
    CHECK(got["us"] == std::vector<int>{2});
    CHECK(rt.stats().unheard == 0);
}

TEST_CASE("bad topic names are refused with bad_topic naming the problem", "[actor][pubsub]") {
    coact::runtime rt(test_options());
    CHECK_THROWS_AS(rt.publish("", 1), coact::bad_topic);
    CHECK_THROWS_WITH(rt.publish("", 1), Catch::Contains("empty"));
    CHECK_THROWS_AS(rt.publish("prices.*", 1), coact::bad_topic);
    CHECK_THROWS_WITH(rt.publish("prices.*", 1),
                      Catch::Contains("\"prices.*\"") && Catch::Contains("pattern"));

    std::vector<std::string> errors;
    rt.spawn([&](coact::context& self) -> coact::actor {
        for (const char* bad : {"", "pri*ces", "prices.*.x", "prices*", "*.x", "**"}) {
            try {
                self.subscribe(bad);
                errors.push_back(std::string("accepted ") + bad);
            } catch (const coact::bad_topic& e) {
                errors.emplace_back(e.what());
            }
        }
        try {
            self.publish("a.*", 1);
        } catch (const coact::bad_topic& e) {
            errors.emplace_back(e.what());
        }
        try {
            self.unsubscribe("");
        } catch (const coact::bad_topic& e) {
            errors.emplace_back(e.what());
        }
        co_return;
    });
    rt.run();
    REQUIRE(errors.size() == 8);
    CHECK_THAT(errors[0], Catch::Contains("coact::context::subscribe") && Catch::Contains("empty"));
    CHECK_THAT(errors[1], Catch::Contains("\"pri*ces\"") && Catch::Contains("last segment"));
    CHECK_THAT(errors[2], Catch::Contains("\"prices.*.x\""));
    CHECK_THAT(errors[3], Catch::Contains("\"prices*\""));
    CHECK_THAT(errors[4], Catch::Contains("\"*.x\""));
    CHECK_THAT(errors[5], Catch::Contains("\"**\""));
    CHECK_THAT(errors[6], Catch::Contains("coact::context::publish") && Catch::Contains("\"a.*\""));
    CHECK_THAT(errors[7], Catch::Contains("coact::context::unsubscribe"));
    CHECK(rt.stats().failed == 0);
    CHECK(rt.stats().published == 0);
}

TEST_CASE("a 1 MiB publication to 1,000 subscribers is copied once", "[actor][pubsub]") {
    constexpr int subscribers = 1000;
    constexpr std::size_t mib = std::size_t{1} << 20U;
    coact::runtime rt(test_options());
    // The subscribers may run on several threads at once.
    std::atomic<int> readers{0};
    std::atomic<std::size_t> bytes_seen{0};
    std::atomic<const counted_blob*> first_address{nullptr};
    std::atomic<int> other_objects{0};  // subscribers that read another object than the first
    for (int i = 0; i < subscribers; ++i) {
        rt.spawn([&](coact::context& self) -> coact::actor {
            self.subscribe("blobs");
            co_await self.receive([&](const counted_blob& b) {
                readers.fetch_add(1);
                bytes_seen.fetch_add(b.bytes.size());
                const counted_blob* first = nullptr;
                if (!first_address.compare_exchange_strong(first, &b) && first != &b) {
                    other_objects.fetch_add(1);
                }
            });
        });
    }
    rt.run();
    counted_blob::copies = 0;
    const counted_blob blob(mib, 'x');
    rt.publish("blobs", blob);  // an lvalue: the one copy
    rt.run();
    CHECK(readers.load() == subscribers);
    CHECK(bytes_seen.load() == subscribers * mib);
    CHECK(first_address.load() != nullptr);
    CHECK(other_objects.load() == 0);  // every subscriber read the one shared payload
    CHECK(counted_blob::copies.load() == 1);

    // From an actor, by rvalue: no copy at all.
    readers = 0;
    for (int i = 0; i < subscribers; ++i) {
        rt.spawn([&](coact::context& self) -> coact::actor {
            self.subscribe("blobs");
            co_await self.receive([&](const counted_blob&) { readers.fetch_add(1); });
        });
    }
    rt.run();  // every new subscriber follows "blobs"
    std::size_t reached = 0;
    rt.spawn([&](coact::context& self) -> coact::actor {
        reached = self.publish("blobs", counted_blob(mib, 'y'));
        co_return;
    });
    counted_blob::copies = 0;
    rt.run();
    CHECK(reached == static_cast<std::size_t>(subscribers));
    CHECK(readers.load() == subscribers);
    CHECK(counted_blob::copies.load() == 0);
    CHECK(rt.stats().published == 2);
    CHECK(rt.stats().dead_letters == 0);
}

TEST_CASE("a subscriber taking a publication by value gets its own copy (copy on write)",
          "[actor][pubsub]") {
    coact::runtime rt(test_options({.virtual_time = true}));
    std::vector<std::string> by_value(4);  // one slot per taker: they may run at once
    std::vector<std::string> by_ref;
    for (std::size_t i = 0; i < 3; ++i) {
        rt.spawn([&by_value, i](coact::context& self) -> coact::actor {
            self.subscribe("t");
            counted_blob mine = co_await self.receive<counted_blob>();
            mine.bytes.assign(4, 'M');  // changes this actor's copy only
            by_value[i].assign(mine.bytes.begin(), mine.bytes.end());
        });
    }
    rt.spawn([&](coact::context& self) -> coact::actor {
        self.subscribe("t");
        co_await self.receive([&](counted_blob&& b) {  // by && : a copy as well
            by_value[3].assign(b.bytes.begin(), b.bytes.end());
            b.bytes.assign(4, 'R');
        });
    });
    rt.spawn("by_ref", [&](coact::context& self) -> coact::actor {
        self.subscribe("t");
        co_await self.receive<std::string>();  // "go", queued before the publication
        co_await self.sleep(1ms);  // virtual: fires once all others are idle, their copies changed
        co_await self.receive(
            [&](const counted_blob& b) { by_ref.emplace_back(b.bytes.begin(), b.bytes.end()); });
    });
    rt.run();
    counted_blob::copies = 0;
    rt.send("by_ref", std::string("go"));
    rt.publish("t", counted_blob(4, 'o'));
    rt.run();
    CHECK(by_value == std::vector<std::string>{"MMMM", "MMMM", "MMMM", "oooo"});
    CHECK(by_ref == std::vector<std::string>{"oooo"});
    CHECK(counted_blob::copies.load() == 4);  // one per by-value taker; the shared one intact
}

TEST_CASE("the last holder of a publication takes it without a copy", "[actor][pubsub]") {
    // Subscriber i takes the publication at virtual time i + 1 ms: one after the other, also
    // with several workers (takers racing for the last reference could each copy it).
    coact::runtime rt(test_options({.virtual_time = true}));
    std::atomic<int> got{0};
    std::vector<coact::address> takers;
    for (int i = 0; i < 3; ++i) {
        takers.push_back(rt.spawn([&got, i](coact::context& self) -> coact::actor {
            self.subscribe("t");
            co_await self.receive<std::string>();  // "go", queued before the publication
            co_await self.sleep(std::chrono::milliseconds(i + 1));
            const counted_blob b = co_await self.receive<counted_blob>();
            got.fetch_add(static_cast<int>(b.bytes.size()));
        }));
    }
    rt.run();
    counted_blob::copies = 0;
    for (const coact::address& a : takers) rt.send(a, std::string("go"));
    rt.publish("t", counted_blob(10, 'z'));
    rt.run();
    CHECK(got.load() == 30);
    CHECK(counted_blob::copies.load() == 2);  // the first two copy, the last one moves
    CHECK(rt.stats().failed == 0);
}

TEST_CASE("move-only publications: by const& for many, by value for the last holder",
          "[actor][pubsub]") {
    coact::runtime rt(test_options({.virtual_time = true}));
    std::vector<int> reader_saw;
    rt.spawn("reader", [&](coact::context& self) -> coact::actor {
        self.subscribe("t");
        for (;;) {
            co_await self.receive([&](const std::unique_ptr<int>& p) { reader_saw.push_back(*p); });
        }
    });
    std::vector<int> taker_got;
    rt.spawn("taker", [&](coact::context& self) -> coact::actor {
        self.subscribe("t");
        co_await self.receive<std::string>();  // "go", queued before the publication
        co_await self.sleep(1ms);  // virtual: fires once the reader is idle, having let go
        std::unique_ptr<int> p = co_await self.receive<std::unique_ptr<int>>();
        taker_got.push_back(*p * 10);
    });
    rt.run();
    rt.send("taker", std::string("go"));
    rt.publish("t", std::make_unique<int>(4));
    rt.run();
    CHECK(reader_saw == std::vector<int>{4});
    CHECK(taker_got == std::vector<int>{40});
    CHECK(rt.stats().failed == 0);

    // Taken by value while another subscriber still holds it: a clear error, not a crash.
    rt.spawn("silent", [](coact::context& self) -> coact::actor {
        co_await self.receive<int>();  // takes the holder's ask and never answers
        for (;;) co_await self.receive<int>();
    });
    rt.spawn("holder", [](coact::context& self) -> coact::actor {
        self.subscribe("u");
        co_await self.ask<int>("silent", 0);  // waits for good: publications stay queued
    });
    std::string error;
    rt.spawn("greedy", [&](coact::context& self) -> coact::actor {
        self.subscribe("u");
        try {
            co_await self.receive<std::unique_ptr<int>>();
        } catch (const coact::bad_message& e) {
            error = e.what();
        }
    });
    rt.run();
    rt.publish("u", std::make_unique<int>(5));
    rt.run();
    CHECK_THAT(error, Catch::Contains("std::unique_ptr<int") && Catch::Contains("move-only") &&
                          Catch::Contains("const&"));
}

TEST_CASE("queued publications are counted and freed at shutdown", "[actor][pubsub]") {
    counted_blob::copies = 0;
    coact::runtime rt(test_options());
    rt.spawn("slow", [](coact::context& self) -> coact::actor {
        self.subscribe("t");
        for (;;) co_await self.receive<counted_blob>();
    });
    rt.spawn("fast", [](coact::context& self) -> coact::actor {
        self.subscribe("t");
        for (;;) co_await self.receive([](const counted_blob&) {});
    });
    rt.run();
    rt.publish("t", counted_blob(100, 'q'));
    // Single-threaded mode keeps the publication in its injection queue until the next run();
    // the work-stealing mode fans it out on the calling thread, one shared copy per subscriber
    // (docs/concepts/actors.md, "The work-stealing mode"). Either way it is dropped and counted.
    const std::size_t queued = coact_test::work_stealing ? 2 : 1;
    CHECK(rt.shutdown() == queued);
    CHECK(rt.stats().dead_letters == queued);
    CHECK(counted_blob::copies.load() == 0);
    CHECK(rt.stats().actors == 0);
    // ASan/LSan: the payload and the topic string were freed.
}

TEST_CASE("rt.publish from another thread reaches subscribers while serve() runs",
          "[actor][pubsub][threads]") {
    coact::runtime rt(test_options());
    std::atomic<int> sum{0};
    for (int i = 0; i < 4; ++i) {
        rt.spawn([&](coact::context& self) -> coact::actor {
            self.subscribe("n");
            for (;;) {
                sum.fetch_add(co_await self.receive<int>(), std::memory_order_relaxed);
                if (sum.load(std::memory_order_relaxed) == 4 * 5050) self.runtime().request_stop();
            }
        });
    }
    rt.run();  // every subscriber has subscribed
    std::thread producer([&] {
        for (int i = 1; i <= 100; ++i) rt.publish("n", i);
    });
    coact_test::watchdog dog(30s, [&] { rt.request_stop(); });
    rt.serve();
    dog.cancel();
    producer.join();
    CHECK_FALSE(dog.fired());
    CHECK(sum.load() == 4 * 5050);
}

// [single]: the order across subscribers is deterministic with one worker only.
TEST_CASE("the same pub/sub program gives the same order every time", "[actor][pubsub][single]") {
    auto once = [] {
        coact::runtime rt(test_options());
        std::vector<std::string> log;
        for (int s = 0; s < 4; ++s) {
            rt.spawn([&log, s](coact::context& self) -> coact::actor {
                self.subscribe(s % 2 == 0 ? "x.*" : "x.a");
                for (;;)
                    log.push_back(std::to_string(s) + ":" +
                                  std::to_string(co_await self.receive<int>()));
            });
        }
        rt.spawn([](coact::context& self) -> coact::actor {
            for (int i = 0; i < 20; ++i) self.publish(i % 3 == 0 ? "x.b" : "x.a", i);
            co_return;
        });
        rt.run();
        return log;
    };
    const auto first = once();
    CHECK(first.size() == 7 * 2 + 13 * 4);  // "x.b": the two "x.*" followers; "x.a": all four
    CHECK(once() == first);
}
