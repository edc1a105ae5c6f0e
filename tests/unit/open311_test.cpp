// Open311 GeoReport v2: field by field against the spec and the shapes of real cities' responses
// (tests/fixtures/open311/, sources in tests/fixtures/SOURCES.md), in JSON and XML.
#include <expat.h>
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "open311/open311.hpp"

namespace duban::open311 {
namespace {

using core::Json;

// ---- a small XML tree (expat), enough to compare shapes ----

struct Node {
    std::string name;
    std::string text;
    std::vector<std::unique_ptr<Node>> children;
    const Node* Child(const std::string& n) const {
        for (const auto& c : children) {
            if (c->name == n) return c.get();
        }
        return nullptr;
    }
    std::vector<std::string> ChildNames() const {
        std::vector<std::string> out;
        for (const auto& c : children) out.push_back(c->name);
        return out;
    }
    std::set<std::string> ChildSet() const {
        auto v = ChildNames();
        return {v.begin(), v.end()};
    }
};

struct XmlParse {
    std::unique_ptr<Node> root;
    std::vector<Node*> stack;
    bool ok = false;
};

std::unique_ptr<Node> ParseXml(const std::string& xml) {
    XmlParse st;
    XML_Parser p = XML_ParserCreate("UTF-8");
    XML_SetUserData(p, &st);
    XML_SetElementHandler(
        p,
        [](void* ud, const XML_Char* name, const XML_Char**) {
            auto* s = static_cast<XmlParse*>(ud);
            auto n = std::make_unique<Node>();
            n->name = name;
            Node* raw = n.get();
            if (s->stack.empty()) {
                s->root = std::move(n);
            } else {
                s->stack.back()->children.push_back(std::move(n));
            }
            s->stack.push_back(raw);
        },
        [](void* ud, const XML_Char*) { static_cast<XmlParse*>(ud)->stack.pop_back(); });
    XML_SetCharacterDataHandler(p, [](void* ud, const XML_Char* s, int len) {
        auto* st = static_cast<XmlParse*>(ud);
        if (!st->stack.empty()) st->stack.back()->text.append(s, static_cast<size_t>(len));
    });
    st.ok = XML_Parse(p, xml.data(), static_cast<int>(xml.size()), 1) == XML_STATUS_OK;
    XML_ParserFree(p);
    if (!st.ok) return nullptr;
    return std::move(st.root);
}

std::string ReadFixture(const std::string& name) {
    std::ifstream f("tests/fixtures/open311/" + name, std::ios::binary);
    EXPECT_TRUE(f.good()) << name;
    std::stringstream ss;
    ss << f.rdbuf();
    std::string s = ss.str();
    // The rubygem's 403 fixture starts with an HTTP status line; the others are bare XML.
    auto decl = s.find("<?xml");
    return decl == std::string::npos ? s : s.substr(decl);
}

std::string Trimmed(const std::string& s) { return core::Trim(s); }

// JSON value kinds as the samples use them.
std::string Kind(const nlohmann::ordered_json& v) {
    if (v.is_string()) return "string";
    if (v.is_boolean()) return "boolean";
    if (v.is_number()) return "number";
    if (v.is_null()) return "null";
    if (v.is_array()) return "array";
    return "object";
}

// ---- fixtures of our own: the urban case type and a case ----

Json UrbanType() {
    return Json::parse(R"({
      "code": "urban", "name": "城市管理", "handling_stage": "handle",
      "categories": [
        {"code": "C01", "name": "公用设施", "kind": "部件", "children": [
          {"code": "C0101", "name": "上水井盖", "standard": "井盖归位、破损更换",
           "limits": {"handle": {"unit": "workdays", "normal": 2, "urgent": 1}}},
          {"code": "C0102", "name": "路灯", "keywords": ["路灯", "照明"],
           "limits": {"handle": {"unit": "hours", "normal": 8}, "verify": {"unit": "hours", "normal": 2}}}
        ]},
        {"code": "E01", "name": "市容环境", "kind": "事件", "children": [
          {"code": "E0101", "name": "暴露垃圾", "description": "道路、绿地上的暴露垃圾", "keywords": "垃圾, 保洁"}
        ]}
      ]})");
}

std::vector<Service> Services() {
    auto r = ServicesFromCaseType(UrbanType());
    EXPECT_TRUE(r.ok());
    return r.ok() ? r.value() : std::vector<Service>{};
}

Json SampleCase() {
    return Json::parse(R"({
      "id": 12, "number": "CG-20260601-000012", "type": "urban", "type_name": "城市管理",
      "category": "C0101", "category_name": "上水井盖", "category_major": "C01",
      "category_major_name": "公用设施", "title": "井盖缺失", "description": "人民路12号门前井盖缺失 <危险> & 未设围挡",
      "urgency": "normal", "source": "open311", "stage": "dispatch", "stage_name": "派遣",
      "status": "open", "lon": 121.58, "lat": 38.9, "address": "人民路12号",
      "street_id": 5, "community_id": 9, "grid_id": 11, "lead_unit_id": 30, "co_units": [31],
      "reporter": {"name": "王*", "phone": "138****5678"}, "attachments": [],
      "reported_at": "2026-06-01T02:30:00.000Z", "stage_started_at": "2026-06-01T03:00:00.000Z",
      "stage_due_at": "2026-06-02T09:30:00.000Z", "light": "green", "light_reason": "",
      "paused": false, "returns": 0, "reworks": 0, "extensions": 0, "satisfaction": null,
      "merged_into": null, "project_id": null, "closed_at": null, "version": 3, "actions": []
    })");
}

