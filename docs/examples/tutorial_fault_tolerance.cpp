// tutorial_fault_tolerance.cpp — a parser that crashes on bad input, and what coact offers
// around it: monitors and down, links and exit, trap_exits, a supervisor (coact::supervise)
// with its strategies and restart intensity, what a restarted child keeps, bounded mailboxes,
// dead letters and shutdown's count.
//
// Single-threaded runtimes only, so the output is the same on every run. (What the runtime
// writes to stderr for each failure is not part of the checked output.)
//
// Snippets: docs/tutorial/05-fault-tolerance.md.
#include <chrono>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include <coact/coact.hpp>
#include <coact/supervisor.hpp>
#include <coact/testing.hpp>

using namespace std::chrono_literals;

namespace {

// [snippet:reading]
struct reading {
    std::string city;
    int degrees = 0;
};

// "oslo 4" -> {"oslo", 4}; anything else throws.
reading parse_line(const std::string& line) {
    std::istringstream in(line);
    reading r;
    std::string extra;
    if (!(in >> r.city >> r.degrees) || in >> extra) {
        throw std::invalid_argument("cannot parse \"" + line + "\"");
    }
    return r;
}
// [/snippet:reading]

// [snippet:parser]
// Turns lines into readings for the board. `parsed` lives in the body: a crash loses it.
coact::actor parser(coact::context& self) {
    int parsed = 0;
    for (;;) {
        const std::string line = co_await self.receive<std::string>();
        const reading r = parse_line(line);  // a bad line throws: the parser fails
        std::cout << "parser: line " << ++parsed << " is " << r.city << '\n';
        self.send("board", r);
    }
}

// Keeps the latest temperature of each city.
coact::actor board(coact::context& self) {
    std::map<std::string, int> latest;
    try {
        for (;;) {
            const reading r = co_await self.receive<reading>();
            latest[r.city] = r.degrees;
            std::cout << "board: " << r.city << ' ' << r.degrees
                      << ", cities known: " << latest.size() << '\n';
        }
    } catch (const coact::generator_exit&) {  // stopped: say goodbye, then end
        std::cout << "board: closed, cities forgotten: " << latest.size() << '\n';
        throw;
    }
}
// [/snippet:parser]

// [snippet:watcher]
// Monitors the actors it is given by name, and reports how each one ended.
coact::actor watcher(coact::context& self, std::vector<std::string> names) {
    std::unordered_map<coact::address, std::string> watched;
    for (const std::string& name : names) {
        self.monitor(name);
        watched[self.runtime().try_lookup(name)] = name;
    }
    while (!watched.empty()) {
        const coact::down d = co_await self.receive<coact::down>();
        const char* how = d.reason.failed() ? " failed: " : " ended: ";
        std::cout << "watcher: " << watched[d.who] << how << d.reason.what() << '\n';
        watched.erase(d.who);
    }
}

// Sends its lines to the parser, and returns.
coact::actor feeder(coact::context& self, std::vector<std::string> lines) {
    for (const std::string& line : lines) self.send("parser", line);
    co_return;
}
// [/snippet:watcher]

// [snippet:client]
// Links itself to the parser, whose work it depends on. With `trap` its partner's end is an
// exit message; without it, the parser's failure closes the client too.
coact::actor client(coact::context& self, bool trap) {
    self.trap_exits(trap);
    self.link("parser");
    try {
        const coact::exit e = co_await self.receive<coact::exit>();
        std::cout << self.name() << ": an exit message: the parser ended (" << e.reason.what()
                  << ")\n";
    } catch (const coact::generator_exit&) {
        std::cout << self.name() << ": closed, with the parser\n";
        throw;
    }
}
// [/snippet:client]

// [snippet:log_event]
void log_event(const coact::supervisor_event& e) {
    std::cout << "supervisor: " << coact::to_string(e.what) << ' ' << e.child;
    if (e.what == coact::supervisor_event::kind::failed) std::cout << " (" << e.reason << ')';
    std::cout << '\n';
}
// [/snippet:log_event]

// [snippet:reader]
// Reads lines faster than the parser can take them, and waits when its mailbox is full.
coact::actor reader(coact::context& self, std::vector<std::string> lines) {
    for (const std::string& line : lines) {
        co_await self.put("parser", line);  // waits while the parser has 2 lines queued
        std::cout << "reader: put \"" << line << "\"\n";
    }
}
// [/snippet:reader]

}  // namespace

