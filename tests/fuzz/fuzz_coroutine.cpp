// fuzz_coroutine — libFuzzer target for the two-way coroutine protocol (contract §2).
//
// The input is a small program. Its first bytes build a coroutine<int, int, int> out of four
// body shapes, nested through `co_yield coact::yield_from(sub)` up to max_depth levels; the rest
// is a sequence of calls on it: next, send, raise (an std::exception, a foreign type, or
// generator_exit), close, result, or "destroy it and build another". Next to the real coroutine
// runs a model: the same bodies written as plain state machines, chained the way contract §2 and
// docs/design/coroutines.md ("How close() walks outwards") describe delegation. After every call
// the value or exception it gave and state() must be the model's. Bodies can also call their own
// root from inside (re-entrance), which must throw already_running and change nothing.
//
// Findings: a crash or sanitizer report, an exception of a type coact never throws here, or a
// difference from the model (coact_fuzz::fail traps after printing what differed).
//
//   build/<dir>/tests/fuzz/fuzz_coroutine -max_len=256 corpus/ tests/fuzz/corpus/coroutine
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "coact/coroutine.hpp"
#include "coact/errors.hpp"
#include "coact/state.hpp"
#include "coact/yield_from.hpp"
#include "fuzz_input.hpp"

namespace {

using coact_fuzz::expect;
using coact_fuzz::fuzz_input;
using coro = coact::coroutine<int, int, int>;

constexpr int max_depth = 6;  // delegation levels below the root
constexpr int max_calls = 200;

/// The exception raise() throws in as "an error": bodies that catch std::exception catch it.
struct fuzz_error : std::runtime_error {
    fuzz_error() : std::runtime_error("fuzz_error") {}
};
/// An exception that is not a std::exception: only catch (...) sees it.
struct foreign_error {};

/// What a call threw, by type (none: it returned).
enum class fault : std::uint8_t {
    none,
    fuzz_error,
    foreign,
    generator_exit,
    not_started,
    ignored_exit,
    not_finished,
    already_running,
    other_coact_error,
};

const char* name_of(fault f) {
    switch (f) {
        case fault::none:
            return "nothing";
        case fault::fuzz_error:
            return "fuzz_error";
        case fault::foreign:
            return "foreign_error";
        case fault::generator_exit:
            return "generator_exit";
        case fault::not_started:
            return "not_started";
        case fault::ignored_exit:
            return "ignored_exit";
        case fault::not_finished:
            return "not_finished";
        case fault::already_running:
            return "already_running";
        case fault::other_coact_error:
            return "another coact::error";
    }
    return "?";
}

const char* name_of(coact::state s) {
    switch (s) {
        case coact::state::created:
            return "created";
        case coact::state::running:
            return "running";
        case coact::state::suspended:
            return "suspended";
        case coact::state::closed:
            return "closed";
    }
    return "?";
}

/// The outcome of one call: a value (or nullopt), or an exception.
struct outcome {
    std::optional<int> value;
    fault thrown = fault::none;
    friend bool operator==(const outcome&, const outcome&) = default;
};

/// Runs `call`, sorting what it throws; anything coact does not throw here is a finding.
template <class Call>
outcome observe(Call&& call) {
    outcome o;
    try {
        o.value = call();
    } catch (const fuzz_error&) {
        o.thrown = fault::fuzz_error;
    } catch (const coact::not_started&) {
        o.thrown = fault::not_started;
    } catch (const coact::ignored_exit&) {
        o.thrown = fault::ignored_exit;
    } catch (const coact::not_finished&) {
        o.thrown = fault::not_finished;
    } catch (const coact::already_running&) {
        o.thrown = fault::already_running;
    } catch (const coact::error& e) {
        std::fprintf(stdout, "coact::error: %s\n", e.what());
        o.thrown = fault::other_coact_error;
    } catch (const coact::generator_exit&) {
        o.thrown = fault::generator_exit;
    } catch (const foreign_error&) {
        o.thrown = fault::foreign;
    } catch (const std::exception& e) {
        std::fprintf(stdout, "unexpected exception: %s\n", e.what());
        coact_fuzz::fail("a call threw a std::exception coact does not throw");
    } catch (...) {
        coact_fuzz::fail("a call threw an exception of an unexpected type");
    }
    return o;
}

std::exception_ptr make_fault(fault f) {
    switch (f) {
        case fault::fuzz_error:
            return std::make_exception_ptr(fuzz_error{});
        case fault::foreign:
            return std::make_exception_ptr(foreign_error{});
        default:
            return std::make_exception_ptr(coact::generator_exit{});
    }
}

// --- the real bodies ---

int live_bodies = 0;  // bodies started whose locals have not been destroyed yet

/// A local of every body: its destructor runs when the frame ends or is destroyed.
struct body_probe {
    body_probe() noexcept { ++live_bodies; }
    ~body_probe() { --live_bodies; }
    body_probe(const body_probe&) = delete;
    body_probe& operator=(const body_probe&) = delete;
};

coro* current_root = nullptr;  // the coroutine the harness drives, for the re-entrance calls

/// From inside a body: a call on the root (which is running) throws already_running (result():
/// not_finished) and changes nothing.
void call_root_from_inside(unsigned how) {
    if (how == 0 || how > 5 || current_root == nullptr) return;
    coro& root = *current_root;
    expect(root.state() == coact::state::running, "state() from inside the body is running");
    const outcome o = observe([&]() -> std::optional<int> {
        switch (how) {
            case 1:
                return root.next();
            case 2:
                return root.send(1);
            case 3:
                return root.raise(fuzz_error{});
            case 4:
                root.close();
                return std::nullopt;
            default:
                return root.result();
        }
    });
    expect(o.thrown == (how == 5 ? fault::not_finished : fault::already_running),
           "a call on a coroutine from inside its own body throws already_running");
    expect(root.state() == coact::state::running, "a re-entrant call changes nothing");
}

/// Adds what it is sent; ends after `limit` resumptions with nothing.
coro accumulator(int total, int limit, unsigned reenter) {
    const body_probe probe;
    int nothing = 0;
    for (;;) {
        const std::optional<int> x = co_yield total;
        call_root_from_inside(reenter);
        if (x) {
            total += *x;
        } else if (++nothing >= limit) {
            co_return total;
        }
    }
}

/// Swallows every std::exception raised into it; returns after `rounds` resumptions.
coro swallower(int n, int rounds) {
    const body_probe probe;
    for (int i = 0; i < rounds; ++i) {
        try {
            const std::optional<int> x = co_yield n;
            n += x ? *x : 1;
        } catch (const std::exception&) {
            n -= 1000;
        }
    }
    co_return n;
}

/// Catches generator_exit and yields again (close() must throw ignored_exit); returns after
/// `rounds` resumptions.
coro exit_ignorer(int n, int rounds) {
    const body_probe probe;
    for (int i = 0; i < rounds; ++i) {
        try {
            const std::optional<int> x = co_yield n;
            if (x) n = *x;
        } catch (const coact::generator_exit&) {
            n = -1;
        }
    }
    co_return n;
}

/// Yields `seed`, delegates to `sub` (an std::exception escaping it is caught), yields what it
/// returned, then returns that plus `seed`.
coro delegator(int seed, coro sub) {
    const body_probe probe;
    co_yield seed;
    int r = 0;
    try {
        r = co_yield coact::yield_from(std::move(sub));
    } catch (const std::exception&) {
        r = -7;
    }
    co_yield r;
    co_return r + seed;
}

// --- the model ---

enum class shape : std::uint8_t { accumulator, swallower, exit_ignorer, delegator };

/// What resumes a frame: nothing (next, or a start), a sent value, an exception, or the return
/// value of the delegate it was waiting on.
struct resumption {
    enum kind_t : std::uint8_t { nothing, sent, thrown, delegate_returned } kind = nothing;
    int value = 0;
    fault exception = fault::none;
};

/// What a frame did with a resumption.
struct step {
    enum kind_t : std::uint8_t { yielded, returned, threw, delegates } kind = yielded;
    int value = 0;
    fault exception = fault::none;
};

/// One body as a state machine. pc: 0 not started, 1 at its (first) co_yield; the delegator
/// also has 2 (delegating) and 3 (at its last co_yield).
struct model_frame {
    shape body = shape::accumulator;
    int n = 0;      // total / n / seed
    int limit = 0;  // limit / rounds
    int i = 0;
    int r = 0;
    int pc = 0;
    std::unique_ptr<model_frame> sub;

