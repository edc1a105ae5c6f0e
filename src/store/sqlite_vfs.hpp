#pragma once
// The SQLite VFS the store opens its databases with (see sqlite_vfs.cpp).

namespace duban::store {

/// Registers (once) and names the VFS that writes each commit's WAL frames with one pwrite;
/// nullptr if SQLite's "unix" VFS is missing, and then connections use SQLite's default.
const char* WalBatchingVfs();

}  // namespace duban::store
