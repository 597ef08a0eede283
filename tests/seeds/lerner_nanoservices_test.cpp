// Seeds 000 and 001: Reuven Lerner, "Generators, coroutines, and nanoservices", and the notes
// on it. Each Python example and transcript of the talk, as a test.
//
// Python's None is std::nullopt: `g.send(None)` is `g.next()`, and the walrus loop
// `while x := (yield out)` is `while (auto x = co_yield out)` (it stops on nullopt only, not on
// any falsy value). StopIteration is next()/send() returning nullopt with state() closed.
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "support/temp_file.hpp"
#include "support/views.hpp"

namespace {

using log_t = std::vector<std::string>;

// --- generators ----------------------------------------------------------------------------

coact::generator<int> fib() {
    int first = 0;
    int second = 1;
    for (;;) {
        co_yield first;
        first = std::exchange(second, first + second);
    }
}

// read_n: the file n lines at a time. The file is opened when the first chunk is asked for.
coact::generator<std::vector<std::string>> read_n(std::filesystem::path filename, int n) {
    std::ifstream f(filename);
    for (;;) {
        std::vector<std::string> output;
        std::string line;
        for (int i = 0; i < n && std::getline(f, line); ++i) output.push_back(line);
        if (output.empty()) break;
        co_yield std::move(output);
    }
}

coact::generator<char> get_vowels(std::filesystem::path filename) {
    std::ifstream f(filename);
    std::string one_line;
    while (std::getline(f, one_line)) {
        for (char one_char : one_line) {
            const char lower =
                static_cast<char>(std::tolower(static_cast<unsigned char>(one_char)));
            if (std::string_view("aeiou").find(lower) != std::string_view::npos) co_yield one_char;
        }
    }
}

// --- x * 5 ---------------------------------------------------------------------------------

int five_times(int x) { return x * 5; }

std::string five_times(const std::string& s) {
    std::string out;
    for (int i = 0; i < 5; ++i) out += s;
    return out;
}

std::vector<int> five_times(const std::vector<int>& v) {
    std::vector<int> out;
    for (int i = 0; i < 5; ++i) out.insert(out.end(), v.begin(), v.end());
    return out;
}

// def mygen(): x = None; while True: x = yield x; x *= 5
// Python's first yield is None; here it is T{}. Sending None (x *= 5 on None) is a TypeError in
// Python: here value() throws std::bad_optional_access.
template <class T>
coact::coroutine<T, T> times_five() {
    T x{};
    for (;;) {
        std::optional<T> got = co_yield x;
        x = five_times(got.value());
    }
}

// The walrus version: stops when sent nothing.
coact::coroutine<int, int> times_five_walrus() {
    int x = 0;
    while (auto got = co_yield x) x = five_times(*got);
}

// --- the md5 nanoservice -------------------------------------------------------------------

// A stand-in for md5: 64-bit FNV-1a, small enough to write here (the real MD5 lives in a demo).
std::string fnv1a_hex(std::string_view text) {
    std::uint64_t h = 0xcbf29ce484222325U;
    for (char c : text) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3U;
    }
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
    return out;
}

using text_service = coact::coroutine<std::string, std::string>;

text_service digest_service() {
    std::string output = "Enter text to hash, or None";
    while (auto text = co_yield output) output = fnv1a_hex(*text);
}

// --- the weather nanoservice ---------------------------------------------------------------

using forecast_table = std::map<int, std::vector<std::string>>;

const forecast_table& forecasts() {
    static const forecast_table table{
        {44,
         {"2020-07-31 Humid 26-31", "2020-08-01 Humid 24-32", "2020-08-02 Clear 25-31",
          "2020-08-03 Partly Cloudy 26-31"}},
        {45, {"2020-07-31 Hot 26-38", "2020-08-01 Hot 24-39"}},
        {49, {"2020-08-01 Hot 25-36"}},
    };
    return table;
}

struct different_city : std::exception {
    [[nodiscard]] const char* what() const noexcept override { return "different city"; }
};

const std::string city_prompt = "Send a city number or None";

// Example 2.1: the forecasts of the city it is sent, one per send; the value sent while it is
// still listing forecasts is ignored. A different_city thrown in abandons the current city.
coact::coroutine<std::string, int> get_forecasts(const forecast_table& table) {
    while (auto city_id = co_yield city_prompt) {
        try {
            for (const std::string& one_forecast : table.at(*city_id)) co_yield one_forecast;
        } catch (const different_city&) {
            continue;
        }
    }
}

