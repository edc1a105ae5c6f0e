#include "store/db.hpp"

namespace duban::store {

int64_t Row::Int(size_t i) const {
    const Value& v = cols.at(i);
    if (auto p = std::get_if<int64_t>(&v)) return *p;
    if (auto p = std::get_if<double>(&v)) return static_cast<int64_t>(*p);
    if (auto p = std::get_if<std::string>(&v)) return p->empty() ? 0 : std::stoll(*p);
    return 0;
}
double Row::Real(size_t i) const {
    const Value& v = cols.at(i);
    if (auto p = std::get_if<double>(&v)) return *p;
    if (auto p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
    if (auto p = std::get_if<std::string>(&v)) return p->empty() ? 0 : std::stod(*p);
    return 0;
}
std::string Row::Str(size_t i) const {
    const Value& v = cols.at(i);
    if (auto p = std::get_if<std::string>(&v)) return *p;
    if (auto p = std::get_if<int64_t>(&v)) return std::to_string(*p);
    if (auto p = std::get_if<double>(&v)) return std::to_string(*p);
    return {};
}

std::string Row::TakeStr(size_t i) {
    if (auto p = std::get_if<std::string>(&cols.at(i))) return std::move(*p);
    return Str(i);
}

Database::Database(DbOptions opts) : opts_(std::move(opts)) {}
Database::~Database() = default;

std::unique_ptr<Conn> Database::Connect() {
    if (opts_.postgres_url.empty()) return OpenSqlite(opts_.sqlite_path);
    return OpenPostgres(opts_.postgres_url);
}

Database::Lease Database::Read() {
    {
        std::lock_guard lk(mu_);
        if (!pool_.empty()) {
            auto c = std::move(pool_.back());
            pool_.pop_back();
            return Lease(this, std::move(c));
        }
    }
    return Lease(this, Connect());
}

Database::Lease::~Lease() {
    if (!c_ || !db_) return;
    std::lock_guard lk(db_->mu_);
    if (db_->pool_.size() < 16) db_->pool_.push_back(std::move(c_));
}

Tx::Tx(Conn& c, bool immediate) : c_(c) {
    c_.Exec(immediate && c_.backend() == Backend::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
}
Tx::~Tx() {
    if (!done_) {
        try {
            c_.Exec("ROLLBACK");
        } catch (...) {
        }
    }
}
void Tx::Commit() {
    c_.Exec("COMMIT");
    done_ = true;
}

}  // namespace duban::store
