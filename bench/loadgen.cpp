// duban_loadgen — HTTP/1.1 keep-alive load generator for duban's write path. Each of N
// connections loops: POST /api/v1/org-units {"parent_id": P, "kind": "community", "name": ...}
// with a bearer token, waits for the whole response, records the latency, and sends the next.
// A 201 is an acknowledged durable write (the server answers only after the group commit's
// fsync); anything else counts as an error. Plain non-blocking sockets on one epoll loop per
// thread, with a minimal HTTP writer and response parser (Content-Length bodies, as duban sends),
// so the generator takes as little of the machine's CPU from the server as possible.
//
// usage: duban_loadgen --port P --token BEARER --parent ID [--host 127.0.0.1] [--concurrency N]
//                      [--seconds S] [--warmup W] [--max-requests R] [--threads T] [--header]
//        duban_loadgen --port P --token BEARER --get PATH [--concurrency N] [--seconds S] ...
//        duban_loadgen --port P --token BEARER --find-street
//   --concurrency   connections, each with one request outstanding (default 8)
//   --seconds       measured time (default 10); no request is sent after it ends
//   --warmup        seconds of load before measuring, not counted (default 0)
//   --max-requests  stop sending after this many requests in all (default: no limit)
//   --threads       event-loop threads sharing the connections (default 1)
//   --header        print the table header before the row
//   --get PATH      diagnostic: loop GET PATH instead (200 counts as ok) — the HTTP stack's cost
//                   without the writer, e.g. --get /api/v1/org-units/15
//   --find-street   print the id of the first street the token can see, and exit
// Loopback only: --host must be 127.x.x.x or localhost.
// Prints one row (concurrency, requests, ok, errors, ok/s, p50 ms, p99 ms) and
// "RESULT loadgen concurrency=N requests=N ok=N errors=N seconds=S ok_per_s=X p50_ms=X p99_ms=X".
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/core.hpp"

using SteadyClock = std::chrono::steady_clock;

namespace {

[[noreturn]] void Die(const std::string& msg) {
    std::fprintf(stderr, "duban_loadgen: %s\n", msg.c_str());
    std::exit(2);
}

struct Options {
    std::string host = "127.0.0.1";
    int port = 0;
    std::string token;
    long long parent = 0;
    int concurrency = 8;
    double seconds = 10;
    double warmup = 0;
    long long max_requests = 0;  // 0: no limit
    int threads = 1;
    bool header = false;
    bool find_street = false;
    std::string get_path;  // non-empty: GET this path instead of creating org units
};

sockaddr_in Address(const Options& o) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<uint16_t>(o.port));
    std::string h = o.host == "localhost" ? "127.0.0.1" : o.host;
    if (inet_pton(AF_INET, h.c_str(), &sa.sin_addr) != 1) Die("--host must be an IPv4 loopback address");
    if ((ntohl(sa.sin_addr.s_addr) >> 24) != 127) Die("--host must be a loopback address (127.x.x.x): this tool only loads a local server");
    return sa;
}

int Connect(const sockaddr_in& sa, bool nonblocking) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (nonblocking) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Finds a header's value in a response head (case-insensitive name); npos-empty when absent.
bool HeaderValue(std::string_view head, std::string_view name, std::string_view* value) {
    size_t pos = head.find("\r\n");
    while (pos != std::string_view::npos && pos + 2 < head.size()) {
        size_t start = pos + 2;
        size_t end = head.find("\r\n", start);
        if (end == std::string_view::npos) end = head.size();
        std::string_view line = head.substr(start, end - start);
        if (line.size() > name.size() && line[name.size()] == ':') {
            bool eq = true;
            for (size_t i = 0; i < name.size() && eq; ++i) eq = Lower(line[i]) == name[i];
            if (eq) {
                std::string_view v = line.substr(name.size() + 1);
                while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
                while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
                *value = v;
                return true;
            }
        }
        pos = end;
    }
    return false;
}

// Parses one complete response at the start of buf. Returns the bytes it takes, 0 when more
// bytes are needed, -1 when the response is not something this tool understands.
long ParseResponse(const std::string& buf, int* status, bool* close_after, std::string* body) {
    size_t he = buf.find("\r\n\r\n");
    if (he == std::string::npos) return buf.size() > 65536 ? -1 : 0;
    std::string_view head(buf.data(), he);
    if (head.size() < 12 || head.compare(0, 5, "HTTP/") != 0) return -1;
    size_t sp = head.find(' ');
    if (sp == std::string_view::npos || sp + 4 > head.size()) return -1;
    *status = std::atoi(std::string(head.substr(sp + 1, 3)).c_str());
    std::string_view v;
    if (HeaderValue(head, "transfer-encoding", &v)) return -1;  // duban always sends Content-Length
    size_t len = 0;
    if (HeaderValue(head, "content-length", &v)) len = std::strtoull(std::string(v).c_str(), nullptr, 10);
    *close_after = HeaderValue(head, "connection", &v) && v.size() == 5 && Lower(v[0]) == 'c';
    if (buf.size() < he + 4 + len) return 0;
    if (body) body->assign(buf, he + 4, len);
    return static_cast<long>(he + 4 + len);
}

