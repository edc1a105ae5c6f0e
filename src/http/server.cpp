// The listener and connection loop (Boost.Beast over Asio, C++20 coroutines), the dispatcher
// that applies authentication, permission, CSRF and the forced password change, and the
// request log.
#include <utility>  // before asio's awaitable header with Boost 1.74 + g++ 12

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "http/app.hpp"

namespace duban::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string PercentDecode(std::string_view s, bool plus_space) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        char ch = s[i];
        if (ch == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else if (ch == '+' && plus_space) {
            out += ' ';
        } else {
            out += ch;
        }
    }
    return out;
}

// Matches a pattern like /api/v1/org-units/{id}/move; {id} takes a positive integer, any other
// {name} a segment of 1-64 lower-case letters, digits, '_' or '-' (a case type's code, an action).
bool Match(const std::string& pattern, const std::string& path, std::vector<int64_t>* ids,
           std::vector<std::string>* params = nullptr) {
    size_t pi = 0, si = 0;
    ids->clear();
    if (params) params->clear();
    while (pi < pattern.size() && si < path.size()) {
        if (pattern[pi] == '{') {
            size_t close = pattern.find('}', pi);
            bool is_id = pattern.compare(pi, close - pi + 1, "{id}") == 0;
            size_t end = path.find('/', si);
            if (end == std::string::npos) end = path.size();
            std::string seg = path.substr(si, end - si);
            if (is_id) {
                if (seg.empty() || seg.size() > 18) return false;
                for (char ch : seg)
                    if (ch < '0' || ch > '9') return false;
                ids->push_back(std::stoll(seg));
            } else {
                // A suffix may follow in the same segment ("{service_code}.json", Open311): the
                // capture ends where the suffix begins. Upper-case letters are allowed for
                // Open311's codes (B0101) and case numbers (CG-20260601-000012).
                size_t pend = pattern.find('/', close + 1);
                if (pend == std::string::npos) pend = pattern.size();
                std::string suffix = pattern.substr(close + 1, pend - close - 1);
                if (!suffix.empty()) {
                    if (seg.size() <= suffix.size() || seg.compare(seg.size() - suffix.size(), suffix.size(), suffix) != 0)
                        return false;
                    seg.resize(seg.size() - suffix.size());
                    end -= suffix.size();
                }
                if (seg.empty() || seg.size() > 64) return false;
                for (char ch : seg)
                    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                          ch == '_' || ch == '-'))
                        return false;
                if (params) params->push_back(seg);
            }
            pi = close + 1;
            si = end;
        } else {
            if (pattern[pi] != path[si]) return false;
            ++pi;
            ++si;
        }
    }
    return pi == pattern.size() && si == path.size();
}

const std::string kCsp =
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

void SecurityHeaders(Response& r) {
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    r.headers.emplace_back("Referrer-Policy", "no-referrer");
    r.headers.emplace_back("X-Frame-Options", "DENY");
    r.headers.emplace_back("Content-Security-Policy", kCsp);
    bool has_cache = false;
    for (auto& [k, v] : r.headers)
        if (k == "Cache-Control") has_cache = true;
    if (!has_cache) r.headers.emplace_back("Cache-Control", "no-store");
}

const char* MimeType(const std::string& path) {
    auto dot = path.rfind('.');
    std::string ext = dot == std::string::npos ? "" : path.substr(dot + 1);
    if (ext == "html") return "text/html; charset=utf-8";
    if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
    if (ext == "css") return "text/css; charset=utf-8";
    if (ext == "json" || ext == "map") return "application/json; charset=utf-8";
    if (ext == "svg") return "image/svg+xml";
    if (ext == "png") return "image/png";
    if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
    if (ext == "ico") return "image/x-icon";
    if (ext == "woff2") return "font/woff2";
    if (ext == "woff") return "font/woff";
    if (ext == "txt") return "text/plain; charset=utf-8";
    return "application/octet-stream";
}