// --- the people nanoservice ----------------------------------------------------------------

struct person {
    int id;
    std::string first_name;
    std::string last_name;
    std::string birthdate;
};

const std::vector<person>& people() {
    static const std::vector<person> table{
        {1, "Reuven", "Lerner", "1970-07-14"},
        {2, "Atara", "Lerner-Friedman", "2000-12-16"},
        {3, "Shikma", "Lerner-Friedman", "2002-12-17"},
        {4, "Amotz", "Lerner-Friedman", "2005-10-31"},
        {5, "Guido", "van Rossum", "1956-01-31"},
    };
    return table;
}

std::string row(const person& p) {
    return std::to_string(p.id) + " " + p.first_name + " " + p.last_name + " " + p.birthdate;
}

struct stop_query : std::exception {
    [[nodiscard]] const char* what() const noexcept override { return "stop query"; }
};

const std::string people_prompt = "Send a query, or None to quit: ";

// A cursor over an in-memory table: send a last-name prefix, get the matching rows one per
// send; a stop_query thrown in abandons the query. The "connection" is opened once.
text_service people_api(const std::vector<person>& table, int& connections, log_t& queries) {
    ++connections;
    while (auto prefix = co_yield people_prompt) {
        queries.push_back("SELECT * FROM People WHERE last_name LIKE '" + *prefix + "%'");
        try {
            for (const person& p : table) {
                if (p.last_name.starts_with(*prefix)) co_yield row(p);
            }
        } catch (const stop_query&) {
            continue;
        }
    }
}

// --- megaservices, with yield from -----------------------------------------------------------

text_service city_service(const forecast_table& table) {
    while (auto city_id = co_yield city_prompt) {
        try {
            for (const std::string& one_forecast : table.at(std::stoi(*city_id)))
                co_yield one_forecast;
        } catch (const different_city&) {
            continue;
        }
    }
}

const std::string menu = "Send 1 for weather, 2 for MD5, or None to exit";

text_service combined_generator(const forecast_table& table) {
    std::string output = menu;
    while (auto s = co_yield output) {
        output = menu;
        if (*s == "1") {
            co_yield coact::yield_from(city_service(table));
        } else if (*s == "2") {
            co_yield coact::yield_from(digest_service());
        } else {
            output = "Unknown choice; try again";
        }
    }
}

// --- seed 001: step counters and internal/general --------------------------------------------

std::string or_none(const std::optional<int>& v) { return v ? std::to_string(*v) : "None"; }

coact::coroutine<int, int> mycoroutine(log_t& log) {
    int step = 0;
    for (;;) {
        log.push_back("step:" + std::to_string(step));
        std::optional<int> received = co_yield step;
        log.push_back("received: " + or_none(received));
        ++step;
    }
}

coact::coroutine<int, int> coro(log_t& log) {
    int step = 0;
    while (auto received = co_yield step) {
        log.push_back("received:" + std::to_string(*received));
        ++step;
    }
}

using stage = coact::coroutine<int, std::string, int>;

stage internal(log_t& log, std::string name, int start, int end) {
    int i = start;
    for (; i < end; ++i) {
        std::optional<std::string> value = co_yield i;
        log.push_back(name + " got " + value.value_or("None"));
    }
    log.push_back(name + " finished at " + std::to_string(i - 1));
    co_return end;
}

stage general(log_t& log) {
    const int start = co_yield coact::yield_from(internal(log, "first", 1, 5));
    const int end = co_yield coact::yield_from(internal(log, "second", start, 10));
    co_return end;
}

}  // namespace

TEST_CASE("fib yields the Fibonacci numbers one at a time", "[seeds]") {
    auto g = fib();
    auto it = g.begin();
    std::vector<int> first;
    for (int i = 0; i < 5; ++i, ++it) first.push_back(*it);
    CHECK(first == std::vector<int>{0, 1, 1, 2, 3});
#if COACT_TEST_HAS_VIEWS
    std::vector<int> ten;
    for (int x : fib() | std::views::take(10)) ten.push_back(x);
    CHECK(ten == std::vector<int>{0, 1, 1, 2, 3, 5, 8, 13, 21, 34});
#endif
}

