#pragma once
// The SQLite VFS the store opens its databases with (see sqlite_vfs.cpp).

struct sqlite3;

namespace duban::store {

/// Registers (once) and names the VFS that writes each commit's WAL frames with one pwrite;
/// nullptr if SQLite's "unix" VFS is missing, and then connections use SQLite's default.
const char* WalBatchingVfs();
/// Every connection opened through it must call this once (it sets the connection's rollback
/// hook) and keep synchronous=FULL, so that each commit's frames are written at its sync.
void WatchRollbacks(sqlite3* db);

}  // namespace duban::store
