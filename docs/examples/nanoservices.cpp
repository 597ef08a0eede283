// nanoservices.cpp — coroutines as tiny in-memory services (Lerner's "nanoservices"): an MD5
// service, a weather service that keeps its connection and its place across calls and is reset
// with raise(), and a combined service that delegates to both with yield_from.
//
// Snippets: docs/tutorial/01-generators-and-coroutines.md, "Nanoservices", "raise: resetting a
// service" and "yield_from: combining services".
#include <exception>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <coact/coact.hpp>

#include "md5.hpp"

namespace {

using example::md5_hex;

// [snippet:md5_service]
coact::coroutine<std::string, std::string> md5_service() {
    std::string output = "Enter text to hash, or nothing to stop";
    while (auto text = co_yield output) output = md5_hex(*text);
}
// [/snippet:md5_service]

// Stands in for the seed's web API: three days of forecasts for a few city numbers.
struct forecast_db {
    forecast_db() { std::cout << "(connecting to the forecast database)\n"; }
    ~forecast_db() { std::cout << "(disconnecting from the forecast database)\n"; }

    const std::vector<std::string>& forecasts(const std::string& city_id) const {
        static const std::map<std::string, std::vector<std::string>> table{
            {"44",
             {"44 day 1: humid, 26..31", "44 day 2: humid, 24..32", "44 day 3: clear, 25..31"}},
            {"49", {"49 day 1: hot, 25..36", "49 day 2: hot, 26..37", "49 day 3: sunny, 24..35"}},
        };
        static const std::vector<std::string> none;
        auto it = table.find(city_id);
        return it == table.end() ? none : it->second;
    }
};

// [snippet:weather_service]
struct different_city : std::exception {};  // Python: class DifferentCityException(Exception)

coact::coroutine<std::string, std::string> weather_service() {
    const forecast_db db;  // opened once, kept across every call
    const std::string prompt = "Send a city number, or nothing to stop";
    while (auto city_id = co_yield prompt) {
        try {
            for (const std::string& one_forecast : db.forecasts(*city_id)) co_yield one_forecast;
        } catch (const different_city&) {
            continue;  // back to the prompt
        }
    }
}
// [/snippet:weather_service]

// [snippet:combined_service]
coact::coroutine<std::string, std::string> combined_service() {
    const std::string menu = "Send 1 for weather, 2 for MD5, or nothing to exit";
    std::string output = menu;
    while (auto s = co_yield output) {
        output = menu;
        if (*s == "1") {
            co_yield coact::yield_from(weather_service());
        } else if (*s == "2") {
            co_yield coact::yield_from(md5_service());
        } else {
            output = "Unknown choice; try again";
        }
    }
}
// [/snippet:combined_service]

void print(const std::optional<std::string>& reply) {
    std::cout << (reply ? *reply : std::string("nullopt")) << '\n';
}

}  // namespace

int main() {
    std::cout << "== md5_service\n";
    {
        // [snippet:md5_use]
        auto g = md5_service();
        print(g.next());           // prime it: Enter text to hash, or nothing to stop
        print(g.send("hello"));    // 5d41402abc4b2a76b9719d911017c592
        print(g.send("goodbye"));  // 69faab6268350295550de7d587bc323d
        print(g.next());           // stop the service: nullopt
        std::cout << "state: " << coact::to_string(g.state()) << '\n';
        // [/snippet:md5_use]
    }

    std::cout << "== weather_service\n";
    {
        // [snippet:weather_use]
        auto g = weather_service();
        print(g.next());                   // connects, then prompts
        print(g.send("44"));               // day 1
        print(g.send("44"));               // day 2: the service remembers where it was
        print(g.raise(different_city{}));  // reset: back to the prompt
        print(g.send("49"));               // a new query, same connection
        // [/snippet:weather_use]
    }

    std::cout << "== combined_service\n";
    // [snippet:combined_use]
    auto g = combined_service();
    print(g.next());                   // the menu
    print(g.send("2"));                // now talking to md5_service
    print(g.send("hello"));            // 5d41402abc4b2a76b9719d911017c592
    print(g.next());                   // md5_service returns: back to the menu
    print(g.send("1"));                // now talking to weather_service
    print(g.send("44"));               // 44 day 1
    print(g.raise(different_city{}));  // thrown into weather_service, which handles it
    print(g.next());                   // weather_service returns: the menu again
    print(g.send("3"));                // Unknown choice; try again
    print(g.next());                   // nothing: combined_service returns
    // [/snippet:combined_use]
}
