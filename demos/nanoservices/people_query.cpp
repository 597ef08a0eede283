#include "people_query.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <string>
#include <utility>

#include "text.hpp"

namespace nanoservices {

namespace {

constexpr std::array<std::string_view, 5> columns{"id", "first_name", "last_name", "birthdate",
                                                  "email"};

// Two-character operators first, so that "<=" is not read as "<" followed by "=...".
constexpr std::array<std::string_view, 7> symbol_operators{"<=", ">=", "!=", "<>", "=", "<", ">"};
constexpr std::string_view operator_list = "= != < <= > >= like";

bool is_blank(char c) { return c == ' ' || c == '\t'; }

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

std::string_view skip_blanks(std::string_view s) {
    while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
    return s;
}

/// Whether `s` starts with `word` (any case) followed by a blank or the end.
bool starts_with_word(std::string_view s, std::string_view word) {
    if (s.size() < word.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(s[i])) != word[i]) return false;
    }
    return s.size() == word.size() || is_blank(s[word.size()]);
}

/// Where the next word "and" starts in `s` (at its start or after a blank), or npos.
std::size_t find_and(std::string_view s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((i == 0 || is_blank(s[i - 1])) && starts_with_word(s.substr(i), "and")) return i;
    }
    return std::string_view::npos;
}

[[noreturn]] void fail(const std::string& what) { throw bad_query(what); }

}  // namespace

people_query parse_people_query(std::string_view text) {
    people_query query;
    std::string_view rest = trim(text);
    if (rest.empty()) fail("empty query: give a condition, such as last_name=Levi");
    for (;;) {
        // COLUMN: a word from the fixed list; only these words ever reach the SQL text.
        const auto word_end = std::find_if_not(rest.begin(), rest.end(), is_word_char);
        const std::string column(rest.begin(), word_end);
        if (column.empty()) {
            fail("expected a column name at '" + std::string(rest) +
                 "' (columns: " + std::string(people_columns) + ")");
        }
        if (std::find(columns.begin(), columns.end(), column) == columns.end()) {
            fail("unknown column '" + column + "' (columns: " + std::string(people_columns) + ")");
        }
        rest = skip_blanks(rest.substr(column.size()));

        // OP: one of the fixed list, written into the SQL as we spell it, never as typed.
        std::string op;
        if (rest.empty()) {
            fail("missing operator and value after '" + column +
                 "' (operators: " + std::string(operator_list) + ")");
        }
        if (starts_with_word(rest, "like")) {
            op = "LIKE";
            rest.remove_prefix(4);
        } else {
            const auto symbol =
                std::find_if(symbol_operators.begin(), symbol_operators.end(),
                             [&](std::string_view s) { return rest.substr(0, s.size()) == s; });
            if (symbol == symbol_operators.end()) {
                fail("bad operator after '" + column + "' at '" + std::string(rest) +
                     "' (operators: " + std::string(operator_list) + ")");
            }
            op = *symbol;
            rest.remove_prefix(symbol->size());
        }
        rest = skip_blanks(rest);

        // VALUE: to the next word "and", or between quotes; it only ever becomes a parameter.
        std::string value;
        if (!rest.empty() && (rest.front() == '\'' || rest.front() == '"')) {
            const std::size_t close = rest.find(rest.front(), 1);
            if (close == std::string_view::npos) {
                fail("unterminated quote in the value of '" + column + "'");
            }
            value = rest.substr(1, close - 1);
            rest = skip_blanks(rest.substr(close + 1));
            if (!rest.empty() && !starts_with_word(rest, "and")) {
                fail("unexpected text after the quoted value of '" + column + "': '" +
                     std::string(rest) + "'");
            }
        } else {
            const std::size_t end = find_and(rest);
            value = trim(rest.substr(0, end));
            rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
            if (value.empty()) fail("missing value after '" + column + ' ' + op + "'");
        }

        if (!query.where.empty()) query.where += " AND ";
        query.where += column + ' ' + op + " ?";
        query.values.push_back(std::move(value));

        if (rest.empty()) return query;
        rest = skip_blanks(rest.substr(3));  // the word "and"
        if (rest.empty()) fail("a condition must follow 'and'");
    }
}

}  // namespace nanoservices
