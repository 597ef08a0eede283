// compiler — Beazley's expression compiler ("Generators: The Final Frontier", part 7), with a
// tokenizer that is a generator and a parser and an evaluator that never recurse natively.
//
//   compiler '2 + 3 * (4 - 1)'      # prints the tree's size, then 11
//   seq -s+ 0 999999 | compiler     # a million-term sum from stdin: 499999500000
//
// Exit status: 0 with the value on the last line of stdout; 1 on a syntax or arithmetic error
// (one line on stderr naming the column, nothing on stdout); 2 on a bad command line.
#include <cstdint>
#include <exception>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>

#include "ast.hpp"
#include "error.hpp"
#include "evaluator.hpp"
#include "parser.hpp"

namespace {

constexpr std::string_view usage_line = "usage: compiler [EXPRESSION | --help]\n";

constexpr std::string_view help_text =
    "Evaluates an integer expression: numbers, + - * /, unary minus and parentheses.\n"
    "Without EXPRESSION, reads the whole of stdin (newlines are whitespace).\n"
    "Prints the parse tree's node count and depth, then the value on the last line.\n"
    "Values are int64; '/' truncates toward zero. Division by zero, overflow and syntax\n"
    "errors are reported on stderr with their column (exit status 1).\n";

int usage_error(const std::string& why) {
    std::cerr << "compiler: " << why << '\n' << usage_line;
    return 2;
}

// An expression never contains a letter, so "-h", "--fast" are options while "-5", "--5" and
// "-(1)" are expressions.
bool is_option(std::string_view arg) {
    const std::size_t dashes = arg.find_first_not_of('-');
    if (dashes == 0 || dashes == std::string_view::npos || dashes > 2) return false;
    const char c = arg[dashes];
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 2) return usage_error("too many arguments (quote the expression)");
    std::string text;
    if (argc == 2) {
        const std::string_view arg = argv[1];
        if (arg == "--help" || arg == "-h") {
            std::cout << usage_line << help_text;
            return 0;
        }
        if (is_option(arg)) return usage_error("unknown option '" + std::string(arg) + "'");
        text = arg;
    } else {
        std::ostringstream input;
        input << std::cin.rdbuf();
        text = std::move(input).str();
    }

    try {
        const compiler::node_ptr tree = compiler::parse(text);
        const compiler::tree_shape shape = compiler::shape_of(*tree);
        const std::int64_t value = compiler::evaluate(*tree);
        std::cout << "nodes: " << shape.nodes << ", depth: " << shape.depth << '\n'
                  << value << '\n';
        return 0;
    } catch (const std::exception& e) {  // compiler::error, or std::bad_alloc
        std::cerr << "compiler: " << e.what() << '\n';
        return 1;
    }
}
