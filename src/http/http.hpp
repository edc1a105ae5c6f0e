#pragma once
/// duban::http — the HTTP/1.1 server (Boost.Beast, C++20 coroutines), the route table, auth
/// middleware, request limits and the JSON error shape. Handlers are thin: parse, call the
/// engine through the commit pipeline, serialise.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "core/core.hpp"
#include "store/store.hpp"

namespace duban::http {

/// How long a server may keep using an API token it has read: a revoke through the API takes effect
/// at once; one by another process (duban token revoke) within this many seconds.
inline constexpr int kTokenCacheSeconds = 10;

struct ServerSettings {
    std::string host = "127.0.0.1";
    uint16_t port = 8080;  // 0 picks a free port
    int threads = 2;
    size_t body_limit = 1 << 20;     // bytes; larger bodies get 413
    size_t upload_limit = 32 << 20;  // bytes, for routes marked upload (reports, spreadsheets)
    // Tests: the server's clock is this manual clock and PUT /api/v1/_test/clock sets it.
    core::ManualClock* test_clock = nullptr;
    size_t header_limit = 16 << 10;  // bytes; larger headers get 431
    int read_timeout_s = 30;         // a slow client is cut off after this
    int login_rate_per_min = 60;     // login attempts per client address per minute
    bool access_log = true;          // one JSON line per request on stderr
    bool secure_cookies = false;     // set when served over TLS (behind a proxy)
    std::string web_root;            // the built web app (web/dist); empty: API only
    bool totp_optional = false;      // tests and development only: no forced TOTP enrolment
    std::string blob_dir = "var/blobs";        // attachments' bytes (content-addressed)
    size_t attachment_limit = 10u << 20;       // bytes per attachment; larger ones get 413
    std::string open311_jurisdiction = "duban.local";  // Open311 GeoReport v2 jurisdiction_id
};

class App;

/// The server. Construct, Start() (binds, then serves on its own threads), Stop().
class Server {
public:
    /// box seals secrets at rest (TOTP secrets); it must outlive the server.
    Server(store::Database& db, store::Pipeline& pipeline, const core::Clock& clock,
           const core::SecretBox& box, ServerSettings settings);
    ~Server();
    /// Binds and starts serving. Throws std::runtime_error when the address is taken.
    void Start();
    void Stop();
    /// Blocks until Stop() or a signal (SIGINT/SIGTERM) ends the server.
    void Wait();
    uint16_t port() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// The OpenAPI 3.1 document generated from the route table.
core::Json OpenApiDocument();

}  // namespace duban::http
