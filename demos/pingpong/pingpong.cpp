// pingpong — Beazley's recursive ping-pong ("Generators: The Final Frontier", PyCon 2014,
// part 6), done with actors: two named actors, "ping" and "pong", send a number back and forth
// by name, each adding one. In the talk, send() was a direct call into the other generator and
// the program died on the third message with "generator already executing" (see the reentrance
// demo). Here send() only queues the message; the scheduler in run() delivers it later, so the
// game can go on for as long as we like without any recursion.
//
//   build/release/demos/pingpong/pingpong                  # 1,000,000 rounds
//   build/release/demos/pingpong/pingpong --rounds 10 --quiet
//
// Prints the first rounds as the talk does, then one line:
//   rounds: N, seconds: S, messages/s: M
// A round is one message to ping and one to pong. Exit status 2 for a bad command line.
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>

#include <coact/coact.hpp>

namespace {

constexpr std::int64_t max_rounds = 1'000'000'000;  // the last message, 2 * rounds - 1, is an int
constexpr int shown_messages = 10;                  // the first 5 rounds

struct game {
    int last_message;  // 2 * rounds - 1
    bool quiet;
};

// Both players run this function; they differ only in their name and their peer's name.
coact::actor player(coact::context& self, std::string peer, game rules) {
    for (;;) {
        const int n = co_await self.receive<int>();
        if (n < shown_messages && !rules.quiet) std::cout << self.name() << ' ' << n << '\n';
        if (n < rules.last_message) self.send(peer, n + 1);  // queued: the peer runs later
        if (n + 1 >= rules.last_message) co_return;          // no more messages will come
    }
}

void usage(std::ostream& out) {
    out << "usage: pingpong [--rounds N] [--quiet]\n"
        << "  --rounds N  rounds to play, 0 to " << max_rounds << " (default 1000000)\n"
        << "  --quiet     print only the summary line\n";
}

int usage_error(std::string_view what) {
    std::cerr << "pingpong: " << what << '\n';
    usage(std::cerr);
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::int64_t rounds = 1'000'000;
    bool quiet = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--quiet") {
            quiet = true;
        } else if (arg == "--help" || arg == "-h") {
            usage(std::cout);
            return 0;
        } else if (arg == "--rounds" || arg.starts_with("--rounds=")) {
            std::string_view value;
            if (arg == "--rounds") {
                if (i + 1 == argc) return usage_error("--rounds needs a number");
                value = argv[++i];
            } else {
                value = arg.substr(arg.find('=') + 1);
            }
            const char* end = value.data() + value.size();
            auto [stop, status] = std::from_chars(value.data(), end, rounds);
            if (status != std::errc() || stop != end || rounds < 0 || rounds > max_rounds) {
                return usage_error("--rounds needs a whole number from 0 to " +
                                   std::to_string(max_rounds) + ", not '" + std::string(value) +
                                   "'");
            }
        } else {
            return usage_error("unknown option '" + std::string(arg) + "'");
        }
    }

    try {
        const game rules{static_cast<int>(2 * rounds - 1), quiet};
        coact::runtime rt;
        rt.spawn("ping", player, std::string("pong"), rules);
        rt.spawn("pong", player, std::string("ping"), rules);

        const auto start = std::chrono::steady_clock::now();
        if (rounds > 0) rt.send("ping", 0);
        rt.run();  // until neither actor has a message: both have returned
        const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;

        if (!quiet && rounds * 2 > shown_messages) std::cout << "...\n";
        const double messages = static_cast<double>(rt.stats().delivered);
        const double seconds = elapsed.count();
        char summary[128];
        std::snprintf(summary, sizeof summary, "rounds: %lld, seconds: %.3f, messages/s: %.0f\n",
                      static_cast<long long>(rounds), seconds,
                      seconds > 0 ? messages / seconds : 0.0);
        std::cout << summary;
        if (rt.stats().delivered != static_cast<std::uint64_t>(2 * rounds)) {
            std::cerr << "pingpong: " << rt.stats().delivered << " messages delivered, expected "
                      << 2 * rounds << '\n';
            return 1;
        }
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "pingpong: " << e.what() << '\n';
        return 1;
    }
}
