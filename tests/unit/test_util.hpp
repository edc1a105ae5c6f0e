#pragma once
#include <filesystem>
#include <string>
#include <unistd.h>

#include "store/store.hpp"

namespace duban::test {

/// A fresh SQLite database in a temp directory, migrated; removed at the end.
struct TempDb {
    std::filesystem::path dir;
    std::unique_ptr<store::Database> db;
    TempDb() {
        char tmpl[] = "/tmp/duban-unit-XXXXXX";
        dir = mkdtemp(tmpl);
        store::DbOptions o;
        o.sqlite_path = (dir / "t.db").string();
        db = std::make_unique<store::Database>(o);
        auto c = db->Connect();
        store::Migrate(*c);
    }
    ~TempDb() {
        db.reset();
        std::filesystem::remove_all(dir);
    }
};

}  // namespace duban::test
