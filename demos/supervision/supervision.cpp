// supervision — a parser that crashes on malformed input, kept going by a supervisor.
//
// A client sends a fixed list of lines to "parser". The parser adds the numbers up and sends each
// running total to "printer"; a line that is not a number throws, and the parser fails. Its
// supervisor (one_for_one) restarts it at once, at the same name and address: the lines queued
// behind the bad one are not lost, but the running total is (it lived in the failed body). The
// printer is not restarted: its count goes on. A burst of bad lines at the end makes more than 4
// restarts within 10 seconds: the supervisor gives up, stops both children, and fails itself;
// the client, which monitors it, hears of it, and the two lines still queued for the parser are
// dead letters. Single-threaded, so the timeline is the same on every run (what the runtime logs
// on stderr for each failure is not part of it).
//
//   build/release/demos/supervision/supervision
#include <charconv>
#include <chrono>
#include <iostream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <coact/coact.hpp>
#include <coact/supervisor.hpp>

namespace {

struct total {
    std::string line;
    long sum = 0;
};

int parse(const std::string& line) {
    int n = 0;
    const char* end = line.data() + line.size();
    const auto [stop, error] = std::from_chars(line.data(), end, n);
    if (error == std::errc::result_out_of_range) {
        throw std::out_of_range("out of range: \"" + line + "\"");
    }
    if (error != std::errc() || stop != end) {
        throw std::invalid_argument("not a number: \"" + line + "\"");
    }
    return n;
}

// Parses lines and keeps a running total: local state, which a failure loses.
coact::actor parser(coact::context& self, int body) {
    std::cout << "parser: body " << body << " starts\n";
    long sum = 0;
    for (;;) {
        const std::string line = co_await self.receive<std::string>();
        sum += parse(line);  // throws on a malformed line: this body fails
        self.send("printer", total{line, sum});
    }
}

// Prints the totals; never fails, so one_for_one never restarts it.
coact::actor printer(coact::context& self) {
    int printed = 0;
    try {
        for (;;) {
            const total t = co_await self.receive<total>();
            std::cout << "printer: \"" << t.line << "\" -> total " << t.sum << '\n';
            ++printed;
        }
    } catch (const coact::generator_exit&) {
        std::cout << "printer: stopped after " << printed << " totals\n";
        throw;
    }
}

void print_event(const coact::supervisor_event& e) {
    using kind = coact::supervisor_event::kind;
    switch (e.what) {
        case kind::started:
        case kind::restarted:
        case kind::ended:
            std::cout << "supervisor: " << e.child << ' ' << coact::to_string(e.what) << '\n';
            break;
        case kind::failed:
            std::cout << "supervisor: " << e.child << " failed: " << e.reason << '\n';
            break;
        case kind::gave_up:
            std::cout << "supervisor: " << e.reason << '\n';
            break;
    }
}

// Sends every line to the parser, then waits to hear of the supervisor's end.
coact::actor client(coact::context& self, coact::address supervisor,
                    std::vector<std::string> lines) {
    self.monitor(supervisor);
    for (const std::string& line : lines) self.send("parser", line);
    std::cout << "client: sent " << lines.size() << " lines\n";
    const coact::down d = co_await self.receive<coact::down>();
    std::cout << "client: the supervisor ended, " << (d.reason.failed() ? "failed" : "not failed")
              << '\n';
}

}  // namespace

int main() {
    try {
        coact::runtime rt;  // single-threaded: a deterministic timeline
        int parser_bodies = 0;
        std::vector<coact::child_spec> children{
            {.name = "parser",
             .start =
                 [&parser_bodies](coact::context& self) { return parser(self, ++parser_bodies); }},
            {.name = "printer", .start = printer}};
        coact::supervisor_options options{.strategy = coact::restart_strategy::one_for_one,
                                          .max_restarts = 4,
                                          .within = std::chrono::seconds(10),
                                          .on_event = print_event};
        const coact::address supervisor =
            rt.spawn("supervisor", coact::supervise, options, children);

        const std::vector<std::string> lines{"12",  "7",   "x1",          "30", "",  "5",
                                             "4.5", "100", "99999999999", "b",  "c", "40"};
        rt.spawn("client", client, supervisor, lines);
        rt.run();

        const coact::runtime_stats s = rt.stats();
        std::cout << "summary: sent " << lines.size() << ", delivered " << s.delivered
                  << ", failed " << s.failed << ", restarts " << s.restarts << ", dead letters "
                  << s.dead_letters << ", actors alive " << s.actors << '\n';
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "supervision: " << e.what() << '\n';
        return 1;
    }
}