Settings TestSettings() {
    Settings s;
    s.jurisdiction_id = "shahekou.dalian.gov.cn";
    s.token_secret = "test-secret";
    return s;
}

core::TimePoint At(const char* rfc3339) {
    core::TimePoint t;
    EXPECT_TRUE(core::ParseRfc3339(rfc3339, &t)) << rfc3339;
    return t;
}

Form F(std::initializer_list<std::pair<std::string, std::string>> kv) { return Form(kv); }

// ---- formats ----

TEST(Open311Format, SuffixPicksTheFormat) {
    EXPECT_EQ(FormatFromSuffix("json"), Format::kJson);
    EXPECT_EQ(FormatFromSuffix("XML"), Format::kXml);
    EXPECT_FALSE(FormatFromSuffix("html").has_value());
    auto r = SplitResource("services.json");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->first, "services");
    EXPECT_EQ(r->second, Format::kJson);
    auto r2 = SplitResource("CG-20260601-000012.xml");
    ASSERT_TRUE(r2.has_value());
    EXPECT_EQ(r2->first, "CG-20260601-000012");
    EXPECT_FALSE(SplitResource("services").has_value());
    EXPECT_FALSE(SplitResource(".json").has_value());
    EXPECT_FALSE(SplitResource("services.csv").has_value());
    EXPECT_EQ(ContentType(Format::kXml), "text/xml; charset=utf-8");
    EXPECT_EQ(ContentType(Format::kJson), "application/json; charset=utf-8");
}

// ---- services ----

TEST(Open311Services, OnePerMinorCategoryWithItsGroup) {
    auto s = Services();
    ASSERT_EQ(s.size(), 3u);
    EXPECT_EQ(s[0].code, "C0101");
    EXPECT_EQ(s[0].name, "上水井盖");
    EXPECT_EQ(s[0].group, "公用设施");
    EXPECT_EQ(s[0].group_code, "C01");
    EXPECT_EQ(s[0].description, "井盖归位、破损更换");
    EXPECT_EQ(s[0].keywords, "部件, 公用设施, 上水井盖");
    EXPECT_EQ(s[0].notice, "处置时限：一般2个工作日，紧急1个工作日");
    EXPECT_EQ(s[1].keywords, "路灯, 照明");
    EXPECT_EQ(s[1].notice, "处置时限：一般8个工作小时");
    EXPECT_EQ(s[2].group, "市容环境");
    EXPECT_EQ(s[2].description, "道路、绿地上的暴露垃圾");
    EXPECT_EQ(s[2].keywords, "垃圾, 保洁");
    EXPECT_EQ(s[2].notice, "");
    ASSERT_EQ(s[0].attributes.size(), 1u);
    EXPECT_EQ(s[0].attributes[0].code, "urgency");
    EXPECT_EQ(FindService(s, "E0101"), &s[2]);
    EXPECT_EQ(FindService(s, "E0102"), nullptr);
}

TEST(Open311Services, TheShippedUrbanTypeGivesOneServicePerMinorCategory) {
    std::ifstream f("config/case-types/urban.json");
    ASSERT_TRUE(f.good());
    Json urban = Json::parse(f);
    auto r = ServicesFromCaseType(urban);
    ASSERT_TRUE(r.ok()) << r.error().message;
    size_t minors = 0;
    for (const auto& m : urban["categories"]) minors += m["children"].size();
    EXPECT_EQ(r->size(), minors);
    const auto* b0101 = FindService(*r, "B0101");
    ASSERT_NE(b0101, nullptr);
    EXPECT_EQ(b0101->name, "上水井盖");
    EXPECT_EQ(b0101->group, "公用设施");
    EXPECT_EQ(b0101->keywords, "部件, 公用设施, 上水井盖");
    EXPECT_EQ(b0101->notice, "处置时限：一般4个工作小时，紧急2个工作小时");
    EXPECT_FALSE(b0101->description.empty());
}

TEST(Open311Services, BadConfigurationNamesTheKey) {
    auto none = ServicesFromCaseType(Json::parse(R"({"code":"urban"})"));
    ASSERT_FALSE(none.ok());
    EXPECT_EQ(none.error().field, "categories");
    auto empty = ServicesFromCaseType(Json::parse(R"({"categories":[{"code":"C01","name":"x","children":[]}]})"));
    ASSERT_FALSE(empty.ok());
    auto nocode = ServicesFromCaseType(Json::parse(R"({"categories":[{"code":"C01","name":"x","children":[{"name":"y"}]}]})"));
    ASSERT_FALSE(nocode.ok());
    EXPECT_EQ(nocode.error().field, "categories[0].children[0].code");
    auto dup = ServicesFromCaseType(Json::parse(
        R"({"categories":[{"code":"C01","name":"x","children":[{"code":"A","name":"y"},{"code":"A","name":"z"}]}]})"));
    ASSERT_FALSE(dup.ok());
    EXPECT_EQ(dup.error().field, "categories[0].children[1].code");
}

