// Publish and subscribe: topics, patterns, rt.publish from outside, the shared payload, and the
// automatic unsubscription of actors that end (docs/tutorial/02-actors.md,
// docs/concepts/actors.md).
#include <iostream>
#include <string>
#include <vector>

#include <coact/coact.hpp>

namespace {

// [snippet:quote]
struct quote {
    std::string symbol;
    double price;
};
// [/snippet:quote]

// [snippet:subscribers]
// Follows one stock.
coact::actor watcher(coact::context& self, std::string topic) {
    self.subscribe(topic);
    for (;;) {
        const quote q = co_await self.receive<quote>();
        std::cout << self.name() << ": " << q.symbol << " at " << q.price << '\n';
    }
}

// Follows every topic below "prices" with a pattern, and reads each quote in place (const&):
// the quote it reads is the one all subscribers share, never copied for it.
coact::actor ticker(coact::context& self) {
    self.subscribe("prices.*");
    int seen = 0;
    for (;;) {
        co_await self.receive(
            [&](const quote& q) { std::cout << "ticker #" << ++seen << ": " << q.symbol << '\n'; });
    }
}
// [/snippet:subscribers]

// [snippet:publisher]
coact::actor exchange(coact::context& self) {
    const std::size_t reached = self.publish("prices.aapl", quote{"AAPL", 190.5});
    std::cout << "exchange: AAPL went to " << reached << " subscribers\n";
    self.publish("prices.msft", quote{"MSFT", 410.25});
    co_return;
}
// [/snippet:publisher]

// [snippet:short_lived]
// Takes one quote and ends: the runtime unsubscribes it on the way out.
coact::actor one_shot(coact::context& self) {
    self.subscribe("prices.goog");
    const quote q = co_await self.receive<quote>();
    std::cout << "one_shot: " << q.symbol << ", and done\n";
}
// [/snippet:short_lived]

}  // namespace

int main() {
    // [snippet:run]
    coact::runtime rt;
    rt.spawn("aapl-watcher", watcher, std::string("prices.aapl"));
    rt.spawn("ticker", ticker);
    rt.spawn("exchange", exchange);  // spawned last: the others subscribe in their first turn
    rt.run();
    // [/snippet:run]

    // [snippet:outside]
    rt.spawn("one_shot", one_shot);
    rt.run();
    rt.publish("prices.goog", quote{"GOOG", 175.0});  // from outside: queued like rt.send
    rt.run();
    rt.publish("prices.goog", quote{"GOOG", 176.0});  // one_shot has ended: only the ticker
    rt.publish("weather.oslo", std::string("snow"));  // nobody follows it: counted, not an error
    rt.run();
    const coact::runtime_stats s = rt.stats();
    std::cout << "published " << s.published << ", unheard " << s.unheard << ", dead letters "
              << s.dead_letters << '\n';
    // [/snippet:outside]

    // [snippet:bad_topic]
    try {
        rt.publish("prices.*", quote{"?", 0});  // a pattern is for subscribing, not publishing
    } catch (const coact::bad_topic& e) {
        std::cout << e.what() << '\n';
    }
    // [/snippet:bad_topic]
}
