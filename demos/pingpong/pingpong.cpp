// pingpong — Beazley's recursive ping-pong ("Generators: The Final Frontier", PyCon 2014,
// part 6), done with actors: two named actors, "ping" and "pong", send a number back and forth
// by name, each adding one. In the talk, send() was a direct call into the other generator and
// the program died on the third message with "generator already executing" (see the reentrance
// demo). Here send() only queues the message; the scheduler in run() delivers it later, so the
// game can go on for as long as we like without any recursion.
//
//   build/release/demos/pingpong/pingpong                  # 1,000,000 rounds
//   build/release/demos/pingpong/pingpong --rounds 10 --quiet
//   build/release/demos/pingpong/pingpong --workers 2      # the work-stealing scheduler
//
// Prints the first rounds as the talk does, then one line:
//   rounds: N, seconds: S, messages/s: M
// A round is one message to ping and one to pong. The output is the same with any number of
// workers (--workers N, default 1): a player prints a number before it sends the next one, so
// the lines come in the game's order whichever thread runs each player. Exit status 2 for a bad
// command line.
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
constexpr std::int64_t max_workers = 256;
constexpr int shown_messages = 10;  // the first 5 rounds

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
    out << "usage: pingpong [--rounds N] [--workers N] [--quiet]\n"
        << "  --rounds N   rounds to play, 0 to " << max_rounds << " (default 1000000)\n"
        << "  --workers N  scheduler threads, 1 to " << max_workers
        << " (default 1: all on this thread)\n"
        << "  --quiet      print only the summary line\n";
}

int usage_error(std::string_view what) {
    std::cerr << "pingpong: " << what << '\n';
    usage(std::cerr);
    return 2;
}

// True for "--name" and "--name=...".
bool takes_flag(std::string_view arg, std::string_view name) {
    return arg.starts_with(name) && (arg.size() == name.size() || arg[name.size()] == '=');
}

struct count_flag {
    std::string_view name;
    std::int64_t low;
    std::int64_t high;
};

// Reads the whole number of `flag` given as "--name N" (consuming argv[i + 1]) or "--name=N";
// false, with `problem` saying why, if it is missing, not a number, or out of range.
bool read_count(int argc, char** argv, int& i, count_flag flag, std::int64_t& count,
                std::string& problem) {
    const std::string_view arg = argv[i];
    const bool separate = arg.size() == flag.name.size();
    if (separate && i + 1 == argc) {
        problem = std::string(flag.name) + " needs a number";
        return false;
    }
    const std::string_view value =
        separate ? std::string_view(argv[++i]) : arg.substr(arg.find('=') + 1);
    const char* end = value.data() + value.size();
    auto [stop, status] = std::from_chars(value.data(), end, count);
    if (status == std::errc() && stop == end && count >= flag.low && count <= flag.high) {
        return true;
    }
    problem = std::string(flag.name) + " needs a whole number from " + std::to_string(flag.low) +
              " to " + std::to_string(flag.high) + ", not '" + std::string(value) + "'";
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    std::int64_t rounds = 1'000'000;
    std::int64_t workers = 1;
    bool quiet = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        std::string problem;
        if (arg == "--quiet") {
            quiet = true;
        } else if (arg == "--help" || arg == "-h") {
            usage(std::cout);
            return 0;
        } else if (takes_flag(arg, "--rounds")) {
            if (!read_count(argc, argv, i, {"--rounds", 0, max_rounds}, rounds, problem)) {
                return usage_error(problem);
            }
        } else if (takes_flag(arg, "--workers")) {
            if (!read_count(argc, argv, i, {"--workers", 1, max_workers}, workers, problem)) {
                return usage_error(problem);
            }
        } else {
            return usage_error("unknown option '" + std::string(arg) + "'");
        }
    }

    try {
        const game rules{static_cast<int>(2 * rounds - 1), quiet};
        coact::runtime rt{{.workers = static_cast<unsigned>(workers)}};
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
