// The composition root: reads the command line, opens the database, builds the pipeline and the
// server. Nothing else in duban reads configuration.
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cli/cli.hpp"
#include "indicators/indicators.hpp"
#include "report/pack.hpp"
#include "core/core.hpp"
#include "http/http.hpp"
#include "org/org.hpp"
#include "store/store.hpp"

using namespace duban;

namespace {

constexpr const char* kVersion = "0.1.0";

struct Args {
    std::vector<std::string> positional;
    std::multimap<std::string, std::string> opts;  // --key value (or "" for flags)
    bool Has(const std::string& k) const { return opts.count(k) > 0; }
    std::string Get(const std::string& k, const std::string& def = "") const {
        auto it = opts.find(k);
        return it == opts.end() ? def : it->second;
    }
    std::vector<std::string> All(const std::string& k) const {
        std::vector<std::string> v;
        auto [a, b] = opts.equal_range(k);
        for (auto it = a; it != b; ++it) v.push_back(it->second);
        return v;
    }
};

const std::vector<std::string> kFlags = {"--demo", "--password-stdin", "--help", "-h", "--no-access-log", "--savepoint-per-command", "--json", "--secure-cookies", "--totp-optional", "--test-clock", "--traditional", "--force"};

Args Parse(int argc, char** argv, int from) {
    Args a;
    for (int i = from; i < argc; ++i) {
        std::string s = argv[i];
        if (s.rfind("--", 0) == 0 || s == "-h") {
            auto eq = s.find('=');
            if (eq != std::string::npos) {
                a.opts.emplace(s.substr(0, eq), s.substr(eq + 1));
            } else if (std::find(kFlags.begin(), kFlags.end(), s) != kFlags.end()) {
                a.opts.emplace(s, "");
            } else if (i + 1 < argc) {
                a.opts.emplace(s, argv[++i]);
            } else {
                a.opts.emplace(s, "");
            }
        } else {
            a.positional.push_back(s);
        }
    }
    return a;
}

// The options each command takes; anything else is a mistake (a typo must not run against the
// default database), as is an option that wants a value and has none.
const std::map<std::string, std::vector<std::string>> kCommandOptions = {
    {"serve", {"--db", "--postgres", "--listen", "--demo", "--demo-history", "--threads", "--no-access-log", "--login-rate", "--password-list",
               "--secure-cookies", "--web-root", "--open311-jurisdiction", "--key-file", "--blob-dir", "--max-attachment-mb",
               "--read-timeout", "--savepoint-per-command", "--totp-optional", "--test-clock", "--help", "-h"}},
    {"migrate", {"--db", "--postgres", "--help", "-h"}},
    {"audit", {"--db", "--postgres", "--json", "--help", "-h"}},
    {"backup", {"--db", "--postgres", "--to", "--force", "--help", "-h"}},  // --postgres: to say pg_dump
    {"user", {"--db", "--postgres", "--username", "--role", "--scope", "--display-name", "--data-scope", "--password-stdin",
              "--password-list", "--help", "-h"}},
    {"token", {"--db", "--postgres", "--username", "--days", "--name", "--id", "--status", "--help", "-h"}},
    {"report", {"--db", "--postgres", "--month", "--out", "--unit", "--traditional", "--help", "-h"}},
};

// An integer option in [lo, hi], or def when absent; a usage error (exit 2) otherwise.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
long long IntOption(const Args& a, const std::string& key, long long lo, long long hi, long long def) {
    if (!a.Has(key)) return def;
    const std::string v = a.Get(key);
    long long x = 0;
    size_t used = 0;
    try {
        x = std::stoll(v, &used);
    } catch (...) {
        used = 0;
    }
    if (v.empty() || used != v.size() || x < lo || x > hi)
        throw UsageError(key + " takes a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                         (v.empty() ? " (none given)" : " (not " + v + ")"));
    return x;
}

int Usage(const char* msg = nullptr);

// Unknown options and options without their value, before anything is opened or created.
int CheckOptions(const std::string& cmd, const Args& a) {
    auto it = kCommandOptions.find(cmd);
    if (it == kCommandOptions.end()) return 0;  // plan and demo-cases read their own arguments
    for (const auto& [k, v] : a.opts) {
        if (std::find(it->second.begin(), it->second.end(), k) == it->second.end())
            return Usage(("unknown option " + k + " for 'duban " + cmd + "' (see duban " + cmd + " --help)").c_str());
        const bool flag = std::find(kFlags.begin(), kFlags.end(), k) != kFlags.end() || k == "--force";
        if (!flag && (v.empty() || v.rfind("--", 0) == 0))
            return Usage((k + " needs a value").c_str());
    }
    return 0;
}

int Usage(const char* msg) {
    if (msg) {  // a mistake: the message and where the usage is, not the whole usage
        std::fprintf(stderr, "duban: %s\n(duban --help lists the commands and their options)\n", msg);
        return 2;
    }
    std::fprintf(msg ? stderr : stdout,
                 "duban %s — 督辦: runs a district's annual work plan\n\n"
                 "usage:\n"
                 "  duban serve [--db PATH | --postgres URL] [--listen HOST:PORT] [--demo] [--threads N]\n"
                 "              [--demo-history N] (a new demo database also gets N generated cases of the past year)\n"
                 "              [--no-access-log] [--login-rate N] [--password-list FILE] [--secure-cookies]\n"
                 "              [--web-root DIR]   (default web/dist when it exists)\n"
                 "              [--open311-jurisdiction ID]  (Open311 jurisdiction_id; default duban.local)\n"
                 "              [--key-file FILE]  (default duban.key beside the database; keep it with backups)\n"
                 "              [--blob-dir DIR]   (attachments; default blobs/ beside the database)\n"
                 "              [--max-attachment-mb N]  (default 10)\n"
                 "              [--read-timeout S] (seconds a client may take to send a request or keep an idle\n"
                 "                                  connection; default 30)\n"
                 "              [--savepoint-per-command]  (the writer gives every command its own savepoint from\n"
                 "                                  the start, not only after one in the batch failed; slower)\n"
                 "              [--totp-optional]  (development and tests only: admins need not enrol TOTP)\n"
                 "              [--test-clock]     (automated tests only: PUT /api/v1/_test/clock sets the time)\n"
                 "  duban migrate [--db PATH | --postgres URL]\n"
                 "  duban report monthly --month YYYY-MM --out FILE.xlsx|.html|.pdf [--unit ID] [--traditional] [--db|--postgres]\n"
                 "  duban audit verify [--db PATH | --postgres URL] [--json]\n"
                 "  duban backup --to FILE [--db PATH] [--force]  (--force: replace an existing FILE)\n"
                 "  duban user add --username U --role R [--role R]... [--scope ORG_ID]... [--display-name N]\n"
                 "                 [--data-scope all|custom|unit|unit_and_below|self] --password-stdin [--db|--postgres]\n"
                 "  duban token create --username U [--days N] [--name NAME] [--db|--postgres]\n"
                 "  duban token list [--username U] [--status active|expired|revoked] [--db|--postgres]\n"
                 "  duban token revoke --id N [--db|--postgres]  (a running server refuses it within 10 s)\n"
                 "  duban plan import FILE [--year YYYY] [--out plan.json|plan.xlsx] [--lead-units FILE]\n"
                 "  duban demo-cases --count N [--db PATH | --postgres URL] [--seed S] [--days D]\n"
                 "  duban version\n\n"
                 "defaults: --db ./var/duban.db, --listen 127.0.0.1:8080\n"
                 "Each command takes --help.\n",
                 kVersion);
    return msg ? 2 : 0;
}

// The database, its -wal and -shm hold password hashes and the cases' free text: readable by the
// server's account only. Files made by an older version, or copied in, lose their group and other
// permissions, and the command says so.
void TightenDbFiles(const std::string& path) {
    for (const std::string& f : {path, path + "-wal", path + "-shm"}) {
        struct stat st {};
        if (::stat(f.c_str(), &st) != 0 || (st.st_mode & 077) == 0) continue;
        const mode_t was = st.st_mode & 0777, now = was & ~static_cast<mode_t>(077);
        if (::chmod(f.c_str(), now) == 0)
            std::fprintf(stderr, "duban: %s was readable by others (%04o): now %04o\n", f.c_str(), was, now);
    }
}

std::unique_ptr<store::Database> OpenDb(const Args& a, bool create_dir) {
    ::umask(077);  // what the commands create (database, key, attachments) is the server account's alone
    store::DbOptions o;
    o.postgres_url = a.Get("--postgres");
    o.sqlite_path = a.Get("--db", "./var/duban.db");
    if (a.Has("--postgres") && a.Has("--db")) throw std::runtime_error("give --db or --postgres, not both");
    if (o.postgres_url.empty() && create_dir) {
        auto dir = std::filesystem::path(o.sqlite_path).parent_path();
        if (!dir.empty()) std::filesystem::create_directories(dir);
    }
    if (o.postgres_url.empty() && !create_dir && !std::filesystem::exists(o.sqlite_path))
        throw std::runtime_error("no database at " + o.sqlite_path + " (run 'duban migrate' or 'duban serve' first)");
    // Before SQLite opens it: the -wal and -shm it makes take the database file's mode.
    if (o.postgres_url.empty()) TightenDbFiles(o.sqlite_path);
    return std::make_unique<store::Database>(o);
}

void MigrateDb(store::Database& db, bool verbose, bool log_applied = false) {
    auto c = db.Connect();
    auto applied = store::Migrate(*c);
    if (store::CaseTextWaiting(*c)) {  // cases written outside duban (a bulk load) into the text index
        store::Tx tx(*c, /*immediate=*/true);  // a running server may be writing
        store::IndexPendingCaseText(*c);
        tx.Commit();
    }
    if (log_applied && !verbose && !applied.empty()) {  // serve: an upgrade says what it did
        if (applied.front() == 1)
            std::fprintf(stderr, "duban: created a new database (schema %d)\n", applied.back());
        else
            for (int v : applied) std::fprintf(stderr, "duban: applied migration %d\n", v);
    }
    bool analysed = store::RefreshPlannerStats(*c);
    if (verbose) {
        if (applied.empty()) std::printf("schema is up to date (version %d)\n", store::LatestSchemaVersion());
        for (int v : applied) std::printf("applied migration %d\n", v);
        if (analysed) std::printf("refreshed the query planner's statistics of the cases\n");
    }
}

// The key that seals secrets at rest: --key-file, else beside the SQLite file, else ./var.
std::string KeyFile(const Args& a) {
    if (a.Has("--key-file")) return a.Get("--key-file");
    if (a.Has("--postgres")) {
        std::filesystem::create_directories("var");
        return "var/duban.key";
    }
    auto dir = std::filesystem::path(a.Get("--db", "./var/duban.db")).parent_path();
    return (dir.empty() ? std::filesystem::path("duban.key") : dir / "duban.key").string();
}

// Attachments' bytes: --blob-dir, else blobs/ beside the SQLite file, else ./var/blobs.
std::string BlobDir(const Args& a) {
    if (a.Has("--blob-dir")) return a.Get("--blob-dir");
    if (a.Has("--postgres")) return "var/blobs";
    auto dir = std::filesystem::path(a.Get("--db", "./var/duban.db")).parent_path();
    return (dir.empty() ? std::filesystem::path("blobs") : dir / "blobs").string();
}

void LoadPasswordList(const Args& a) {
    std::string path = a.Get("--password-list", "");
    if (path.empty()) {
        const char* env = std::getenv("DUBAN_PASSWORD_LIST");
        path = env ? env : "/usr/share/john/password.lst";
    }
    size_t n = org::LoadCommonPasswords(path);
    if (n == 0)
        std::fprintf(stderr, "duban: warning: no common-password list at %s (install john-data)\n", path.c_str());
}

int CmdServe(const Args& a) {
    if (a.Has("--help")) return Usage();
    // Every setting is checked before the database is opened: a mistake leaves no file behind.
    http::ServerSettings s;
    std::string listen = a.Get("--listen", "127.0.0.1:8080");
    auto colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0) return Usage("--listen takes HOST:PORT");
    s.host = listen.substr(0, colon);
    {
        Args port;
        port.opts.emplace("--listen port", listen.substr(colon + 1));
        s.port = static_cast<uint16_t>(IntOption(port, "--listen port", 0, 65535, 0));
    }
    s.threads = static_cast<int>(IntOption(a, "--threads", 1, 64, s.threads));
    s.login_rate_per_min = static_cast<int>(IntOption(a, "--login-rate", 1, 1000000, s.login_rate_per_min));
    s.access_log = !a.Has("--no-access-log");
    s.secure_cookies = a.Has("--secure-cookies");
    s.totp_optional = a.Has("--totp-optional");
    s.blob_dir = BlobDir(a);
    s.read_timeout_s = static_cast<int>(IntOption(a, "--read-timeout", 1, 3600, s.read_timeout_s));
    const int64_t history = IntOption(a, "--demo-history", 0, 1000000, 0);
    if (a.Has("--demo-history") && !a.Has("--demo")) throw UsageError("--demo-history goes with --demo");
    if (a.Has("--max-attachment-mb"))
        s.attachment_limit = static_cast<size_t>(IntOption(a, "--max-attachment-mb", 1, 1024, 10)) << 20;
    s.open311_jurisdiction = a.Get("--open311-jurisdiction", "duban.local");
    s.web_root = a.Get("--web-root", std::filesystem::exists("web/dist/index.html") ? "web/dist" : "");
    if (!s.web_root.empty() && !std::filesystem::exists(std::filesystem::path(s.web_root) / "index.html"))
        return Usage(("--web-root " + s.web_root + " has no index.html (run make build)").c_str());
    if (s.web_root.empty())
        std::fprintf(stderr, "duban: warning: no web/dist/index.html here and no --web-root: the API is served, the web "
                             "pages are not (run from the repository, or give --web-root)\n");
    const std::string key_file = KeyFile(a);
    const bool key_existed = std::filesystem::exists(key_file);
    auto db = OpenDb(a, true);
    MigrateDb(*db, false, /*log_applied=*/true);
    LoadPasswordList(a);
    if (s.totp_optional)
        std::fprintf(stderr, "duban: warning: --totp-optional: admin accounts are not made to enrol a second factor "
                             "(development and automated tests only)\n");
    core::SystemClock system_clock;
    core::ManualClock manual_clock(system_clock.Now());
    const core::Clock& clock = a.Has("--test-clock") ? static_cast<const core::Clock&>(manual_clock) : system_clock;
    if (a.Has("--test-clock")) {
        s.test_clock = &manual_clock;
        std::fprintf(stderr, "duban: warning: --test-clock: the clock is manual and PUT /api/v1/_test/clock sets it "
                             "(automated tests only)\n");
    }
    // The key must be the one the stored secrets were sealed with: a restored database started
    // without its duban.key would otherwise answer empty personal data and seal new data with a
    // second key.
    std::optional<std::string> sealed;
    {
        auto c = db->Read();
        sealed = store::AnySealedValue(*c);
    }
    if (sealed && !key_existed) {
        std::fprintf(stderr, "duban: the database holds data sealed with a key, and there is no key file at %s: restore the "
                             "duban.key that was backed up with it (or give --key-file); see docs/operations.md, Restore\n",
                     key_file.c_str());
        return 1;
    }
    auto box = core::SecretBox::LoadOrCreate(key_file);
    if (sealed && !box.Open(*sealed)) {
        std::fprintf(stderr, "duban: the key file %s does not open the data sealed in this database: it belongs to another "
                             "database; restore the duban.key that was backed up with this one (docs/operations.md, Restore)\n",
                     key_file.c_str());
        return 1;
    }
    store::Pipeline pipeline(*db, clock, {.optimistic = !a.Has("--savepoint-per-command")});
    pipeline.Start();
    std::vector<cli::DemoLogin> logins;
    if (a.Has("--demo")) logins = cli::SeedDemo(pipeline, *db, clock.Now(), history);
    http::Server server(*db, pipeline, clock, box, s);
    server.Start();
    std::string where = db->backend() == store::Backend::kSqlite ? db->options().sqlite_path : "PostgreSQL";
    std::printf("duban %s serving http://%s:%u/ (database: %s)\n", kVersion, s.host.c_str(), server.port(), where.c_str());
    if (!logins.empty()) {
        std::printf("\ndemo logins (password for all: %s):\n", logins[0].password.c_str());
        for (auto& l : logins) std::printf("  %-16s %-10s %s\n", l.username.c_str(), l.role.c_str(), l.unit.c_str());
        std::printf("\nThe district and its streets are real (统计用区划代码 2023 lists 7 streets; the report counted 9 around 2010);\n"
                    "communities, grids and department codes are generated and flagged generated=true.\n");
    }
    std::fflush(stdout);
    server.Wait();
    pipeline.Stop();
    return 0;
}

int CmdMigrate(const Args& a) {
    if (a.Has("--help")) return Usage();
    auto db = OpenDb(a, true);
    MigrateDb(*db, true);
    return 0;
}

int CmdAudit(const Args& a) {
    if (a.positional.size() < 2 || a.positional[1] != "verify" || a.Has("--help")) return Usage(a.Has("--help") ? nullptr : "usage: duban audit verify [--db PATH | --postgres URL]");
    auto db = OpenDb(a, false);
    auto c = db->Connect();
    auto rep = store::VerifyChain(*c);
    if (a.Has("--json")) {
        core::Json j = {{"ok", !rep.first_bad_seq}, {"count", rep.count}, {"head_seq", rep.head_seq},
                        {"head_hash", rep.head_hash},
                        {"first_bad_seq", rep.first_bad_seq ? core::Json(*rep.first_bad_seq) : core::Json(nullptr)},
                        {"problem", rep.problem}};
        std::printf("%s\n", j.dump().c_str());
    } else {
        std::printf("events: %lld\nhead seq: %lld\nhead hash: %s\n", static_cast<long long>(rep.count),
                    static_cast<long long>(rep.head_seq), rep.head_hash.c_str());
        if (rep.first_bad_seq)
            std::printf("BROKEN at seq %lld: %s\n", static_cast<long long>(*rep.first_bad_seq), rep.problem.c_str());
        else
            std::printf("chain: ok\n");
    }
    return rep.first_bad_seq ? 1 : 0;
}

int CmdBackup(const Args& a) {
    if (a.Has("--help")) return Usage();
    if (a.Has("--postgres")) {
        std::fprintf(stderr, "duban: backup of PostgreSQL is pg_dump's job; see docs/operations.md\n");
        return 2;
    }
    std::string to = a.Get("--to");
    if (to.empty()) return Usage("backup needs --to FILE");
    std::string from = a.Get("--db", "./var/duban.db");
    if (!std::filesystem::exists(from)) {
        std::fprintf(stderr, "duban: no database at %s\n", from.c_str());
        return 1;
    }
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::exists(to) && fs::equivalent(from, to, ec)) {
        std::fprintf(stderr, "duban: --to %s is the database itself; back up to another file\n", to.c_str());
        return 2;
    }
    if (fs::is_directory(to)) {
        std::fprintf(stderr, "duban: --to %s is a directory; name the backup file\n", to.c_str());
        return 2;
    }
    for (const char* side : {"-wal", "-shm"})
        if (fs::exists(to + side)) {  // a live database (a server's) sits there
            std::fprintf(stderr, "duban: %s%s exists: %s looks like a database in use; back up to another file\n", to.c_str(),
                         side, to.c_str());
            return 2;
        }
    if (fs::exists(to) && !a.Has("--force")) {
        std::fprintf(stderr, "duban: %s exists; give --force to replace it\n", to.c_str());
        return 2;
    }
    auto rep = store::BackupSqlite(from, to);
    if (!rep.ok()) {
        std::fprintf(stderr, "duban: %s\n", rep.error().message.c_str());
        return 1;
    }
    std::printf("backup written to %s: %lld events, head %s%s\n", to.c_str(), static_cast<long long>(rep->count),
                rep->head_hash.c_str(), rep->first_bad_seq ? " (CHAIN BROKEN)" : ", chain ok");
    std::printf("keep the key file (%s) and the attachments folder (%s) with it: see docs/operations.md\n",
                KeyFile(a).c_str(), BlobDir(a).c_str());
    return rep->first_bad_seq ? 1 : 0;
}

