// Bounded mailboxes (spawn_options::capacity and overflow): reject, drop_newest, and wait
// (co_await self.put), in both scheduler modes.
#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/modes.hpp"
#include "actors/support/watchdog.hpp"

using coact_test::test_options;

namespace {

coact::actor collect(coact::context& self, std::vector<int>& got) {
    for (;;) got.push_back(co_await self.receive<int>());
}

}  // namespace

TEST_CASE("a full mailbox with overflow reject makes send throw mailbox_full naming the actor",
          "[actor][bounded]") {
    coact::runtime rt(test_options());
    std::vector<int> got;
    rt.spawn(coact::spawn_options{.name = "slow", .capacity = 2}, collect, std::ref(got));
    rt.send("slow", 1);
    rt.send("slow", 2);
    try {
        rt.send("slow", 3);
        FAIL("the third send was accepted");
    } catch (const coact::mailbox_full& e) {
        CHECK(std::string(e.what()).find("'slow'") != std::string::npos);
        CHECK(std::string(e.what()).find("2 messages") != std::string::npos);
    }
    rt.run();
    CHECK(got == std::vector<int>{1, 2});
    rt.send("slow", 4);  // taken messages gave their places back
    rt.run();
    CHECK(got == std::vector<int>{1, 2, 4});
    CHECK(rt.stats().dropped == 0);
}

TEST_CASE("a full mailbox with overflow drop_newest drops and counts the new messages",
          "[actor][bounded]") {
    coact::runtime rt(test_options());
    std::vector<int> got;
    const coact::address a =
        rt.spawn(coact::spawn_options{.capacity = 3, .overflow = coact::overflow::drop_newest},
                 collect, std::ref(got));
    for (int i = 1; i <= 5; ++i) rt.send(a, i);
    rt.run();
    CHECK(got == std::vector<int>{1, 2, 3});
    CHECK(rt.stats().dropped == 2);
    CHECK(rt.stats().dead_letters == 0);
}

TEST_CASE("an actor's send to a full mailbox throws in the sender, which may catch it",
          "[actor][bounded]") {
    coact::runtime rt(test_options());
    std::vector<int> got;
    const coact::address slow =
        rt.spawn(coact::spawn_options{.capacity = 2}, collect, std::ref(got));
    int refused = 0;
    rt.spawn([&](coact::context& self) -> coact::actor {
        for (int i = 0; i < 5; ++i) {  // one turn: the receiver cannot take any meanwhile
            try {
                self.send(slow, i);
            } catch (const coact::mailbox_full&) {
                ++refused;
            }
        }
        co_return;
    });
    rt.run();
    CHECK(refused == 3);
    CHECK(got == std::vector<int>{0, 1});
}

TEST_CASE("an ask is not counted against the bound: it reaches a full mailbox",
          "[actor][bounded]") {
    coact::runtime rt(test_options());
    const coact::address full = rt.spawn(
        coact::spawn_options{.capacity = 1, .overflow = coact::overflow::reject},
        [](coact::context& self) -> coact::actor {
            for (;;) {
                const int n = co_await self.receive<int>();
                self.reply(n * 10);  // to the ask an answer; to the plain send a message back
            }
        });
    int answer = 0;
    rt.spawn([&](coact::context& self) -> coact::actor {
        self.send(full, 1);                        // fills it (the receiver has not run yet)
        answer = co_await self.ask<int>(full, 2);  // not refused
        co_await self.receive<int>();              // the reply to the plain send
    });
    rt.run();
    CHECK(answer == 20);
    CHECK(rt.stats().dropped == 0);
}

TEST_CASE(
    "put waits while the mailbox is full: the producer never runs ahead by more than its "
    "capacity",
    "[actor][bounded]") {
    coact::runtime rt(test_options());
    constexpr int n = 2000;
    constexpr int capacity = 4;
    std::atomic<int> put_done{0};
    std::atomic<int> ahead_max{0};
    std::vector<int> got;
    const coact::address consumer =
        rt.spawn(coact::spawn_options{.capacity = capacity, .overflow = coact::overflow::wait},
                 [&](coact::context& self) -> coact::actor {
                     for (int i = 0; i < n; ++i) {
                         got.push_back(co_await self.receive<int>());
                         const int ahead = put_done.load() - static_cast<int>(got.size());
                         if (ahead > ahead_max.load()) ahead_max.store(ahead);
                     }
                 });
    rt.spawn([&](coact::context& self) -> coact::actor {
        for (int i = 0; i < n; ++i) {
            co_await self.put(consumer, i);
            put_done.fetch_add(1);
        }
    });
    rt.run();
    REQUIRE(got.size() == static_cast<std::size_t>(n));
    bool in_order = true;
    for (int i = 0; i < n; ++i) in_order = in_order && got[static_cast<std::size_t>(i)] == i;
    CHECK(in_order);
    // Queued plus the one being handed over: never more than capacity + 1 puts ahead.
    CHECK(ahead_max.load() <= capacity + 1);
    CHECK(rt.stats().dead_letters == 0);
}

TEST_CASE("a plain send to a full mailbox with overflow wait throws and points to put",
          "[actor][bounded]") {
    coact::runtime rt(test_options());
    std::vector<int> got;
    rt.spawn(coact::spawn_options{.name = "w", .capacity = 1, .overflow = coact::overflow::wait},
             collect, std::ref(got));
    rt.send("w", 1);
    try {
        rt.send("w", 2);
        FAIL("accepted");
    } catch (const coact::mailbox_full& e) {
        CHECK(std::string(e.what()).find("co_await self.put") != std::string::npos);
    }
    rt.run();
}

