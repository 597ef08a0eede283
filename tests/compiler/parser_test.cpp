// The parser of the compiler demo: the tree it builds (shown by to_lisp) and its syntax errors.
#include "parser.hpp"

#include <cstddef>
#include <string>

#include <catch2/catch.hpp>

#include "ast.hpp"
#include "error.hpp"
#include "printer.hpp"

namespace {

std::string tree_of(std::string_view text) { return compiler::to_lisp(*compiler::parse(text)); }

std::size_t error_column(std::string_view text) {
    try {
        compiler::parse(text);
    } catch (const compiler::syntax_error& e) {
        return e.column();
    }
    return 0;
}

}  // namespace

TEST_CASE("'+' and '-' are left-associative", "[compiler][parser]") {
    CHECK(tree_of("1-2-3") == "(- (- 1 2) 3)");
    CHECK(tree_of("1+2-3+4") == "(+ (- (+ 1 2) 3) 4)");
}

TEST_CASE("'*' and '/' bind tighter than '+' and '-' and are left-associative too",
          "[compiler][parser]") {
    CHECK(tree_of("2+3*4") == "(+ 2 (* 3 4))");
    CHECK(tree_of("2*3+4") == "(+ (* 2 3) 4)");
    CHECK(tree_of("8/4/2") == "(/ (/ 8 4) 2)");
    CHECK(tree_of("1-6/2*3") == "(- 1 (* (/ 6 2) 3))");
}

TEST_CASE("parentheses group without adding a node", "[compiler][parser]") {
    CHECK(tree_of("(2+3)*4") == "(* (+ 2 3) 4)");
    CHECK(tree_of("1-(2-3)") == "(- 1 (- 2 3))");
    CHECK(tree_of("((((7))))") == "7");
}

TEST_CASE("unary minus applies to the factor that follows it", "[compiler][parser]") {
    CHECK(tree_of("-7/2") == "(/ (- 7) 2)");
    CHECK(tree_of("2*-3") == "(* 2 (- 3))");
    CHECK(tree_of("--4") == "(- (- 4))");
    CHECK(tree_of("-(1+2)") == "(- (+ 1 2))");
    CHECK(tree_of("1 - -1") == "(- 1 (- 1))");
}

TEST_CASE("nodes remember the column of their literal or operator", "[compiler][parser]") {
    const compiler::node_ptr tree = compiler::parse(" 10 *\n(-2)");
    REQUIRE(tree->kind == compiler::node_kind::binary);
    CHECK(tree->column == 5);
    CHECK(tree->left->column == 2);
    REQUIRE(tree->right->kind == compiler::node_kind::negate);
    CHECK(tree->right->column == 8);
    CHECK(tree->right->left->column == 9);
}

TEST_CASE("an operator where a number should be is a syntax error at the operator",
          "[compiler][parser]") {
    CHECK_THROWS_WITH(compiler::parse("1 + * 2"),
                      "syntax error at column 5: expected a number or '(' but found '*'");
    CHECK(error_column("*1") == 1);
    CHECK(error_column("(1+2)*/3") == 7);
    CHECK(error_column("()") == 2);
}

TEST_CASE("an empty or blank input is a syntax error at its end", "[compiler][parser]") {
    CHECK_THROWS_WITH(
        compiler::parse(""),
        "syntax error at column 1: expected a number or '(' but found the end of the input");
    CHECK(error_column("   \n") == 5);
    CHECK(error_column("1 +") == 4);
}

TEST_CASE("an unclosed '(' is a syntax error naming where it was opened", "[compiler][parser]") {
    CHECK_THROWS_WITH(compiler::parse("(1 + 2"),
                      "syntax error at column 7: expected ')' to close the '(' at column 1 but "
                      "found the end of the input");
    CHECK_THROWS_WITH(compiler::parse("((1) 2)"),
                      "syntax error at column 6: expected ')' to close the '(' at column 1 but "
                      "found the number 2");
}

TEST_CASE("anything after a complete expression is a syntax error at its first token",
          "[compiler][parser]") {
    CHECK_THROWS_WITH(
        compiler::parse("1 + 2)"),
        "syntax error at column 6: expected an operator or the end of the input but found ')'");
    CHECK_THROWS_WITH(compiler::parse("2 3"),
                      "syntax error at column 3: expected an operator or the end of the input but "
                      "found the number 3");
    CHECK(error_column("(1)(2)") == 4);
}

TEST_CASE("tokenizer errors come out of parse() unchanged", "[compiler][parser]") {
    CHECK_THROWS_WITH(compiler::parse("1 + a"),
                      "syntax error at column 5: unexpected character 'a'");
    CHECK(error_column("99999999999999999999 + 1") == 1);
}

TEST_CASE("the printer shows unary minus with one operand and binary operators with two",
          "[compiler][parser]") {
    CHECK(tree_of("1 - 2 - -3 * 4") == "(- (- 1 2) (* (- 3) 4))");
}

TEST_CASE("shape_of counts the nodes and the nodes on the longest path", "[compiler][parser]") {
    const compiler::node_ptr sum =
        compiler::make_binary('+', 2, compiler::make_number(1, 1), compiler::make_number(2, 3));
    const compiler::tree_shape s = compiler::shape_of(*sum);
    CHECK(s.nodes == 3);
    CHECK(s.depth == 2);
    const compiler::tree_shape t = compiler::shape_of(*compiler::parse("1-(2*(3+-4))"));
    CHECK(t.nodes == 8);
    CHECK(t.depth == 5);
}
