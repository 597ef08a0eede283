// Seed 003: David Beazley, "Generators: The Final Frontier" (PyCon 2014). Part 1 (generators
// and coroutines), Part 2 (a generator as a context manager), Part 3 (inlined futures stepped by
// a Task), and the Part 6 ping-pong that fails with "generator already executing" when sends
// are direct calls. The real futures, tasks and actors are tested in their own areas: here the
// pool is a deterministic queue written for the test.
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

namespace {

using log_t = std::vector<std::string>;
using none = std::monostate;  // a bare `yield`
constexpr none nothing{};

// --- Part 1 --------------------------------------------------------------------------------

coact::generator<int> countdown(int n) {
    while (n > 0) {
        co_yield n;
        --n;
    }
}

// def chain(x, y): yield from x; yield from y
template <class X, class Y>
coact::generator<int> chain(X x, Y y) {
    co_yield coact::yield_from(std::move(x));
    co_yield coact::yield_from(std::move(y));
}

coact::coroutine<none, std::string> receiver(log_t& log) {
    for (;;) {
        std::optional<std::string> item = co_yield nothing;
        log.push_back("Got " + item.value_or("None"));
    }
}

coact::coroutine<none> shuts_down(log_t& log) {
    try {
        co_yield nothing;
    } catch (const coact::generator_exit&) {
        log.emplace_back("Shutting down");
    }
}

// --- Part 2: a generator as a context manager -----------------------------------------------

class on_scope_exit {
  public:
    on_scope_exit(log_t& log, std::string what) : log_(&log), what_(std::move(what)) {}
    on_scope_exit(const on_scope_exit&) = delete;
    on_scope_exit& operator=(const on_scope_exit&) = delete;
    ~on_scope_exit() { log_->push_back(what_); }

  private:
    log_t* log_;
    std::string what_;
};

// @contextmanager def tempdir(): dirname = mkdtemp(); try: yield dirname finally: rmtree(dirname)
coact::coroutine<std::string> tempdir(log_t& log) {
    const std::string dirname = "/tmp/coact-tempdir";
    log.push_back("mkdtemp " + dirname);
    on_scope_exit rmtree(log, "rmtree " + dirname);  // the finally: clause
    co_yield dirname;
}

coact::coroutine<none> suppress_runtime_errors(log_t& log) {
    try {
        co_yield nothing;
    } catch (const std::runtime_error& e) {
        log.push_back(std::string("suppressed ") + e.what());
    }
}

// Beazley's GeneratorCM is coact::with (coact/scoped.hpp): __enter__ runs the generator to its
// yield; __exit__ resumes it, with next() after a normal exit or with raise() after an exception.
// The exception propagates unless the generator swallowed it (returned instead of letting it
// escape).

// --- Part 3: inlined futures ---------------------------------------------------------------

class fake_future {
  public:
    [[nodiscard]] int result() const {
        if (error_) std::rethrow_exception(error_);
        return value_;
    }
    void add_done_callback(std::function<void(fake_future&)> callback) {
        if (done_) {
            callback(*this);
        } else {
            callback_ = std::move(callback);
        }
    }
    void set(int value, std::exception_ptr error) {
        value_ = value;
        error_ = std::move(error);
        done_ = true;
        if (callback_) std::exchange(callback_, nullptr)(*this);
    }

  private:
    int value_ = 0;
    std::exception_ptr error_;
    bool done_ = false;
    std::function<void(fake_future&)> callback_;
};

// A "thread pool" that runs its jobs later, in order, on the calling thread.
class fake_pool {
  public:
    std::shared_ptr<fake_future> submit(std::function<int()> fn) {
        auto future = std::make_shared<fake_future>();
        jobs_.emplace_back([future, fn = std::move(fn)] {
            int value = 0;
            std::exception_ptr error;
            try {
                value = fn();
            } catch (...) {
                error = std::current_exception();
            }
            future->set(value, error);
        });
        return future;
    }
    void run() {
        while (!jobs_.empty()) {
            auto job = std::move(jobs_.front());
            jobs_.pop_front();
            job();
        }
    }

  private:
    std::deque<std::function<void()>> jobs_;
};

using inlined_future = coact::coroutine<std::shared_ptr<fake_future>, int>;

// class Task: step() sends the last result (or throws the last error) into the generator and
// registers itself for the future it yields.
class task {
  public:
    explicit task(inlined_future gen) : gen_(std::move(gen)) {}
    task(const task&) = delete;
    task& operator=(const task&) = delete;
    ~task() = default;

