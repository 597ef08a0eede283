// pubsub — a small market feed on coact topics.
//
// One publisher actor, "feed", walks the prices of a few stocks at random (seeded, so every run
// with the same flags prints the same thing) and publishes each tick on the stock's topic,
// "prices.aapl", "prices.msft", "prices.goog". Subscribers:
//   tape     follows "prices.*" (a pattern: every stock) and prints the first ticks
//   alerts   follows "prices.*" and prints an alert when a price moves 2% away from its open
//   avg.N    each follows one stock's topic and keeps a moving average with its own window
// Every actor also follows "market.close"; at the close each writes its summary and ends. What
// the subscribers write is printed once the run is over, in the order they were spawned, so the
// output is the same with any number of scheduler threads (--workers).
//
// The feed publishes 100 ticks per millisecond of market time, then sleeps a millisecond. The
// runtime uses virtual time, so that millisecond passes the moment every subscriber has worked
// through its mailbox: the sleep is the feed's flow control, and costs no real time.
//
//   build/release/demos/pubsub/pubsub               # 100,000 ticks, 8 subscribers
//   build/release/demos/pubsub/pubsub --subscribers 1000 --ticks 10000 --quiet
//   build/release/demos/pubsub/pubsub --workers 2   # the work-stealing scheduler
//
// Exit status 2 for a bad command line.
#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <ostream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <coact/coact.hpp>

using namespace std::chrono_literals;

