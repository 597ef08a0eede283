// people.cpp — the people service (see people.hpp for its protocol).
//
// The shape is Lerner's people_api: the connection is a local opened before the first co_yield,
// so it lives exactly as long as the service; the rows of one query are yielded from an inner
// loop; and the abandon_query that raise() throws out of a co_yield inside that loop is caught
// around it, which finalizes the statement and returns to the outer loop, waiting for a query.
// SQLite handles are unique_ptrs whose deleters call sqlite3_finalize / sqlite3_close, so every
// way out of the frame (a returned service, a closed one, one destroyed mid-query) releases them,
// statement first: it is declared after the connection.
#include "people.hpp"

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <sqlite3.h>

#include "people_query.hpp"
#include "text.hpp"

namespace nanoservices {

namespace {

std::atomic<int> connections_opened{0};

struct close_connection {
    void operator()(sqlite3* db) const noexcept { sqlite3_close(db); }
};
struct finalize_statement {
    void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
using connection = std::unique_ptr<sqlite3, close_connection>;
using statement = std::unique_ptr<sqlite3_stmt, finalize_statement>;

/// An SQLite call failed; what() is sqlite3_errmsg's text.
class sqlite_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

const std::string usage = "query CONDITIONS, next, abandon, status, help, done";

const std::string help =
    "people commands:\n"
    "  query CONDITIONS  run a query: the reply is its SQL, the bound values and the first row\n"
    "  next              the next row of the running query\n"
    "  abandon           drop the running query (the client raise()s abandon_query)\n"
    "  status            the connection, and the queries run on it\n"
    "  help              this text\n"
    "  done              end the people session\n"
    "conditions: COLUMN OP VALUE, joined by 'and'; a VALUE may be 'quoted'\n"
    "  columns: " +
    std::string(people_columns) + "\n  operators: = != < <= > >= like";

const std::string select_columns =
    "SELECT id, first_name, last_name, birthdate, email FROM people WHERE ";

// Fixed text, never built from a request.
constexpr const char* seed_sql =
    "CREATE TABLE people (id INTEGER PRIMARY KEY, first_name TEXT NOT NULL,"
    "                     last_name TEXT NOT NULL, birthdate TEXT NOT NULL, email TEXT NOT NULL);"
    "INSERT INTO people VALUES"
    " (1, 'Dana', 'Levi', '1970-07-14', 'dana.levi@example.com'),"
    " (2, 'Noam', 'Levi', '1998-03-02', 'noam@example.org'),"
    " (3, 'Maya', 'Levi', '2001-11-23', 'maya.levi@example.org'),"
    " (4, 'Omer', 'Cohen', '1985-05-30', 'omer.cohen@example.com'),"
    " (5, 'Tamar', 'Cohen', '1992-09-09', 'tamar@example.net'),"
    " (6, 'Yael', 'Mizrahi', '1979-01-17', 'yael@example.org');";

/// Opens `path` (":memory:" is created and seeded; a file is opened read-only) and sets `serial`
/// to this connection's number in the process.
connection open_database(const std::string& path, int& serial) {
    const bool in_memory = path == ":memory:";
    sqlite3* raw = nullptr;
    const int status = sqlite3_open_v2(
        path.c_str(), &raw,
        in_memory ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY, nullptr);
    connection db(raw);  // a handle comes back even when opening fails: it must be closed
    if (status != SQLITE_OK) {
        throw sqlite_error("cannot open '" + path +
                           "': " + (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(status)));
    }
    serial = ++connections_opened;
    if (in_memory) {
        char* message = nullptr;
        if (sqlite3_exec(db.get(), seed_sql, nullptr, nullptr, &message) != SQLITE_OK) {
            const std::string what = message != nullptr ? message : sqlite3_errmsg(db.get());
            sqlite3_free(message);
            throw sqlite_error("cannot create the people table: " + what);
        }
    }
    return db;
}

/// Prepares the query's statement and binds its values to the `?`s. The values are bound
/// without a copy (a null destructor is SQLITE_STATIC): `query` must outlive the statement.
statement prepare(sqlite3* db, const std::string& sql, const people_query& query) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr) !=
        SQLITE_OK) {
        throw sqlite_error(sqlite3_errmsg(db));
    }
    statement stmt(raw);
    for (std::size_t i = 0; i < query.values.size(); ++i) {
        const std::string& value = query.values[i];
        if (sqlite3_bind_text(raw, static_cast<int>(i + 1), value.data(),
                              static_cast<int>(value.size()), nullptr) != SQLITE_OK) {
            throw sqlite_error(sqlite3_errmsg(db));
        }
    }
    return stmt;
}