TEST(Open311Services, JsonHasTheSpecExamplesKeysAndTypes) {
    auto sample = nlohmann::ordered_json::parse(ReadFixture("open311status_service_list_specexample.json"));
    auto ours = ServicesDoc(Services());
    ASSERT_TRUE(ours.is_array());
    ASSERT_EQ(ours.size(), 3u);
    for (const auto& item : ours) {
        ASSERT_EQ(item.size(), sample[0].size());
        for (auto it = sample[0].begin(); it != sample[0].end(); ++it) {
            ASSERT_TRUE(item.contains(it.key())) << it.key();
            EXPECT_EQ(Kind(item[it.key()]), Kind(it.value())) << it.key();
        }
    }
    // Written in the spec's order.
    std::vector<std::string> keys;
    for (auto it = ours[0].begin(); it != ours[0].end(); ++it) keys.push_back(it.key());
    EXPECT_EQ(keys, (std::vector<std::string>{"service_code", "service_name", "description", "metadata",
                                              "type", "keywords", "group"}));
    EXPECT_EQ(ours[0]["metadata"], true);
    EXPECT_EQ(ours[0]["type"], "realtime");
    EXPECT_EQ(ours[0]["group"], "公用设施");
}

TEST(Open311Services, XmlHasSanFranciscosElements) {
    auto sample = ParseXml(ReadFixture("rubygem_open311_services.xml"));
    ASSERT_TRUE(sample);
    auto xml = ToXml(ServicesDoc(Services()), ServicesShape());
    EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0), 0u);
    auto ours = ParseXml(xml);
    ASSERT_TRUE(ours);
    EXPECT_EQ(ours->name, sample->name);
    ASSERT_EQ(ours->children.size(), 3u);
    for (const auto& svc : ours->children) {
        EXPECT_EQ(svc->name, "service");
        EXPECT_EQ(svc->ChildSet(), sample->children[0]->ChildSet());
    }
    EXPECT_EQ(Trimmed(ours->children[0]->Child("service_code")->text), "C0101");
    EXPECT_EQ(Trimmed(ours->children[0]->Child("metadata")->text), "true");
    EXPECT_EQ(Trimmed(ours->children[0]->Child("group")->text), "公用设施");
    // Gießen's list has the same elements but group (optional in the spec).
    auto giessen = ParseXml(ReadFixture("open311status_giessen_services.xml"));
    ASSERT_TRUE(giessen);
    auto g = giessen->children[0]->ChildSet();
    g.insert("group");
    EXPECT_EQ(ours->children[0]->ChildSet(), g);
}

TEST(Open311Services, DefinitionMatchesTheSpecInBothFormats) {
    auto s = Services();
    auto def = ServiceDefinitionDoc(s[0]);
    EXPECT_EQ(def["service_code"], "C0101");
    ASSERT_EQ(def["attributes"].size(), 1u);
    const auto& a = def["attributes"][0];
    std::vector<std::string> keys;
    for (auto it = a.begin(); it != a.end(); ++it) keys.push_back(it.key());
    EXPECT_EQ(keys, (std::vector<std::string>{"variable", "code", "datatype", "required",
                                              "datatype_description", "order", "description", "values"}));
    EXPECT_EQ(a["variable"], true);
    EXPECT_EQ(a["required"], false);
    EXPECT_EQ(a["datatype"], "singlevaluelist");
    EXPECT_TRUE(a["datatype_description"].is_null());
    EXPECT_EQ(a["order"], 1);
    EXPECT_EQ(a["values"][1]["key"], "urgent");
    EXPECT_EQ(a["values"][1]["name"], "紧急");

    // XML: the spec wraps the attributes in <attributes>; the rubygem fixture omits the wrapper,
    // every other element is the same.
    auto sample = ParseXml(ReadFixture("rubygem_open311_service_definition.xml"));
    ASSERT_TRUE(sample);
    auto ours = ParseXml(ToXml(def, ServiceDefinitionShape()));
    ASSERT_TRUE(ours);
    EXPECT_EQ(ours->name, "service_definition");
    EXPECT_EQ(ours->ChildNames(), (std::vector<std::string>{"service_code", "attributes"}));
    const Node* attr = ours->Child("attributes")->Child("attribute");
    ASSERT_NE(attr, nullptr);
    const Node* sattr = sample->Child("attribute");
    ASSERT_NE(sattr, nullptr);
    EXPECT_EQ(attr->ChildSet(), sattr->ChildSet());
    EXPECT_EQ(attr->Child("values")->children.size(), 2u);
    EXPECT_EQ(attr->Child("values")->children[0]->ChildSet(),
              sattr->Child("values")->children[0]->ChildSet());
    EXPECT_EQ(attr->Child("variable")->text, "true");
    EXPECT_EQ(attr->Child("values")->children[0]->Child("key")->text, "normal");
}

// ---- POST ----

TEST(Open311Post, ParsesFormEncoding) {
    auto f = ParseForm("service_code=C0101&description=%E4%BA%95%E7%9B%96+%E7%BC%BA%E5%A4%B1&empty=&flag&&a%5Burgency%5D=urgent");
    ASSERT_TRUE(f.has_value());
    ASSERT_EQ(f->size(), 5u);
    EXPECT_EQ(*FormValue(*f, "description"), "井盖 缺失");
    EXPECT_EQ(*FormValue(*f, "empty"), "");
    EXPECT_EQ(*FormValue(*f, "flag"), "");
    EXPECT_EQ(*FormValue(*f, "a[urgency]"), "urgent");
    EXPECT_EQ(FormValue(*f, "missing"), nullptr);
    EXPECT_FALSE(ParseForm("a=%G1").has_value());
    EXPECT_FALSE(ParseForm("a=%4").has_value());
    EXPECT_FALSE(ParseForm("a=%").has_value());
    EXPECT_FALSE(ParseForm("a=%E4%BA").has_value());  // cut UTF-8
    EXPECT_TRUE(ParseForm("").has_value());
}

