#include <gtest/gtest.h>

#include <cstdlib>

#include "org/org.hpp"
#include "store/case_repos.hpp"
#include "test_util.hpp"

using namespace duban;

namespace {
class OrgTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        core::InitCrypto();
        const char* list = std::getenv("DUBAN_PASSWORD_LIST");
        org::LoadCommonPasswords(list ? list : "/usr/share/john/password.lst");
    }
    core::Result<core::Json> Run(store::CommandFn fn) { return pipeline_.Execute({1, "tester", ""}, std::move(fn)); }
    int64_t Create(std::optional<int64_t> parent, const char* kind, const char* name, const core::Scope& s = core::Scope::All()) {
        org::OrgInput in;
        in.parent_id = parent;
        in.kind = kind;
        in.name = name;
        auto r = Run([&](store::WriteTx& tx) { return org::CreateOrgUnit(tx, s, in); });
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
        return r.ok() ? (*r)["id"].get<int64_t>() : 0;
    }
    void SetUp() override { pipeline_.Start(); }
    void TearDown() override { pipeline_.Stop(); }
    test::TempDb t_;
    core::SystemClock clock_;
    store::Pipeline pipeline_{*t_.db, clock_};
};
}  // namespace

TEST_F(OrgTest, PasswordPolicy) {
    org::SecurityPolicy p;
    EXPECT_TRUE(org::CheckPassword("zhang.san", "Chunliu-2026-ok", p).ok());
    auto short_pw = org::CheckPassword("zhang.san", "Ab1!short", p);
    ASSERT_FALSE(short_pw.ok());
    EXPECT_EQ(short_pw.error().field, "password");
    EXPECT_FALSE(org::CheckPassword("zhang.san", "alllowercaseletters", p).ok());  // one class
    EXPECT_FALSE(org::CheckPassword("zhang.san", "zhang.san-Secret9", p).ok());   // contains the username
    EXPECT_FALSE(org::CheckPassword("someone", "Password123!", p).ok());          // common word dressed up
    EXPECT_FALSE(org::CheckPassword("someone", "Sunshine2026!", p).ok());
}

TEST_F(OrgTest, ThreeAdminSeparation) {
    EXPECT_TRUE(org::ValidateRoles({"sysadmin"}).ok());
    EXPECT_TRUE(org::ValidateRoles({"leader", "staff"}).ok());
    auto two = org::ValidateRoles({"sysadmin", "auditor"});
    ASSERT_FALSE(two.ok());
    EXPECT_EQ(two.error().code, "separation_of_duties");
    EXPECT_FALSE(org::ValidateRoles({"secadmin", "staff"}).ok());
    EXPECT_FALSE(org::ValidateRoles({"root"}).ok());
    EXPECT_FALSE(org::ValidateRoles({}).ok());
}

TEST_F(OrgTest, PlacementRules) {
    store::OrgUnit district;
    district.kind = "district";
    store::OrgUnit street;
    street.kind = "street";
    EXPECT_TRUE(org::CheckPlacement("district", std::nullopt).ok());
    EXPECT_TRUE(org::CheckPlacement("street", district).ok());
    EXPECT_FALSE(org::CheckPlacement("grid", district).ok());
    EXPECT_FALSE(org::CheckPlacement("street", std::nullopt).ok());
    EXPECT_TRUE(org::CheckPlacement("department", district).ok());
    EXPECT_FALSE(org::CheckPlacement("department", street).ok());
    EXPECT_FALSE(org::CheckPlacement("province", std::nullopt).ok());
}