/// One step of the cursor: true with a row ready, false at the end.
bool step(sqlite3* db, sqlite3_stmt* stmt) {
    const int status = sqlite3_step(stmt);
    if (status == SQLITE_ROW) return true;
    if (status == SQLITE_DONE) return false;
    throw sqlite_error(sqlite3_errmsg(db));
}

/// "1 | Dana | Levi | 1970-07-14 | dana.levi@example.com"
std::string format_row(sqlite3_stmt* stmt) {
    std::string row;
    for (int column = 0; column < sqlite3_column_count(stmt); ++column) {
        if (column > 0) row += " | ";
        const unsigned char* text = sqlite3_column_text(stmt, column);
        row += text != nullptr ? reinterpret_cast<const char*>(text) : "NULL";
    }
    return row;
}

/// "'Levi', '1990-01-01'": the values as they are bound, for the reply to a query.
std::string quoted(const people_query& query) {
    std::string out;
    for (const std::string& value : query.values) {
        if (!out.empty()) out += ", ";
        out += "'" + value + "'";
    }
    return out;
}

std::string count_of_queries(int count) {
    return std::to_string(count) + (count == 1 ? " query" : " queries");
}

}  // namespace

int people_connections_opened() { return connections_opened.load(); }

nanoservice people_service(std::string database) {
    int serial = 0;
    connection db;
    std::string reply;
    try {
        db = open_database(database, serial);
        reply =
            "people session: connection #" + std::to_string(serial) + " is open (" + usage + ")";
    } catch (const sqlite_error& e) {
        reply = std::string("error: ") + e.what();
    }
    const std::string no_connection = reply;
    int queries = 0;

    auto status = [&](const std::string& running) {
        if (!db) return no_connection;
        return "status: connection #" + std::to_string(serial) +
               " (people connections opened: " + std::to_string(connections_opened.load()) + "), " +
               count_of_queries(queries) + " run on it, " + running;
    };

    for (;;) {
        std::optional<std::string> request;
        try {
            request = co_yield reply;
        } catch (const abandon_query&) {
            reply = "error: no query is running: there is nothing to abandon";
            continue;
        }
        if (!request) break;
        const auto [command, argument] = split_command(*request);

        if (command == "query" && db) {
            std::optional<people_query> query;
            std::string sql;
            statement rows;
            try {
                query = parse_people_query(argument);
                sql = select_columns + query->where + " ORDER BY id";
                rows = prepare(db.get(), sql, *query);
            } catch (const bad_query& e) {
                reply = std::string("error: malformed query: ") + e.what();
                continue;
            } catch (const sqlite_error& e) {
                reply = std::string("error: sqlite: ") + e.what();
                continue;
            }
            ++queries;
            std::string header = "sql: " + sql + "\nbound: " + quoted(*query) + '\n';
            int shown = 0;
            try {
                // The cursor: one row per reply, the next one when the client says "next".
                while (step(db.get(), rows.get())) {
                    reply = std::exchange(header, "") + "row " + std::to_string(++shown) + ": " +
                            format_row(rows.get());
                    for (;;) {
                        const std::optional<std::string> more = co_yield reply;
                        if (!more) co_return queries;  // None ends the service, mid-query too
                        const std::string asked(trim(*more));
                        if (asked == "next") break;
                        if (asked == "status") {
                            reply = status("query " + std::to_string(queries) + " running, " +
                                           plural(shown, "row") + " shown");
                        } else if (asked == "help") {
                            reply = help;
                        } else {
                            reply =
                                "error: a query is running: 'next' for its next row, "
                                "'abandon' to drop it";
                        }
                    }
                }
                reply = header +
                        (shown == 0 ? "no rows" : "end of rows (" + plural(shown, "row") + ")");
            } catch (const abandon_query&) {
                rows.reset();  // sqlite3_finalize: the statement goes, the connection stays
                reply = "query abandoned after " + plural(shown, "row") +
                        "; the connection stays open: send another query";
            } catch (const sqlite_error& e) {
                reply = std::string("error: sqlite: ") + e.what();
            }
        } else if (command == "query") {
            reply = no_connection;
        } else if (command == "next" && argument.empty()) {
            reply = "error: no query is running (send: query CONDITIONS)";
        } else if (command == "status" && argument.empty()) {
            reply = status("no query running");
        } else if (command == "help" && argument.empty()) {
            reply = help;
        } else {
            reply = "error: unknown people command '" + *request + "' (" + usage + ")";
        }
    }
    co_return queries;
}

}  // namespace nanoservices
