// PostgreSQL connection over libpq. '?' placeholders become $1..$n; statements are prepared once
// per connection and cached by SQL text. Values travel as text.
#include <libpq-fe.h>

#include <string>
#include <unordered_map>

#include "store/db.hpp"

namespace duban::store {
namespace {

std::string ToDollar(std::string_view sql) {
    std::string out;
    out.reserve(sql.size() + 16);
    int n = 0;
    bool in_str = false;
    for (char c : sql) {
        if (c == '\'') in_str = !in_str;
        if (c == '?' && !in_str) {
            out += '$';
            out += std::to_string(++n);
        } else {
            out += c;
        }
    }
    return out;
}

class PgConn final : public Conn {
public:
    explicit PgConn(const std::string& url) {
        conn_ = PQconnectdb(url.c_str());
        if (PQstatus(conn_) != CONNECTION_OK) {
            std::string msg = PQerrorMessage(conn_);
            PQfinish(conn_);
            conn_ = nullptr;
            throw DbError(DbErrorKind::kConnection, "cannot connect to PostgreSQL: " + msg);
        }
        PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
        ExecScript("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'");
    }
    ~PgConn() override { PQfinish(conn_); }

    std::vector<Row> Query(std::string_view sql, const std::vector<Value>& params) override {
        PGresult* r = Run(sql, params);
        std::vector<Row> rows;
        int nrow = PQntuples(r), ncol = PQnfields(r);
        rows.reserve(nrow);
        for (int i = 0; i < nrow; ++i) {
            Row row;
            row.cols.reserve(ncol);
            for (int j = 0; j < ncol; ++j) {
                if (PQgetisnull(r, i, j)) {
                    row.cols.emplace_back(nullptr);
                    continue;
                }
                const char* v = PQgetvalue(r, i, j);
                switch (PQftype(r, j)) {
                    case 20: case 21: case 23: row.cols.emplace_back(static_cast<int64_t>(std::stoll(v))); break;
                    case 16: row.cols.emplace_back(static_cast<int64_t>(v[0] == 't' ? 1 : 0)); break;
                    case 700: case 701: row.cols.emplace_back(std::stod(v)); break;
                    default: row.cols.emplace_back(std::string(v, PQgetlength(r, i, j)));
                }
            }
            rows.push_back(std::move(row));
        }
        PQclear(r);
        return rows;
    }

    int64_t Exec(std::string_view sql, const std::vector<Value>& params) override {
        PGresult* r = Run(sql, params);
        const char* n = PQcmdTuples(r);
        int64_t changed = (n && *n) ? std::stoll(n) : 0;
        PQclear(r);
        return changed;
    }

    void ExecScript(std::string_view sql) override {
        std::string s(sql);
        PGresult* r = PQexec(conn_, s.c_str());
        Check(r);
        PQclear(r);
    }

    Backend backend() const override { return Backend::kPostgres; }
    bool InTransaction() const override { return conn_ && PQtransactionStatus(conn_) != PQTRANS_IDLE; }

private:
    PGresult* Run(std::string_view sql, const std::vector<Value>& params) {
        std::string key(sql);
        auto it = names_.find(key);
        std::string name;
        if (it == names_.end()) {
            name = "s" + std::to_string(names_.size() + 1);
            std::string text = ToDollar(sql);
            PGresult* p = PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr);
            Check(p);
            PQclear(p);
            names_.emplace(std::move(key), name);
        } else {
            name = it->second;
        }
        std::vector<std::string> texts(params.size());
        std::vector<const char*> ptrs(params.size(), nullptr);
        for (size_t i = 0; i < params.size(); ++i) {
            const Value& v = params[i];
            if (std::holds_alternative<std::nullptr_t>(v)) continue;
            if (auto p = std::get_if<int64_t>(&v))
                texts[i] = std::to_string(*p);
            else if (auto p = std::get_if<double>(&v)) {
                char buf[64];
                std::snprintf(buf, sizeof buf, "%.17g", *p);
                texts[i] = buf;
            } else
                texts[i] = std::get<std::string>(v);
            ptrs[i] = texts[i].c_str();
        }
        PGresult* r = PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()),
                                     ptrs.data(), nullptr, nullptr, 0);
        Check(r);
        return r;
    }

    void Check(PGresult* r) {
        auto st = PQresultStatus(r);
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return;
        std::string msg = r ? PQresultErrorMessage(r) : PQerrorMessage(conn_);
        const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
        std::string code = state ? state : "";
        PQclear(r);
        DbErrorKind k = DbErrorKind::kOther;
        if (code == "23505") k = DbErrorKind::kUnique;
        else if (code == "23503") k = DbErrorKind::kForeignKey;
        else if (code == "23514" || code == "23502") k = DbErrorKind::kCheck;
        else if (code == "40001" || code == "40P01" || code == "55P03") k = DbErrorKind::kBusy;
        else if (PQstatus(conn_) != CONNECTION_OK) k = DbErrorKind::kConnection;
        throw DbError(k, msg);
    }

    PGconn* conn_ = nullptr;
    std::unordered_map<std::string, std::string> names_;
};

}  // namespace

std::unique_ptr<Conn> OpenPostgres(const std::string& url) { return std::make_unique<PgConn>(url); }

}  // namespace duban::store
