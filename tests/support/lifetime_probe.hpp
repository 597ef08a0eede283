// support/lifetime_probe.hpp — a local that counts its own destruction.
//
// Put one in a coroutine body and count how many have been destroyed: proves that RAII runs
// when a half-consumed generator, a closed coroutine or a deep delegation chain goes away.
//
//   int destroyed = 0;
//   { auto g = body(destroyed); g.next(); }   // body holds a lifetime_probe across a co_yield
//   CHECK(destroyed == 1);
#pragma once

namespace coact_test {

class lifetime_probe {
  public:
    explicit lifetime_probe(int& destroyed) noexcept : destroyed_(&destroyed) {}
    lifetime_probe(const lifetime_probe&) = delete;
    lifetime_probe& operator=(const lifetime_probe&) = delete;
    ~lifetime_probe() { ++*destroyed_; }

  private:
    int* destroyed_;
};

}  // namespace coact_test
