#include <gtest/gtest.h>

#include "store/store.hpp"
#include "test_util.hpp"

using namespace duban;

class ChainStore : public test::BackendTest {};
DUBAN_INSTANTIATE_BACKENDS(ChainStore);

namespace {
void AppendEvents(test::TempDb& t, int n) {
    core::ManualClock clock(std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000)));
    store::Pipeline p(*t.db, clock);
    p.Start();
    for (int i = 0; i < n; ++i) {
        auto r = p.Execute({7, "tester", "127.0.0.1"}, [i](store::WriteTx& tx) -> core::Result<core::Json> {
            tx.Emit("test.event", "thing", i, {{"i", i}, {"名", "沙河口"}});
            return core::Json::object();
        });
        ASSERT_TRUE(r.ok());
    }
    p.Stop();
}
}  // namespace

TEST(Chain, HashCoversContentAndPrevious) {
    store::Event e;
    e.seq = 1;
    e.at = "2026-01-01T00:00:00.000Z";
    e.actor = "a";
    e.action = "x";
    e.object_type = "t";
    e.payload = {{"k", 1}};
    auto h1 = store::EventHash(store::kGenesisHash, e);
    e.payload = {{"k", 2}};
    auto h2 = store::EventHash(store::kGenesisHash, e);
    EXPECT_NE(h1, h2);
    EXPECT_NE(store::EventHash(h1, e), h2);
    EXPECT_EQ(h1.size(), 64u);
}

TEST_P(ChainStore, VerifiesIntactChain) {
    test::TempDb t(GetParam());
    AppendEvents(t, 25);
    auto c = t.db->Connect();
    auto rep = store::VerifyChain(*c);
    EXPECT_EQ(rep.count, 25);
    EXPECT_EQ(rep.head_seq, 25);
    EXPECT_FALSE(rep.first_bad_seq.has_value()) << rep.problem;
    auto last = store::GetEvent(*c, 25);
    ASSERT_TRUE(last);
    EXPECT_EQ(rep.head_hash, last->hash);
}

TEST_P(ChainStore, NamesTheFirstTamperedSeq) {
    test::TempDb t(GetParam());
    AppendEvents(t, 10);
    auto c = t.db->Connect();
    c->Exec("UPDATE events SET payload = ? WHERE seq = 6", {std::string(R"({"i":99,"名":"沙河口"})")});
    auto rep = store::VerifyChain(*c);
    ASSERT_TRUE(rep.first_bad_seq.has_value());
    EXPECT_EQ(*rep.first_bad_seq, 6);
    EXPECT_EQ(rep.count, 10);
}

TEST_P(ChainStore, DetectsADeletedEvent) {
    test::TempDb t(GetParam());
    AppendEvents(t, 10);
    auto c = t.db->Connect();
    c->Exec("DELETE FROM events WHERE seq = 4");
    auto rep = store::VerifyChain(*c);
    ASSERT_TRUE(rep.first_bad_seq.has_value());
    EXPECT_EQ(*rep.first_bad_seq, 4);
}

TEST_P(ChainStore, DetectsARewrittenHashChain) {
    // Changing a payload and recomputing that event's own hash still breaks the next link.
    test::TempDb t(GetParam());
    AppendEvents(t, 5);
    auto c = t.db->Connect();
    auto e = *store::GetEvent(*c, 3);
    e.payload = {{"forged", true}};
    std::string h = store::EventHash(e.prev_hash, e);
    c->Exec("UPDATE events SET payload = ?, hash = ? WHERE seq = 3", {core::CanonicalJson(e.payload), h});
    auto rep = store::VerifyChain(*c);
    ASSERT_TRUE(rep.first_bad_seq.has_value());
    EXPECT_EQ(*rep.first_bad_seq, 4);
}

TEST(Chain, CanonicalBytesEqualSortedCompactJson) {
    store::Event e;
    e.seq = 42;
    e.at = "2026-11-28T12:00:00.000Z";
    e.actor_id = 7;
    e.actor = "张三 \"quoted\" \\ back\tslash\x01";
    e.action = "org_unit.create";
    e.object_type = "org_unit";
    e.payload = {{"名称", "沙河口区\n"}, {"a", {1, 2.5, nullptr, true}}};
    core::Json j = {{"seq", e.seq}, {"at", e.at}, {"actor_id", 7}, {"actor", e.actor}, {"action", e.action},
                    {"object_type", e.object_type}, {"object_id", nullptr}, {"payload", e.payload}};
    EXPECT_EQ(store::EventCanonicalBytes(e), core::CanonicalJson(j));
}
