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
//        duban_loadgen --port P (--login USER:PASSWORD | --token BEARER) --lifecycle [--unit ID]
//                      [--category CODE] [--case-type hotline] [--create-fields JSON]
//                      [--max-lifecycles N] [--concurrency N] [--seconds S] [--warmup W] [--header]
//   --concurrency   connections, each with one request outstanding (default 8)
//   --seconds       measured time (default 10); no request is sent after it ends
//   --warmup        seconds of load before measuring, not counted (default 0)
//   --max-requests  stop sending after this many requests in all (default: no limit)
//   --threads       event-loop threads sharing the connections (default 1)
//   --header        print the table header before the row
//   --get PATH      diagnostic: loop GET PATH instead (200 counts as ok) — the HTTP stack's cost
//                   without the writer, e.g. --get /api/v1/org-units/15
//   --find-street   print the id of the first street the token can see, and exit
//   --lifecycle     the case lifecycle of docs/cases-api.md ("The benchmark lifecycle"), four writes
//                   in a row on each connection: POST /api/v1/cases (201), POST
//                   /api/v1/cases/{id}/actions/dispatch {unit_id} (200), POST /api/v1/cases/{id}/notes
//                   (201), POST /api/v1/cases/{id}/actions/close {note} (200); then the next lifecycle.
//                   A lifecycle starts only before the deadline and within --max-lifecycles; one that
//                   started in the warm-up is not counted; one in flight at the deadline finishes.
//                   A failed step (any other status) abandons that lifecycle and counts one error.
//                   The category is the first 小類 of --case-type in GET /api/v1/case-types unless
//                   --category is given; the unit is the lead unit of the first dispatch rule for that
//                   type (GET /api/v1/dispatch-rules), else the first department of GET
//                   /api/v1/org-units, unless --unit is given. --create-fields adds members to the
//                   create body (a JSON object).
//   --login U:P     log each connection in with POST /api/v1/session (cookie + X-CSRF-Token), as
//                   the peers' session-cookie mode does; --token uses a bearer token instead
//   --max-lifecycles  start at most this many lifecycles in all (default: no limit)
// Loopback only: --host must be 127.x.x.x or localhost.
// Prints one row (concurrency, requests, ok, errors, ok/s, p50 ms, p99 ms) and
// "RESULT loadgen concurrency=N requests=N ok=N errors=N seconds=S ok_per_s=X p50_ms=X p99_ms=X".
// --lifecycle prints a row (concurrency, lifecycles, errors, lifecycles/s, writes/s, p50, p99 over all
// writes), one line of per-step p50/p99, and "RESULT lifecycle concurrency=N lifecycles=N errors=N
// seconds=S lifecycles_per_s=X writes_per_s=X p50_ms=X p99_ms=X create_p50_ms=X create_p99_ms=X
// dispatch_… note_… close_…".
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
    // --lifecycle
    bool lifecycle = false;
    std::string login;  // USER:PASSWORD: a session per connection instead of the bearer token
    long long max_lifecycles = 0;  // 0: no limit
    long long unit = 0;
    std::string category;
    std::string case_type = "hotline";
    std::string create_fields;  // a JSON object merged into the create body
};

// The lifecycle's four steps (docs/cases-api.md, "The benchmark lifecycle").
constexpr int kSteps = 4;
constexpr const char* kStepName[kSteps] = {"create", "dispatch", "note", "close"};
constexpr int kStepOk[kSteps] = {201, 200, 201, 200};

// Request bodies: a ~200-character Chinese hotline complaint, as the peers' lifecycle_load.py sends.
constexpr const char* kCaseBody =
    "市民反映：某街道某小区东门附近道路井盖破损下沉，夜间行人和非机动车通行存在安全隐患，"
    "已有老人险些摔倒。请求相关部门尽快派人现场核查、设置警示标志并维修更换井盖，"
    "处理完成后请电话回复反映人。网格员已拍照上报。请尽快处理并反馈结果，谢谢。"
    "联系人：张先生，联系电话已登记在热线系统中，请勿外传。";
constexpr const char* kNoteText = "已派单至市政管理部门，要求48小时内到场核查处置，处置完成后上传现场照片。";
constexpr const char* kDispatchNote = "请按时限到场核查处置。";
constexpr const char* kCloseNote = "已现场更换井盖并恢复通行，电话回复反映人，同意办结。";

