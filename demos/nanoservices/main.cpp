// nanoservices — coroutines as tiny in-memory services, after Reuven Lerner's talk
// "Generators, coroutines, and nanoservices" (PiterPy 2020), written with coact.
//
// Reads one request per line from stdin and prints each reply:
//   build/release/demos/nanoservices/nanoservices < demos/nanoservices/demo.txt
// or run it and type requests ("help" lists them). Lines starting with '#', and blank lines,
// are copied to the output, so that demo.txt can explain itself.
//
// Read in this order:
//   services.cpp   two nanoservices: md5 (the talk's md5_gen) and a running average
//   combined.cpp   one service in front of both, delegating with `co_yield coact::yield_from(...)`
//   main.cpp       this file: the client, which turns lines into send() and next() calls
//
// Exit status: 0 at the end of input or after a top-level "done"; 1 if something inside failed
// (a bad request is not a failure: it gets an error reply and the program goes on).
#include <exception>
#include <iostream>
#include <optional>
#include <string>

#include "combined.hpp"
#include "text.hpp"

int main() {
    try {
        nanoservices::nanoservice service = nanoservices::combined_service();
        // Priming (the talk's first next(g)): nothing has run yet; this runs the body to its
        // first co_yield, which yields the greeting.
        std::cout << service.next().value() << '\n';

        std::string line;
        while (std::getline(std::cin, line)) {
            const std::string request(nanoservices::trim(line));
            if (request.empty() || request.front() == '#') {
                std::cout << request << '\n';
                continue;
            }
            std::cout << "> " << request << '\n';

            // A line has no None, so "done" stands for it: next() is Python's g.send(None).
            const std::optional<std::string> reply =
                request == "done" ? service.next() : service.send(request);
            if (!reply) {
                // None outside any session ended the combined service itself: it returned, and
                // result() is its return value (Python's StopIteration.value).
                std::cout << "bye: " << nanoservices::plural(service.result(), "command")
                          << " answered\n";
                return 0;
            }
            std::cout << *reply << '\n';
        }

        // End of input: Python's g.close(). coact::generator_exit is thrown out of the pending
        // co_yield of the innermost service (an open session first), and every frame unwinds.
        service.close();
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "nanoservices: internal error: " << e.what() << '\n';
        return 1;
    }
}
