// md5.hpp — the one piece of real work in the demo: the hex MD5 digest of a text.
//
// The talk's md5 nanoservice calls Python's hashlib; here OpenSSL's libcrypto does the hashing
// through its EVP digest API. Only this function touches OpenSSL.
//
//   md5_hex("hello") == "5d41402abc4b2a76b9719d911017c592"
#pragma once

#include <string>
#include <string_view>

namespace nanoservices {

/// The MD5 digest of `text` as 32 lowercase hex digits. Throws std::runtime_error if OpenSSL
/// fails (for instance when MD5 is disabled by a FIPS-only configuration).
std::string md5_hex(std::string_view text);

}  // namespace nanoservices
