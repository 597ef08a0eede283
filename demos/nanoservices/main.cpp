// nanoservices — coroutines as tiny in-memory services, after Reuven Lerner's talk
// "Generators, coroutines, and nanoservices" (PiterPy 2020), written with coact.
//
// Reads one request per line from stdin and prints each reply:
//   build/release/demos/nanoservices/nanoservices < demos/nanoservices/demo.txt
//   build/release/demos/nanoservices/nanoservices < demos/nanoservices/people_demo.txt
// or run it and type requests ("help" lists them). Lines starting with '#', and blank lines,
// are copied to the output, so that demo.txt can explain itself.
//
// Read in this order:
//   services.cpp       two nanoservices: md5 (the talk's md5_gen) and a running average
//   people.cpp         a query cursor over SQLite (the talk's people_api): one connection, rows
//                      one at a time, raise() to abandon a query
//   people_query.cpp   its query language, turned into SQL with `?` placeholders
//   combined.cpp       one service in front of all, delegating with `co_yield yield_from(...)`
//   main.cpp           this file: the client, which turns lines into send(), next(), raise()
//
// Usage: nanoservices [--people-db FILE]. A people session opens FILE read-only (an SQLite
// database with a `people` table); without the option, a fresh in-memory one, seeded.
//
// Exit status: 0 at the end of input or after a top-level "done"; 1 if something inside failed
// (a bad request is not a failure: it gets an error reply and the program goes on); 2 for a bad
// command line.
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "combined.hpp"
#include "people.hpp"
#include "text.hpp"

int main(int argc, char** argv) {
    std::string people_database = ":memory:";
    if (argc == 3 && std::string_view(argv[1]) == "--people-db") {
        people_database = argv[2];
    } else if (argc != 1) {
        std::cerr << "usage: nanoservices [--people-db FILE] < requests\n";
        return 2;
    }
    try {
        nanoservices::nanoservice service = nanoservices::combined_service(people_database);
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
            // "abandon" is not a request but Lerner's g.throw(): an exception thrown out of the
            // pending co_yield of the innermost service, which may catch it and yield a reply.
            std::optional<std::string> reply;
            if (request == "done") {
                reply = service.next();
            } else if (request == "abandon") {
                reply = service.raise(nanoservices::abandon_query());
            } else {
                reply = service.send(request);
            }
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