TEST(Open311Post, JsonBodyBecomesFormFields) {
    auto f = FormFromJson(R"({"service_code":"C0101","lat":38.9,"attribute":{"urgency":"urgent"},"x":null})");
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(*FormValue(*f, "service_code"), "C0101");
    EXPECT_EQ(*FormValue(*f, "lat"), "38.9");
    EXPECT_EQ(*FormValue(*f, "attribute[urgency]"), "urgent");
    EXPECT_EQ(FormValue(*f, "x"), nullptr);
    EXPECT_FALSE(FormFromJson("[1]").has_value());
    EXPECT_FALSE(FormFromJson("{").has_value());
    EXPECT_FALSE(FormFromJson(R"({"lat":[1]})").has_value());
}

TEST(Open311Post, AValidRequestMapsToTheCreateCaseBody) {
    auto s = Services();
    auto form = F({{"api_key", "dbn_x"}, {"service_code", "C0101"}, {"lat", "38.9"}, {"long", "121.58"},
                   {"address_string", " 人民路12号 "}, {"first_name", "小明"}, {"last_name", "王"},
                   {"phone", "+86 138 1234 5678"}, {"email", "w@example.cn"}, {"device_id", "d1"},
                   {"description", "井盖缺失\n请尽快处理"}, {"media_url", "https://img.example.cn/1.jpg"},
                   {"attribute[urgency]", "urgent"}, {"jurisdiction_id", "x"}, {"unknown_field", "ignored"}});
    auto parsed = ParseNewRequest(form, s);
    ASSERT_TRUE(std::holds_alternative<NewRequest>(parsed));
    const auto& r = std::get<NewRequest>(parsed);
    EXPECT_EQ(r.api_key, "dbn_x");
    EXPECT_DOUBLE_EQ(*r.lat, 38.9);
    EXPECT_DOUBLE_EQ(*r.lon, 121.58);
    EXPECT_EQ(r.address_string, "人民路12号");
    auto body = CreateCaseBody(r, s[0]);
    EXPECT_EQ(body, Json::parse(R"({
      "type": "urban", "category": "C0101", "description": "井盖缺失\n请尽快处理", "title": "井盖缺失",
      "urgency": "urgent", "source": "open311", "lat": 38.9, "lon": 121.58, "address": "人民路12号",
      "reporter": {"name": "王小明", "phone": "13812345678"}})"));
    EXPECT_EQ(MediaNote(r), "Open311 media_url: https://img.example.cn/1.jpg");
}

TEST(Open311Post, MinimalRequestsMapWithoutPersonalData) {
    auto s = Services();
    auto r1 = ParseNewRequest(F({{"service_code", "E0101"}, {"address_string", "中山路1号"}}), s);
    ASSERT_TRUE(std::holds_alternative<NewRequest>(r1));
    auto body = CreateCaseBody(std::get<NewRequest>(r1), s[2]);
    EXPECT_EQ(body["description"], "暴露垃圾");
    EXPECT_EQ(body["title"], "暴露垃圾");
    EXPECT_EQ(body["urgency"], "normal");
    EXPECT_FALSE(body.contains("reporter"));
    EXPECT_FALSE(body.contains("lat"));
    EXPECT_EQ(MediaNote(std::get<NewRequest>(r1)), "");
    auto r2 = ParseNewRequest(F({{"service_code", "E0101"}, {"lat", "38.9"}, {"long", "121.6"},
                                 {"first_name", "John"}, {"last_name", "Smith"}}), s);
    ASSERT_TRUE(std::holds_alternative<NewRequest>(r2));
    EXPECT_EQ(CreateCaseBody(std::get<NewRequest>(r2), s[2])["reporter"], Json::parse(R"({"name":"John Smith"})"));
}

std::vector<std::string> Descriptions(const std::variant<NewRequest, Failure>& r) {
    std::vector<std::string> out;
    if (!std::holds_alternative<Failure>(r)) return out;
    const auto& f = std::get<Failure>(r);
    EXPECT_EQ(f.status, 400);
    for (const auto& e : f.errors) {
        EXPECT_EQ(e.code, 400);
        out.push_back(e.description);
    }
    return out;
}