// One blocking request on a fresh connection (set-up calls only).
int SimpleRequest(const Options& o, const std::string& method, const std::string& target, std::string* body) {
    sockaddr_in sa = Address(o);
    int fd = Connect(sa, false);
    if (fd < 0) Die("cannot connect to " + o.host + ":" + std::to_string(o.port) + ": " + std::strerror(errno));
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: " + o.host + "\r\nAuthorization: Bearer " +
                      o.token + "\r\nConnection: close\r\n\r\n";
    if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) Die("send failed");
    std::string buf;
    char tmp[16384];
    int status = 0;
    bool close_after = false;
    for (;;) {
        ssize_t n = recv(fd, tmp, sizeof tmp, 0);
        if (n <= 0) break;
        buf.append(tmp, static_cast<size_t>(n));
        if (ParseResponse(buf, &status, &close_after, body) > 0) break;
    }
    close(fd);
    if (status == 0) Die("no complete response to " + method + " " + target);
    return status;
}

// ---------------------------------------------------------------- the load loop
struct Stats {
    long long requests = 0, ok = 0, errors = 0;
    std::map<int, long long> by_status;  // non-201 statuses; 0 = connection failure
    std::vector<float> lat_ms;
    SteadyClock::time_point last_done{};
};

struct Conn {
    int id = 0;        // connection number across all threads (names the units it creates)
    uint32_t idx = 0;  // index in its loop (epoll user data)
    int fd = -1;
    std::string out;
    size_t out_off = 0;
    std::string in;
    SteadyClock::time_point sent_at;
    bool busy = false;  // a request is outstanding
    bool counted = false;
    long long n = 0;
};

class Loop {
public:
    Loop(const Options& o, std::vector<int> ids, SteadyClock::time_point count_from, SteadyClock::time_point deadline,
         std::atomic<long long>* issued)
        : o_(o), sa_(Address(o)), count_from_(count_from), deadline_(deadline), issued_(issued) {
        for (int id : ids) {
            auto c = std::make_unique<Conn>();
            c->id = id;
            c->idx = static_cast<uint32_t>(conns_.size());
            conns_.push_back(std::move(c));
        }
        stats_.lat_ms.reserve(1 << 16);
    }

    void Run() {
        ep_ = epoll_create1(EPOLL_CLOEXEC);
        if (ep_ < 0) Die("epoll_create1 failed");
        for (auto& c : conns_) {
            if (!Open(*c)) Die("cannot connect to " + o_.host + ":" + std::to_string(o_.port) + ": " + std::strerror(errno));
            Send(*c);
        }
        std::vector<epoll_event> evs(conns_.size() + 1);
        const auto hard_stop = deadline_ + std::chrono::seconds(10);  // outstanding requests get 10 s more
        for (;;) {
            size_t busy = 0;
            for (auto& c : conns_) busy += c->busy ? 1 : 0;
            if (busy == 0) break;
            if (SteadyClock::now() > hard_stop) {
                for (auto& c : conns_)
                    if (c->busy) Fail(*c, false);
                break;
            }
            int n = epoll_wait(ep_, evs.data(), static_cast<int>(evs.size()), 100);
            if (n < 0 && errno != EINTR) Die("epoll_wait failed");
            for (int i = 0; i < n; ++i) {
                Conn& c = *conns_[evs[i].data.u32];
                if (evs[i].events & EPOLLOUT) Flush(c);
                if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) Read(c);
            }
        }
        for (auto& c : conns_)
            if (c->fd >= 0) close(c->fd);
        close(ep_);
    }

    Stats& stats() { return stats_; }

