// Re-entrance: next/send/raise/close on a coroutine from inside its own body throw
// coact::already_running ("generator already executing") and leave it running (contract §2).
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

namespace {

using self_ref = coact::coroutine<int, int>;
using log_t = std::vector<std::string>;

enum class reentry { next, send, raise, close };

// Holds a pointer to its own coroutine object and calls it from inside the body.
self_ref reenters(self_ref*& self, reentry how, log_t& log) {
    co_yield 1;
    try {
        switch (how) {
            case reentry::next:
                (void)self->next();
                break;
            case reentry::send:
                (void)self->send(10);
                break;
            case reentry::raise:
                (void)self->raise(std::runtime_error("thrown into itself"));
                break;
            case reentry::close:
                self->close();
                break;
        }
        log.emplace_back("no error");
    } catch (const coact::already_running& e) {
        log.emplace_back(e.what());
    }
    log.emplace_back(coact::to_string(self->state()));
    std::optional<int> sent = co_yield 2;
    log.push_back("sent " + std::to_string(sent.value_or(-1)));
    co_yield 3;
}

// Re-enters and lets already_running escape.
self_ref reenters_uncaught(self_ref*& self) {
    co_yield 1;
    (void)self->next();
    co_yield 2;
}

// Drives another coroutine from inside its body: that is not re-entrance.
self_ref drives(self_ref& other) {
    for (;;) {
        std::optional<int> got = other.next();
        if (!got) co_return;
        co_yield *got * 10;
    }
}

self_ref one_to_three() {
    for (int i = 1; i <= 3; ++i) co_yield i;
}

}  // namespace

TEST_CASE(
    "calling its own coroutine from inside the body throws already_running and it keeps running",
    "[coroutine][reentrance]") {
    const auto how = GENERATE(reentry::next, reentry::send, reentry::raise, reentry::close);
    CAPTURE(static_cast<int>(how));
    log_t log;
    self_ref* self = nullptr;
    auto c = reenters(self, how, log);
    self = &c;

    CHECK(c.next() == 1);
    CHECK(c.next() == 2);  // the body caught already_running and went on
    REQUIRE(log.size() == 2);
    CHECK_THAT(log[0], Catch::Contains("generator already executing"));
    CHECK(log[1] == "running");
    CHECK(c.state() == coact::state::suspended);
    // Nothing of the refused call was left behind: the next send arrives normally.
    CHECK(c.send(7) == 3);
    CHECK(log.back() == "sent 7");
    CHECK_FALSE(c.next().has_value());
    CHECK(c.state() == coact::state::closed);
}

TEST_CASE("an already_running that escapes the body propagates and closes the coroutine",
          "[coroutine][reentrance]") {
    self_ref* self = nullptr;
    auto c = reenters_uncaught(self);
    self = &c;
    CHECK(c.next() == 1);
    CHECK_THROWS_AS(c.next(), coact::already_running);
    CHECK(c.state() == coact::state::closed);
}

TEST_CASE("a coroutine body may drive a different coroutine", "[coroutine][reentrance]") {
    auto inner = one_to_three();
    auto outer = drives(inner);
    CHECK(outer.next() == 10);
    CHECK(outer.next() == 20);
    CHECK(outer.next() == 30);
    CHECK_FALSE(outer.next().has_value());
    CHECK(inner.state() == coact::state::closed);
}