TEST(Open311Post, EveryProblemIsListed) {
    auto s = Services();
    EXPECT_EQ(Descriptions(ParseNewRequest(F({{"lat", "38.9"}, {"long", "121.6"}}), s)),
              (std::vector<std::string>{"service_code was not provided"}));
    EXPECT_EQ(Descriptions(ParseNewRequest(F({{"service_code", "X99"}, {"lat", "38.9"}, {"long", "121.6"}}), s)),
              (std::vector<std::string>{"service_code X99 not found"}));
    EXPECT_EQ(Descriptions(ParseNewRequest(F({{"service_code", "C0101"}}), s)),
              (std::vector<std::string>{"a location is required: lat and long, or address_string"}));
    EXPECT_EQ(Descriptions(ParseNewRequest(F({{"service_code", "C0101"}, {"address_id", "545483"}}), s)),
              (std::vector<std::string>{"address_id cannot be located here; send lat and long or address_string"}));
    EXPECT_EQ(Descriptions(ParseNewRequest(F({{"service_code", "C0101"}, {"lat", "38.9"}}), s)),
              (std::vector<std::string>{"long is required with lat"}));
    EXPECT_EQ(Descriptions(ParseNewRequest(F({{"service_code", "C0101"}, {"lat", "91"}, {"long", "abc"}}), s)),
              (std::vector<std::string>{"lat must be a number between -90 and 90",
                                        "long must be a number between -180 and 180"}));
    EXPECT_EQ(Descriptions(ParseNewRequest(F({{"service_code", "C0101"}, {"lat", "nan"}, {"long", "1e999"}}), s)).size(), 2u);
    EXPECT_EQ(Descriptions(ParseNewRequest(F({{"service_code", "C0101"}, {"address_string", "a"},
                                              {"attribute[urgency]", "panic"}, {"attribute[colour]", "red"}}), s)),
              (std::vector<std::string>{"attribute[colour] is not an attribute of service C0101",
                                        "attribute[urgency] has no value panic"}));
    std::string long_text;
    for (int i = 0; i < 4001; ++i) long_text += "字";
    EXPECT_EQ(Descriptions(ParseNewRequest(F({{"service_code", "C0101"}, {"address_string", "a"},
                                              {"description", long_text}}), s)),
              (std::vector<std::string>{"description is longer than 4000 characters"}));
    long_text.pop_back();
    long_text.pop_back();
    long_text.pop_back();
    EXPECT_TRUE(std::holds_alternative<NewRequest>(ParseNewRequest(
        F({{"service_code", "C0101"}, {"address_string", "a"}, {"description", long_text}}), s)));
    EXPECT_EQ(Descriptions(ParseNewRequest(F({{"service_code", "C0101"}, {"address_string", "a"},
                                              {"phone", "138x"}, {"email", "nope"},
                                              {"media_url", "javascript:alert(1)"},
                                              {"description", std::string("a\x01", 2)}}), s)),
              (std::vector<std::string>{"description contains control characters",
                                        "phone may hold only digits, spaces and + - ( )",
                                        "email is not an e-mail address",
                                        "media_url must be an http or https URL"}));
}

TEST(Open311Post, PhonesAndNamesFitTheCaseEngine) {
    EXPECT_EQ(NormalisePhone("+86 138-1234 5678"), "138-12345678");
    EXPECT_EQ(NormalisePhone("(0411) 8888-1234"), "04118888-1234");
    EXPECT_EQ(NormalisePhone("-123-"), "123");
    auto s = Services();
    EXPECT_EQ(Descriptions(ParseNewRequest(F({{"service_code", "C0101"}, {"address_string", "a"}, {"phone", "12345"}}), s)),
              (std::vector<std::string>{"phone must have 7 to 20 digits"}));
    std::string half(30, 'a');
    EXPECT_EQ(Descriptions(ParseNewRequest(F({{"service_code", "C0101"}, {"address_string", "a"},
                                              {"first_name", half}, {"last_name", half}}), s)),
              (std::vector<std::string>{"first_name and last_name together are longer than 50 characters"}));
}

TEST(Open311Post, RequiredAttributesAreEnforced) {
    auto s = Services();
    s[0].attributes[0].required = true;
    EXPECT_EQ(Descriptions(ParseNewRequest(F({{"service_code", "C0101"}, {"address_string", "a"}}), s)),
              (std::vector<std::string>{"attribute[urgency] is required"}));
}

TEST(Open311Post, ResponseHasTheSamplesElementsAndAToken) {
    auto doc = PostResponseDoc("CG-20260601-000012", "12-abc", "处置时限2个工作日");
    ASSERT_TRUE(doc.is_array());
    ASSERT_EQ(doc.size(), 1u);
    EXPECT_EQ(doc[0]["service_request_id"], "CG-20260601-000012");
    EXPECT_EQ(doc[0]["token"], "12-abc");
    EXPECT_EQ(doc[0]["service_notice"], "处置时限2个工作日");
    EXPECT_TRUE(doc[0]["account_id"].is_null());
    auto sample = ParseXml(ReadFixture("rubygem_open311_post_service_request.xml"));
    auto ours = ParseXml(ToXml(doc, RequestsShape()));
    ASSERT_TRUE(sample && ours);
    EXPECT_EQ(ours->name, sample->name);
    EXPECT_EQ(ours->children[0]->name, "request");
    auto want = sample->children[0]->ChildSet();
    want.insert("token");  // the spec's optional token, here always given
    EXPECT_EQ(ours->children[0]->ChildSet(), want);
}

// ---- tokens ----

TEST(Open311Tokens, RoundTripAndForgery) {
    auto s = TestSettings();
    std::string t = MakeToken(s, 12);
    EXPECT_EQ(t.rfind("12-", 0), 0u);
    EXPECT_EQ(t.size(), 3u + 16u);
    EXPECT_EQ(ParseToken(s, t), 12);
    std::string forged = t;
    forged.back() = forged.back() == '0' ? '1' : '0';
    EXPECT_FALSE(ParseToken(s, forged).has_value());
    EXPECT_FALSE(ParseToken(s, "13" + t.substr(2)).has_value());
    auto other = s;
    other.token_secret = "another";
    EXPECT_FALSE(ParseToken(other, t).has_value());
    for (const char* bad : {"", "-", "12", "12-", "x-0123456789abcdef", "0-0123456789abcdef",
                            "99999999999999999999-0123456789abcdef"}) {
        EXPECT_FALSE(ParseToken(s, bad).has_value()) << bad;
    }
    auto doc = TokenDoc("CG-20260601-000012", t);
    auto sample = ParseXml(ReadFixture("rubygem_open311_request_id_from_token.xml"));
    auto ours = ParseXml(ToXml(doc, RequestsShape()));
    ASSERT_TRUE(sample && ours);
    EXPECT_EQ(ours->name, sample->name);
    EXPECT_EQ(ours->children[0]->ChildNames(), sample->children[0]->ChildNames());
    EXPECT_EQ(ours->children[0]->Child("token")->text, t);
}

// ---- GET requests ----