TEST_CASE("read_n reads a file n lines at a time and opens it only when first asked", "[seeds]") {
    coact_test::temp_file file("read_n");
    auto chunks = read_n(file.path(), 3);  // the file does not exist yet: nothing has run
    file.write("one\ntwo\nthree\nfour\nfive\nsix\nseven\n");

    std::vector<std::vector<std::string>> got;
    for (auto& chunk : chunks) got.push_back(std::move(chunk));
    REQUIRE(got.size() == 3);
    CHECK(got[0] == std::vector<std::string>{"one", "two", "three"});
    CHECK(got[1] == std::vector<std::string>{"four", "five", "six"});
    CHECK(got[2] == std::vector<std::string>{"seven"});

    coact_test::temp_file empty("read_n_empty");
    empty.write("");
    auto none = read_n(empty.path(), 2);
    CHECK(none.begin() == none.end());
}

TEST_CASE("get_vowels yields the vowels of a file one character at a time", "[seeds]") {
    coact_test::temp_file file("vowels");
    file.write("Hello World\nAEIOU xyz\n\nPython\n");
    std::string vowels;
    for (char c : get_vowels(file.path())) vowels += c;
    CHECK(vowels == "eooAEIOUo");
}

TEST_CASE("the times five coroutine multiplies whatever it is sent", "[seeds]") {
    auto g = times_five<int>();
    CHECK(g.next() == 0);  // prime it
    CHECK(g.send(10) == 50);
    CHECK(g.send(23) == 115);

    auto s = coact::primed(times_five<std::string>());
    CHECK(s.send("abc") == "abcabcabcabcabc");

    auto v = coact::primed(times_five<std::vector<int>>());
    CHECK(v.send(std::vector<int>{1, 2, 3}) ==
          std::vector<int>{1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3});

    // x *= 5 on None: Python's TypeError, here bad_optional_access; it ends the coroutine.
    CHECK_THROWS_AS(g.next(), std::bad_optional_access);
    CHECK(g.state() == coact::state::closed);
}

TEST_CASE("the walrus times five coroutine stops when sent nothing", "[seeds]") {
    auto g = coact::primed(times_five_walrus());
    CHECK(g.send(10) == 50);
    CHECK(g.send(0) == 0);  // unlike Python's walrus, 0 does not stop it: only nullopt does
    CHECK_FALSE(g.next().has_value());
    CHECK(g.state() == coact::state::closed);
}

TEST_CASE("the md5 nanoservice hashes each text it is sent until it is sent nothing", "[seeds]") {
    auto g = digest_service();
    CHECK(g.next() == "Enter text to hash, or None");
    CHECK(g.send("hello") == "a430d84680aabd0b");
    CHECK(g.send("goodbye") == "35e7193c47bf2430");
    CHECK(g.send("") == "cbf29ce484222325");  // FNV-1a test vectors
    CHECK(g.send("foobar") == "85944171f73967e8");
    CHECK_FALSE(g.next().has_value());  // stop the service
    CHECK(g.state() == coact::state::closed);
}

TEST_CASE("the weather nanoservice lists a city's forecasts one per send", "[seeds]") {
    auto g = get_forecasts(forecasts());
    CHECK(g.next() == city_prompt);
    CHECK(g.send(44) == "2020-07-31 Humid 26-31");
    CHECK(g.send(44) == "2020-08-01 Humid 24-32");
    CHECK(g.send(44) == "2020-08-02 Clear 25-31");
    CHECK(g.send(44) == "2020-08-03 Partly Cloudy 26-31");
    CHECK(g.send(44) == city_prompt);  // the list ran out: the 44 sent here was ignored
    CHECK(g.send(45) == "2020-07-31 Hot 26-38");
    CHECK(g.send(45) == "2020-08-01 Hot 24-39");
    CHECK(g.send(45) == city_prompt);
    CHECK_FALSE(g.next().has_value());
}

TEST_CASE("the weather nanoservice is reset to a new city with raise", "[seeds][raise]") {
    auto g = get_forecasts(forecasts());
    CHECK(g.next() == city_prompt);
    CHECK(g.send(44) == "2020-07-31 Humid 26-31");
    CHECK(g.send(44) == "2020-08-01 Humid 24-32");
    CHECK(g.raise(different_city{}) == city_prompt);
    CHECK(g.send(49) == "2020-08-01 Hot 25-36");
    CHECK(g.state() == coact::state::suspended);
}

