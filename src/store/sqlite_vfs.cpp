// A thin VFS over SQLite's own "unix" VFS that gathers a commit's WAL writes into one pwrite.
//
// SQLite writes each WAL frame as two writes (its 24-byte header, then the page), so a commit of
// 18 pages is 36 pwrite calls before its fdatasync; at a few thousand commits a second those
// calls were a tenth of the server's CPU (docs/benchmarks.md). Here contiguous writes to a WAL file
// are kept in memory and written as one pwrite before anything that needs them on disk or visible:
// the sync (with synchronous=FULL SQLite syncs every commit before it publishes the commit in the
// WAL index, so other connections never read a frame that is still in this buffer), a read, the
// file's size, a truncate, a lock change and the close. A write that does not continue the buffer
// flushes it first, so writes reach the file in the order SQLite made them. A failed flush is the
// failed write SQLite would have seen, reported at the sync that needed it: the commit fails and
// rolls back. Every other file (database, journal, shared memory) goes straight to "unix".
#include "store/sqlite_vfs.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <mutex>
#include <new>
#include <string>

namespace duban::store {
namespace {

// At most this much is written in one call: the "unix" VFS's write sends at most 0x1ffff bytes per
// pwrite and reports SQLITE_FULL when what is left is a multiple of 128 KiB.
constexpr size_t kMaxPending = 0x1ffff;

sqlite3_vfs* g_base = nullptr;
sqlite3_vfs g_vfs;

struct WalFile {
    sqlite3_file base;    // pMethods = &kWalMethods
    sqlite3_file* real;   // the "unix" file, placed after this struct in the same allocation
    std::string* pending; // bytes not yet written, starting at file offset `at`
    sqlite3_int64 at;
};

constexpr int kRealOffset = (sizeof(WalFile) + 7) & ~7;

WalFile* W(sqlite3_file* f) { return reinterpret_cast<WalFile*>(f); }

int Flush(WalFile* f) {
    if (f->pending->empty()) return SQLITE_OK;
    int rc = f->real->pMethods->xWrite(f->real, f->pending->data(), static_cast<int>(f->pending->size()), f->at);
    f->pending->clear();
    return rc;
}

int WalClose(sqlite3_file* pf) {
    WalFile* f = W(pf);
    int rc = Flush(f);
    int rc2 = f->real->pMethods->xClose(f->real);
    delete f->pending;
    f->pending = nullptr;
    return rc != SQLITE_OK ? rc : rc2;
}
int WalWrite(sqlite3_file* pf, const void* buf, int n, sqlite3_int64 off) {
    WalFile* f = W(pf);
    std::string& p = *f->pending;
    if (!p.empty() && off == f->at + static_cast<sqlite3_int64>(p.size()) && p.size() + n <= kMaxPending) {
        p.append(static_cast<const char*>(buf), n);  // within the reserved capacity: no allocation
        return SQLITE_OK;
    }
    if (int rc = Flush(f); rc != SQLITE_OK) return rc;
    if (static_cast<size_t>(n) > kMaxPending) return f->real->pMethods->xWrite(f->real, buf, n, off);
    p.assign(static_cast<const char*>(buf), n);
    f->at = off;
    return SQLITE_OK;
}
// The other methods: those that need the bytes in the file flush first; the rest pass through.
template <auto Method, typename... Args>
int FlushThen(sqlite3_file* pf, Args... args) {
    WalFile* f = W(pf);
    if (int rc = Flush(f); rc != SQLITE_OK) return rc;
    return (f->real->pMethods->*Method)(f->real, args...);
}
template <auto Method, typename... Args>
int Pass(sqlite3_file* pf, Args... args) {
    return (W(pf)->real->pMethods->*Method)(W(pf)->real, args...);
}

// Version 1: SQLite maps only the database file into memory and keeps its shared memory on the
// database file's methods, never on the WAL's.
using M = sqlite3_io_methods;
const sqlite3_io_methods kWalMethods = {
    1,
    WalClose,
    FlushThen<&M::xRead, void*, int, sqlite3_int64>,
    WalWrite,
    FlushThen<&M::xTruncate, sqlite3_int64>,
    FlushThen<&M::xSync, int>,
    FlushThen<&M::xFileSize, sqlite3_int64*>,
    FlushThen<&M::xLock, int>,
    FlushThen<&M::xUnlock, int>,
    Pass<&M::xCheckReservedLock, int*>,
    FlushThen<&M::xFileControl, int, void*>,
    Pass<&M::xSectorSize>,
    Pass<&M::xDeviceCharacteristics>,
};

int Open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* pf, int flags, int* out_flags) {
    if (!(flags & SQLITE_OPEN_WAL)) return g_base->xOpen(g_base, name, pf, flags, out_flags);
    WalFile* f = W(pf);
    f->base.pMethods = nullptr;
    f->pending = nullptr;
    f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(pf) + kRealOffset);
    int rc = g_base->xOpen(g_base, name, f->real, flags, out_flags);
    if (rc != SQLITE_OK) return rc;
    try {  // nothing may throw back into SQLite
        f->pending = new std::string();
        f->pending->reserve(kMaxPending);
    } catch (const std::bad_alloc&) {
        delete f->pending;
        f->real->pMethods->xClose(f->real);
        return SQLITE_NOMEM;
    }
    f->at = 0;
    f->base.pMethods = &kWalMethods;
    return SQLITE_OK;
}

// The connection's WAL file when it is open through this VFS.
WalFile* WalOf(sqlite3* db) {
    sqlite3_file* pf = nullptr;
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &pf) != SQLITE_OK || !pf ||
        pf->pMethods != &kWalMethods)
        return nullptr;
    return W(pf);
}

// A transaction that ends without committing may leave frames it spilled in the buffer: they were
// never committed, and once the write lock is gone another connection may commit frames at the
// same offsets, so they must not be written later. (SQLite's own VFS wrote them at once, under the
// lock, where the next commit overwrote them.)
void DropRolledBack(void* db) {
    if (WalFile* f = WalOf(static_cast<sqlite3*>(db))) {
        f->pending->clear();
    }
}

}  // namespace

void WatchRollbacks(sqlite3* db) { sqlite3_rollback_hook(db, DropRolledBack, db); }

const char* WalBatchingVfs() {
    static std::once_flag once;
    static const char* name = nullptr;
    std::call_once(once, [] {
        // Before SQLite initialises: no allocation statistics, so no global mutex around every
        // malloc and free (nothing reads sqlite3_memory_used).
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        g_base = sqlite3_vfs_find("unix");
        if (!g_base) return;
        g_vfs = *g_base;
        g_vfs.zName = "duban-wal";
        g_vfs.szOsFile = std::max(g_base->szOsFile, kRealOffset + g_base->szOsFile);
        g_vfs.xOpen = Open;
        g_vfs.pNext = nullptr;
        if (sqlite3_vfs_register(&g_vfs, 0) == SQLITE_OK) name = g_vfs.zName;
    });
    return name;
}

}  // namespace duban::store
