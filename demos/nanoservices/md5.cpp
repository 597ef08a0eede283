#include "md5.hpp"

#include <stdexcept>

#include <openssl/evp.h>

namespace nanoservices {

std::string md5_hex(std::string_view text) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    // EVP_Digest is OpenSSL's one-shot init/update/final; the old MD5() is deprecated in 3.0.
    if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_md5(), nullptr) != 1) {
        throw std::runtime_error("OpenSSL could not compute an MD5 digest (EVP_Digest failed)");
    }
    constexpr std::string_view hex_digits = "0123456789abcdef";
    std::string hex;
    hex.reserve(2 * length);
    for (unsigned int i = 0; i < length; ++i) {
        hex += hex_digits[digest[i] >> 4];
        hex += hex_digits[digest[i] & 0xf];
    }
    return hex;
}

}  // namespace nanoservices