TEST_CASE("the people nanoservice is a query cursor that raise abandons", "[seeds][raise]") {
    int connections = 0;
    log_t queries;
    auto g = people_api(people(), connections, queries);
    CHECK(connections == 0);
    CHECK(g.next() == people_prompt);

    CHECK(g.send("Lerner-") == "2 Atara Lerner-Friedman 2000-12-16");
    CHECK(g.send("next") == "3 Shikma Lerner-Friedman 2002-12-17");
    CHECK(g.send("next") == "4 Amotz Lerner-Friedman 2005-10-31");
    CHECK(g.send("next") == people_prompt);

    CHECK(g.send("Lerner") == "1 Reuven Lerner 1970-07-14");  // four rows match
    CHECK(g.raise(stop_query{}) == people_prompt);            // abandon the other three

    CHECK(g.send("Nobody") == people_prompt);
    CHECK(g.send("van") == "5 Guido van Rossum 1956-01-31");
    CHECK(g.next() == people_prompt);
    CHECK_FALSE(g.next().has_value());

    CHECK(connections == 1);  // one connection for every query
    CHECK(queries == log_t{"SELECT * FROM People WHERE last_name LIKE 'Lerner-%'",
                           "SELECT * FROM People WHERE last_name LIKE 'Lerner%'",
                           "SELECT * FROM People WHERE last_name LIKE 'Nobody%'",
                           "SELECT * FROM People WHERE last_name LIKE 'van%'"});
}

TEST_CASE("the combined service switches between sub-services with yield_from",
          "[seeds][delegation]") {
    auto g = combined_generator(forecasts());
    CHECK(g.next() == menu);

    CHECK(g.send("2") == "Enter text to hash, or None");
    CHECK(g.send("hello") == "a430d84680aabd0b");
    CHECK(g.send("hello!") == "a9bca9cca21f6e5e");
    CHECK(g.next() == menu);

    CHECK(g.send("1") == city_prompt);
    CHECK(g.send("44") == "2020-07-31 Humid 26-31");
    CHECK(g.raise(different_city{}) == city_prompt);  // reaches the city service inside
    CHECK(g.send("45") == "2020-07-31 Hot 26-38");
    CHECK(g.raise(different_city{}) == city_prompt);
    CHECK(g.next() == menu);

    CHECK(g.send("3") == "Unknown choice; try again");
    CHECK(g.send("2") == "Enter text to hash, or None");
    CHECK(g.next() == menu);
    CHECK_FALSE(g.next().has_value());
    CHECK(g.state() == coact::state::closed);
}

TEST_CASE("mycoroutine counts steps and reports what it received", "[seeds]") {
    log_t log;
    auto g = mycoroutine(log);
    CHECK(g.next() == 0);
    CHECK(log == log_t{"step:0"});
    CHECK(g.send(3) == 1);
    CHECK(g.send(10) == 2);
    CHECK(g.next() == 3);
    CHECK(log == log_t{"step:0", "received: 3", "step:1", "received: 10", "step:2",
                       "received: None", "step:3"});
}

TEST_CASE("the walrus coro loop breaks when sent nothing", "[seeds]") {
    log_t log;
    auto c = coro(log);
    CHECK(c.next() == 0);
    CHECK(c.send(100) == 1);
    CHECK(c.send(44) == 2);
    CHECK_FALSE(c.next().has_value());  // StopIteration
    CHECK(c.state() == coact::state::closed);
    CHECK(log == log_t{"received:100", "received:44"});
}

TEST_CASE("general delegates to internal twice and returns what the second one returned",
          "[seeds][delegation]") {
    log_t log;
    auto g = general(log);
    CHECK(g.next() == 1);
    CHECK(g.send("1. val sent to main coroutine") == 2);
    CHECK(g.send("another val as 2.") == 3);
    CHECK(g.send("another val as 3.") == 4);
    CHECK(g.send("another val as 4.") == 5);
    CHECK(log.back() == "first finished at 4");
    CHECK(g.send("another val as 5") == 6);
    CHECK(g.send("another val as 6") == 7);
    CHECK(g.send("another val as 7") == 8);
    CHECK(g.send("another val as 8") == 9);
    CHECK_FALSE(g.send("another val as 9").has_value());  // StopIteration: 10
    CHECK(g.result() == 10);
    CHECK(log == log_t{"first got 1. val sent to main coroutine", "first got another val as 2.",
                       "first got another val as 3.", "first got another val as 4.",
                       "first finished at 4", "second got another val as 5",
                       "second got another val as 6", "second got another val as 7",
                       "second got another val as 8", "second got another val as 9",
                       "second finished at 9"});
}