private:
    bool Open(Conn& c) {
        c.fd = Connect(sa_, true);
        if (c.fd < 0) return false;
        c.in.clear();
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u32 = c.idx;
        epoll_ctl(ep_, EPOLL_CTL_ADD, c.fd, &ev);
        return true;
    }

    // Sends the next request on c if time and the request budget allow.
    void Send(Conn& c) {
        auto now = SteadyClock::now();
        if (now >= deadline_) return;
        if (o_.max_requests > 0 && issued_->fetch_add(1, std::memory_order_relaxed) >= o_.max_requests) return;
        c.counted = now >= count_from_;
        if (c.fd < 0 && !Open(c)) {
            Record(c, 0, now, false);
            return;
        }
        ++c.n;
        c.out_off = 0;
        c.busy = true;
        c.sent_at = now;
        if (!o_.get_path.empty()) {
            c.out = "GET " + o_.get_path + " HTTP/1.1\r\nHost: " + o_.host + "\r\nAuthorization: Bearer " + o_.token +
                    "\r\n\r\n";
            Flush(c);
            return;
        }
        std::string body = "{\"parent_id\":" + std::to_string(o_.parent) +
                           ",\"kind\":\"community\",\"name\":\"负载社区-" + std::to_string(o_.concurrency) + "-" +
                           std::to_string(c.id) + "-" + std::to_string(c.n) + "\"}";
        c.out = "POST /api/v1/org-units HTTP/1.1\r\nHost: " + o_.host + "\r\nAuthorization: Bearer " + o_.token +
                "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
                body;
        Flush(c);
    }

    void Flush(Conn& c) {
        while (c.out_off < c.out.size()) {
            ssize_t n = send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
            if (n > 0) {
                c.out_off += static_cast<size_t>(n);
            } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                epoll_event ev{};
                ev.events = EPOLLIN | EPOLLOUT;
                ev.data.u32 = c.idx;
                epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
                return;
            } else if (n < 0 && errno == EINTR) {
                continue;
            } else {
                Fail(c, true);
                return;
            }
        }
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u32 = c.idx;
        epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
    }

    void Read(Conn& c) {
        char buf[16384];
        for (;;) {
            ssize_t n = recv(c.fd, buf, sizeof buf, 0);
            if (n > 0) {
                c.in.append(buf, static_cast<size_t>(n));
                if (static_cast<size_t>(n) < sizeof buf) break;
            } else if (n == 0) {
                Fail(c, true);
                return;
            } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
                break;
            } else if (errno == EINTR) {
                continue;
            } else {
                Fail(c, true);
                return;
            }
        }
        if (!c.busy) {
            if (!c.in.empty()) Fail(c, true);  // bytes nobody asked for
            return;
        }
        int status = 0;
        bool close_after = false;
        long used = ParseResponse(c.in, &status, &close_after, nullptr);
        if (used == 0) return;
        if (used < 0) {
            Fail(c, true);
            return;
        }
        c.in.erase(0, static_cast<size_t>(used));
        c.busy = false;
        Record(c, status, SteadyClock::now(), true);
        if (close_after || !c.in.empty()) Reset(c);
        Send(c);
    }

    void Record(Conn& c, int status, SteadyClock::time_point done, bool have_latency) {
        if (!c.counted) return;  // warm-up
        ++stats_.requests;
        if (status == (o_.get_path.empty() ? 201 : 200)) {
            ++stats_.ok;
        } else {
            ++stats_.errors;
            ++stats_.by_status[status];
        }
        if (have_latency) stats_.lat_ms.push_back(std::chrono::duration<float, std::milli>(done - c.sent_at).count());
        stats_.last_done = std::max(stats_.last_done, done);
    }

    void Reset(Conn& c) {
        if (c.fd >= 0) {
            epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
            close(c.fd);
        }
        c.fd = -1;
        c.in.clear();
    }

    // A connection failed: the outstanding request (if any) is an error; reconnect and go on.
    void Fail(Conn& c, bool resend) {
        bool was_busy = c.busy;
        c.busy = false;
        Reset(c);
        if (was_busy && c.counted) {
            ++stats_.requests;
            ++stats_.errors;
            ++stats_.by_status[0];
        }
        if (resend) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));  // no hot loop on a dead server
            Send(c);
        }
    }

    const Options& o_;
    sockaddr_in sa_;
    SteadyClock::time_point count_from_, deadline_;
    std::atomic<long long>* issued_;
    std::vector<std::unique_ptr<Conn>> conns_;
    int ep_ = -1;
    Stats stats_;
};

