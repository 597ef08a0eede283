// people.hpp — the people service: a query cursor over SQLite, after Lerner's people_api.
//
// Lerner's database nanoservice opens a connection when it starts, is sent a query, and yields
// the matching rows one at a time; throw() of a custom exception abandons the current query
// while the service, and its connection, live on. people_service() is that service, speaking the
// protocol of services.hpp:
//   1. Starting it opens ONE sqlite3 connection, kept in its frame across every request until
//      the service ends (the greeting and `status` show its serial number: it does not change).
//   2. "query CONDITIONS" (people_query.hpp) prepares one statement, binds the values as
//      parameters, and replies with the SQL, the bound values and the first row.
//   3. "next" replies with the next row, then "end of rows".
//   4. raise(abandon_query()) while rows are pending finalizes the statement and goes back to
//      waiting for a query; the connection stays open.
//   5. A malformed query or an SQLite error (sqlite3_errmsg) gets an "error: ..." reply; the
//      service goes on.
//   6. next() (None) ends the service, which returns how many queries it ran.
//
//   auto people = coact::primed(nanoservices::people_service(":memory:"));
//   people.send("query last_name=Levi");   // "sql: ...\nrow 1: 1 | Dana | Levi | ..."
//   people.send("next");                   // "row 2: ..."
//   people.raise(nanoservices::abandon_query());   // "query abandoned after 2 rows ..."
#pragma once

#include <stdexcept>
#include <string>

#include "services.hpp"

namespace nanoservices {

/// Thrown into the people service (coroutine::raise) to abandon the running query: Lerner's
/// DifferentCityException. A service that does not catch it ends, as any coroutine would.
class abandon_query : public std::runtime_error {
  public:
    abandon_query() : std::runtime_error("abandon the current query") {}
};

/// `database` is ":memory:" (a fresh in-memory database seeded with six people) or the path of
/// an existing SQLite file with a `people` table, opened read-only.
nanoservice people_service(std::string database);

/// How many connections people services have opened in this process.
int people_connections_opened();

}  // namespace nanoservices
