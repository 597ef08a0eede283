// Seed 004: Axel Sirota, "Meet Generators' Counterpart: Coroutines": priming, the states,
// close and throw, exceptions inside and outside, and the averager with a return value.
//
// Python's TypeError from `number + None` is std::bad_optional_access from value() here, and
// StopIteration.value is result(). The talk's "closing a running coroutine from another thread"
// example is not here: a coact coroutine is used by one thread at a time (re-entrance, its
// single-threaded form, is the ping-pong test of seed 003).
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

namespace {

using log_t = std::vector<std::string>;
using none = std::monostate;  // a bare `yield`
constexpr none nothing{};

std::string or_none(const std::optional<int>& v) { return v ? std::to_string(*v) : "None"; }

// def my_coroutine(a): print('--> Started with', a); b = yield; print('But continues with', b)
coact::coroutine<none, int> my_coroutine(log_t& log, int a) {
    log.push_back("--> Started with " + std::to_string(a));
    std::optional<int> b = co_yield nothing;
    log.push_back("But continues with " + or_none(b));
}

coact::coroutine<int, int> coroutine_yield(log_t& log, int a) {
    log.push_back("--> Started with " + std::to_string(a));
    std::optional<int> b = co_yield a;
    log.push_back("However I got sent a " + or_none(b) + " and yielded back " + std::to_string(a));
    const int c = a + b.value();
    co_yield c;
    log.push_back("I yielded back a " + std::to_string(c) + " and exited");
}

// Beazley's grep coroutine: prints the lines that contain `language`, forever.
coact::coroutine<none, std::string> pattern(log_t& log, std::string language) {
    log.push_back("I only react to " + language + " messages");
    for (;;) {
        std::optional<std::string> line;
        try {
            line = co_yield nothing;
        } catch (const coact::generator_exit&) {
            log.emplace_back("closing");
            throw;
        }
        try {
            if (line.value().find(language) != std::string::npos) log.push_back(*line);
        } catch (const std::bad_optional_access&) {  // Python's TypeError on `language in None`
            log.emplace_back("Please send me a string message");
        }
    }
}

class value_error : public std::runtime_error {
  public:
    value_error() : std::runtime_error("ValueError") {}
};

class type_error : public std::runtime_error {
  public:
    type_error() : std::runtime_error("TypeError") {}
};

coact::coroutine<none, int> coroutine_exception(log_t& log, int number) {
    log.emplace_back("-> coroutine started");
    for (;;) {
        std::optional<int> x;
        bool received = false;
        try {
            x = co_yield nothing;
            received = true;
        } catch (const value_error&) {
            log.emplace_back("*** ValueError handled. Continuing...");
        } catch (const coact::generator_exit&) {
            log.emplace_back("cleanup and die gracefully");
            throw;
        }
        if (received) {  // the try's else: clause
            log.push_back("-> coroutine received: " + or_none(x));
            (void)(number + x.value());  // `number + x`: a None here is the TypeError that kills it
        }
    }
}

coact::coroutine<none, int> coroutine_without_reraise(log_t& log) {
    for (;;) {
        try {
            std::optional<int> x = co_yield nothing;
            log.push_back("Got value " + or_none(x));
        } catch (const coact::generator_exit&) {
            log.emplace_back("I do nothing");
        }
    }
}

struct average_result {
    int count;
    double average;
};

// Yields the running average of what it is sent; sent nothing, it returns the count and average.
// Python yields None before the first value; here 0.0.
coact::coroutine<double, double, average_result> averager_with_result() {
    int total = 0;
    double sum = 0;
    double average = 0;
    for (;;) {
        std::optional<double> value = co_yield average;
        if (!value) break;
        total += 1;
        sum += *value;
        average = sum / total;
    }
    co_return average_result{total, average};
}

coact::coroutine<int, void, std::vector<int>> generator_with_return(std::vector<int> magic_values) {
    for (int value : magic_values) co_yield value;
    co_return magic_values;
}

}  // namespace

TEST_CASE("my_coroutine starts on next and finishes on the send after its one yield", "[seeds]") {
    log_t log;
    auto mycoro = my_coroutine(log, 2);
    CHECK(log.empty());
    CHECK(mycoro.next().has_value());
    CHECK(log == log_t{"--> Started with 2"});
    CHECK_FALSE(mycoro.send(5).has_value());  // StopIteration
    CHECK(log == log_t{"--> Started with 2", "But continues with 5"});
}

TEST_CASE("next after the first yield sends nothing", "[seeds]") {
    log_t log;
    auto mycoro = my_coroutine(log, 2);
    mycoro.next();
    CHECK_FALSE(mycoro.next().has_value());
    CHECK(log.back() == "But continues with None");
}

TEST_CASE("a coroutine goes from created to suspended to closed", "[seeds]") {
    log_t log;
    auto mycoro = my_coroutine(log, 2);
    CHECK(mycoro.state() == coact::state::created);
    mycoro.next();
    CHECK(mycoro.state() == coact::state::suspended);
    mycoro.send(5);
    CHECK(mycoro.state() == coact::state::closed);
}

TEST_CASE("a created coroutine can be closed and then yields nothing", "[seeds][close]") {
    log_t log;
    auto mycoro = my_coroutine(log, 2);
    mycoro.close();
    CHECK(mycoro.state() == coact::state::closed);
    CHECK_FALSE(mycoro.next().has_value());
    CHECK(log.empty());
}