bool ReadFile(const std::filesystem::path& p, std::string* out) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p, ec)) return false;
    std::ifstream in(p, std::ios::binary);
    if (!in) return false;
    out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return true;
}

// Serves the built web app: hashed assets cached for a year, index.html revalidated, gzip
// variants when the client takes them, and index.html for client-side routes.
std::optional<Response> ServeStatic(const std::string& root, const Request& req) {
    if (root.empty() || (req.method != "GET" && req.method != "HEAD")) return std::nullopt;
    if (req.path.rfind("/api/", 0) == 0 || req.path == "/api" || req.path.rfind("/open311/", 0) == 0)
        return std::nullopt;
    std::string rel = req.path == "/" ? "index.html" : req.path.substr(1);
    for (auto& part : core::Split(rel, '/'))
        if (part.empty() || part[0] == '.') return std::nullopt;  // no "..", no hidden files
    std::filesystem::path base(root);
    std::filesystem::path file = base / rel;
    bool is_index = rel == "index.html";
    std::string body;
    Response r;
    bool gz = req.Header("accept-encoding").find("gzip") != std::string::npos;
    if (gz && ReadFile(file.string() + ".gz", &body)) {
        r.headers.emplace_back("Content-Encoding", "gzip");
        r.headers.emplace_back("Vary", "Accept-Encoding");
    } else if (!ReadFile(file, &body)) {
        // A client-side route (no extension) gets the app; a missing asset is a real 404.
        if (rel.find('.') != std::string::npos) return std::nullopt;
        if (!ReadFile(base / "index.html", &body)) return std::nullopt;
        is_index = true;
        file = base / "index.html";
    }
    r.status = 200;
    r.content_type = MimeType(file.string());
    r.body = req.method == "HEAD" ? std::string() : std::move(body);
    if (is_index)
        r.headers.emplace_back("Cache-Control", "no-cache");
    else if (rel.rfind("assets/", 0) == 0)
        r.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
    else
        r.headers.emplace_back("Cache-Control", "public, max-age=3600");
    return r;
}

}  // namespace

// Handles one request: find the route, authenticate, check permission and CSRF, run.
asio::awaitable<Response> Dispatch(App& app, Request& req, std::string* route_name) {
    const Route* found = nullptr;
    bool path_exists = false;
    std::string allow;
    for (const auto& r : Routes()) {
        if (!Match(r.pattern, req.path, &req.ids, &req.params)) continue;
        path_exists = true;
        allow += (allow.empty() ? "" : ", ") + r.method;
        if (r.method == req.method) {
            found = &r;
            break;
        }
    }
    if (!found && app.settings.test_clock && req.method == "PUT" && req.path == "/api/v1/_test/clock")
        found = &TestClockRoute();  // exists only on a server started with --test-clock
    if (!found) {
        if (path_exists) {
            *route_name = "method_not_allowed";
            Response resp = ErrorResponse({core::ErrorKind::kBadRequest, "method_not_allowed",
                                           req.method + " is not allowed on " + req.path, {}});
            resp.status = 405;
            resp.headers.emplace_back("Allow", allow);
            co_return resp;
        }
        if (auto st = ServeStatic(app.settings.web_root, req)) {
            *route_name = "static";
            co_return std::move(*st);
        }
        *route_name = "not_found";
        co_return ErrorResponse(Error::NotFoundMsg("no route " + req.method + " " + req.path));
    }
    *route_name = found->method + " " + found->pattern;
    Ctx ctx{req, app, std::nullopt};
    if (found->access != Access::kPublic) {
        bool via_session = false;
        auto p = Authenticate(ctx, &via_session);
        if (!p.ok()) co_return ErrorResponse(p.error());
        ctx.principal = std::move(p.value());
        if (via_session && req.method != "GET" && req.method != "HEAD") {
            std::string sent = req.Header("x-csrf-token");
            if (sent.empty() || !core::ConstantTimeEquals(sent, ctx.principal->csrf_token))
                co_return ErrorResponse({core::ErrorKind::kForbidden, "csrf_failed",
                                         "missing or wrong X-CSRF-Token header", "X-CSRF-Token"});
        }
        if (ctx.principal->must_change_password && !found->allow_password_change_pending)
            co_return ErrorResponse({core::ErrorKind::kForbidden, "password_change_required",
                                     "change your password before anything else", "password"});
        if (via_session && ctx.principal->totp_required && !ctx.principal->totp_enabled &&
            !found->allow_password_change_pending)
            co_return ErrorResponse({core::ErrorKind::kForbidden, "totp_enrollment_required",
                                     "set up two-factor sign-in (TOTP) before anything else", "totp"});
        if (found->access == Access::kPermission && !ctx.principal->Has(found->perm))
            co_return ErrorResponse(Error::Forbidden(std::string("your role does not allow ") +
                                                     org::PermName(found->perm)));
    }
    try {
        co_return co_await found->handler(ctx);
    } catch (const store::DbError& e) {
        std::fprintf(stderr, "{\"level\":\"error\",\"msg\":\"database error\",\"route\":\"%s\"}\n",
                     route_name->c_str());
        co_return ErrorResponse(e.kind == store::DbErrorKind::kBusy
                                    ? Error::Unavailable("the database is busy; retry", 1)
                                    : Error::Internal("database error"));
    }
}

