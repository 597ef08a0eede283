#include "combined.hpp"

#include <optional>
#include <string>

#include "people.hpp"
#include "text.hpp"

namespace nanoservices {

namespace {

const std::string usage = "try: md5 TEXT, avg NUMBER, use md5, use avg, use people, reset, help";

const std::string help =
    "commands:\n"
    "  md5 TEXT     the MD5 of TEXT, in hex\n"
    "  avg NUMBER   add NUMBER to the running average and show it\n"
    "  use md5      start an md5 session: every line is hashed, until 'done'\n"
    "  use avg      start an averaging session: every line is a number, until 'done'\n"
    "  use people   start a people session: queries over SQLite, one row at a time, until 'done'\n"
    "  abandon      in a people session, drop the running query (sent as raise(), not send())\n"
    "  reset        restart the md5 and avg services (the average starts over)\n"
    "  help         this text\n"
    "  done         end the session; outside a session, quit";

/// One request to a service we hold: like a client calling a server.
std::string ask(nanoservice& service, const std::string& request) {
    return service.send(request).value_or("error: the service has stopped");
}

/// Stops a service the polite way, Python's g.send(None), and returns its return value.
int stop(nanoservice& service) {
    service.next();
    return service.result();
}

}  // namespace

nanoservice combined_service(std::string people_database) {
    // Two long-lived services, held the way a client holds a connection. Their state (the
    // running average) outlives each request: they are what "md5 TEXT" and "avg NUMBER" talk to.
    nanoservice md5 = coact::primed(md5_service());
    nanoservice avg = coact::primed(averager());
    int answered = 0;

    std::string reply = "nanoservices ready (" + usage + ")";
    for (;;) {
        // "abandon" arrives as raise(abandon_query()), thrown out of the co_yield of the
        // innermost service. Only a people session catches it; here, outside any session, it is
        // answered like a request.
        std::optional<std::string> line;
        try {
            line = co_yield reply;
        } catch (const abandon_query&) {
            ++answered;
            reply = "error: no query to abandon (abandon is for a query in a people session)";
            continue;
        }
        if (!line) break;
        ++answered;
        const auto [command, argument] = split_command(*line);
        if (command == "md5") {
            reply = ask(md5, argument);
        } else if (command == "avg") {
            reply = ask(avg, argument);
        } else if (command == "use" &&
                   (argument == "md5" || argument == "avg" || argument == "people")) {
            try {
                if (argument == "md5") {
                    // The talk's `yield from md5_generator()`: until the session ends, the
                    // caller's sends go straight to this fresh md5 service and its replies
                    // straight back; this frame sleeps here and wakes up with the sub-service's
                    // return value.
                    const int hashed = co_yield coact::yield_from(md5_service());
                    reply = "md5 session over: " + plural(hashed, "text") + " hashed";
                } else if (argument == "avg") {
                    const int averaged = co_yield coact::yield_from(averager());
                    reply = "avg session over: " + plural(averaged, "number") + " averaged";
                } else {
                    // The people service opens its connection as it starts, keeps it for the
                    // whole session, and closes it when it returns.
                    const int queries = co_yield coact::yield_from(people_service(people_database));
                    reply = "people session over: " + std::to_string(queries) +
                            (queries == 1 ? " query" : " queries") + " run";
                }
            } catch (const abandon_query&) {
                // raise() reaches the innermost service first (PEP 380). md5 and avg do not
                // catch an abandon: it ended their session and came out of its yield_from here.
                reply = "error: abandon ended the " + argument +
                        " session (only a query in a people session can be abandoned)";
            }
        } else if (command == "use") {
            reply = "error: there is no service '" + argument +
                    "' to use (try: use md5, use avg, use people)";
        } else if (command == "reset" && argument.empty()) {
            // Restart: stop the old services, read what they return, start fresh ones.
            const int hashed = stop(md5);
            const int averaged = stop(avg);
            md5 = coact::primed(md5_service());
            avg = coact::primed(averager());
            reply = "reset: md5 restarted after " + plural(hashed, "text") +
                    ", avg restarted after " + plural(averaged, "number");
        } else if (command == "help" && argument.empty()) {
            reply = help;
        } else if (command == "reset" || command == "help") {
            reply = "error: '" + command + "' takes no argument, not '" + argument + "'";
        } else {
            reply = "error: unknown command '" + command + "' (" + usage + ")";
        }
    }
    co_return answered;
}

}  // namespace nanoservices
