// metrics_textfile.cpp — rt.metrics() for Prometheus through node_exporter's textfile
// collector: an actor writes coact::prometheus_text() into a .prom file every 15 s, atomically
// (a temporary file renamed over it), so the collector never reads half a file. Virtual time
// makes the program instant and its output always the same: the file as written at t = 45 s.
//
// Run: metrics_textfile [DIRECTORY]  (node_exporter --collector.textfile.directory=DIRECTORY);
// without one it writes into a temporary directory and removes the file at the end.
//
// Snippets: docs/concepts/observability.md, "Metrics".
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <system_error>

#include <coact/coact.hpp>

namespace {

using namespace std::chrono_literals;

// [snippet:write]
/// Replaces `file` by `text` at once: node_exporter reads only *.prom files, and a rename
/// within one directory is atomic, so a scrape sees the old file or the new one.
void write_atomically(const std::filesystem::path& file, const std::string& text) {
    const std::filesystem::path temp = file.string() + ".tmp";
    {
        std::ofstream out(temp, std::ios::trunc);
        out << text;
        if (!out.flush()) throw std::runtime_error("cannot write " + temp.string());
    }
    std::filesystem::rename(temp, file);
}

coact::actor exporter(coact::context& self, std::filesystem::path file, int rounds) {
    for (int i = 0; i < rounds; ++i) {
        co_await self.sleep(15s);
        write_atomically(file, coact::prometheus_text(self.runtime().metrics()));
    }
}
// [/snippet:write]

/// An order every 10 s, from t = 2 s.
coact::actor shop(coact::context& self) {
    co_await self.sleep(2s);
    for (int order = 1; order <= 6; ++order) {
        self.send("orders", order);
        co_await self.sleep(10s);
    }
}

/// Takes 25 s per order: they queue up.
coact::actor orders(coact::context& self) {
    for (int i = 0; i < 6; ++i) {
        co_await self.receive<int>();
        co_await self.sleep(25s);
    }
}

}  // namespace

int main(int argc, char** argv) {
    const bool own_directory = argc < 2;
    const std::filesystem::path file =
        own_directory ? std::filesystem::temp_directory_path() /
                            ("coact-example-" + std::to_string(::getpid()) + ".prom")
                      : std::filesystem::path(argv[1]) / "coact.prom";

    // [snippet:run]
    coact::runtime rt{{.virtual_time = true}};
    rt.spawn("shop", shop);
    rt.spawn("orders", orders);
    rt.spawn("exporter", exporter, file, 3);  // at t = 15 s, 30 s and 45 s
    rt.run();
    // [/snippet:run]

    std::ifstream in(file);
    std::cout << std::string(std::istreambuf_iterator<char>(in), {});
    if (own_directory) {
        std::error_code ignored;
        std::filesystem::remove(file, ignored);
    }
}