TEST_CASE("a put waiting on an actor that ends is released: its message is a dead letter",
          "[actor][bounded]") {
    coact::runtime rt(test_options());
    const coact::address sleeper = rt.spawn(
        coact::spawn_options{.capacity = 1, .overflow = coact::overflow::wait},
        [](coact::context& self) -> coact::actor {
            co_await self.sleep(std::chrono::hours(1));  // takes nothing; stopped meanwhile
        });
    bool put_returned = false;
    rt.spawn([&](coact::context& self) -> coact::actor {
        self.send(sleeper, 1);  // fills it
        self.stop(sleeper);
        co_await self.put(sleeper, 2);  // waits, unless the sleeper has ended already
        put_returned = true;
    });
    rt.run();
    CHECK(put_returned);
    CHECK(rt.stats().dead_letters == 2);  // the queued one and the put's
    CHECK(rt.stats().actors == 0);
}

TEST_CASE("shutdown with puts waiting and full mailboxes frees everything", "[actor][bounded]") {
    coact::runtime rt(test_options());
    const coact::address mute = rt.spawn([](coact::context& self) -> coact::actor {
        co_await self.receive<int>();  // takes the ask, never replies, never takes another
        co_await self.receive<int>();
    });
    const coact::address never =
        rt.spawn(coact::spawn_options{.capacity = 2, .overflow = coact::overflow::wait},
                 [mute](coact::context& self) -> coact::actor {
                     co_await self.ask<int>(mute, 0);  // waits for good: its mailbox fills up
                 });
    for (int p = 0; p < 3; ++p) {
        rt.spawn([&](coact::context& self) -> coact::actor {
            for (;;) co_await self.put(never, std::string(100, 'x'));  // heap payloads
        });
    }
    rt.run();
    CHECK(rt.stats().actors == 5);
    CHECK(rt.shutdown() == 2);  // the two queued; the waiting puts' messages die with them
    CHECK(rt.stats().actors == 0);
}

TEST_CASE("many producers putting into one small mailbox lose nothing and keep their order",
          "[actor][bounded][stress]") {
    coact::runtime rt(test_options());
    constexpr int producers = 4;
    constexpr int each = 2000;
    std::vector<int> last(producers, -1);
    bool in_order = true;
    int taken = 0;
    const coact::address consumer =
        rt.spawn(coact::spawn_options{.capacity = 3, .overflow = coact::overflow::wait},
                 [&](coact::context& self) -> coact::actor {
                     for (;;) {
                         const int v = co_await self.receive<int>();
                         const int p = v / each;
                         in_order = in_order && v % each == last[static_cast<std::size_t>(p)] + 1;
                         last[static_cast<std::size_t>(p)] = v % each;
                         ++taken;
                     }
                 });
    for (int p = 0; p < producers; ++p) {
        rt.spawn([&, p](coact::context& self) -> coact::actor {
            for (int i = 0; i < each; ++i) co_await self.put(consumer, p * each + i);
        });
    }
    rt.run();
    CHECK(taken == producers * each);
    CHECK(in_order);
    CHECK(rt.stats().dead_letters == 0);
    CHECK(rt.stats().dropped == 0);
}

TEST_CASE(
    "a send to an ended actor whose cell a bounded actor reuses is a dead letter, not refused",
    "[actor][bounded]") {
    coact::runtime rt(test_options());
    const coact::address gone = rt.spawn([](coact::context&) -> coact::actor { co_return; });
    rt.run();
    std::vector<int> got;
    const coact::address full =
        rt.spawn(coact::spawn_options{.name = "full", .capacity = 1}, collect, std::ref(got));
    // The free cell is taken again: the stale address now points at the bounded actor's cell.
    REQUIRE(coact::detail_access::cell(gone) == coact::detail_access::cell(full));
    rt.send("full", 1);
    REQUIRE_THROWS_AS(rt.send("full", 2), coact::mailbox_full);  // the bound holds
    // The new actor's bound is not this send's: it is a dead letter, from outside and inside.
    CHECK_NOTHROW(rt.send(gone, 3));
    bool refused = false;
    rt.spawn([&](coact::context& self) -> coact::actor {
        try {
            self.send(gone, 4);
        } catch (const coact::mailbox_full&) {
            refused = true;
        }
        co_await self.put(gone, 5);  // does not wait for a place in the other actor's mailbox
    });
    rt.run();
    CHECK_FALSE(refused);
    CHECK(got == std::vector<int>{1});
    CHECK(rt.stats().dead_letters == 3);
    CHECK(rt.stats().dropped == 0);
}

TEST_CASE("put into the actor's own full mailbox throws instead of waiting for ever",
          "[actor][bounded]") {
    coact::runtime rt(test_options());
    std::string caught;
    std::vector<int> got;
    rt.spawn(
        coact::spawn_options{
            .name = "self-feeder", .capacity = 2, .overflow = coact::overflow::wait},
        [&](coact::context& self) -> coact::actor {
            co_await self.put(self.address(), 1);  // room: a plain send to itself
            co_await self.put("self-feeder", 2);
            try {
                co_await self.put(self.address(), 3);  // full, and only it takes from it
                caught = "accepted";
            } catch (const coact::error& e) {
                caught = e.what();
            }
            got.push_back(co_await self.receive<int>());
            got.push_back(co_await self.receive<int>());
        });
    coact_test::watchdog dog(std::chrono::seconds(60), "put into its own full mailbox");
    rt.run();
    dog.cancel();
    CHECK(std::string(caught).find("'self-feeder'") != std::string::npos);
    CHECK(std::string(caught).find("own") != std::string::npos);
    CHECK(got == std::vector<int>{1, 2});
    CHECK(rt.stats().actors == 0);
    CHECK(rt.stats().failed == 0);
    CHECK(rt.stats().dead_letters == 0);
}