struct Server::Impl {
    Impl(store::Database& db, store::Pipeline& p, const core::Clock& c, const core::SecretBox& b, ServerSettings s)
        : app(db, p, c, b, s), settings(std::move(s)), acceptor(ioc), signals(ioc, SIGINT, SIGTERM) {
        LoadCalendar(app);
        if (auto st = app.RebuildGridIndex(); !st)
            std::fprintf(stderr, "duban: warning: grid index: %s\n", st.error().message.c_str());
    }
    App app;
    ServerSettings settings;
    asio::io_context ioc;
    tcp::acceptor acceptor;
    asio::signal_set signals;
    std::vector<std::thread> threads;
    std::atomic<bool> stopped{false};

    // Every 30 seconds: commit the light changes that have fallen due.
    asio::awaitable<void> SweepLoop() {
        asio::steady_timer timer(co_await asio::this_coro::executor);
        for (;;) {
            auto op = RunPlanSweep(app);
            auto r = co_await std::move(op);
            if (!r.ok() && settings.access_log)
                std::fprintf(stderr, "{\"sweep_error\":%s}\n", Json(r.error().message).dump().c_str());
            auto iop = RunIndicatorSweep(app);
            auto ir = co_await std::move(iop);
            if (!ir.ok() && settings.access_log)
                std::fprintf(stderr, "{\"indicator_sweep_error\":%s}\n", Json(ir.error().message).dump().c_str());
            auto cop = RunCaseSweep(app);
            auto cr = co_await std::move(cop);
            if (!cr.ok() && settings.access_log)
                std::fprintf(stderr, "{\"case_sweep_error\":%s}\n", Json(cr.error().message).dump().c_str());
            auto pop = RunProjectSweep(app);
            auto pr = co_await std::move(pop);
            if (!pr.ok() && settings.access_log)
                std::fprintf(stderr, "{\"project_sweep_error\":%s}\n", Json(pr.error().message).dump().c_str());
            timer.expires_after(std::chrono::seconds(30));
            boost::system::error_code ec;
            co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            if (ec || stopped) co_return;
        }
    }

    asio::awaitable<void> Accept() {
        for (;;) {
            boost::system::error_code ec;
            // Each connection lives on its own strand. The io_context runs on several threads, and
            // Beast's stream is not thread-safe: without the strand, a read timeout's handler closed
            // the socket on one thread while the session, woken by that close, closed it again on
            // the other (a crash in epoll_reactor::deregister_descriptor).
            tcp::socket sock = co_await acceptor.async_accept(asio::make_strand(ioc),
                                                              asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                if (!acceptor.is_open()) co_return;
                continue;
            }
            sock.set_option(tcp::no_delay(true), ec);
            auto ex = sock.get_executor();
            asio::co_spawn(ex, Session(std::move(sock)), asio::detached);
        }
    }

