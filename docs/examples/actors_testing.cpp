// actors_testing.cpp — testing an actor program step by step with coact::testing::deterministic,
// the way CAF's deterministic fixture tests its ping-pong example: run one actor for one message,
// then look into the mailboxes. Time is virtual and moves only when the test says so.
//
// A test suite would write REQUIRE/CHECK (tests/actors/fixture_test.cpp does, with Catch2);
// this program prints each check instead and exits 1 if one fails.
//
// Snippets: docs/tutorial/02-actors.md, "Testing actors".
#include <chrono>
#include <iostream>
#include <string>

#include <coact/coact.hpp>

namespace {

using namespace std::chrono_literals;

int failures = 0;

void check(bool ok, const char* what) {
    std::cout << (ok ? "ok      " : "FAILED  ") << what << '\n';
    if (!ok) ++failures;
}

// [snippet:players]
coact::actor ping(coact::context& self) {
    for (;;) {
        int n = co_await self.receive<int>();
        if (n >= 3) co_return;  // the game ends at 3
        self.send("pong", n + 1);
    }
}

coact::actor pong(coact::context& self) {
    for (;;) {
        int n = co_await self.receive<int>();
        self.send(self.sender(), n + 1);  // answer whoever sent it
    }
}
// [/snippet:players]

// [snippet:reminder]
coact::actor reminder(coact::context& self) {
    self.send_after(5s, "pong", 100);
    co_return;
}
// [/snippet:reminder]

}  // namespace

int main() {
    // [snippet:steps]
    coact::testing::deterministic sim;  // one message per step, virtual time
    coact::address ping_address = sim.spawn("ping", ping);
    sim.spawn("pong", pong);
    sim.send("ping", 1);
    check(sim.next() == ping_address, "ping runs first: actors start in spawn order");
    check(sim.mailbox_size("ping") == 1 && *sim.peek<int>("ping") == 1, "ping has 1 waiting");

    check(sim.step(), "step 1: ping starts, takes 1 and sends 2 to pong");
    check(sim.mailbox_size("ping") == 0, "ping's mailbox is empty");
    check(sim.peek<int>("pong") != nullptr && *sim.peek<int>("pong") == 2, "pong has 2 waiting");
    check(sim.peek<std::string>("pong") == nullptr, "and it is not a string");

    check(sim.step(), "step 2: pong starts, takes 2 and answers 3");
    check(*sim.peek<int>("ping") == 3, "ping has 3 waiting");
    check(sim.step(), "step 3: ping takes 3 and returns");
    check(!sim.alive("ping") && sim.alive("pong"), "ping has ended, pong waits");
    check(!sim.step(), "no actor can run now");
    check(sim.stats().delivered == 3, "3 messages were delivered");
    // [/snippet:steps]

    // [snippet:time]
    sim.spawn("reminder", reminder);
    sim.step_all();  // the reminder runs, sets its timer and ends
    sim.advance_time(4s);
    check(sim.mailbox_size("pong") == 0, "after 4 s pong has nothing");
    sim.advance_time(1s);
    check(sim.mailbox_size("pong") == 1 && *sim.peek<int>("pong") == 100, "after 5 s it has 100");
    // [/snippet:time]

    return failures == 0 ? 0 : 1;
}