double Percentile(std::vector<float>& v, double p) {
    if (v.empty()) return 0;
    size_t k = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
    return v[k];
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto val = [&]() -> std::string {
            if (i + 1 >= argc) Die("missing value after " + a);
            return argv[++i];
        };
        if (a == "--host") o.host = val();
        else if (a == "--port") o.port = std::atoi(val().c_str());
        else if (a == "--token") o.token = val();
        else if (a == "--parent") o.parent = std::atoll(val().c_str());
        else if (a == "--concurrency") o.concurrency = std::atoi(val().c_str());
        else if (a == "--seconds") o.seconds = std::atof(val().c_str());
        else if (a == "--warmup") o.warmup = std::atof(val().c_str());
        else if (a == "--max-requests") o.max_requests = std::atoll(val().c_str());
        else if (a == "--threads") o.threads = std::atoi(val().c_str());
        else if (a == "--header") o.header = true;
        else if (a == "--find-street") o.find_street = true;
        else if (a == "--get") o.get_path = val();
        else if (a == "--help" || a == "-h") {
            std::printf("usage: duban_loadgen --port P --token BEARER --parent ID [--host 127.0.0.1] [--concurrency N]\n"
                        "                     [--seconds S] [--warmup W] [--max-requests R] [--threads T] [--header]\n"
                        "       duban_loadgen --port P --token BEARER --get PATH [--concurrency N] [--seconds S] ...\n"
                        "       duban_loadgen --port P --token BEARER --find-street\n");
            return 0;
        } else Die("unknown option " + a);
    }
    if (o.port <= 0 || o.port > 65535) Die("--port is required (1-65535)");
    if (o.token.empty()) Die("--token is required");
    for (char ch : o.token)
        if (static_cast<unsigned char>(ch) <= ' ' || ch == 0x7f) Die("--token has a control character or space");

    if (o.find_street) {
        std::string body;
        int st = SimpleRequest(o, "GET", "/api/v1/org-units?kind=street&per_page=1", &body);
        if (st != 200) Die("GET /api/v1/org-units?kind=street answered " + std::to_string(st) + ": " + body);
        auto j = duban::core::Json::parse(body, nullptr, false);
        if (j.is_discarded() || !j.contains("items") || j["items"].empty()) Die("no street visible to this token");
        std::printf("%lld\n", static_cast<long long>(j["items"][0]["id"].get<int64_t>()));
        return 0;
    }

    if (o.get_path.empty() && o.parent <= 0) Die("--parent is required (a street id)");
    if (!o.get_path.empty() && (o.get_path[0] != '/' || o.get_path.find_first_of(" \r\n") != std::string::npos))
        Die("--get takes a path starting with '/'");
    if (o.concurrency < 1 || o.concurrency > 4096) Die("--concurrency must be in [1, 4096]");
    if (o.seconds <= 0 || o.seconds > 600) Die("--seconds must be in (0, 600]");
    if (o.warmup < 0 || o.warmup > 60) Die("--warmup must be in [0, 60]");
    if (o.max_requests < 0) Die("--max-requests must be >= 0");
    o.threads = std::clamp(o.threads, 1, std::min(o.concurrency, 64));

    const auto start = SteadyClock::now();
    const auto count_from = start + std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(o.warmup));
    const auto deadline = count_from + std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(o.seconds));
    std::atomic<long long> issued{0};
    std::vector<std::unique_ptr<Loop>> loops;
    for (int t = 0; t < o.threads; ++t) {
        std::vector<int> ids;
        for (int c = t; c < o.concurrency; c += o.threads) ids.push_back(c);
        loops.push_back(std::make_unique<Loop>(o, ids, count_from, deadline, &issued));
    }
    std::vector<std::thread> ths;
    for (auto& l : loops) ths.emplace_back([&l] { l->Run(); });
    for (auto& t : ths) t.join();

    Stats all;
    for (auto& l : loops) {
        auto& s = l->stats();
        all.requests += s.requests;
        all.ok += s.ok;
        all.errors += s.errors;
        for (auto& [k, v] : s.by_status) all.by_status[k] += v;
        all.lat_ms.insert(all.lat_ms.end(), s.lat_ms.begin(), s.lat_ms.end());
        all.last_done = std::max(all.last_done, s.last_done);
    }
    // The measured window: from the end of warm-up to the last counted response (at least the
    // time asked for, unless --max-requests ended it sooner).
    double secs = std::chrono::duration<double>(std::max(all.last_done, count_from) - count_from).count();
    if (secs <= 0) secs = o.seconds;
    const double ok_per_s = static_cast<double>(all.ok) / secs;
    const double p50 = Percentile(all.lat_ms, 0.50), p99 = Percentile(all.lat_ms, 0.99);
    if (o.header)
        std::printf("%11s %9s %9s %7s %9s %8s %8s\n", "concurrency", "requests", "ok", "errors", "ok/s", "p50 ms", "p99 ms");
    std::printf("%11d %9lld %9lld %7lld %9.0f %8.2f %8.2f\n", o.concurrency, all.requests, all.ok, all.errors, ok_per_s,
                p50, p99);
    if (!all.by_status.empty()) {
        std::fprintf(stderr, "duban_loadgen: non-%d answers:", o.get_path.empty() ? 201 : 200);
        for (auto& [k, v] : all.by_status)
            std::fprintf(stderr, " %s=%lld", k == 0 ? "connection-failed" : std::to_string(k).c_str(), v);
        std::fprintf(stderr, "\n");
    }
    std::printf("RESULT loadgen concurrency=%d requests=%lld ok=%lld errors=%lld seconds=%.3f ok_per_s=%.1f p50_ms=%.3f p99_ms=%.3f\n",
                o.concurrency, all.requests, all.ok, all.errors, secs, ok_per_s, p50, p99);
    return 0;
}