int CmdUser(const Args& a) {
    if (a.Has("--help")) return Usage();
    if (a.positional.size() < 2 || a.positional[1] != "add") return Usage("usage: duban user add ...");
    if (!a.Has("--password-stdin")) return Usage("user add reads the password from standard input: give --password-stdin");
    std::string pw;
    std::getline(std::cin, pw);
    while (!pw.empty() && (pw.back() == '\r' || pw.back() == '\n')) pw.pop_back();
    auto db = OpenDb(a, true);
    MigrateDb(*db, false);
    LoadPasswordList(a);
    org::UserInput in;
    in.username = a.Get("--username");
    if (a.Has("--display-name")) in.display_name = a.Get("--display-name");
    in.password = pw;
    in.roles = a.All("--role");
    std::vector<int64_t> units;
    for (auto& s : a.All("--scope")) {
        try {
            units.push_back(std::stoll(s));
        } catch (...) {
            return Usage("--scope takes an org unit id");
        }
    }
    in.units = units;
    if (a.Has("--data-scope")) in.data_scope = a.Get("--data-scope");
    core::SystemClock clock;
    store::Pipeline p(*db, clock);
    p.Start();
    auto policy = [&] { auto c = db->Read(); return org::LoadPolicy(*c); }();
    auto r = p.Execute({std::nullopt, "cli", "local"}, [&](store::WriteTx& tx) { return org::CreateUser(tx, in, policy); });
    p.Stop();
    if (!r.ok()) {
        std::fprintf(stderr, "duban: %s%s%s\n", r.error().message.c_str(), r.error().field.empty() ? "" : " (field: ",
                     r.error().field.empty() ? "" : (r.error().field + ")").c_str());
        return 1;
    }
    std::printf("created user %s (id %lld); the password must be changed at first login\n", in.username->c_str(),
                static_cast<long long>((*r)["id"].get<int64_t>()));
    return 0;
}

