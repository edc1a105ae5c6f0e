#pragma once
// A fresh, migrated database for one test: SQLite in a temp directory, or a new database in the
// PostgreSQL cluster named by DUBAN_TEST_PG_URL (a maintenance URL ending in /postgres, which
// scripts/run-tests provides through tests/with_pg.py). Removed at the end.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/core.hpp"
#include "store/case_repos.hpp"
#include "store/store.hpp"

namespace duban::test {

inline const char* PgMaintenanceUrl() {
    const char* u = std::getenv("DUBAN_TEST_PG_URL");
    return (u && *u) ? u : nullptr;
}

struct TempDb {
    std::filesystem::path dir;
    std::string pg_name;
    std::unique_ptr<store::Database> db;
    explicit TempDb(store::Backend b = store::Backend::kSqlite) {
        store::DbOptions o;
        if (b == store::Backend::kSqlite) {
            char tmpl[] = "/tmp/duban-unit-XXXXXX";
            dir = mkdtemp(tmpl);
            o.sqlite_path = (dir / "t.db").string();
        } else {
            std::string base = PgMaintenanceUrl();
            pg_name = "unit_" + core::Sha256Hex(core::RandomToken(16)).substr(0, 16);
            auto admin = store::OpenPostgres(base);
            admin->ExecScript("CREATE DATABASE " + pg_name);
            o.postgres_url = base.substr(0, base.rfind('/') + 1) + pg_name;
        }
        db = std::make_unique<store::Database>(o);
        auto c = db->Connect();
        store::Migrate(*c);
    }
    ~TempDb() {
        db.reset();
        if (!dir.empty()) std::filesystem::remove_all(dir);
        if (!pg_name.empty()) {
            try {
                store::OpenPostgres(PgMaintenanceUrl())->ExecScript("DROP DATABASE IF EXISTS " + pg_name + " WITH (FORCE)");
            } catch (...) {
            }
        }
    }
};

/// A minimal urban case row for store tests: numbered T-<id>, in stage handle, reported at the
/// start of 2026; the caller sets the place, text or units it tests.
inline store::CaseRow TestCase(int64_t id, std::string title = "t") {
    store::CaseRow r;
    r.id = id;
    r.number = "T-" + std::to_string(id);
    r.type = "urban";
    r.category = "c";
    r.category_major = "m";
    r.title = std::move(title);
    r.stage = "handle";
    r.reported_at = r.stage_started_at = r.updated_at = "2026-01-01T00:00:00.000Z";
    return r;
}

/// Storage-contract tests run once per backend; PostgreSQL is skipped without a cluster.
class BackendTest : public ::testing::TestWithParam<store::Backend> {
protected:
    void SetUp() override {
        core::InitCrypto();
        if (GetParam() == store::Backend::kPostgres && !PgMaintenanceUrl())
            GTEST_SKIP() << "DUBAN_TEST_PG_URL not set (scripts/run-tests sets it)";
    }
};

inline std::string BackendName(const ::testing::TestParamInfo<store::Backend>& i) {
    return i.param == store::Backend::kSqlite ? "sqlite" : "postgres";
}

}  // namespace duban::test

#define DUBAN_INSTANTIATE_BACKENDS(Suite)                                                    \
    INSTANTIATE_TEST_SUITE_P(Backends, Suite,                                               \
                             ::testing::Values(duban::store::Backend::kSqlite,              \
                                               duban::store::Backend::kPostgres),           \
                             duban::test::BackendName)