    asio::awaitable<void> Session(tcp::socket sock) {
        beast::tcp_stream stream(std::move(sock));
        beast::flat_buffer buf;
        boost::system::error_code ec;
        std::string remote = stream.socket().remote_endpoint(ec).address().to_string();
        for (;;) {
            bhttp::request_parser<bhttp::string_body> parser;
            parser.header_limit(static_cast<std::uint32_t>(settings.header_limit));
            // Beast checks a declared Content-Length against the limit while reading the header,
            // before the route is known: start at the upload limit, then lower it for other routes.
            parser.body_limit(std::max(settings.body_limit, settings.upload_limit));
            stream.expires_after(std::chrono::seconds(settings.read_timeout_s));
            size_t limit = settings.body_limit;
            co_await bhttp::async_read_header(stream, buf, parser, asio::redirect_error(asio::use_awaitable, ec));
            if (!ec) {
                parser.body_limit(settings.body_limit);
                // Uploads (reports, spreadsheets) get the larger limit; the route says which.
                std::string target(parser.get().target());
                std::string path = target.substr(0, target.find('?'));
                std::vector<int64_t> ids;
                for (const auto& r : Routes())
                    if (r.upload && r.method == std::string(parser.get().method_string()) && Match(r.pattern, path, &ids)) {
                        limit = settings.upload_limit;
                        parser.body_limit(limit);
                        break;
                    }
                // Beast applies body_limit to a declared length only at the header (done above with the
                // upload limit) and to chunked bodies as they come: check the declared length here.
                if (parser.content_length() && *parser.content_length() > limit) ec = bhttp::error::body_limit;
                else if (!parser.is_done())
                    co_await bhttp::async_read(stream, buf, parser, asio::redirect_error(asio::use_awaitable, ec));
            }
            auto t0 = std::chrono::steady_clock::now();
            if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit) {
                bool body = ec == bhttp::error::body_limit;
                Response r = ErrorResponse({core::ErrorKind::kTooLarge, body ? "body_too_large" : "header_too_large",
                                            body ? "the body is larger than " + std::to_string(limit) + " bytes"
                                                 : "the request header is too large",
                                            {}});
                if (!body) r.status = 431;
                co_await Write(stream, r, false, 11, ec);
                break;
            }
            if (ec) break;  // closed, timed out or malformed: drop the connection
            auto& msg = parser.get();
            Request req;
            req.method = std::string(msg.method_string());
            req.target = std::string(msg.target());
            auto q = req.target.find('?');
            req.path = PercentDecode(req.target.substr(0, q), false);
            if (q != std::string::npos) {
                for (auto& part : core::Split(req.target.substr(q + 1), '&')) {
                    if (part.empty()) continue;
                    auto eq = part.find('=');
                    req.query.emplace(PercentDecode(part.substr(0, eq), true),
                                      eq == std::string::npos ? "" : PercentDecode(part.substr(eq + 1), true));
                }
            }
            for (auto& f : msg) {
                std::string name(f.name_string());
                for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
                req.headers[name] = std::string(f.value());
            }
            req.body = std::move(msg.body());
            req.remote_ip = remote;
            std::string route;
            Response r;
            bool bad_query = false;
            for (auto& [k, v] : req.query)
                if (!core::IsValidUtf8(k) || !core::IsValidUtf8(v) || core::HasControlChars(k) || core::HasControlChars(v))
                    bad_query = true;
            try {
                if (bad_query || !core::IsValidUtf8(req.path) || core::HasControlChars(req.path)) {
                    route = "bad_request";
                    r = ErrorResponse(Error::BadRequest("invalid_query",
                                                        "the path or query string is not valid UTF-8 text"));
                } else {
                    r = co_await Dispatch(app, req, &route);
                }
            } catch (const std::exception& e) {
                std::fprintf(stderr, "{\"level\":\"error\",\"msg\":\"unhandled\",\"error\":\"%s\"}\n", e.what());
                r = ErrorResponse(Error::Internal("internal error"));
            }
            bool keep = msg.keep_alive();
            double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            app.metrics.Observe(route, r.status, secs);
            if (settings.access_log) {
                std::fprintf(stderr,
                             "{\"ts\":\"%s\",\"level\":\"info\",\"method\":\"%s\",\"path\":\"%s\","
                             "\"route\":\"%s\",\"status\":%d,\"ms\":%.3f,\"ip\":\"%s\"}\n",
                             core::FormatUtc(app.clock.Now()).c_str(), req.method.c_str(),
                             Json(req.path).dump().substr(1, Json(req.path).dump().size() - 2).c_str(),
                             route.c_str(), r.status, secs * 1000, remote.c_str());
            }
            co_await Write(stream, r, keep, msg.version(), ec);
            if (ec || !keep) break;
        }
        stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    }

    asio::awaitable<void> Write(beast::tcp_stream& stream, Response& r, bool keep, unsigned version,
                                boost::system::error_code& ec) {
        bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), version};
        res.set(bhttp::field::server, "duban");
        // 204 and 304 have no body, so no type; a 304 has no length either (a Content-Length there
        // would claim the length of the representation the client already holds).
        const bool bodiless = r.status == 204 || r.status == 304;
        if (!bodiless) res.set(bhttp::field::content_type, r.content_type);
        SecurityHeaders(r);
        for (auto& [k, v] : r.headers) res.insert(k, v);
        res.keep_alive(keep);
        res.body() = std::move(r.body);
        res.prepare_payload();
        if (r.status == 304) res.erase(bhttp::field::content_length);
        stream.expires_after(std::chrono::seconds(settings.read_timeout_s));
        co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    }
};