    step resume(const resumption& in) {
        const bool fresh = pc == 0;
        if (fresh) pc = 1;
        switch (body) {
            case shape::accumulator:
                if (fresh) return {step::yielded, n};
                if (in.kind == resumption::thrown) return {step::threw, 0, in.exception};
                if (in.kind == resumption::sent) {
                    n += in.value;
                    return {step::yielded, n};
                }
                if (++i >= limit) return {step::returned, n};
                return {step::yielded, n};
            case shape::swallower:
            case shape::exit_ignorer: {
                const bool swallows = body == shape::swallower;
                if (!fresh) {
                    if (in.kind == resumption::thrown) {
                        if (in.exception != (swallows ? fault::fuzz_error : fault::generator_exit))
                            return {step::threw, 0, in.exception};
                        n = swallows ? n - 1000 : -1;
                    } else if (in.kind == resumption::sent) {
                        n = swallows ? n + in.value : in.value;
                    } else if (swallows) {
                        n += 1;
                    }
                    ++i;
                }
                return i < limit ? step{step::yielded, n} : step{step::returned, n};
            }
            case shape::delegator:
                if (fresh) return {step::yielded, n};
                if (pc == 1) {
                    if (in.kind == resumption::thrown) return {step::threw, 0, in.exception};
                    pc = 2;
                    return {step::delegates};
                }
                if (pc == 2) {
                    if (in.kind == resumption::delegate_returned) {
                        r = in.value;
                    } else if (in.exception == fault::fuzz_error) {
                        r = -7;
                    } else {
                        return {step::threw, 0, in.exception};
                    }
                    pc = 3;
                    return {step::yielded, r};
                }
                if (in.kind == resumption::thrown) return {step::threw, 0, in.exception};
                return {step::returned, r + n};
        }
        return {step::threw, 0, fault::other_coact_error};
    }
};

/// The root's side of the protocol, over a chain of model frames.
class model {
  public:
    explicit model(std::unique_ptr<model_frame> root) : root_(std::move(root)) {}