int CmdTokenCreate(const Args& a) {
    int days = static_cast<int>(IntOption(a, "--days", 1, 366, 90));
    auto db = OpenDb(a, false);
    std::string username = a.Get("--username");
    std::optional<store::User> u;
    {
        auto c = db->Read();
        u = store::FindUserByName(*c, username);
    }
    if (!u) {
        std::fprintf(stderr, "duban: no user %s\n", username.c_str());
        return 1;
    }
    core::SystemClock clock;
    store::Pipeline p(*db, clock);
    p.Start();
    std::string name = a.Get("--name", "cli");
    int64_t uid = u->id;
    auto r = p.Execute({std::nullopt, "cli", "local"}, [&](store::WriteTx& tx) { return org::CreateToken(tx, uid, name, days); });
    p.Stop();
    if (!r.ok()) {
        std::fprintf(stderr, "duban: %s\n", r.error().message.c_str());
        return 1;
    }
    std::printf("%s\n", (*r)["token"].get<std::string>().c_str());
    return 0;
}

// `s` padded with spaces to `cols` terminal columns: Chinese characters take two.
std::string PadColumns(const std::string& s, size_t cols) {
    size_t width = 0;
    for (size_t i = 0; i < s.size();) {
        unsigned char b = static_cast<unsigned char>(s[i]);
        size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
        char32_t cp = n == 1 ? b : (b & (0x7F >> n));
        for (size_t k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
                          (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                          (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000;
        width += wide ? 2 : 1;
        i += n;
    }
    return width >= cols ? s + " " : s + std::string(cols - width, ' ');
}

// One line per token, newest first; never a secret (only hashes are stored).
int CmdTokenList(const Args& a) {
    store::TokenFilter f;
    f.status = a.Get("--status");
    if (!f.status.empty() && !org::IsTokenStatus(f.status))
        return Usage("--status is active, expired or revoked");
    auto db = OpenDb(a, false);
    auto c = db->Read();
    if (a.Has("--username")) {
        auto u = store::FindUserByName(*c, a.Get("--username"));
        if (!u) {
            std::fprintf(stderr, "duban: no user %s\n", a.Get("--username").c_str());
            return 1;
        }
        f.user_id = u->id;
    }
    f.now = core::FormatUtc(core::SystemClock().Now());
    f.per_page = 500;
    // Times in UTC to the minute.
    auto minute = [](const std::string& t) { return t.size() >= 16 ? t.substr(0, 16) + "Z" : t; };
    std::printf("%-6s %-20s %-24s %-8s %-18s %-18s %s\n", "ID", "USER", "NAME", "STATUS", "CREATED", "LAST USED",
                "EXPIRES (REVOKED)");
    auto text = [](const core::Json& j, const char* k) { return j[k].is_string() ? j[k].get<std::string>() : std::string(); };
    int64_t shown = 0, total = 0;
    for (f.page = 1;; ++f.page) {
        auto [items, n] = store::ListTokens(*c, f);
        total = n;
        for (const auto& j : org::TokensJson(*c, items, f.now, true)) {
            const std::string used = text(j, "last_used_at"), revoked = text(j, "revoked_at");
            std::printf("%-6lld %s%s%-8s %-18s %-18s %s\n", static_cast<long long>(j["id"].get<int64_t>()),
                        PadColumns(text(j, "username"), 21).c_str(), PadColumns(text(j, "name"), 25).c_str(),
                        text(j, "status").c_str(), minute(text(j, "created_at")).c_str(),
                        used.empty() ? "never" : minute(used).c_str(),
                        revoked.empty() ? minute(text(j, "expires_at")).c_str() : ("(" + minute(revoked) + ")").c_str());
            ++shown;
        }
        if (items.empty() || shown >= total) break;
    }
    std::fflush(stdout);
    std::fprintf(stderr, "%lld token(s)\n", static_cast<long long>(total));
    return 0;
}

int CmdTokenRevoke(const Args& a) {
    if (!a.Has("--id")) return Usage("usage: duban token revoke --id N");
    int64_t id = IntOption(a, "--id", 1, 1000000000000LL, 0);
    auto db = OpenDb(a, false);
    core::SystemClock clock;
    store::Pipeline p(*db, clock);
    p.Start();
    auto r = p.Execute({std::nullopt, "cli", "local"},
                       [&](store::WriteTx& tx) { return org::RevokeToken(tx, id, std::nullopt); });
    p.Stop();
    if (!r.ok()) {
        std::fprintf(stderr, "duban: %s\n", r.error().message.c_str());
        return 1;
    }
    std::printf("revoked token %lld (%s); a running server refuses it within %d seconds\n",
                static_cast<long long>(id), (*r)["name"].get<std::string>().c_str(), http::kTokenCacheSeconds);
    return 0;
}

int CmdToken(const Args& a) {
    if (a.Has("--help")) return Usage();
    const std::string sub = a.positional.size() >= 2 ? a.positional[1] : "";
    if (sub == "create") return CmdTokenCreate(a);
    if (sub == "list") return CmdTokenList(a);
    if (sub == "revoke") return CmdTokenRevoke(a);
    return Usage("usage: duban token create|list|revoke (duban --help)");
}

}  // namespace

// duban report monthly --month YYYY-MM --out FILE.xlsx|.html|.pdf: the monthly analysis pack from
// the database, with the drafted narrative (the UI edits it before publishing).
int CmdReport(const Args& a) {
    if (a.positional.size() < 2 || a.positional[1] != "monthly" || a.Has("--help"))
        return Usage(a.Has("--help") ? nullptr : "usage: duban report monthly --month YYYY-MM --out FILE.xlsx|.html|.pdf [--unit ID] [--traditional] [--db PATH | --postgres URL]");
    std::string month = a.Get("--month"), out = a.Get("--out");
    int y = 0, m = 0;
    if (month.size() != 7 || std::sscanf(month.c_str(), "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12)
        return Usage("--month takes YYYY-MM, such as 2026-06");
    auto dot = out.rfind('.');
    std::string ext = dot == std::string::npos ? "" : out.substr(dot);
    if (ext != ".xlsx" && ext != ".html" && ext != ".pdf") return Usage("--out must end in .xlsx, .html or .pdf");
    std::optional<int64_t> unit;
    if (a.Has("--unit")) unit = IntOption(a, "--unit", 1, INT64_MAX, 1);
    auto db = OpenDb(a, false);
    auto c = db->Connect();
    indicators::Viewer v{core::Scope::All(), "cli"};
    auto d = indicators::Monthly(*c, y, m, unit, v, nullptr);
    if (!d) {
        std::fprintf(stderr, "duban report: %s\n", d.error().message.c_str());
        return 2;
    }
    auto script = a.Has("--traditional") ? report::Script::kTraditional : report::Script::kSimplified;
    auto narrative = report::DraftNarrative(*d, script);
    core::Result<std::string> bytes = ext == ".xlsx" ? report::RenderXlsx(*d, narrative, script)
                                      : ext == ".html" ? report::RenderHtml(*d, narrative, script)
                                                       : report::RenderPdf(*d, narrative, script);
    if (!bytes) {
        std::fprintf(stderr, "duban report: %s\n", bytes.error().message.c_str());
        return 2;
    }
    std::ofstream f(out, std::ios::binary);
    f << *bytes;
    if (!f) {
        std::fprintf(stderr, "duban report: cannot write %s\n", out.c_str());
        return 2;
    }
    std::fprintf(stderr, "wrote %s (%zu bytes): %s %d-%02d, %zu indicators\n", out.c_str(), bytes->size(),
                 d->district.c_str(), y, m, d->rows.size());
    return 0;
}

int main(int argc, char** argv) {
    core::InitCrypto();
    std::setvbuf(stderr, nullptr, _IOLBF, 1 << 16);
    if (argc < 2) return Usage("give a command");
    std::string cmd = argv[1];
    Args a = Parse(argc, argv, 1);
    if (int rc = CheckOptions(cmd, a); rc != 0) return rc;
    try {
        if (cmd == "serve") return CmdServe(a);
        if (cmd == "migrate") return CmdMigrate(a);
        if (cmd == "audit") return CmdAudit(a);
        if (cmd == "backup") return CmdBackup(a);
        if (cmd == "user") return CmdUser(a);
        if (cmd == "token") return CmdToken(a);
        if (cmd == "plan") return cli::PlanCommand(argc - 2, argv + 2);
        if (cmd == "demo-cases") return cli::DemoCasesCommand(argc - 2, argv + 2);
        if (cmd == "report") return CmdReport(a);
        if (cmd == "version" || cmd == "--version") {
            std::printf("duban %s (schema %d)\n", kVersion, store::LatestSchemaVersion());
            return 0;
        }
        if (cmd == "--help" || cmd == "-h" || cmd == "help") return Usage();
        return Usage(("unknown command '" + cmd + "'").c_str());
    } catch (const UsageError& e) {
        return Usage(e.what());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "duban: %s\n", e.what());
        return 1;
    }
}