Server::Server(store::Database& db, store::Pipeline& p, const core::Clock& c, const core::SecretBox& b,
               ServerSettings s)
    : impl_(std::make_unique<Impl>(db, p, c, b, std::move(s))) {}
Server::~Server() {
    Stop();
    Wait();
}

void Server::Start() {
    auto& im = *impl_;
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(im.settings.host, ec);
    if (ec) throw std::runtime_error("bad listen address " + im.settings.host);
    tcp::endpoint ep(addr, im.settings.port);
    im.acceptor.open(ep.protocol());
    im.acceptor.set_option(asio::socket_base::reuse_address(true));
    im.acceptor.bind(ep, ec);
    if (ec) throw std::runtime_error("cannot listen on " + im.settings.host + ":" +
                                     std::to_string(im.settings.port) + ": " + ec.message());
    im.acceptor.listen(1024);
    asio::co_spawn(im.ioc, im.Accept(), asio::detached);
    {
        // The plan watch starts with everything open due now: the first sweep brings every
        // light up to date after downtime.
        auto c = im.app.db.Read();
        auto all = plan::AllOpen(*c);
        for (auto id : all.nodes) im.app.plan_watch.SetNode(id, core::TimePoint{});
        for (auto id : all.followups) im.app.plan_watch.SetFollowup(id, core::TimePoint{});
        // Case types edited by an administrator, and every watched case due at once.
        im.app.case_types->LoadOverrides(*c);
        im.app.case_watch.LoadAll(*c);
    }
    asio::co_spawn(im.ioc, im.SweepLoop(), asio::detached);
    im.signals.async_wait([this](auto, int) { Stop(); });
    for (int i = 0; i < std::max(1, im.settings.threads); ++i) im.threads.emplace_back([&im] { im.ioc.run(); });
}

void Server::Stop() {
    if (!impl_ || impl_->stopped.exchange(true)) return;
    asio::post(impl_->ioc, [this] {
        boost::system::error_code ec;
        impl_->acceptor.close(ec);
        impl_->signals.cancel(ec);
        impl_->ioc.stop();
    });
}

void Server::Wait() {
    for (auto& t : impl_->threads)
        if (t.joinable()) t.join();
}

uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

}  // namespace duban::http