int main() {
    std::cout << std::boolalpha;

    std::cout << "== a parser that crashes\n";
    {
        // [snippet:crash]
        coact::runtime rt;
        rt.spawn("board", board);
        rt.spawn("parser", parser);
        for (const char* line : {"oslo 4", "bergen warm", "tromso -7"}) rt.send("parser", line);
        rt.run();
        std::cout << "failed: " << rt.stats().failed
                  << ", dead letters: " << rt.stats().dead_letters
                  << ", parser alive: " << static_cast<bool>(rt.try_lookup("parser")) << '\n';
        // [/snippet:crash]
    }

    std::cout << "== monitors\n";
    {
        // [snippet:monitor]
        coact::runtime rt;
        rt.spawn("board", board);
        rt.spawn("parser", parser);
        rt.spawn("watcher", watcher, std::vector<std::string>{"feeder", "parser", "board"});
        rt.spawn("feeder", feeder, std::vector<std::string>{"oslo 4", "bergen warm"});
        rt.run();
        rt.stop("board");
        rt.run();
        // [/snippet:monitor]
    }

    std::cout << "== links\n";
    {
        // [snippet:link]
        coact::runtime rt;
        rt.spawn("board", board);
        rt.spawn("parser", parser);
        rt.spawn("alice", client, false);  // linked
        rt.spawn("bob", client, true);     // linked, and traps exits
        rt.run();
        rt.send("parser", "bergen warm");
        rt.run();
        std::cout << "board alive: " << static_cast<bool>(rt.try_lookup("board"))
                  << ", failed: " << rt.stats().failed << '\n';
        // [/snippet:link]
    }

    std::cout << "== a supervisor\n";
    {
        // [snippet:supervise]
        const std::vector<coact::child_spec> children{{.name = "board", .start = board},
                                                      {.name = "parser", .start = parser}};
        const coact::supervisor_options options{.strategy = coact::restart_strategy::one_for_one,
                                                .max_restarts = 3,
                                                .within = 5s,
                                                .on_event = log_event};
        coact::runtime rt;
        rt.spawn("supervisor", coact::supervise, options, children);
        rt.run();  // the supervisor starts its children, in order
        // [/snippet:supervise]
        // [snippet:supervise_send]
        const coact::address before = rt.try_lookup("parser");
        rt.send("parser", "oslo 4");
        rt.send("parser", "bergen warm");
        rt.send("parser", "tromso -7");  // queued behind the bad line
        rt.send(before, "bergen 9");     // by address: the same mailbox
        rt.run();
        std::cout << "same address: " << (rt.try_lookup("parser") == before)
                  << ", restarts: " << rt.stats().restarts
                  << ", dead letters: " << rt.stats().dead_letters << '\n';
        // [/snippet:supervise_send]
    }

    std::cout << "== held, step by step\n";
    {
        const std::vector<coact::child_spec> children{{.name = "board", .start = board},
                                                      {.name = "parser", .start = parser}};
        // [snippet:held]
        coact::testing::deterministic sim;  // one message per step
        sim.spawn("supervisor", coact::supervise, coact::supervisor_options{}, children);
        sim.step_all();  // the supervisor starts the board and the parser; both wait
        sim.send("parser", "bergen warm");
        sim.step();                    // the parser takes the bad line and fails: it is held
        sim.send("parser", "oslo 4");  // sent while it is held
        std::cout << "held: alive " << sim.alive("parser") << ", lines queued "
                  << sim.mailbox_size("parser") << '\n';
        sim.step_all();  // the supervisor restarts it; the new body takes "oslo 4"
        // [/snippet:held]
    }

    std::cout << "== one_for_all\n";
    {
        // [snippet:one_for_all]
        const std::vector<coact::child_spec> children{{.name = "board", .start = board},
                                                      {.name = "parser", .start = parser}};
        coact::runtime rt;
        rt.spawn("supervisor", coact::supervise,
                 coact::supervisor_options{.strategy = coact::restart_strategy::one_for_all,
                                           .on_event = log_event},
                 children);
        rt.run();
        for (const char* line : {"oslo 4", "bergen 9", "bergen warm", "tromso -7"})
            rt.send("parser", line);
        rt.run();
        // [/snippet:one_for_all]
    }

    std::cout << "== giving up\n";
    {
        // [snippet:give_up]
        const std::vector<coact::child_spec> children{{.name = "board", .start = board},
                                                      {.name = "parser", .start = parser}};
        coact::runtime rt;
        rt.spawn("supervisor", coact::supervise,
                 coact::supervisor_options{.max_restarts = 2, .within = 5s, .on_event = log_event},
                 children);
        rt.spawn("watcher", watcher, std::vector<std::string>{"supervisor"});
        rt.run();
        // Three bad lines in a row: one failure more than two restarts allow.
        for (const char* line : {"oslo", "4", "oslo four", "tromso -7"}) rt.send("parser", line);
        rt.run();
        std::cout << "actors: " << rt.stats().actors << ", restarts: " << rt.stats().restarts
                  << ", dead letters: " << rt.stats().dead_letters << '\n';
        // [/snippet:give_up]
    }

    std::cout << "== bounded mailboxes\n";
    {
        // [snippet:reject]
        coact::runtime rt;
        rt.spawn("board", board);
        rt.spawn(coact::spawn_options{.name = "parser", .capacity = 2}, parser);
        rt.send("parser", "oslo 4");
        rt.send("parser", "bergen 9");
        try {
            rt.send("parser", "tromso -7");  // two are queued: refused
        } catch (const coact::mailbox_full& e) {
            std::cout << e.what() << '\n';
        }
        rt.run();
        // [/snippet:reject]
    }
    {
        // [snippet:drop_newest]
        coact::runtime rt;
        rt.spawn("board", board);
        rt.spawn(
            coact::spawn_options{
                .name = "parser", .capacity = 2, .overflow = coact::overflow::drop_newest},
            parser);
        for (const char* line : {"oslo 4", "bergen 9", "tromso -7"}) rt.send("parser", line);
        rt.run();
        std::cout << "dropped: " << rt.stats().dropped << '\n';
        // [/snippet:drop_newest]
    }
    {
        // [snippet:put]
        coact::runtime rt;
        rt.spawn("board", board);
        rt.spawn(
            coact::spawn_options{
                .name = "parser", .capacity = 2, .overflow = coact::overflow::wait},
            parser);
        rt.spawn("reader", reader, std::vector<std::string>{"oslo 4", "bergen 9", "tromso -7"});
        rt.run();
        // [/snippet:put]
    }

    std::cout << "== dead letters and shutdown\n";
    {
        // [snippet:dead_letters]
        coact::runtime rt;
        rt.spawn("board", board);
        const coact::address p = rt.spawn("parser", parser);
        // "oslo 4" is still queued when the parser fails on the line before it.
        for (const char* line : {"bergen warm", "oslo 4"}) rt.send("parser", line);
        rt.run();
        rt.send(p, "tromso -7");  // to an ended actor's address
        rt.run();
        std::cout << "dead letters: " << rt.stats().dead_letters << '\n';
        rt.spawn("parser", parser);
        rt.send("parser", "oslo 4");  // queued, but no run() comes to deliver them
        rt.send("parser", "bergen 9");
        const std::size_t dropped = rt.shutdown();
        std::cout << "shutdown dropped " << dropped << ", dead letters: " << rt.stats().dead_letters
                  << '\n';
        // [/snippet:dead_letters]
    }
}
