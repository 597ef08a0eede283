// people_query.hpp — the people service's tiny query language, turned into SQL with placeholders.
//
// A query is one or more conditions joined by the word `and`; a condition is COLUMN OP VALUE:
//   last_name=Levi
//   email like %example.org% and birthdate>1990-01-01
//   first_name = 'Mary Ann'            (a value may be quoted, to hold blanks or the word "and")
// Columns are id, first_name, last_name, birthdate and email; operators = != < <= > >= like.
//
// Only the column and the operator reach the SQL text, and only from the fixed lists above; every
// value becomes a `?` placeholder, bound later with sqlite3_bind_text. So a value such as
// `x' OR '1'='1` is compared as the text it is and matches nobody: nothing a client types is
// ever pasted into SQL. Anything else is a malformed query: parse_people_query throws bad_query,
// whose what() says what was wrong and where.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nanoservices {

/// A malformed query; what() names the problem ("unknown column 'age' (columns: ...)").
class bad_query : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct people_query {
    std::string where;                ///< "last_name = ? AND birthdate > ?"
    std::vector<std::string> values;  ///< one per `?`, in order
};

/// Parses `text`; throws bad_query if it is not a valid query.
people_query parse_people_query(std::string_view text);

/// The columns a query may name.
inline constexpr std::string_view people_columns = "id, first_name, last_name, birthdate, email";

}  // namespace nanoservices