TEST_F(OrgTest, ScopeFiltersReadsAndLists) {
    int64_t d = Create(std::nullopt, "district", "沙河口区");
    int64_t s1 = Create(d, "street", "春柳街道");
    int64_t s2 = Create(d, "street", "马栏街道");
    int64_t c1 = Create(s1, "community", "社区一");
    int64_t c2 = Create(s2, "community", "社区二");
    auto conn = t_.db->Connect();
    store::User u;
    u.roles = {"staff"};
    u.data_scope = "unit_and_below";
    u.units = {s1};
    auto scope = org::ComputeScope(*conn, u);
    EXPECT_TRUE(store::FindOrg(*conn, c1, scope).has_value());
    EXPECT_TRUE(store::FindOrg(*conn, s1, scope).has_value());
    EXPECT_FALSE(store::FindOrg(*conn, c2, scope).has_value());
    EXPECT_FALSE(store::FindOrg(*conn, d, scope).has_value());
    store::OrgFilter f;
    f.per_page = 500;
    auto [items, total] = store::ListOrgs(*conn, f, scope);
    EXPECT_EQ(total, 2);
    for (auto& it : items) EXPECT_EQ(it.path.rfind("/" + std::to_string(d) + "/" + std::to_string(s1) + "/", 0), 0u);
    // "unit" scope: the unit itself only
    u.data_scope = "unit";
    auto own = org::ComputeScope(*conn, u);
    EXPECT_TRUE(store::FindOrg(*conn, s1, own).has_value());
    EXPECT_FALSE(store::FindOrg(*conn, c1, own).has_value());
    // Writes respect scope too: a street's staff cannot create under another street.
    org::OrgInput in;
    in.parent_id = s2;
    in.kind = "community";
    in.name = "越权";
    auto r = Run([&](store::WriteTx& tx) { return org::CreateOrgUnit(tx, scope, in); });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, "parent_id");
    auto mv = Run([&](store::WriteTx& tx) { return org::MoveOrgUnit(tx, scope, c2, s1); });
    ASSERT_FALSE(mv.ok());
    EXPECT_EQ(mv.error().kind, core::ErrorKind::kNotFound);
}

TEST_F(OrgTest, MoveRewritesSubtreePathsAndRefusesCycles) {
    int64_t d = Create(std::nullopt, "district", "区");
    int64_t s1 = Create(d, "street", "街一");
    int64_t s2 = Create(d, "street", "街二");
    int64_t c = Create(s1, "community", "社区");
    int64_t g = Create(c, "grid", "网格");
    auto all = core::Scope::All();
    auto r = Run([&](store::WriteTx& tx) { return org::MoveOrgUnit(tx, all, c, s2); });
    ASSERT_TRUE(r.ok()) << r.error().message;
    auto conn = t_.db->Connect();
    auto grid = store::FindOrg(*conn, g, all);
    EXPECT_EQ(grid->path, "/" + std::to_string(d) + "/" + std::to_string(s2) + "/" + std::to_string(c) + "/" +
                              std::to_string(g) + "/");
    auto cyc = Run([&](store::WriteTx& tx) { return org::MoveOrgUnit(tx, all, s2, s2); });
    EXPECT_FALSE(cyc.ok());
    auto bad = Run([&](store::WriteTx& tx) { return org::MoveOrgUnit(tx, all, c, d); });  // community under district
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, "bad_placement");
}

TEST_F(OrgTest, MovePlacesTheSubtreesCasesAnew) {
    int64_t d = Create(std::nullopt, "district", "区");
    int64_t s1 = Create(d, "street", "街一");
    int64_t s2 = Create(d, "street", "街二");
    int64_t c1 = Create(s1, "community", "社区一");
    int64_t c2 = Create(s2, "community", "社区二");
    int64_t g = Create(c1, "grid", "网格");
    int64_t g2 = Create(c1, "grid", "不动的网格");
    auto conn = t_.db->Connect();
    auto all = core::Scope::All();
    auto path = [&](int64_t id) { return store::FindOrg(*conn, id, all)->path; };
    auto put = [&](int64_t id, int64_t grid, std::optional<int64_t> co) {
        store::CaseRow r = test::TestCase(id, "t");
        r.grid_id = grid;
        r.community_id = c1;
        r.street_id = s1;
        r.paths = "|" + path(grid) + "||";
        if (co) r.co_units = {*co}, r.paths += path(*co) + "|";
        store::InsertCase(*conn, r);
    };
    put(1, g, std::nullopt);
    put(2, g2, g);  // names the moved grid only as a co-unit
    auto r = Run([&](store::WriteTx& tx) { return org::MoveOrgUnit(tx, all, g, c2); });
    ASSERT_TRUE(r.ok()) << r.error().message;
    auto moved = store::FindCase(*conn, 1);
    EXPECT_EQ(moved->community_id, c2);
    EXPECT_EQ(moved->street_id, s2);
    EXPECT_EQ(moved->paths, "|" + path(g) + "||");
    auto stayed = store::FindCase(*conn, 2);
    EXPECT_EQ(stayed->community_id, c1);
    EXPECT_EQ(stayed->street_id, s1);
    EXPECT_EQ(stayed->paths, "|" + path(g2) + "||" + path(g) + "|");
    // A community moved with its grid: the cases take the new street from it.
    r = Run([&](store::WriteTx& tx) { return org::MoveOrgUnit(tx, all, c1, s2); });
    ASSERT_TRUE(r.ok()) << r.error().message;
    stayed = store::FindCase(*conn, 2);
    EXPECT_EQ(stayed->community_id, c1);
    EXPECT_EQ(stayed->street_id, s2);
    EXPECT_EQ(stayed->paths, "|" + path(g2) + "||" + path(g) + "|");
}