TEST(Open311Requests, TimesAreIsoWithTheChinaOffset) {
    auto s = TestSettings();
    EXPECT_EQ(LocalTime(s, "2026-06-01T02:30:00.000Z"), "2026-06-01T10:30:00+08:00");
    EXPECT_EQ(LocalTime(s, "2026-06-01T18:00:00Z"), "2026-06-02T02:00:00+08:00");
    EXPECT_EQ(LocalTime(s, "2026-12-31T16:00:00.999Z"), "2027-01-01T00:00:00+08:00");
    EXPECT_EQ(LocalTime(s, "garbage"), "");
    s.utc_offset_minutes = -5 * 60;
    EXPECT_EQ(LocalTime(s, "2014-07-12T15:58:43Z"), "2014-07-12T10:58:43-05:00");
}

TEST(Open311Requests, ACaseRendersFieldByField) {
    auto s = TestSettings();
    auto d = RequestDoc(s, SampleCase(), {"城管局", "处置时限2个工作日", ""});
    std::vector<std::string> keys;
    for (auto it = d.begin(); it != d.end(); ++it) keys.push_back(it.key());
    // San Francisco's element order (rubygem fixture), which is the spec's.
    auto sf = ParseXml(ReadFixture("rubygem_open311_get_service_request.xml"));
    ASSERT_TRUE(sf);
    EXPECT_EQ(keys, sf->children[0]->ChildNames());
    EXPECT_EQ(d["service_request_id"], "CG-20260601-000012");
    EXPECT_EQ(d["status"], "open");
    EXPECT_EQ(d["status_notes"], "派遣");
    EXPECT_EQ(d["service_name"], "上水井盖");
    EXPECT_EQ(d["service_code"], "C0101");
    EXPECT_EQ(d["description"], "人民路12号门前井盖缺失 <危险> & 未设围挡");
    EXPECT_EQ(d["agency_responsible"], "城管局");
    EXPECT_EQ(d["service_notice"], "处置时限2个工作日");
    EXPECT_EQ(d["requested_datetime"], "2026-06-01T10:30:00+08:00");
    EXPECT_EQ(d["updated_datetime"], "2026-06-01T11:00:00+08:00");
    EXPECT_EQ(d["expected_datetime"], "2026-06-02T17:30:00+08:00");
    EXPECT_EQ(d["address"], "人民路12号");
    EXPECT_TRUE(d["address_id"].is_null());
    EXPECT_TRUE(d["zipcode"].is_null());
    EXPECT_DOUBLE_EQ(d["lat"].get<double>(), 38.9);
    EXPECT_DOUBLE_EQ(d["long"].get<double>(), 121.58);
    EXPECT_TRUE(d["media_url"].is_null());
    // Never the reporter, not even masked.
    std::string all = ToJson(d) + ToXml(RequestsDoc({d}), RequestsShape());
    EXPECT_EQ(all.find("王"), std::string::npos);
    EXPECT_EQ(all.find("5678"), std::string::npos);
    EXPECT_EQ(all.find("reporter"), std::string::npos);
}

TEST(Open311Requests, JsonTypesMatchChicago) {
    auto chicago = nlohmann::ordered_json::parse(ReadFixture("open311status_chicago_service_requests.json"));
    auto ours = RequestsDoc({RequestDoc(TestSettings(), SampleCase(), {"城管局", "", ""})});
    ASSERT_TRUE(ours.is_array());
    for (const auto& city : chicago) {
        for (auto it = city.begin(); it != city.end(); ++it) {
            ASSERT_TRUE(ours[0].contains(it.key())) << it.key();
            EXPECT_EQ(Kind(ours[0][it.key()]), Kind(it.value())) << it.key();
        }
    }
    // The time strings have the sample's form: seconds and a numeric offset.
    std::string chicago_time = chicago[0]["requested_datetime"];
    std::string our_time = ours[0]["requested_datetime"];
    EXPECT_EQ(our_time.size(), chicago_time.size());
    EXPECT_EQ(our_time[19], '+');
    EXPECT_EQ(our_time[22], ':');
}

TEST(Open311Requests, XmlHasTheCitiesElements) {
    auto d1 = RequestDoc(TestSettings(), SampleCase(), {"城管局", "", ""});
    Json closed = SampleCase();
    closed["number"] = "CG-20260601-000013";
    closed["status"] = "closed";
    closed["stage_name"] = "结案";
    closed["closed_at"] = "2026-06-02T01:00:00.000Z";
    auto d2 = RequestDoc(TestSettings(), closed, {"", "", "https://img.example.cn/2.jpg"});
    std::string xml = ToXml(RequestsDoc({d1, d2}), RequestsShape());
    auto ours = ParseXml(xml);
    ASSERT_TRUE(ours);
    for (const char* f : {"rubygem_open311_service_requests.xml", "open311status_toronto_requests_many.xml",
                          "open311status_requests_single.xml"}) {
        auto city = ParseXml(ReadFixture(f));
        ASSERT_TRUE(city) << f;
        EXPECT_EQ(ours->name, city->name) << f;
        for (const auto& r : ours->children) {
            EXPECT_EQ(r->name, city->children[0]->name) << f;
            EXPECT_EQ(r->ChildSet(), city->children[0]->ChildSet()) << f;
        }
    }
    const Node* r1 = ours->children[0].get();
    EXPECT_EQ(r1->Child("description")->text, "人民路12号门前井盖缺失 <危险> & 未设围挡");
    EXPECT_EQ(r1->Child("lat")->text, "38.9");
    EXPECT_EQ(r1->Child("long")->text, "121.58");
    EXPECT_EQ(r1->Child("address_id")->text, "");
    const Node* r2 = ours->children[1].get();
    EXPECT_EQ(r2->Child("status")->text, "closed");
    EXPECT_EQ(r2->Child("status_notes")->text, "结案");
    EXPECT_EQ(r2->Child("expected_datetime")->text, "");
    EXPECT_EQ(r2->Child("updated_datetime")->text, "2026-06-02T09:00:00+08:00");
    EXPECT_EQ(r2->Child("agency_responsible")->text, "");
    EXPECT_EQ(r2->Child("media_url")->text, "https://img.example.cn/2.jpg");
}