    [[nodiscard]] coact::state state() const noexcept { return state_; }

    outcome next() { return resume({}); }
    outcome send(int v) {
        if (state_ == coact::state::created) return {std::nullopt, fault::not_started};
        return resume({resumption::sent, v});
    }
    outcome raise(fault f) {
        if (state_ != coact::state::suspended) {
            state_ = coact::state::closed;
            return {std::nullopt, f};
        }
        return finish(drive({resumption::thrown, 0, f}, false), false);
    }
    outcome close() {
        if (state_ != coact::state::suspended) {
            state_ = coact::state::closed;
            return {};
        }
        return finish(drive({resumption::thrown, 0, fault::generator_exit}, true), true);
    }
    /// The expected result(); `either` when a body returned during close() (left open by the
    /// contract: a value, or not_finished).
    outcome result(bool& either) const {
        either = returned_in_close_;
        if (result_) return {result_, fault::none};
        return {std::nullopt, fault::not_finished};
    }

  private:
    outcome resume(resumption in) {
        if (state_ == coact::state::closed) return {};
        if (state_ == coact::state::created) stack_.push_back(root_.get());
        return finish(drive(in, false), false);
    }

    /// Resumes the innermost frame and follows the chain until the root yields or ends.
    step drive(resumption in, bool closing) {
        for (;;) {
            model_frame* top = stack_.back();
            const step s = top->resume(in);
            if (s.kind == step::delegates) {
                stack_.push_back(top->sub.get());
                in = {};
                continue;
            }
            if (s.kind == step::yielded) return s;
            stack_.pop_back();
            if (stack_.empty()) return s;
            if (s.kind == step::threw) {
                in = {resumption::thrown, 0, s.exception};
            } else if (closing) {
                in = {resumption::thrown, 0, fault::generator_exit};
            } else {
                in = {resumption::delegate_returned, s.value};
            }
        }
    }

