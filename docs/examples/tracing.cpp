// tracing.cpp — a runtime that writes a trace (runtime_options::trace), and what the file holds.
//
// Snippets: docs/concepts/observability.md. Any program can do the same without a change, run
// with COACT_TRACE=FILE in its environment.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <coact/coact.hpp>

namespace {

coact::actor player(coact::context& self, std::string other) {
    for (;;) {
        const int n = co_await self.receive<int>();
        if (n < 4) self.send(other, n + 1);
    }
}

/// How often `needle` occurs in `text`.
int count(const std::string& text, const std::string& needle) {
    int n = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos;
         at = text.find(needle, at + 1)) {
        ++n;
    }
    return n;
}

}  // namespace

int main() {
    const std::string path =
        (std::filesystem::temp_directory_path() / "coact_tracing_example.json").string();
    // [snippet:trace]
    {
        coact::runtime rt{{.trace = path}};  // or COACT_TRACE=path in the environment
        rt.spawn("ping", player, std::string("pong"));
        rt.spawn("pong", player, std::string("ping"));
        rt.send("ping", 0);
        rt.run();
    }  // the runtime ends: the trace is written
    // [/snippet:trace]
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    const std::string trace = text.str();
    // [snippet:counts]
    std::cout << "turns: " << count(trace, "\"ph\":\"X\",\"pid\":1,\"tid\":1") << '\n'
              << "sends: " << count(trace, "\"ph\":\"s\"") << '\n'
              << "takes: " << count(trace, "\"ph\":\"f\"") << '\n'
              << "spawns: " << count(trace, "\"name\":\"spawn\"") << '\n';
    // [/snippet:counts]
    std::filesystem::remove(path);
}
