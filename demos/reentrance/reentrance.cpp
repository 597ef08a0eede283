// reentrance — why coroutines calling each other's send() are not actors, and what fixes it.
//
// Beazley, "Generators: The Final Frontier" (PyCon 2014, part 6): ping and pong are
// coroutines, and send('pong', n) is a direct call of pong's send(). Ping is still running
// (inside its own send) when pong sends back to it, so the game stops on the third message with
// "generator already executing": a coroutine cannot be resumed from inside its own body. coact
// throws coact::already_running there.
//
// The fix of the talk is a tiny scheduler: send() only queues the message, and a loop delivers
// it once the sender has suspended. coact's actors are that: the same game as two named actors
// runs for a million rounds (or --rounds N) with a flat stack.
//
//   build/release/demos/reentrance/reentrance [--rounds N]
#include <charconv>
#include <cstdint>
#include <iostream>
#include <string>
#include <string_view>
#include <system_error>

#include <coact/coact.hpp>

namespace {

// --- 1. Coroutines that call each other directly -------------------------------------------

// Yields the last number it was sent (nothing uses it); receives numbers.
using direct_player = coact::coroutine<int, int>;

struct direct_players {
    direct_player ping;
    direct_player pong;
};

direct_player direct_ping(direct_players& players) {
    int last = 0;
    while (auto n = co_yield last) {
        last = *n;
        std::cout << "ping " << last << '\n';
        players.pong.send(last + 1);  // a plain call: pong's body runs right here, inside ping's
    }
}

direct_player direct_pong(direct_players& players) {
    int last = 0;
    while (auto n = co_yield last) {
        last = *n;
        std::cout << "pong " << last << '\n';
        players.ping.send(last + 1);  // ping is still running its send to pong: already_running
    }
}

void play_directly() {
    std::cout << "1. ping and pong as coroutines calling each other's send():\n";
    direct_players players;
    players.ping = coact::primed(direct_ping(players));
    players.pong = coact::primed(direct_pong(players));
    try {
        players.ping.send(0);
        std::cout << "(no error: unexpected)\n";
    } catch (const coact::already_running& e) {
        // The exception went up through pong's body and then ping's: both are closed now.
        std::cout << "error: " << e.what() << '\n';
    }
    std::cout << "ping is " << coact::to_string(players.ping.state()) << ", pong is "
              << coact::to_string(players.pong.state()) << "\n\n";
}

// --- 2. The same players as actors --------------------------------------------------------

constexpr int shown_messages = 4;

coact::actor player(coact::context& self, std::string peer, int last_message) {
    for (;;) {
        const int n = co_await self.receive<int>();
        if (n < shown_messages) std::cout << self.name() << ' ' << n << '\n';
        if (n < last_message) self.send(peer, n + 1);  // queued, delivered after we suspend
        if (n + 1 >= last_message) co_return;
    }
}

void play_as_actors(std::int64_t rounds) {
    std::cout << "2. ping and pong as actors sending to each other by name:\n";
    coact::runtime rt;
    const int last_message = static_cast<int>(2 * rounds - 1);
    rt.spawn("ping", player, std::string("pong"), last_message);
    rt.spawn("pong", player, std::string("ping"), last_message);
    if (rounds > 0) rt.send("ping", 0);
    rt.run();
    if (2 * rounds > shown_messages) std::cout << "...\n";
    std::cout << "rounds played: " << rounds << " (" << rt.stats().delivered
              << " messages), no error\n";
}

int usage_error(std::string_view what) {
    std::cerr << "reentrance: " << what << "\n"
              << "usage: reentrance [--rounds N]   (N from 0 to 1000000000, default 1000000)\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::int64_t rounds = 1'000'000;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg != "--rounds") return usage_error("unknown option '" + std::string(arg) + "'");
        if (i + 1 == argc) return usage_error("--rounds needs a number");
        const std::string_view value = argv[++i];
        const char* end = value.data() + value.size();
        auto [stop, status] = std::from_chars(value.data(), end, rounds);
        if (status != std::errc() || stop != end || rounds < 0 || rounds > 1'000'000'000) {
            return usage_error("--rounds needs a whole number from 0 to 1000000000, not '" +
                               std::string(value) + "'");
        }
    }
    try {
        play_directly();
        play_as_actors(rounds);
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "reentrance: " << e.what() << '\n';
        return 1;
    }
}