// What every lifecycle request shares, worked out once before the load starts.
struct Lifecycle {
    std::string create_prefix, create_suffix;  // create body = prefix + title + suffix
    std::string dispatch_body, note_body, close_body;
    std::vector<std::string> auth;  // per connection: "Authorization: …\r\n" or "Cookie: …\r\nX-CSRF-Token: …\r\n"
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

// One blocking request on a fresh connection (set-up calls only). auth: header lines ending in
// CRLF; empty uses the bearer token. head: the response's header block when non-null.
int SimpleRequest(const Options& o, const std::string& method, const std::string& target, std::string* body,
                  const std::string& req_body = "", const std::string* auth = nullptr, std::string* head = nullptr) {
    sockaddr_in sa = Address(o);
    int fd = Connect(sa, false);
    if (fd < 0) Die("cannot connect to " + o.host + ":" + std::to_string(o.port) + ": " + std::strerror(errno));
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: " + o.host + "\r\n" +
                      (auth ? *auth : "Authorization: Bearer " + o.token + "\r\n") + "Connection: close\r\n";
    if (!req_body.empty())
        req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(req_body.size()) + "\r\n";
    req += "\r\n" + req_body;
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
    if (head) *head = buf.substr(0, buf.find("\r\n\r\n"));
    return status;
}

// ---------------------------------------------------------------- the load loop
struct Stats {
    long long requests = 0, ok = 0, errors = 0;
    std::map<int, long long> by_status;  // non-201 statuses; 0 = connection failure
    std::vector<float> lat_ms;
    SteadyClock::time_point last_done{};
    // --lifecycle
    long long lifecycles = 0;                // completed (close answered 200) and counted
    std::vector<float> step_ms[kSteps];      // per-step latency of counted lifecycles
    std::map<std::string, long long> step_errors;  // "step:status" -> count
    std::string error_sample;                // the first failed answer's body
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
    // --lifecycle
    int step = 0;          // the step outstanding (0 create .. 3 close)
    std::string case_id;   // from the create answer
};

class Loop {
public:
    Loop(const Options& o, std::vector<int> ids, SteadyClock::time_point count_from, SteadyClock::time_point deadline,
         std::atomic<long long>* issued, const Lifecycle* lc = nullptr)
        : o_(o), sa_(Address(o)), count_from_(count_from), deadline_(deadline), issued_(issued), lc_(lc) {
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
        if (lc_) {
            StartLifecycle(c, now);
            return;
        }
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

    // --lifecycle: a new lifecycle on c (the deadline was checked by Send).
    void StartLifecycle(Conn& c, SteadyClock::time_point now) {
        if (o_.max_lifecycles > 0 && issued_->fetch_add(1, std::memory_order_relaxed) >= o_.max_lifecycles) return;
        c.counted = now >= count_from_;
        c.step = 0;
        c.case_id.clear();
        ++c.n;
        SendStep(c, now);
    }

    // Sends the request of c.step.
    void SendStep(Conn& c, SteadyClock::time_point now) {
        if (c.fd < 0 && !Open(c)) {  // the server closed the connection and refuses a new one
            RecordStepError(c, 0, "");
            return;
        }
        const std::string& auth = lc_->auth[static_cast<size_t>(c.id)];
        std::string target, body;
        switch (c.step) {
            case 0:
                target = "/api/v1/cases";
                body = lc_->create_prefix + "井盖破损 负载 " + std::to_string(o_.concurrency) + "-" + std::to_string(c.id) +
                       "-" + std::to_string(c.n) + lc_->create_suffix;
                break;
            case 1:
                target = "/api/v1/cases/" + c.case_id + "/actions/dispatch";
                body = lc_->dispatch_body;
                break;
            case 2:
                target = "/api/v1/cases/" + c.case_id + "/notes";
                body = lc_->note_body;
                break;
            default:
                target = "/api/v1/cases/" + c.case_id + "/actions/close";
                body = lc_->close_body;
                break;
        }
        c.out = "POST " + target + " HTTP/1.1\r\nHost: " + o_.host + "\r\n" + auth +
                "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        c.out_off = 0;
        c.busy = true;
        c.sent_at = now;
        Flush(c);
    }

    // --lifecycle: the answer to c.step arrived.
    void OnStep(Conn& c, int status, const std::string& body, SteadyClock::time_point done) {
        if (status != kStepOk[c.step]) {
            RecordStepError(c, status, body);
            Send(c);
            return;
        }
        if (c.step == 0) {
            auto j = duban::core::Json::parse(body, nullptr, false);
            if (j.is_discarded() || !j.is_object() || !j.contains("id") || !j["id"].is_number_integer()) {
                RecordStepError(c, -1, body);
                Send(c);
                return;
            }
            c.case_id = std::to_string(j["id"].get<int64_t>());
        }
        if (c.counted) {
            float ms = std::chrono::duration<float, std::milli>(done - c.sent_at).count();
            stats_.step_ms[c.step].push_back(ms);
            stats_.lat_ms.push_back(ms);
            ++stats_.requests;
            ++stats_.ok;
        }
        if (c.step + 1 < kSteps) {
            ++c.step;
            SendStep(c, done);
            return;
        }
        if (c.counted) {
            ++stats_.lifecycles;
            stats_.last_done = std::max(stats_.last_done, done);
        }
        Send(c);
    }

    void RecordStepError(Conn& c, int status, const std::string& body) {
        if (!c.counted) return;
        ++stats_.requests;
        ++stats_.errors;
        ++stats_.step_errors[std::string(kStepName[c.step]) + ":" +
                             (status == 0 ? "connection-failed" : status < 0 ? "no-id" : std::to_string(status))];
        if (stats_.error_sample.empty() && !body.empty()) stats_.error_sample = body.substr(0, 400);
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
        std::string body;
        long used = ParseResponse(c.in, &status, &close_after, lc_ ? &body : nullptr);
        if (used == 0) return;
        if (used < 0) {
            Fail(c, true);
            return;
        }
        c.in.erase(0, static_cast<size_t>(used));
        c.busy = false;
        if (close_after || !c.in.empty()) Reset(c);
        if (lc_) {
            OnStep(c, status, body, SteadyClock::now());
            return;
        }
        Record(c, status, SteadyClock::now(), true);
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
        if (lc_) {
            if (was_busy) RecordStepError(c, 0, "");
        } else if (was_busy && c.counted) {
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
    const Lifecycle* lc_;  // non-null: --lifecycle
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

// The first leaf category (小類) code in a case type's category tree: an object with a "code" and
// no nested list of objects with codes (whatever the list is called).
std::string FirstLeafCategory(const duban::core::Json& node) {
    if (node.is_array()) {
        for (const auto& e : node) {
            std::string c = FirstLeafCategory(e);
            if (!c.empty()) return c;
        }
        return "";
    }
    if (!node.is_object()) return "";
    for (const auto& [k, v] : node.items()) {
        if (!v.is_array() || v.empty() || !v[0].is_object() || !v[0].contains("code")) continue;
        std::string c = FirstLeafCategory(v);
        if (!c.empty()) return c;
    }
    if (node.contains("code") && node["code"].is_string()) return node["code"].get<std::string>();
    return "";
}

// Set-up for --lifecycle: one session per connection (or the bearer token), the category and the
// unit, the request bodies.
std::unique_ptr<Lifecycle> SetUpLifecycle(Options& o) {
    using duban::core::Json;
    auto lc = std::make_unique<Lifecycle>();
    if (!o.login.empty()) {
        size_t colon = o.login.find(':');
        if (colon == std::string::npos || colon == 0) Die("--login takes USER:PASSWORD");
        std::string req = Json{{"username", o.login.substr(0, colon)}, {"password", o.login.substr(colon + 1)}}.dump();
        const std::string none;
        for (int i = 0; i < o.concurrency; ++i) {
            std::string body, head;
            int st = SimpleRequest(o, "POST", "/api/v1/session", &body, req, &none, &head);
            if (st != 200 && st != 201) Die("POST /api/v1/session answered " + std::to_string(st) + ": " + body);
            auto j = Json::parse(body, nullptr, false);
            if (j.is_discarded() || !j.contains("csrf_token")) Die("the login answer has no csrf_token: " + body);
            if (j.value("must_change_password", false)) Die("the account must change its password first");
            std::string_view cookie;
            if (!HeaderValue(head, "set-cookie", &cookie)) Die("the login answer sets no cookie");
            std::string c(cookie.substr(0, cookie.find(';')));
            lc->auth.push_back("Cookie: " + c + "\r\nX-CSRF-Token: " + j["csrf_token"].get<std::string>() + "\r\n");
        }
    } else {
        lc->auth.assign(static_cast<size_t>(o.concurrency), "Authorization: Bearer " + o.token + "\r\n");
    }
    const std::string& auth0 = lc->auth[0];
    if (o.category.empty()) {
        std::string body;
        int st = SimpleRequest(o, "GET", "/api/v1/case-types/" + o.case_type, &body, "", &auth0);
        if (st != 200) Die("GET /api/v1/case-types/" + o.case_type + " answered " + std::to_string(st) + ": " + body.substr(0, 300));
        auto j = Json::parse(body, nullptr, false);
        if (j.is_discarded() || !j.contains("categories")) Die("case type " + o.case_type + " has no categories");
        o.category = FirstLeafCategory(j["categories"]);
        if (o.category.empty()) Die("no category code found in case type " + o.case_type);
    }
    if (o.unit <= 0) {
        std::string body;
        int st = SimpleRequest(o, "GET", "/api/v1/dispatch-rules", &body, "", &auth0);
        auto j = Json::parse(body, nullptr, false);
        if (st == 200 && !j.is_discarded()) {
            const Json& rules = !j.is_object() ? j : j.contains("rules") ? j["rules"] : j.contains("items") ? j["items"] : j;
            if (rules.is_array())
                for (const auto& r : rules)
                    if (r.is_object() && r.value("type", "") == o.case_type && r.contains("lead_unit_id") &&
                        r["lead_unit_id"].is_number_integer()) {
                        o.unit = r["lead_unit_id"].get<int64_t>();
                        break;
                    }
        }
    }
    if (o.unit <= 0) {
        std::string body;
        int st = SimpleRequest(o, "GET", "/api/v1/org-units?kind=department&per_page=1", &body, "", &auth0);
        auto j = Json::parse(body, nullptr, false);
        if (st != 200 || j.is_discarded() || !j.contains("items") || j["items"].empty())
            Die("no unit to dispatch to (no dispatch rule for " + o.case_type + ", no department visible); give --unit");
        o.unit = j["items"][0]["id"].get<int64_t>();
    }
    Json create = {{"type", o.case_type}, {"category", o.category}, {"source", "hotline"}, {"description", kCaseBody},
                   {"title", "@TITLE@"}};
    if (!o.create_fields.empty()) {
        auto extra = Json::parse(o.create_fields, nullptr, false);
        if (extra.is_discarded() || !extra.is_object()) Die("--create-fields takes a JSON object");
        for (const auto& [k, v] : extra.items()) create[k] = v;
    }
    std::string cb = create.dump();
    size_t at = cb.find("@TITLE@");
    lc->create_prefix = cb.substr(0, at);
    lc->create_suffix = cb.substr(at + 7);
    lc->dispatch_body = Json{{"unit_id", o.unit}, {"note", kDispatchNote}}.dump();
    lc->note_body = Json{{"text", kNoteText}}.dump();
    lc->close_body = Json{{"note", kCloseNote}}.dump();
    return lc;
}

int ReportLifecycle(const Options& o, Stats& all, SteadyClock::time_point count_from) {
    double secs = std::chrono::duration<double>(std::max(all.last_done, count_from) - count_from).count();
    if (secs <= 0) secs = o.seconds;
    const double lps = static_cast<double>(all.lifecycles) / secs;
    const double wps = static_cast<double>(all.ok) / secs;
    const double p50 = Percentile(all.lat_ms, 0.50), p99 = Percentile(all.lat_ms, 0.99);
    if (o.header)
        std::printf("%11s %10s %7s %12s %9s %8s %8s   %s\n", "concurrency", "lifecycles", "errors", "lifecycles/s",
                    "writes/s", "p50 ms", "p99 ms", "per step p50/p99 ms");
    std::string steps;
    double sp50[kSteps], sp99[kSteps];
    for (int k = 0; k < kSteps; ++k) {
        sp50[k] = Percentile(all.step_ms[k], 0.50);
        sp99[k] = Percentile(all.step_ms[k], 0.99);
        char b[96];
        std::snprintf(b, sizeof b, "%s%s %.2f/%.2f", k ? ", " : "", kStepName[k], sp50[k], sp99[k]);
        steps += b;
    }
    std::printf("%11d %10lld %7lld %12.1f %9.0f %8.2f %8.2f   %s\n", o.concurrency, all.lifecycles, all.errors, lps, wps,
                p50, p99, steps.c_str());
    if (!all.step_errors.empty()) {
        std::fprintf(stderr, "duban_loadgen: failed steps:");
        for (auto& [k, v] : all.step_errors) std::fprintf(stderr, " %s=%lld", k.c_str(), v);
        std::fprintf(stderr, "\n");
        if (!all.error_sample.empty()) std::fprintf(stderr, "duban_loadgen: first failed answer: %s\n", all.error_sample.c_str());
    }
    std::printf("RESULT lifecycle concurrency=%d lifecycles=%lld errors=%lld seconds=%.3f lifecycles_per_s=%.2f "
                "writes_per_s=%.1f p50_ms=%.3f p99_ms=%.3f category=%s unit=%lld",
                o.concurrency, all.lifecycles, all.errors, secs, lps, wps, p50, p99, o.category.c_str(), o.unit);
    for (int k = 0; k < kSteps; ++k) std::printf(" %s_p50_ms=%.3f %s_p99_ms=%.3f", kStepName[k], sp50[k], kStepName[k], sp99[k]);
    std::printf("\n");
    return 0;
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
        else if (a == "--lifecycle") o.lifecycle = true;
        else if (a == "--login") o.login = val();
        else if (a == "--max-lifecycles") o.max_lifecycles = std::atoll(val().c_str());
        else if (a == "--unit") o.unit = std::atoll(val().c_str());
        else if (a == "--category") o.category = val();
        else if (a == "--case-type") o.case_type = val();
        else if (a == "--create-fields") o.create_fields = val();
        else if (a == "--help" || a == "-h") {
            std::printf("usage: duban_loadgen --port P --token BEARER --parent ID [--host 127.0.0.1] [--concurrency N]\n"
                        "                     [--seconds S] [--warmup W] [--max-requests R] [--threads T] [--header]\n"
                        "       duban_loadgen --port P --token BEARER --get PATH [--concurrency N] [--seconds S] ...\n"
                        "       duban_loadgen --port P --token BEARER --find-street\n"
                        "       duban_loadgen --port P (--login USER:PASSWORD | --token BEARER) --lifecycle [--unit ID]\n"
                        "                     [--category CODE] [--case-type hotline] [--create-fields JSON]\n"
                        "                     [--max-lifecycles N] [--concurrency N] [--seconds S] [--warmup W] [--header]\n");
            return 0;
        } else Die("unknown option " + a);
    }
    if (o.port <= 0 || o.port > 65535) Die("--port is required (1-65535)");
    if (o.token.empty() && !(o.lifecycle && !o.login.empty())) Die("--token is required (or --lifecycle --login USER:PASSWORD)");
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

    if (o.get_path.empty() && !o.lifecycle && o.parent <= 0) Die("--parent is required (a street id)");
    if (!o.get_path.empty() && (o.get_path[0] != '/' || o.get_path.find_first_of(" \r\n") != std::string::npos))
        Die("--get takes a path starting with '/'");
    if (o.concurrency < 1 || o.concurrency > 4096) Die("--concurrency must be in [1, 4096]");
    if (o.seconds <= 0 || o.seconds > 600) Die("--seconds must be in (0, 600]");
    if (o.warmup < 0 || o.warmup > 60) Die("--warmup must be in [0, 60]");
    if (o.max_requests < 0) Die("--max-requests must be >= 0");
    if (o.max_lifecycles < 0) Die("--max-lifecycles must be >= 0");
    if (o.lifecycle && !o.get_path.empty()) Die("--lifecycle and --get exclude each other");
    std::unique_ptr<Lifecycle> lc;
    if (o.lifecycle) lc = SetUpLifecycle(o);
    o.threads = std::clamp(o.threads, 1, std::min(o.concurrency, 64));

    const auto start = SteadyClock::now();
    const auto count_from = start + std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(o.warmup));
    const auto deadline = count_from + std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(o.seconds));
    std::atomic<long long> issued{0};
    std::vector<std::unique_ptr<Loop>> loops;
    for (int t = 0; t < o.threads; ++t) {
        std::vector<int> ids;
        for (int c = t; c < o.concurrency; c += o.threads) ids.push_back(c);
        loops.push_back(std::make_unique<Loop>(o, ids, count_from, deadline, &issued, lc.get()));
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
        all.lifecycles += s.lifecycles;
        for (int k = 0; k < kSteps; ++k) all.step_ms[k].insert(all.step_ms[k].end(), s.step_ms[k].begin(), s.step_ms[k].end());
        for (auto& [k, v] : s.step_errors) all.step_errors[k] += v;
        if (all.error_sample.empty()) all.error_sample = s.error_sample;
    }
    if (o.lifecycle) return ReportLifecycle(o, all, count_from);
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