TEST_F(OrgTest, CsvImportIsAllOrNothing) {
    int64_t d = Create(std::nullopt, "district", "沙河口区");
    (void)d;
    auto all = core::Scope::All();
    {
        auto conn = t_.db->Connect();
        store::OrgUnit u = *store::FindOrg(*conn, d, all);
        u.code = "210204";
        u.updated_at = "2026-01-01T00:00:00.000Z";
        store::UpdateOrg(*conn, u);
    }
    std::string bad =
        "code,name,kind,parent_code\n"
        "210204006,春柳街道,street,210204\n"
        "X1,第一社区,community,210204006\n"
        "X2,错误,grid,210204\n"         // grid under a district
        "X1,重复,community,210204006\n"; // duplicate code
    auto r = Run([&](store::WriteTx& tx) { return org::ImportOrgUnits(tx, all, bad, false); });
    ASSERT_FALSE(r.ok());
    auto conn = t_.db->Connect();
    auto plan = org::ParseOrgCsv(*conn, all, bad);
    ASSERT_EQ(plan.errors.size(), 2u);
    EXPECT_EQ(plan.errors[0].row, 4);
    EXPECT_EQ(plan.errors[0].column, "parent_code");
    EXPECT_EQ(plan.errors[1].row, 5);
    EXPECT_EQ(plan.errors[1].column, "code");
    EXPECT_EQ(store::CountRows(*conn, "org_units"), 1);  // nothing imported
    std::string good = "\xEF\xBB\xBF" "code,name,kind,parent_code\n210204006,春柳街道,street,210204\nX1,\"第一社区, 生成\",community,210204006\n";
    auto ok = Run([&](store::WriteTx& tx) { return org::ImportOrgUnits(tx, all, good, false); });
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ((*ok)["imported"], 2);
    EXPECT_EQ(store::FindOrgByCode(*conn, "X1")->name, "第一社区, 生成");
}

TEST_F(OrgTest, LockoutAfterFiveFailuresWithinWindow) {
    int64_t d = Create(std::nullopt, "district", "区");
    org::UserInput in;
    in.username = "zhang.san";
    in.password = "Chunliu-2026-ok";
    in.roles = std::vector<std::string>{"staff"};
    in.units = std::vector<int64_t>{d};
    org::SecurityPolicy pol;
    ASSERT_TRUE(Run([&](store::WriteTx& tx) { return org::CreateUser(tx, in, pol); }).ok());
    for (int i = 0; i < 4; ++i) {
        auto r = Run([&](store::WriteTx& tx) { return org::RecordLogin(tx, "zhang.san", false, pol, "1.2.3.4", ""); });
        ASSERT_TRUE(r.ok());
        EXPECT_EQ((*r)["outcome"], "failed");
    }
    auto fifth = Run([&](store::WriteTx& tx) { return org::RecordLogin(tx, "zhang.san", false, pol, "1.2.3.4", ""); });
    EXPECT_EQ((*fifth)["outcome"], "locked");
    auto right = Run([&](store::WriteTx& tx) { return org::RecordLogin(tx, "zhang.san", true, pol, "1.2.3.4", ""); });
    EXPECT_EQ((*right)["outcome"], "locked");  // even the right password
    auto conn = t_.db->Connect();
    auto u = store::FindUserByName(*conn, "zhang.san");
    ASSERT_TRUE(Run([&](store::WriteTx& tx) { return org::UnlockUser(tx, u->id); }).ok());
    auto after = Run([&](store::WriteTx& tx) { return org::RecordLogin(tx, "zhang.san", true, pol, "1.2.3.4", ""); });
    EXPECT_EQ((*after)["outcome"], "ok");
    EXPECT_EQ((*after)["token"].get<std::string>().size(), 43u);
    // Every step is an event.
    auto [events, total] = store::ListEvents(*conn, {.action = "auth."});
    (void)events;
    EXPECT_EQ(total, 8);  // 5 bad passwords + auth.lockout + the refused attempt while locked + auth.login
}