TEST_CASE("sending a value to an unprimed coroutine is an error", "[seeds]") {
    log_t log;
    auto mycoro = my_coroutine(log, 2);
    CHECK_THROWS_AS(mycoro.send(5), coact::not_started);  // Python's TypeError
    CHECK(mycoro.state() == coact::state::created);
    CHECK(log.empty());
}

TEST_CASE("the priming decorator runs the coroutine to its first yield", "[seeds]") {
    log_t log;
    auto mycoro = coact::primed(my_coroutine(log, 2));
    CHECK(log == log_t{"--> Started with 2"});  // already at instantiation
    CHECK_FALSE(mycoro.send(5).has_value());
    CHECK(log.back() == "But continues with 5");
}

TEST_CASE("coroutine_yield yields a and then a plus what it was sent", "[seeds]") {
    log_t log;
    auto mycoro = coroutine_yield(log, 2);
    CHECK(mycoro.next() == 2);
    CHECK(mycoro.send(5) == 7);
    CHECK(log.back() == "However I got sent a 5 and yielded back 2");
    CHECK_FALSE(mycoro.next().has_value());
    CHECK(log.back() == "I yielded back a 7 and exited");
}

TEST_CASE("the pattern coroutine reports matching lines until it is closed", "[seeds][close]") {
    log_t log;
    auto checking = coact::primed(pattern(log, "Python"));
    checking.next();  // a None
    checking.send("Okey");
    checking.send("Pluralsight is great!");
    checking.send("But Python rocks!");
    CHECK(checking.state() == coact::state::suspended);  // runs forever...
    checking.close();                                    // ...so it must be closed
    CHECK(checking.state() == coact::state::closed);
    CHECK(log == log_t{"I only react to Python messages", "Please send me a string message",
                       "But Python rocks!", "closing"});
}

TEST_CASE("an exception inside the coroutine reaches the caller and closes it", "[seeds]") {
    log_t log;
    auto mycoro = coact::primed(coroutine_exception(log, 15));
    mycoro.send(2);
    mycoro.send(5);
    CHECK_THROWS_AS(mycoro.next(), std::bad_optional_access);  // number + None
    CHECK(mycoro.state() == coact::state::closed);
    CHECK(log == log_t{"-> coroutine started", "-> coroutine received: 2",
                       "-> coroutine received: 5", "-> coroutine received: None"});
}

TEST_CASE("closing coroutine_exception runs its generator_exit cleanup", "[seeds][close]") {
    log_t log;
    auto mycoro = coact::primed(coroutine_exception(log, 2));
    mycoro.close();
    CHECK(log.back() == "cleanup and die gracefully");
    CHECK(mycoro.state() == coact::state::closed);
}

TEST_CASE("a thrown exception the coroutine handles lets it continue and another one kills it",
          "[seeds][raise]") {
    log_t log;
    auto mycoro = coact::primed(coroutine_exception(log, 2));
    CHECK(mycoro.raise(value_error{}).has_value());
    CHECK(log.back() == "*** ValueError handled. Continuing...");
    mycoro.send(2);
    CHECK(log.back() == "-> coroutine received: 2");
    CHECK_THROWS_AS(mycoro.raise(type_error{}), type_error);
    CHECK(mycoro.state() == coact::state::closed);
}

TEST_CASE(
    "a coroutine that swallows generator_exit and yields again makes close throw ignored_exit",
    "[seeds][close]") {
    log_t log;
    auto mycoro = coact::primed(coroutine_without_reraise(log));
    mycoro.send(2);
    CHECK_THROWS_AS(mycoro.close(), coact::ignored_exit);  // "generator ignored GeneratorExit"
    CHECK(log == log_t{"Got value 2", "I do nothing"});
}

TEST_CASE("the averager yields running averages and returns the count and average", "[seeds]") {
    auto averager = coact::primed(averager_with_result());
    CHECK(averager.send(2) == Approx(2.0));
    CHECK(averager.send(4) == Approx(3.0));
    CHECK(averager.send(1) == Approx(2.3333333333333335));
    CHECK(averager.send(5) == Approx(3.0));
    CHECK_THROWS_AS(averager.result(), coact::not_finished);
    CHECK_FALSE(averager.next().has_value());  // send(None): StopIteration(Result(4, 3.0))
    CHECK(averager.result().count == 4);
    CHECK(averager.result().average == Approx(3.0));
}

TEST_CASE("the averager's result is retrieved after the sentinel send", "[seeds]") {
    auto averager = coact::primed(averager_with_result());
    averager.send(3);
    CHECK(averager.send(5) == Approx(4.0));
    CHECK_FALSE(averager.next().has_value());
    const average_result returned_value = averager.result();
    CHECK(returned_value.count == 2);
    CHECK(returned_value.average == Approx(4.0));
}

TEST_CASE("a coroutine's return value is kept after all its values have been consumed", "[seeds]") {
    auto g = generator_with_return({10, 6, 1});
    std::vector<int> seen;
    while (auto value = g.next()) seen.push_back(*value);
    CHECK(seen == std::vector<int>{10, 6, 1});
    CHECK(g.result() == std::vector<int>{10, 6, 1});
}
