// services.hpp — two nanoservices from the talks, and the protocol they share.
//
// Lerner calls a coroutine that is sent requests and yields replies a "nanoservice": a tiny
// in-memory service, with no network, thread or process, that keeps its state in its local
// variables between requests. Every service of this demo speaks the same protocol:
//   1. it is a coact::coroutine<std::string, std::string, int>: it yields reply text, is sent
//      request text, and returns an int;
//   2. its first co_yield yields a greeting, so priming it (next()) shows what it expects;
//   3. each send(request) runs it to its next co_yield, whose value is the reply;
//   4. next(), Python's send(None), stops it: it co_returns how many requests it served, which
//      the caller reads with result(), or gets as the value of `co_yield coact::yield_from(...)`.
//
//   auto md5 = coact::primed(nanoservices::md5_service());  // Beazley's @coroutine: primed
//   md5.send("hello");     // "5d41402abc4b2a76b9719d911017c592"
//   md5.next();            // None: the service returns
//   md5.result();          // 1 (text hashed)
#pragma once

#include <string>

#include <coact/coact.hpp>

namespace nanoservices {

using nanoservice = coact::coroutine<std::string, std::string, int>;

/// The talk's md5_gen: replies to each text with its hex MD5; returns how many texts it hashed.
nanoservice md5_service();

/// A running average (Sirota's averager): replies to each number with the average so far, to
/// anything else with an error (the average is unchanged); returns how many numbers it averaged.
nanoservice averager();

}  // namespace nanoservices