TEST_F(OrgTest, TokensAreListedByStatusAndRevokedByTheirOwnerOnly) {
    int64_t d = Create(std::nullopt, "district", "区");
    org::SecurityPolicy pol;
    auto user = [&](const char* name) {
        org::UserInput in;
        in.username = name;
        in.password = "Chunliu-2026-ok";
        in.roles = std::vector<std::string>{"staff"};
        in.units = std::vector<int64_t>{d};
        auto r = Run([&](store::WriteTx& tx) { return org::CreateUser(tx, in, pol); });
        EXPECT_TRUE(r.ok());
        return r.ok() ? (*r)["id"].get<int64_t>() : 0;
    };
    int64_t li = user("li.si"), wang = user("wang.wu");
    auto token = [&](int64_t uid, const char* name) {
        auto r = Run([&](store::WriteTx& tx) { return org::CreateToken(tx, uid, name, 30); });
        EXPECT_TRUE(r.ok());
        return r.ok() ? (*r)["id"].get<int64_t>() : 0;
    };
    int64_t a = token(li, "a"), b = token(li, "b"), w = token(wang, "w");
    EXPECT_FALSE(Run([&](store::WriteTx& tx) { return org::CreateToken(tx, li, "  ", 30); }).ok());

    auto other = Run([&](store::WriteTx& tx) { return org::RevokeToken(tx, w, li); });
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.error().kind, core::ErrorKind::kNotFound);  // another's token is not found
    auto revoked = Run([&](store::WriteTx& tx) { return org::RevokeToken(tx, a, li); });
    ASSERT_TRUE(revoked.ok()) << revoked.error().message;
    EXPECT_EQ((*revoked)["status"], "revoked");
    auto again = Run([&](store::WriteTx& tx) { return org::RevokeToken(tx, a, std::nullopt); });
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, "already_revoked");

    auto conn = t_.db->Connect();
    const std::string now = core::FormatUtc(clock_.Now());
    // b expires: a time in the past, as stored
    conn->Exec("UPDATE api_tokens SET expires_at = ? WHERE id = ?", {std::string("2020-01-01T00:00:00.000Z"), b});
    auto ids = [&](std::optional<int64_t> uid, const char* status) {
        store::TokenFilter f;
        f.user_id = uid;
        f.status = status;
        f.now = now;
        std::vector<int64_t> out;
        for (auto& t : store::ListTokens(*conn, f).first) out.push_back(t.id);
        return out;
    };
    EXPECT_EQ(ids(li, ""), (std::vector<int64_t>{b, a}));  // newest first, only li's
    EXPECT_EQ(ids(std::nullopt, ""), (std::vector<int64_t>{w, b, a}));
    EXPECT_EQ(ids(std::nullopt, "active"), (std::vector<int64_t>{w}));
    EXPECT_EQ(ids(std::nullopt, "expired"), (std::vector<int64_t>{b}));
    EXPECT_EQ(ids(std::nullopt, "revoked"), (std::vector<int64_t>{a}));
    EXPECT_EQ(org::TokenToJson(*store::FindToken(*conn, b), now)["status"], "expired");
    EXPECT_FALSE(org::TokenToJson(*store::FindToken(*conn, b), now).contains("token_hash"));
    EXPECT_TRUE(org::TokenToJson(*store::FindToken(*conn, w), now)["last_used_at"].is_null());
    store::TouchToken(*conn, w, now);
    EXPECT_EQ(org::TokenToJson(*store::FindToken(*conn, w), now)["last_used_at"], now);
    auto [events, total] = store::ListEvents(*conn, {.action = "token.revoke"});
    ASSERT_EQ(total, 1);  // the refused attempts changed nothing
    EXPECT_EQ(events[0].payload["token_id"], a);
}
