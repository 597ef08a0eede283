// cluster/support/test_ca.hpp — a certificate authority made for one test, with openssl: a CA
// certificate and a server certificate for 127.0.0.1 signed by it (EC P-256, valid one day), in
// a fresh directory removed when the object dies. For nats_server's `tls { ... }` block and the
// node's cluster_tls.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace coact_test {

class test_ca {
  public:
    test_ca() {
        static int made = 0;
        dir_ = std::filesystem::temp_directory_path() /
               ("coact-ca-" + std::to_string(::getpid()) + "-" + std::to_string(++made));
        std::filesystem::create_directories(dir_);
        std::ofstream(dir_ / "san.ext") << "subjectAltName=IP:127.0.0.1\n";
        const std::string d = dir_.string();
        const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
        run("openssl req -x509" + ec + " -keyout " + d + "/ca.key -out " + d +
            "/ca.pem -days 1 -subj '/CN=coact test CA'");
        run("openssl req" + ec + " -keyout " + d + "/server.key -out " + d +
            "/server.csr -subj '/CN=127.0.0.1'");
        run("openssl x509 -req -in " + d + "/server.csr -CA " + d + "/ca.pem -CAkey " + d +
            "/ca.key -CAcreateserial -out " + d + "/server.pem -days 1 -extfile " + d + "/san.ext");
    }
    test_ca(const test_ca&) = delete;
    test_ca& operator=(const test_ca&) = delete;
    ~test_ca() {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }

    [[nodiscard]] std::string ca_file() const { return (dir_ / "ca.pem").string(); }
    [[nodiscard]] std::string server_cert() const { return (dir_ / "server.pem").string(); }
    [[nodiscard]] std::string server_key() const { return (dir_ / "server.key").string(); }
    /// The nats-server configuration block that makes it speak TLS only.
    [[nodiscard]] std::string server_block() const {
        return "tls { cert_file: \"" + server_cert() + "\", key_file: \"" + server_key() + "\" }";
    }

  private:
    static void run(const std::string& command) {
        if (std::system((command + " >/dev/null 2>&1").c_str()) != 0) {
            throw std::runtime_error("test_ca: failed: " + command +
                                     " (Debian: openssl, from scripts/install-deps.sh)");
        }
    }
    std::filesystem::path dir_;
};

}  // namespace coact_test
