// combined.hpp — the talk's "megaservice", one nanoservice in front of the others.
//
// Lerner's combined_generator first puts the md5 and weather loops inline in one coroutine
// ("unfortunately, this works"), then shows that calling sub-generators as functions does
// nothing, and ends with `yield from`: the combined coroutine delegates to a sub-coroutine, which
// then talks directly with the caller until it returns. combined_service() is that last version.
//
//   auto service = nanoservices::combined_service();
//   service.next();               // the greeting
//   service.send("md5 hello");    // "5d41402abc4b2a76b9719d911017c592"
//   service.send("use avg");      // from now on every request goes to a fresh averager...
//   service.send("10");           // "average 10 of 1 number"
//   service.next();               // ...until None ends it: "avg session over: 1 number averaged"
//   service.send("use people");   // a people session: its own SQLite connection...
//   service.send("query id>1");   // "sql: ...\nbound: '1'\nrow 1: 2 | Noam | Levi | ..."
//   service.raise(nanoservices::abandon_query());  // thrown into the people service: abandoned
#pragma once

#include <string>

#include "services.hpp"

namespace nanoservices {

/// Commands, one per send: "md5 TEXT", "avg NUMBER", "use md5", "use avg", "use people",
/// "reset", "help". next() (None) ends the current session, or, outside a session, the combined
/// service itself, which then returns how many commands it answered. raise(abandon_query())
/// abandons the running query of a people session (people.hpp); a people session opens
/// `people_database` (":memory:" by default, see people_service).
nanoservice combined_service(std::string people_database = ":memory:");

}  // namespace nanoservices