    void step(std::optional<int> value = std::nullopt, std::exception_ptr error = nullptr) {
        std::optional<std::shared_ptr<fake_future>> future = error   ? gen_.raise(error)
                                                             : value ? gen_.send(*value)
                                                                     : gen_.next();
        if (future) (*future)->add_done_callback([this](fake_future& f) { wakeup(f); });
    }

    [[nodiscard]] coact::state state() const { return gen_.state(); }

  private:
    void wakeup(fake_future& f) {
        std::optional<int> result;
        std::exception_ptr error;
        try {
            result = f.result();
        } catch (...) {
            error = std::current_exception();
        }
        step(result, error);
    }

    inlined_future gen_;
};

inlined_future do_func(fake_pool& pool, log_t& log, int x, int y) {
    auto future = pool.submit([x, y] { return x + y; });
    std::optional<int> result = co_yield future;
    log.push_back("Got: " + std::to_string(result.value()));
}

inlined_future do_many(fake_pool& pool, log_t& log, int n) {
    while (n > 0) {
        auto future = pool.submit([n] { return n + n; });
        std::optional<int> result = co_yield future;
        log.push_back("Got: " + std::to_string(result.value()));
        --n;
    }
}

inlined_future do_failing_func(fake_pool& pool, log_t& log) {
    try {
        auto future = pool.submit(
            []() -> int { throw std::invalid_argument("unsupported operand type(s) for +"); });
        std::optional<int> result = co_yield future;
        log.push_back("Got: " + std::to_string(result.value()));
    } catch (const std::exception& e) {
        log.push_back(std::string("Failed: ") + e.what());
    }
}

// def recursive(n): yield pool.submit(sleep); print('Tick:', n); Task(recursive(n+1)).step()
inlined_future recursive(fake_pool& pool, std::deque<task>& tasks, std::vector<int>& ticks, int n,
                         int limit) {
    auto future = pool.submit([] { return 0; });
    co_yield future;
    ticks.push_back(n);
    if (n + 1 < limit) {
        tasks.emplace_back(recursive(pool, tasks, ticks, n + 1, limit));
        tasks.back().step();
    }
}

// --- Part 6: coroutines as actors, with direct sends ---------------------------------------

using actor_coroutine = coact::coroutine<none, int>;
using registry_t = std::map<std::string, actor_coroutine*>;

void send(registry_t& registry, const std::string& name, int msg) {
    (void)registry.at(name)->send(msg);
}

actor_coroutine printer(log_t& log) {
    for (;;) {
        std::optional<int> msg = co_yield nothing;
        log.push_back("printer: " + std::to_string(msg.value()));
    }
}

actor_coroutine ping(registry_t& registry, log_t& log) {
    for (;;) {
        std::optional<int> n = co_yield nothing;
        log.push_back("ping " + std::to_string(n.value()));
        send(registry, "pong", *n + 1);
    }
}

actor_coroutine pong(registry_t& registry, log_t& log) {
    for (;;) {
        std::optional<int> n = co_yield nothing;
        log.push_back("pong " + std::to_string(n.value()));
        send(registry, "ping", *n + 1);
    }
}

}  // namespace

TEST_CASE("countdown yields n down to 1 and then ends", "[seeds]") {
    auto c = countdown(3);
    auto it = c.begin();
    CHECK(*it == 3);
    ++it;
    CHECK(*it == 2);
    ++it;
    CHECK(*it == 1);
    ++it;
    const bool ended = it == c.end();
    CHECK(ended);

    std::vector<int> tminus;
    for (int x : countdown(10)) tminus.push_back(x);
    CHECK(tminus == std::vector<int>{10, 9, 8, 7, 6, 5, 4, 3, 2, 1});
}

TEST_CASE("chain delegates to its iterables in turn", "[seeds][delegation]") {
    const std::vector<int> a{1, 2, 3};
    const std::vector<int> b{4, 5, 6};
    const std::vector<int> c{7, 8, 9};
    std::vector<int> ab;
    for (int x : chain(a, b)) ab.push_back(x);
    CHECK(ab == std::vector<int>{1, 2, 3, 4, 5, 6});

    std::vector<int> abc;
    for (int x : chain(a, chain(b, c))) abc.push_back(x);
    CHECK(abc == std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9});
}

TEST_CASE("a receiver coroutine gets what it is sent after being advanced to its first yield",
          "[seeds]") {
    log_t log;
    auto recv = receiver(log);
    CHECK_THROWS_AS(recv.send("too early"),
                    coact::not_started);  // next() is the only allowed first call
    CHECK(recv.next().has_value());
    recv.send("Hello");
    recv.send("World");
    CHECK(log == log_t{"Got Hello", "Got World"});
}