TEST(Open311Requests, StatusesMapToOpenAndClosed) {
    EXPECT_EQ(Open311Status("open"), "open");
    EXPECT_EQ(Open311Status("suspended"), "open");
    EXPECT_EQ(Open311Status("closed"), "closed");
    EXPECT_EQ(Open311Status("merged"), "closed");
    Json k = SampleCase();
    k["status"] = "suspended";
    EXPECT_EQ(RequestDoc(TestSettings(), k, {})["status_notes"], "派遣（挂起）");
    k["status"] = "merged";
    auto d = RequestDoc(TestSettings(), k, {});
    EXPECT_EQ(d["status"], "closed");
    EXPECT_EQ(d["status_notes"], "已并单");
}

TEST(Open311Requests, AnEmptyListIsAnEmptyRoot) {
    auto ours = ParseXml(ToXml(RequestsDoc({}), RequestsShape()));
    auto sample = ParseXml(ReadFixture("rubygem_open311_service_requests_empty.xml"));
    ASSERT_TRUE(ours && sample);
    EXPECT_EQ(ours->name, sample->name);
    EXPECT_TRUE(ours->children.empty());
    EXPECT_EQ(ToJson(RequestsDoc({})), "[]");
}

// ---- filters ----

std::map<std::string, std::string> P(std::initializer_list<std::pair<const std::string, std::string>> kv) {
    return kv;
}

TEST(Open311Query, DefaultsToTheLast90Days) {
    auto now = At("2026-06-30T00:00:00Z");
    auto q = ParseQuery(TestSettings(), {}, now);
    ASSERT_TRUE(std::holds_alternative<Query>(q));
    EXPECT_EQ(std::get<Query>(q).end, now);
    EXPECT_EQ(std::get<Query>(q).start, At("2026-04-01T00:00:00Z"));
    EXPECT_EQ(std::get<Query>(q).limit, 1000);
    auto only_start = std::get<Query>(ParseQuery(TestSettings(), P({{"start_date", "2026-01-01T00:00:00+08:00"}}), now));
    EXPECT_EQ(only_start.start, At("2025-12-31T16:00:00Z"));
    EXPECT_EQ(only_start.end, At("2026-03-31T16:00:00Z"));
    auto only_end = std::get<Query>(ParseQuery(TestSettings(), P({{"end_date", "2026-05-01T00:00:00Z"}}), now));
    EXPECT_EQ(only_end.start, At("2026-01-31T00:00:00Z"));
}

TEST(Open311Query, IdsOverrideTheRest) {
    auto q = ParseQuery(TestSettings(), P({{"service_request_id", "CG-1, CG-2,,"}, {"status", "bogus"},
                                           {"start_date", "bad"}}), At("2026-06-30T00:00:00Z"));
    ASSERT_TRUE(std::holds_alternative<Query>(q));
    EXPECT_EQ(std::get<Query>(q).ids, (std::vector<std::string>{"CG-1", "CG-2"}));
}

TEST(Open311Query, BadFiltersAre400s) {
    auto now = At("2026-06-30T00:00:00Z");
    auto msg = [&](std::map<std::string, std::string> p) {
        auto q = ParseQuery(TestSettings(), p, now);
        if (!std::holds_alternative<Failure>(q)) return std::string("no failure");
        EXPECT_EQ(std::get<Failure>(q).status, 400);
        return std::get<Failure>(q).errors.at(0).description;
    };
    EXPECT_EQ(msg({{"status", "open,pending"}}), "status must be open or closed, not pending");
    EXPECT_EQ(msg({{"start_date", "2026-01-01"}}).rfind("start_date must be", 0), 0u);
    EXPECT_EQ(msg({{"end_date", "2026-01-01T00:00:00"}}).rfind("end_date must be", 0), 0u);
    EXPECT_EQ(msg({{"start_date", "2026-01-01T00:00:00Z"}, {"end_date", "2026-06-01T00:00:00Z"}}),
              "start_date and end_date may span at most 90 days");
    EXPECT_EQ(msg({{"start_date", "2026-02-01T00:00:00Z"}, {"end_date", "2026-01-01T00:00:00Z"}}),
              "end_date is before start_date");
    auto ok = ParseQuery(TestSettings(), P({{"status", "OPEN,closed"}, {"service_code", "C0101,E0101"}}), now);
    ASSERT_TRUE(std::holds_alternative<Query>(ok));
    EXPECT_EQ(std::get<Query>(ok).statuses, (std::vector<std::string>{"open", "closed"}));
    EXPECT_EQ(std::get<Query>(ok).service_codes, (std::vector<std::string>{"C0101", "E0101"}));
}

