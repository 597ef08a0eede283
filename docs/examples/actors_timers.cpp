// actors_timers.cpp — time in actors: co_await self.sleep(d) suspends one actor (not the
// thread), self.send_after(d, target, msg) delivers a message later, and
// co_await self.receive_for<T>(d) waits for a message at most d. With virtual time the clock
// jumps from one timer to the next, so this program takes no real time and always prints the
// same thing.
//
// Snippets: docs/tutorial/02-actors.md, "Timers".
#include <chrono>
#include <iostream>
#include <string>

#include <coact/coact.hpp>

namespace {

using namespace std::chrono_literals;

// [snippet:heart]
coact::actor heart(coact::context& self) {
    for (int beat = 1; beat <= 3; ++beat) {
        co_await self.sleep(1s);  // t = 1 s, 2 s, 3 s
        self.send("watchdog", beat);
    }
}  // and then it stops

coact::actor watchdog(coact::context& self) {
    while (auto beat = co_await self.receive_for<int>(1500ms)) {
        std::cout << "watchdog: beat " << *beat << '\n';
    }
    std::cout << "watchdog: no beat for 1.5 s, the heart has stopped\n";  // t = 4.5 s
}

coact::actor alarm_clock(coact::context& self) {
    self.send_after(2500ms, self.address(), "ring");  // to itself, at t = 2.5 s
    std::string sound = co_await self.receive<std::string>();
    std::cout << "alarm_clock: " << sound << '\n';
}
// [/snippet:heart]

// [snippet:long_nap]
coact::actor sleeper(coact::context& self) {
    co_await self.sleep(std::chrono::hours(24));
    std::cout << "sleeper: good morning\n";
}
// [/snippet:long_nap]

}  // namespace

int main() {
    // [snippet:timers_run]
    coact::runtime rt{{.virtual_time = true}};
    rt.spawn("heart", heart);
    rt.spawn("watchdog", watchdog);
    rt.spawn("alarm_clock", alarm_clock);
    rt.run();  // returns once no actor has a message or a pending timer
    // [/snippet:timers_run]

    // [snippet:long_nap_run]
    const auto start = std::chrono::steady_clock::now();
    rt.spawn(sleeper);
    rt.run();
    const bool quick = std::chrono::steady_clock::now() - start < std::chrono::minutes(1);
    std::cout << "a day of virtual time took " << (quick ? "less than a minute" : "too long")
              << '\n';
    // [/snippet:long_nap_run]
}