TEST_CASE("close raises generator_exit at the yield and the generator may only return",
          "[seeds][close]") {
    log_t log;
    auto g = shuts_down(log);
    g.next();
    g.close();
    CHECK(log == log_t{"Shutting down"});
    CHECK(g.state() == coact::state::closed);
}

TEST_CASE("a generator works as a context manager that cleans up on normal exit", "[seeds]") {
    log_t log;
    coact::with(tempdir(log),
                [&](const std::string& dirname) { log.push_back("using " + dirname); });
    CHECK(log == log_t{"mkdtemp /tmp/coact-tempdir", "using /tmp/coact-tempdir",
                       "rmtree /tmp/coact-tempdir"});
}

TEST_CASE("a generator context manager cleans up and lets the block's exception through",
          "[seeds][raise]") {
    log_t log;
    auto failing_block = [&](const std::string&) { throw std::runtime_error("block failed"); };
    CHECK_THROWS_WITH(coact::with(tempdir(log), failing_block), "block failed");
    CHECK(log == log_t{"mkdtemp /tmp/coact-tempdir", "rmtree /tmp/coact-tempdir"});
}

TEST_CASE("a generator context manager can swallow the block's exception", "[seeds][raise]") {
    log_t log;
    auto failing_block = [&](none) { throw std::runtime_error("block failed"); };
    CHECK_NOTHROW(coact::with(suppress_runtime_errors(log), failing_block));
    CHECK(log == log_t{"suppressed block failed"});
    auto logic_block = [&](none) { throw std::logic_error("not suppressed"); };
    CHECK_THROWS_AS(coact::with(suppress_runtime_errors(log), logic_block), std::logic_error);
}

TEST_CASE("a task steps an inlined future with the results the pool sends back", "[seeds]") {
    fake_pool pool;
    log_t log;
    task t(do_func(pool, log, 2, 3));
    t.step();  // must initiate the first step
    CHECK(log.empty());
    pool.run();
    CHECK(log == log_t{"Got: 5"});
    CHECK(t.state() == coact::state::closed);

    task many(do_many(pool, log, 3));
    many.step();
    pool.run();
    CHECK(log == log_t{"Got: 5", "Got: 6", "Got: 4", "Got: 2"});
    CHECK(many.state() == coact::state::closed);
}

TEST_CASE("a task throws a failed future's exception into the inlined future", "[seeds][raise]") {
    fake_pool pool;
    log_t log;
    task t(do_failing_func(pool, log));
    t.step();
    pool.run();
    CHECK(log == log_t{"Failed: unsupported operand type(s) for +"});
    CHECK(t.state() == coact::state::closed);
}

TEST_CASE("tasks that start new tasks tick on without recursion", "[seeds]") {
    constexpr int limit = 10'000;
    fake_pool pool;
    std::deque<task> tasks;
    std::vector<int> ticks;
    tasks.emplace_back(recursive(pool, tasks, ticks, 0, limit));
    tasks.back().step();
    pool.run();
    REQUIRE(ticks.size() == static_cast<std::size_t>(limit));
    CHECK(ticks.front() == 0);
    CHECK(ticks.back() == limit - 1);
    CHECK(tasks.size() == static_cast<std::size_t>(limit));
}

TEST_CASE("a printer coroutine registered as an actor receives direct sends", "[seeds]") {
    log_t log;
    registry_t registry;
    auto p = coact::primed(printer(log));  // @actor: prime and register
    registry["printer"] = &p;
    for (int n = 3; n > 0; --n) send(registry, "printer", n);
    CHECK(log == log_t{"printer: 3", "printer: 2", "printer: 1"});
}

TEST_CASE("recursive ping-pong by direct sends stops with generator already executing",
          "[seeds][reentrance]") {
    log_t log;
    registry_t registry;
    auto pi = coact::primed(ping(registry, log));
    auto po = coact::primed(pong(registry, log));
    registry["ping"] = &pi;
    registry["pong"] = &po;
    // pong's send back to ping re-enters ping, which is still running its own send to pong.
    CHECK_THROWS_MATCHES(send(registry, "ping", 0), coact::already_running,
                         Catch::Matchers::Predicate<coact::already_running>(
                             [](const coact::already_running& e) {
                                 return std::string(e.what()).find("generator already executing") !=
                                        std::string::npos;
                             },
                             "says generator already executing"));
    CHECK(log == log_t{"ping 0", "pong 1"});
    // The error escaped both bodies: both coroutines are closed.
    CHECK(pi.state() == coact::state::closed);
    CHECK(po.state() == coact::state::closed);
}