TEST(Open311Query, MatchesOnlyPublicUrbanCasesInTheFilters) {
    auto now = At("2026-06-30T00:00:00Z");
    auto all = std::get<Query>(ParseQuery(TestSettings(), {}, now));
    Json k = SampleCase();
    EXPECT_TRUE(Matches(all, k));
    Json hotline = k;
    hotline["type"] = "hotline";
    EXPECT_FALSE(Matches(all, hotline));
    Json old = k;
    old["reported_at"] = "2026-03-01T00:00:00Z";
    EXPECT_FALSE(Matches(all, old));
    auto closed_only = std::get<Query>(ParseQuery(TestSettings(), P({{"status", "closed"}}), now));
    EXPECT_FALSE(Matches(closed_only, k));
    Json merged = k;
    merged["status"] = "merged";
    EXPECT_TRUE(Matches(closed_only, merged));
    auto by_code = std::get<Query>(ParseQuery(TestSettings(), P({{"service_code", "E0101"}}), now));
    EXPECT_FALSE(Matches(by_code, k));
    auto by_id = std::get<Query>(ParseQuery(TestSettings(), P({{"service_request_id", "CG-20260601-000012"}}), now));
    EXPECT_TRUE(Matches(by_id, old));  // ids ignore the window
    EXPECT_FALSE(Matches(by_id, hotline));
}

// ---- errors and jurisdiction ----

TEST(Open311Errors, TheSpecsErrorListInBothFormats) {
    Failure f{400, {{400, "service_code X not found"}, {400, "a location is required"}}};
    auto doc = ErrorsDoc(f);
    EXPECT_EQ(ToJson(doc),
              R"([{"code":400,"description":"service_code X not found"},{"code":400,"description":"a location is required"}])");
    auto sample = ParseXml(ReadFixture("rubygem_open311_get_service_request_not_found.xml"));
    auto ours = ParseXml(ToXml(ErrorsDoc(Failure::One(404, "not found")), ErrorsShape()));
    ASSERT_TRUE(sample && ours);
    EXPECT_EQ(ours->name, sample->name);
    EXPECT_EQ(ours->children[0]->name, sample->children[0]->name);
    EXPECT_EQ(ours->children[0]->ChildNames(), sample->children[0]->ChildNames());
    EXPECT_EQ(ours->children[0]->Child("code")->text, "404");
}

TEST(Open311Errors, JurisdictionMustBeOurs) {
    auto s = TestSettings();
    EXPECT_FALSE(CheckJurisdiction(s, nullptr).has_value());
    std::string empty, ours = "shahekou.dalian.gov.cn", other = "sfgov.org";
    EXPECT_FALSE(CheckJurisdiction(s, &empty).has_value());
    EXPECT_FALSE(CheckJurisdiction(s, &ours).has_value());
    auto f = CheckJurisdiction(s, &other);
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->status, 404);
    EXPECT_EQ(f->errors.at(0).code, 404);
}

TEST(Open311Xml, TextIsEscapedAndControlCharactersDropped) {
    nlohmann::ordered_json d = nlohmann::ordered_json::object();
    d["a"] = "x<y>&\"'\x01z";
    d["b"] = true;
    d["c"] = 1.5;
    d["d"] = nullptr;
    std::string xml = ToXml(d, {"root", ""});
    EXPECT_NE(xml.find("<a>x&lt;y&gt;&amp;&quot;&apos;z</a>"), std::string::npos) << xml;
    auto n = ParseXml(xml);
    ASSERT_TRUE(n);
    EXPECT_EQ(n->Child("a")->text, "x<y>&\"'z");
    EXPECT_EQ(n->Child("b")->text, "true");
    EXPECT_EQ(n->Child("c")->text, "1.5");
    EXPECT_EQ(n->Child("d")->text, "");
}

}  // namespace
}  // namespace duban::open311

TEST(Open311Requests, PublicTextHasItsLongNumbersMasked) {
    EXPECT_EQ(duban::open311::MaskLongNumbers("井盖缺失，联系我 13812340000 刘"), "井盖缺失，联系我 138******** 刘");
    EXPECT_EQ(duban::open311::MaskLongNumbers("电话139 1234 5678。"), "电话139 **** ****。");
    EXPECT_EQ(duban::open311::MaskLongNumbers("身份证210204199001011235"), "身份证210***************");
    EXPECT_EQ(duban::open311::MaskLongNumbers("21020419900101123X号"), "210***************号");
    EXPECT_EQ(duban::open311::MaskLongNumbers("座机0411-84123456"), "座机0411-841*****");
    EXPECT_EQ(duban::open311::MaskLongNumbers("全角１３８１２３４００００"), "全角１３８********");
    // short runs stay: house numbers, dates, years, a six-digit code
    EXPECT_EQ(duban::open311::MaskLongNumbers("春柳街道12号 2026-11-30 邮编116000"), "春柳街道12号 2026-11-30 邮编116000");
    EXPECT_EQ(duban::open311::MaskLongNumbers("1 2 3 4 5 6"), "1 2 3 4 5 6");
    EXPECT_EQ(duban::open311::MaskLongNumbers("1 2 3 4 5 6 7"), "1 2 3 * * * *");
    EXPECT_EQ(duban::open311::MaskLongNumbers(""), "");
    EXPECT_EQ(duban::open311::MaskLongNumbers("1234567"), "123****");

    duban::open311::Settings s;
    duban::core::Json kase = {{"number", "CG-1"}, {"status", "open"}, {"description", "路灯坏了，电话13912345678"},
                       {"address", "西安路88号 13900001111"}};
    auto d = duban::open311::RequestDoc(s, kase, {});
    EXPECT_EQ(d["description"], "路灯坏了，电话139********");
    EXPECT_EQ(d["address"], "西安路88号 139********");
}
