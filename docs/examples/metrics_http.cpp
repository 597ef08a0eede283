// metrics_http.cpp — a Prometheus scrape endpoint: cpp-httplib serves GET /metrics on its own
// threads, each request calling rt.metrics() while serve() runs the actors on two workers. The
// HTTP server belongs to the program, not to coact: coact gives the snapshot and the text.
//
// Run: metrics_http PORT    serves http://127.0.0.1:PORT/metrics until killed.
// Without a port (the CTest test) it takes any free port, sends work, scrapes itself once the
// work is done, prints what it got for the counter actor, and stops.
//
// Snippets: docs/concepts/observability.md, "Exporting: an HTTP endpoint".
#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

#include <coact/coact.hpp>

namespace {

coact::actor counter(coact::context& self) {
    for (;;) co_await self.receive<int>();
}

/// The messages `name` has handled, from a snapshot (0 if it is not alive).
std::uint64_t handled(const coact::runtime& rt, const std::string& name) {
    for (const coact::actor_metrics& a : rt.metrics().actors) {
        if (a.name == name) return a.handled;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    coact::runtime rt{{.workers = 2}};
    rt.spawn("counter", counter);
    std::thread actors([&] { rt.serve(); });

    // [snippet:endpoint]
    httplib::Server http;
    http.Get("/metrics", [&rt](const httplib::Request&, httplib::Response& response) {
        // On one of the server's threads, while serve() runs: any thread may ask.
        response.set_content(coact::prometheus_text(rt.metrics()),
                             "text/plain; version=0.0.4; charset=utf-8");
    });
    // [/snippet:endpoint]
    const int port = argc > 1 ? std::atoi(argv[1]) : 0;
    int bound = -1;
    if (port > 0) {
        if (http.bind_to_port("127.0.0.1", port)) bound = port;
    } else {
        bound = http.bind_to_any_port("127.0.0.1");  // a free port: no clash with other tests
    }
    if (bound < 0) {
        std::cerr << "metrics_http: cannot listen on 127.0.0.1:" << port << '\n';
        rt.request_stop();
        actors.join();
        return 1;
    }
    if (port > 0) {
        std::cout << "serving http://127.0.0.1:" << bound << "/metrics" << std::endl;
        const bool served = http.listen_after_bind();  // until killed
        rt.request_stop();
        actors.join();
        return served ? 0 : 1;
    }
    std::thread server([&] { http.listen_after_bind(); });

    for (int i = 0; i < 1000; ++i) rt.send("counter", i);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (handled(rt, "counter") < 1000 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }

    httplib::Client client("127.0.0.1", bound);
    const httplib::Result got = client.Get("/metrics");
    int status = 1;
    if (got && got->status == 200) {
        std::cout << "GET /metrics: " << got->status << ", "
                  << got->get_header_value("Content-Type") << '\n';
        std::istringstream lines(got->body);
        for (std::string line; std::getline(lines, line);) {
            if (line.find("actor=\"counter\"") != std::string::npos) std::cout << line << '\n';
        }
        status = 0;
    } else {
        std::cerr << "metrics_http: GET /metrics failed\n";
    }
    http.stop();
    server.join();
    rt.request_stop();
    actors.join();
    return status;
}