namespace {

struct stock {
    const char* symbol;
    const char* topic;
    std::int64_t open_cents;
};
constexpr std::array<stock, 3> stocks{{
    {"AAPL", "prices.aapl", 19'000},
    {"MSFT", "prices.msft", 41'000},
    {"GOOG", "prices.goog", 17'500},
}};

struct tick {
    std::size_t stock;  // index into stocks
    std::int64_t seq;   // 1, 2, ... over all stocks
    std::int64_t cents;
};
struct close_of_day {
    std::int64_t ticks;
};

struct options {
    std::int64_t ticks = 100'000;
    std::int64_t subscribers = 8;  // tape + alerts + (subscribers - 2) moving averages
    std::uint64_t seed = 1;
    std::int64_t workers = 1;
    bool quiet = false;
};

std::string price(std::int64_t cents) {
    char text[32];
    std::snprintf(text, sizeof text, "%lld.%02lld", static_cast<long long>(cents / 100),
                  static_cast<long long>(cents % 100));
    return text;
}

// --- the publisher ---

coact::actor feed(coact::context& self, options opt) {
    std::mt19937_64 random(opt.seed);  // mt19937_64 is the same everywhere; distributions are not
    std::array<std::int64_t, stocks.size()> cents{};
    for (std::size_t s = 0; s < stocks.size(); ++s) cents[s] = stocks[s].open_cents;
    for (std::int64_t seq = 1; seq <= opt.ticks; ++seq) {
        const std::size_t s = random() % stocks.size();
        const auto step = static_cast<std::int64_t>(random() % 41) - 20;  // -20..+20 cents
        cents[s] = std::max<std::int64_t>(100, cents[s] + step);
        self.publish(stocks[s].topic, tick{s, seq, cents[s]});
        if (seq % 100 == 0) co_await self.sleep(1ms);  // let the subscribers catch up
    }
    self.publish("market.close", close_of_day{opt.ticks});
}

// --- the subscribers ---
// Each writes its lines to its own report (nothing when it is null); main() prints the reports.

coact::actor tape(coact::context& self, std::ostream* report) {
    constexpr std::int64_t shown = 6;
    self.subscribe("prices.*");
    self.subscribe("market.close");
    std::int64_t seen = 0;
    for (bool open = true; open;) {
        co_await self.receive(
            [&](const tick& t) {
                if (++seen <= shown && report != nullptr) {
                    *report << "tape: #" << t.seq << ' ' << stocks[t.stock].symbol << ' '
                            << price(t.cents) << '\n';
                }
            },
            [&](const close_of_day&) { open = false; });
    }
    if (report != nullptr) *report << "tape: " << seen << " ticks seen\n";
}

coact::actor alerts(coact::context& self, std::ostream* report) {
    constexpr int shown = 5;
    self.subscribe("prices.*");
    self.subscribe("market.close");
    std::array<bool, stocks.size()> alerted{};  // re-armed when the price comes back within 1%
    int count = 0;
    for (bool open = true; open;) {
        co_await self.receive(
            [&](const tick& t) {
                const double open_price = static_cast<double>(stocks[t.stock].open_cents);
                const double move = (static_cast<double>(t.cents) - open_price) / open_price;
                if (!alerted[t.stock] && (move >= 0.02 || move <= -0.02)) {
                    alerted[t.stock] = true;
                    if (++count <= shown && report != nullptr) {
                        char pct[16];
                        std::snprintf(pct, sizeof pct, "%.1f%%", 100.0 * (move < 0 ? -move : move));
                        *report << "alert: #" << t.seq << ' ' << stocks[t.stock].symbol << ' '
                                << price(t.cents) << " is " << pct
                                << (move < 0 ? " below" : " above") << " its open "
                                << price(stocks[t.stock].open_cents) << '\n';
                    }
                } else if (alerted[t.stock] && move < 0.01 && move > -0.01) {
                    alerted[t.stock] = false;
                }
            },
            [&](const close_of_day&) { open = false; });
    }
    if (report != nullptr) {
        *report << "alerts: " << count << " alerts (" << std::min(count, shown) << " shown)\n";
    }
}

coact::actor moving_average(coact::context& self, std::size_t stock_index, std::size_t window,
                            std::ostream* report) {
    self.subscribe(stocks[stock_index].topic);
    self.subscribe("market.close");
    std::vector<std::int64_t> last(window, 0);  // a ring of the latest `window` prices
    std::int64_t sum = 0;
    std::int64_t seen = 0;
    for (bool open = true; open;) {
        co_await self.receive(
            [&](const tick& t) {
                std::int64_t& slot = last[static_cast<std::size_t>(seen) % window];
                sum += t.cents - slot;
                slot = t.cents;
                ++seen;
            },
            [&](const close_of_day&) { open = false; });
    }
    if (report == nullptr) co_return;
    const auto n =
        static_cast<std::int64_t>(std::min<std::size_t>(window, static_cast<std::size_t>(seen)));
    *report << self.name() << ": " << stocks[stock_index].symbol << " over the last " << window
            << " ticks: " << (n == 0 ? std::string("-") : price(sum / n)) << " (" << seen
            << " ticks seen)\n";
}

// --- the command line ---

void usage(std::ostream& out) {
    out << "usage: pubsub [--ticks N] [--subscribers N] [--seed S] [--workers N] [--quiet]\n"
        << "  --ticks N        price ticks to publish, 1 to 100000000 (default 100000)\n"
        << "  --subscribers N  subscriber actors, 2 to 100000 (default 8): a tape, an alerter\n"
        << "                   and N - 2 moving averages\n"
        << "  --seed S         seed of the random walk (default 1)\n"
        << "  --workers N      scheduler threads, 1 to 256 (default 1: all on this thread); the\n"
        << "                   output is the same for every N\n"
        << "  --quiet          print only the summary lines\n";
}

int usage_error(std::string_view what) {
    std::cerr << "pubsub: " << what << '\n';
    usage(std::cerr);
    return 2;
}

// Parses the value of --name (as "--name V" or "--name=V") into `out`, within [low, high].
template <class Int>
bool parse_number(int argc, char** argv, int& i, std::string_view name, Int low, Int high, Int& out,
                  std::string& problem) {
    const std::string_view arg = argv[i];
    std::string_view value;
    if (arg == name) {
        if (i + 1 == argc) {
            problem = std::string(name) + " needs a number";
            return false;
        }
        value = argv[++i];
    } else {
        value = arg.substr(name.size() + 1);
    }
    const char* end = value.data() + value.size();
    auto [stop, status] = std::from_chars(value.data(), end, out);
    if (status != std::errc() || stop != end || out < low || out > high) {
        problem = std::string(name) + " needs a whole number from " + std::to_string(low) + " to " +
                  std::to_string(high) + ", not '" + std::string(value) + "'";
        return false;
    }
    return true;
}

bool is_flag(std::string_view arg, std::string_view name) {
    return arg == name ||
           (arg.starts_with(name) && arg.size() > name.size() && arg[name.size()] == '=');
}

}  // namespace

int main(int argc, char** argv) {
    options opt;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        std::string problem;
        if (arg == "--quiet") {
            opt.quiet = true;
        } else if (arg == "--help" || arg == "-h") {
            usage(std::cout);
            return 0;
        } else if (is_flag(arg, "--ticks")) {
            if (!parse_number<std::int64_t>(argc, argv, i, "--ticks", 1, 100'000'000, opt.ticks,
                                            problem)) {
                return usage_error(problem);
            }
        } else if (is_flag(arg, "--subscribers")) {
            if (!parse_number<std::int64_t>(argc, argv, i, "--subscribers", 2, 100'000,
                                            opt.subscribers, problem)) {
                return usage_error(problem);
            }
        } else if (is_flag(arg, "--seed")) {
            if (!parse_number<std::uint64_t>(argc, argv, i, "--seed", 0, UINT64_MAX, opt.seed,
                                             problem)) {
                return usage_error(problem);
            }
        } else if (is_flag(arg, "--workers")) {
            if (!parse_number<std::int64_t>(argc, argv, i, "--workers", 1, 256, opt.workers,
                                            problem)) {
                return usage_error(problem);
            }
        } else {
            return usage_error("unknown option '" + std::string(arg) + "'");
        }
    }

    try {
        // Virtual time: the feed's sleeps are market time, and cost nothing.
        coact::runtime rt{{.workers = static_cast<unsigned>(opt.workers), .virtual_time = true}};
        constexpr std::int64_t averages_reported = 6;
        std::cout << "market: " << stocks.size() << " stocks, " << opt.ticks << " ticks, seed "
                  << opt.seed << ", " << opt.subscribers << " subscribers\n";

        // What the tape, the alerter and the first moving averages write, printed in this order
        // once run() has returned. With several workers they run at the same time on different
        // threads, and lines printed as they come would interleave differently on every run.
        // Each actor writes only its own report; run() returning makes all of it visible here.
        const std::int64_t reporting =
            opt.quiet ? 0 : 2 + std::min(averages_reported, opt.subscribers - 2);
        std::vector<std::ostringstream> reports(static_cast<std::size_t>(reporting));
        auto report = [&reports](std::size_t k) -> std::ostream* {
            return k < reports.size() ? &reports[k] : nullptr;
        };

        rt.spawn("tape", tape, report(0));
        rt.spawn("alerts", alerts, report(1));
        for (std::int64_t k = 0; k < opt.subscribers - 2; ++k) {
            const auto index = static_cast<std::size_t>(k);
            const std::size_t window =
                10 * (1 + index / stocks.size());  // 10, 10, 10, 20, 20, 20, ...
            rt.spawn("avg." + std::to_string(k + 1), moving_average, index % stocks.size(), window,
                     report(2 + index));
        }
        // Every subscriber subscribes in its first turn. Run those turns before the feed exists:
        // with several workers, the feed's first turn could otherwise come before a subscriber's
        // and publish ticks it never sees.
        rt.run();
        rt.spawn("feed", feed, opt);

        const auto start = std::chrono::steady_clock::now();
        rt.run();
        const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;

        for (const std::ostringstream& r : reports) std::cout << r.str();
        const coact::runtime_stats stats = rt.stats();
        if (!opt.quiet && opt.subscribers - 2 > averages_reported) {
            std::cout << "... and " << opt.subscribers - 2 - averages_reported
                      << " more moving averages\n";
        }
        std::cout << "published: " << stats.published << ", delivered: " << stats.delivered
                  << ", dead letters: " << stats.dead_letters << ", failed: " << stats.failed
                  << '\n';
        const double seconds = elapsed.count();
        char line[160];
        std::snprintf(line, sizeof line, "throughput: %.3f s, %.0f deliveries/s\n", seconds,
                      seconds > 0 ? static_cast<double>(stats.delivered) / seconds : 0.0);
        std::cout << line;
        if (stats.failed != 0 || stats.dead_letters != 0 || stats.actors != 0) {
            std::cerr << "pubsub: the run did not end cleanly (" << stats.actors
                      << " actors left)\n";
            return 1;
        }
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "pubsub: " << e.what() << '\n';
        return 1;
    }
}
