// coroutine::raise(e), Python's g.throw(E): the exception comes out of the pending co_yield
// (contract §2).
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

namespace {

class reset_request : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct different_city {  // not a std::exception: raise() takes any object
    int id;
};

// Echoes what it is sent; a reset_request or a different_city is caught and reported in the
// next value it yields. Anything else escapes.
coact::coroutine<std::string, std::string> resettable(int& runs) {
    ++runs;
    std::string out = "start";
    for (;;) {
        try {
            std::optional<std::string> in = co_yield out;
            out = in.value_or("none");
        } catch (const reset_request& e) {
            out = std::string("reset: ") + e.what();
        } catch (const different_city& c) {
            out = "city " + std::to_string(c.id);
        }
    }
}

// Returns (instead of yielding again) when an exception is thrown in.
coact::coroutine<int, int, std::string> gives_up() {
    try {
        for (;;) co_yield 1;
    } catch (const std::exception& e) {
        co_return std::string("gave up: ") + e.what();
    }
}

}  // namespace

TEST_CASE("raise returns the next yielded value when the body catches the exception",
          "[coroutine][raise]") {
    int runs = 0;
    auto c = coact::primed(resettable(runs));
    CHECK(c.send("a") == "a");
    CHECK(c.raise(reset_request("query abandoned")) == "reset: query abandoned");
    CHECK(c.state() == coact::state::suspended);
    CHECK(c.send("b") == "b");  // and it keeps working
}

TEST_CASE("raise propagates an exception the body does not catch and closes the coroutine",
          "[coroutine][raise]") {
    int runs = 0;
    auto c = coact::primed(resettable(runs));
    CHECK_THROWS_MATCHES(c.raise(std::out_of_range("not caught")), std::out_of_range,
                         Catch::Message("not caught"));
    CHECK(c.state() == coact::state::closed);
    CHECK_FALSE(c.next().has_value());
}

TEST_CASE("raise on a created coroutine throws without running the body and closes it",
          "[coroutine][raise]") {
    int runs = 0;
    auto c = resettable(runs);
    // The body would catch a reset_request: it escapes only because the body never ran.
    CHECK_THROWS_AS(c.raise(reset_request("early")), reset_request);
    CHECK(runs == 0);
    CHECK(c.state() == coact::state::closed);
    CHECK_FALSE(c.next().has_value());
    CHECK(runs == 0);
}

TEST_CASE("raise accepts a std::exception_ptr", "[coroutine][raise]") {
    int runs = 0;
    auto c = coact::primed(resettable(runs));

    std::exception_ptr made = std::make_exception_ptr(reset_request("from a pointer"));
    CHECK(c.raise(made) == "reset: from a pointer");

    std::exception_ptr caught;
    try {
        throw reset_request("from a catch block");
    } catch (...) {
        caught = std::current_exception();
    }
    CHECK(c.raise(caught) == "reset: from a catch block");

    CHECK_THROWS_AS(c.raise(std::make_exception_ptr(std::length_error("x"))), std::length_error);
    CHECK(c.state() == coact::state::closed);
}

TEST_CASE("raise throws any object, not only a std::exception", "[coroutine][raise]") {
    int runs = 0;
    auto c = coact::primed(resettable(runs));
    CHECK(c.raise(different_city{49}) == "city 49");
    CHECK_THROWS_AS(c.raise(42), int);
    CHECK(c.state() == coact::state::closed);
}

TEST_CASE("raise returns nullopt when the body catches the exception and returns",
          "[coroutine][raise]") {
    auto c = coact::primed(gives_up());
    CHECK_FALSE(c.raise(std::runtime_error("stop")).has_value());
    CHECK(c.state() == coact::state::closed);
    CHECK(c.result() == "gave up: stop");
}

TEST_CASE("raise on a finished coroutine throws the exception", "[coroutine][raise]") {
    auto c = coact::primed(gives_up());
    c.close();
    REQUIRE(c.state() == coact::state::closed);
    CHECK_THROWS_AS(c.raise(std::runtime_error("too late")), std::runtime_error);
    CHECK(c.state() == coact::state::closed);
}

TEST_CASE("raise of a null exception_ptr throws coact::error", "[coroutine][raise]") {
    int runs = 0;
    auto c = coact::primed(resettable(runs));
    CHECK_THROWS_AS(c.raise(std::exception_ptr{}), coact::error);
    CHECK(c.state() == coact::state::suspended);  // the coroutine was not touched
    CHECK(c.send("still here") == "still here");
}