    outcome finish(const step& s, bool closing) {
        if (s.kind == step::yielded) {
            state_ = coact::state::suspended;
            if (closing) return {std::nullopt, fault::ignored_exit};
            return {s.value, fault::none};
        }
        state_ = coact::state::closed;
        if (s.kind == step::returned) {
            result_ = s.value;
            returned_in_close_ = closing;
            return {};
        }
        if (closing && s.exception == fault::generator_exit) return {};
        return {std::nullopt, s.exception};
    }

    std::unique_ptr<model_frame> root_;
    std::vector<model_frame*> stack_;  // root first, innermost delegate last
    coact::state state_ = coact::state::created;
    std::optional<int> result_;
    bool returned_in_close_ = false;
};

/// Builds a coroutine from the next bytes, and the same chain in `m`.
coro build(fuzz_input& in, int depth, std::unique_ptr<model_frame>& m) {
    m = std::make_unique<model_frame>();
    const unsigned pick = in.below(depth < max_depth ? 4 : 3);
    m->body = static_cast<shape>(pick);
    m->n = in.value();
    const int count = static_cast<int>(in.below(5));
    switch (m->body) {
        case shape::accumulator: {
            m->limit = 1 + count;
            return accumulator(m->n, m->limit, in.below(8));
        }
        case shape::swallower:
            m->limit = count;
            return swallower(m->n, count);
        case shape::exit_ignorer:
            m->limit = count;
            return exit_ignorer(m->n, count);
        case shape::delegator:
            break;
    }
    coro sub = build(in, depth + 1, m->sub);
    return delegator(m->n, std::move(sub));
}

void report(const char* call, const outcome& want, const outcome& got) {
    std::fprintf(stdout, "%s: expected %s %d, got %s %d\n", call,
                 want.value ? "value" : name_of(want.thrown), want.value.value_or(0),
                 got.value ? "value" : name_of(got.thrown), got.value.value_or(0));
}

void run(fuzz_input& in) {
    std::optional<coro> c;
    std::unique_ptr<model> m;
    auto rebuild = [&] {
        current_root = nullptr;
        c.reset();
        expect(live_bodies == 0, "destroying a coroutine runs the destructors of all its frames");
        std::unique_ptr<model_frame> frames;
        c.emplace(build(in, 0, frames));
        m = std::make_unique<model>(std::move(frames));
        current_root = &*c;
        expect(c->state() == coact::state::created, "a new coroutine is created");
    };
    rebuild();
    for (int calls = 0; calls < max_calls && !in.empty(); ++calls) {
        const unsigned op = in.below(8);
        const char* call = "";
        outcome want;
        outcome got;
        bool either = false;
        switch (op) {
            case 0:
                call = "next()";
                want = m->next();
                got = observe([&] { return c->next(); });
                break;
            case 1: {
                call = "send()";
                const int v = in.value();
                want = m->send(v);
                got = observe([&] { return c->send(v); });
                break;
            }
            case 2:
            case 3:
            case 4: {
                call = "raise()";
                const fault f = op == 2   ? fault::fuzz_error
                                : op == 3 ? fault::foreign
                                          : fault::generator_exit;
                want = m->raise(f);
                got = observe([&] { return c->raise(make_fault(f)); });
                break;
            }
            case 5:
                call = "close()";
                want = m->close();
                got = observe([&]() -> std::optional<int> {
                    c->close();
                    return std::nullopt;
                });
                break;
            case 6:
                call = "result()";
                want = m->result(either);
                got = observe([&]() -> std::optional<int> { return c->result(); });
                if (either && got.thrown == fault::not_finished) got = want;
                break;
            default:
                rebuild();
                continue;
        }
        if (!(want == got)) {
            report(call, want, got);
            coact_fuzz::fail("a call's outcome differs from the model");
        }
        if (c->state() != m->state()) {
            std::fprintf(stdout, "%s: expected state %s, got %s\n", call, name_of(m->state()),
                         name_of(c->state()));
            coact_fuzz::fail("state() after a call differs from the model");
        }
    }
    current_root = nullptr;
    c.reset();
    expect(live_bodies == 0, "destroying a coroutine runs the destructors of all its frames");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz_input in{data, size};
    run(in);
    return 0;
}
