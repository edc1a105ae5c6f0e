// The importer: paragraphs -> parts, key works, items and tasks with exact spans; quantities tied
// to indicators and periods; derived absolute targets; named objects; lead-unit suggestions.
// All matching runs on a Simplified copy of the text that has the same length in code points,
// so every offset found there indexes the original text too.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include "plan/import.hpp"
#include "plan/import_internal.hpp"

namespace duban::plan {

using internal::IsCjk;
using internal::IsDigit;
using internal::RawQuantity;
using internal::ToU32;
using internal::ToUtf8;
using internal::U32;
using SV = std::u32string_view;
using core::Json;

namespace {

bool At(SV s, size_t pos, SV w) { return pos + w.size() <= s.size() && s.substr(pos, w.size()) == w; }
bool Has(SV s, SV w) { return s.find(w) != SV::npos; }

bool IsCnNumeral(char32_t c) {
    return Has(U"一二三四五六七八九十百零〇", SV(&c, 1));
}
size_t CnNumeralRun(SV s, size_t p) {
    size_t q = p;
    while (q < s.size() && q - p < 4 && IsCnNumeral(s[q])) ++q;
    return q - p;
}
bool IsSpace(char32_t c) { return c == U' ' || c == U'\t' || c == U'\u3000' || c == U'\u200d' || c == U'\ufeff'; }

// Heading levels: 1 "一、", 2 "（一）", 3 "一是"/"第一，", 4 a short lead sentence (set later),
// 5 "1." "1、", 6 "（1）", 7 "①".
struct Marker {
    int level = 0;
    size_t len = 0;  // code points of the marker (after leading space)
};
Marker DetectMarker(SV s) {
    size_t p = 0;
    while (p < s.size() && IsSpace(s[p])) ++p;
    SV t = s.substr(p);
    Marker m;
    if (size_t r = CnNumeralRun(t, 0); r > 0) {
        if (r < t.size() && (t[r] == U'、' || t[r] == U'．' || t[r] == U'.')) return {1, p + r + 1};
        if (r < t.size() && t[r] == U'是') return {3, p + r + 1};
    }
    if (!t.empty() && t[0] == U'第') {
        size_t r = CnNumeralRun(t, 1);
        if (r > 0 && 1 + r < t.size() && (t[1 + r] == U'，' || t[1 + r] == U'、' || t[1 + r] == U',' ))
            return {3, p + r + 2};
    }
    if (!t.empty() && (t[0] == U'（' || t[0] == U'(')) {
        size_t r = CnNumeralRun(t, 1);
        if (r > 0 && 1 + r < t.size() && (t[1 + r] == U'）' || t[1 + r] == U')')) return {2, p + r + 2};
        size_t d = 1;
        while (d < t.size() && d < 4 && IsDigit(t[d])) ++d;
        if (d > 1 && d < t.size() && (t[d] == U'）' || t[d] == U')')) return {6, p + d + 1};
    }
    if (!t.empty() && IsDigit(t[0])) {
        size_t d = 0;
        while (d < t.size() && d < 3 && IsDigit(t[d])) ++d;
        if (d < t.size() && (t[d] == U'、' || t[d] == U'．' || (t[d] == U'.' && !(d + 1 < t.size() && IsDigit(t[d + 1])))))
            return {5, p + d + 1};
    }
    if (!t.empty() && t[0] >= U'\u2460' && t[0] <= U'\u2473') return {7, p + 1};
    return m;
}

struct Sentence {
    size_t start, end;  // absolute code points, end exclusive, trimmed
};
// Sentences of [b, e): ended by 。！？ (and a closing quote right after), or the paragraph end.
std::vector<Sentence> Sentences(SV s, size_t b, size_t e) {
    std::vector<Sentence> out;
    size_t st = b;
    auto push = [&](size_t a, size_t z) {
        while (a < z && IsSpace(s[a])) ++a;
        while (z > a && IsSpace(s[z - 1])) --z;
        if (z > a) out.push_back({a, z});
    };
    for (size_t i = b; i < e; ++i) {
        char32_t c = s[i];
        if (c == U'。' || c == U'！' || c == U'？' || c == U'!' || c == U'?') {
            size_t z = i + 1;
            while (z < e && (s[z] == U'”' || s[z] == U'’' || s[z] == U'」' || s[z] == U'』')) ++z;
            push(st, z);
            st = z;
            i = z - 1;
        }
    }
    push(st, e);
    return out;
}

constexpr SV kTaskCues[] = {
    U"要", U"确保", U"力争", U"加快", U"推进", U"推动", U"加强", U"加大", U"深化", U"完善",
    U"建立", U"健全", U"实施", U"提高", U"提升", U"做好", U"抓好", U"扩大", U"坚持", U"着力",
    U"积极", U"继续", U"大力", U"切实", U"努力", U"促进", U"开展", U"打造", U"启动", U"培育",
    U"鼓励", U"支持", U"制定", U"取消", U"实行", U"优化", U"落实", U"强化", U"构建", U"必须",
    U"争取", U"保持", U"发挥", U"建设",
};
bool IsTaskSentence(SV s) {
    if (s.size() < 6) return false;
    // Reports of what was done ("解决了") are not assignments.
    for (size_t p = s.find(U'了'); p != SV::npos; p = s.find(U'了', p + 1)) {
        bool benign = (p > 0 && s[p - 1] == U'为') || At(s, p, U"了解") || (p > 0 && s[p - 1] == U'不');
        if (!benign) return false;
    }
    for (SV w : kTaskCues)
        if (Has(s, w)) return true;
    return false;
}

constexpr SV kPlanWords[] = {U"安排", U"部署", U"任务", U"计划", U"打算", U"目标", U"思路", U"要点"};
constexpr SV kPastWords[] = {U"回顾", U"情况", U"总结", U"成绩", U"成效", U"进展", U"主要工作"};

// ---- objects ----
struct ObjSuffix {
    SV text;
    const char* kind;
};
constexpr ObjSuffix kObjSuffixes[] = {
    {U"公园", "park"},       {U"广场", "building"},   {U"大厦", "building"},  {U"大楼", "building"},
    {U"商城", "building"},   {U"停车场", "facility"}, {U"中心", "building"},  {U"档案馆", "building"},
    {U"馆", "building"},     {U"市场", "facility"},   {U"地块", "plot"},      {U"产业园", "park_zone"},
    {U"经济园", "park_zone"}, {U"创意岛", "park_zone"}, {U"商务区", "zone"},  {U"商贸区", "zone"},
    {U"基地", "facility"},   {U"工程", "programme"},  {U"大道", "road"},      {U"路", "road"},
    {U"街", "road"},
};
constexpr SV kObjLeftStops[] = {
    U"建设", U"改造", U"提升", U"推进", U"加快", U"启动", U"围绕", U"谋划", U"打造", U"完善",
    U"加强", U"重点", U"做好", U"推动", U"发展", U"实施", U"开展", U"以及", U"升级", U"管理",
    U"发挥", U"周边", U"新建", U"建立", U"充分", U"我区", U"全区", U"要", U"和", U"与", U"及",
    U"的", U"在", U"把", U"将", U"对", U"等", U"是", U"了", U"为", U"从", U"向", U"各", U"个",
    U"条", U"一", U"注重", U"创造",
};

struct Obj {
    size_t start, end;
    std::string kind;
};
void FindObjects(SV norm, size_t b, size_t e, std::vector<Obj>* out) {
    SV s = norm.substr(0, e);
    for (size_t i = b; i < e; ++i) {
        // Quoted programme names: “幫萬家”, and document titles 《…》.
        if (s[i] == U'“' || s[i] == U'《') {
            char32_t close = s[i] == U'“' ? U'”' : U'》';
            size_t z = i + 1;
            while (z < e && z - i <= 30 && s[z] != close) ++z;
            if (z < e && s[z] == close && z - i - 1 >= 2 && z - i - 1 <= 24)
                out->push_back({i + 1, z, s[i] == U'“' ? "programme" : "document"});
            continue;
        }
        for (const ObjSuffix& suf : kObjSuffixes) {
            if (!At(s, i, suf.text)) continue;
            if (suf.text == U"路" && i > 0 && Has(U"道思线出门网之", SV(&s[i - 1], 1))) break;
            if (suf.text == U"路" && i + 1 < e && (s[i + 1] == U'线' || s[i + 1] == U'径')) break;
            size_t l = i;
            while (l > b && i - l < 8 && IsCjk(s[l - 1])) {
                bool stop = false;
                for (SV w : kObjLeftStops)
                    if (l >= w.size() && s.substr(l - w.size(), w.size()) == w) { stop = true; break; }
                if (stop) break;
                --l;
            }
            if (i - l >= 2 || (i - l >= 1 && suf.text.size() >= 3)) out->push_back({l, i + suf.text.size(), suf.kind});
            i += suf.text.size() - 1;
            break;
        }
    }
}

// ---- the tree ----
struct Node {
    std::string kind;  // key_work | item | task
    size_t text_start = 0, text_end = 0;
    size_t title_start = 0, title_end = 0;
    int level = 0;
    std::vector<int> children;
    std::vector<std::string> quantities;
    std::string id;
};

std::string Trimmed(const U32& src, size_t b, size_t e) { return ToUtf8(SV(src).substr(b, e - b)); }

// Title: after the marker, to the first clause end, without a leading 要; at most 30 code points.
void TitleSpan(SV norm, size_t b, size_t e, size_t* tb, size_t* te) {
    while (b < e && (IsSpace(norm[b]))) ++b;
    if (At(norm, b, U"要") && e - b > 4) ++b;
    size_t z = b;
    while (z < e && norm[z] != U'，' && norm[z] != U'。' && norm[z] != U'；' && norm[z] != U'：' &&
           norm[z] != U'！' && norm[z] != U'？' && norm[z] != U',' && norm[z] != U';' && norm[z] != U':')
        ++z;
    if (z - b > 30) z = b + 30;
    *tb = b;
    *te = z;
}

bool Subsequence(SV small, SV big) {
    size_t j = 0;
    for (size_t i = 0; i < big.size() && j < small.size(); ++i)
        if (big[i] == small[j]) ++j;
    return j == small.size();
}

std::string FormatNumber(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.4f", v);
    std::string s = buf;
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
}

}  // namespace

Json Import(const std::vector<Para>& paras, const ImportOptions& opt) {
    // Source text, paragraph spans, the normalised copy.
    U32 src, norm;
    std::vector<std::pair<size_t, size_t>> pspan;
    std::vector<int> heading;
    for (size_t k = 0; k < paras.size(); ++k) {
        if (k) { src.push_back(U'\n'); norm.push_back(U'\n'); }
        U32 p = ToU32(paras[k].text);
        for (char32_t& c : p)
            if (c == U'\n' || c == U'\r') c = U' ';  // one paragraph, one line of `source`
        size_t b = src.size();
        src += p;
        norm += internal::ToSimplified(p);
        pspan.emplace_back(b, src.size());
        heading.push_back(paras[k].heading_level);
    }
    const size_t np = pspan.size();
    SV nv(norm);
    auto para_norm = [&](size_t k) { return nv.substr(pspan[k].first, pspan[k].second - pspan[k].first); };

    // Markers and levels.
    std::vector<Marker> mk(np);
    for (size_t k = 0; k < np; ++k) {
        mk[k] = DetectMarker(para_norm(k));
        size_t len = pspan[k].second - pspan[k].first;
        if ((mk[k].level == 1 || mk[k].level == 2) && len > 60) mk[k].level = 3;  // a long "一、…" is an item
        if (mk[k].level == 0 && heading[k] > 0) mk[k].level = std::min(heading[k], 3);
    }

    // Parts: level-1 headings. The first is the review unless it reads as a plan; once a plan
    // heading appears the rest are plan.
    std::vector<size_t> l1;
    for (size_t k = 0; k < np; ++k)
        if (mk[k].level == 1) l1.push_back(k);
    std::vector<std::string> pkind(np, "preamble");
    size_t plan_begin = np, plan_end = np;  // paragraph range of the plan part
    if (l1.empty()) {
        plan_begin = 0;
        std::fill(pkind.begin(), pkind.end(), "plan");
    } else {
        bool in_plan = false;
        for (size_t h = 0; h < l1.size(); ++h) {
            SV hn = para_norm(l1[h]);
            bool plan_words = false, past_words = false;
            for (SV w : kPlanWords) plan_words = plan_words || Has(hn, w);
            for (SV w : kPastWords) past_words = past_words || Has(hn, w);
            if (!in_plan && (plan_words || (h > 0 && !past_words))) {
                in_plan = true;
                plan_begin = l1[h];
            }
            if (h == 0 && !in_plan && !past_words && l1.size() == 1) { in_plan = true; plan_begin = l1[h]; }
            size_t end = h + 1 < l1.size() ? l1[h + 1] : np;
            for (size_t k = l1[h]; k < end; ++k) pkind[k] = in_plan ? "plan" : "achievements";
        }
    }
    // Closing words of a speech after the plan's key works ("同志们，…", "各位代表！").
    for (size_t k = plan_begin + 1; k < np; ++k) {
        SV t = para_norm(k);
        if (pkind[k] == "plan" && (At(t, 0, U"同志们") || At(t, 0, U"各位代表"))) {
            plan_end = k;
            for (size_t z = k; z < np; ++z) pkind[z] = "closing";
            break;
        }
    }
    if (plan_end > np) plan_end = np;

    // Key-work level: the level-1 headings when the plan has several, else the shallowest deeper
    // heading level inside the plan.
    int key_level = 1;
    {
        int n1 = 0, minl = 99;
        for (size_t k = plan_begin; k < plan_end; ++k) {
            if (mk[k].level == 1) ++n1;
            else if (mk[k].level > 1) minl = std::min(minl, mk[k].level);
        }
        if (n1 < 2 && minl != 99) key_level = minl;
    }

    // Build the plan tree.
    std::vector<Node> nodes;
    std::vector<int> roots;
    std::vector<int> stack;
    struct SentRef { int node; size_t start, end; };
    std::vector<SentRef> node_sentences;  // every sentence of the plan with the node it sits under
    auto add_node = [&](Node n, int parent) {
        nodes.push_back(std::move(n));
        int id = static_cast<int>(nodes.size()) - 1;
        if (parent < 0) roots.push_back(id);
        else nodes[parent].children.push_back(id);
        return id;
    };
    std::vector<std::pair<size_t, size_t>> plan_preamble;  // sentences before the first key work
    for (size_t k = plan_begin; k < plan_end; ++k) {
        auto [pb, pe] = pspan[k];
        int level = mk[k].level;
        std::vector<Sentence> sents = Sentences(nv, pb, pe);
        if (level == 0 && !stack.empty() && sents.size() >= 2) {
            // A short lead sentence without a comma reads as a sub-heading ("加快价格改革。…").
            Sentence f = sents[0];
            SV fs = nv.substr(f.start, f.end - f.start);
            if (fs.size() <= 25 && !Has(fs, U"，") && !Has(fs, U",") && !Has(fs, U"；")) level = 4;
        }
        if (level != 0 && k == plan_begin && key_level != 1) {
            // The plan part's own heading; its text is not a node.
            continue;
        }
        if (level >= key_level && level > 0) {
            while (!stack.empty() && nodes[stack.back()].level >= level) stack.pop_back();
            if (level > key_level && stack.empty()) level = 0;  // an item before any key work: body
        }
        if (level >= key_level && level > 0 && stack.size() >= 2) {
            // A heading under an item: the plan holds key work > item > task only (docs/plan-api.md),
            // so it becomes a task of that item and its sentences tasks beside it.
            while (stack.size() > 2) stack.pop_back();
            level = 0;
        }
        if (level >= key_level && level > 0) {
            Node n;
            n.kind = stack.empty() ? "key_work" : "item";
            n.level = level;
            bool whole = (level == 1 || level == 2) && sents.size() <= 1;
            size_t tb = pb, te = whole ? pe : (sents.empty() ? pe : sents[0].end);
            while (tb < te && IsSpace(nv[tb])) ++tb;
            n.text_start = tb;
            n.text_end = te;
            size_t mend = pb + (level == 4 ? 0 : mk[k].len);
            TitleSpan(nv, mend, te, &n.title_start, &n.title_end);
            int parent = stack.empty() ? -1 : stack.back();
            int id = add_node(std::move(n), parent);
            stack.push_back(id);
            if (!whole) {
                node_sentences.push_back({id, tb, te});
                for (size_t si = 1; si < sents.size(); ++si) {
                    SV ss = nv.substr(sents[si].start, sents[si].end - sents[si].start);
                    if (IsTaskSentence(ss)) {
                        Node t;
                        t.kind = "task";
                        t.text_start = sents[si].start;
                        t.text_end = sents[si].end;
                        TitleSpan(nv, t.text_start, t.text_end, &t.title_start, &t.title_end);
                        int tid = add_node(std::move(t), id);
                        node_sentences.push_back({tid, sents[si].start, sents[si].end});
                    } else {
                        node_sentences.push_back({id, sents[si].start, sents[si].end});
                    }
                }
            } else {
                node_sentences.push_back({id, tb, te});
            }
            continue;
        }
        if (stack.empty()) {
            for (const Sentence& s : sents) plan_preamble.emplace_back(s.start, s.end);
            continue;
        }
        int host = stack.back();
        for (const Sentence& s : sents) {
            SV ss = nv.substr(s.start, s.end - s.start);
            if (IsTaskSentence(ss)) {
                Node t;
                t.kind = "task";
                t.text_start = s.start;
                t.text_end = s.end;
                TitleSpan(nv, t.text_start, t.text_end, &t.title_start, &t.title_end);
                int tid = add_node(std::move(t), host);
                node_sentences.push_back({tid, s.start, s.end});
            } else {
                node_sentences.push_back({host, s.start, s.end});
            }
        }
    }
    // Ids in document order (depth first).
    {
        int counter = 0;
        std::vector<int> st(roots.rbegin(), roots.rend());
        while (!st.empty()) {
            int id = st.back();
            st.pop_back();
            nodes[id].id = "n" + std::to_string(++counter);
            for (auto it = nodes[id].children.rbegin(); it != nodes[id].children.rend(); ++it) st.push_back(*it);
        }
    }

    // Achievements: one item per paragraph of the review parts (headings excepted).
    struct Ach { size_t start, end; std::string id; std::vector<std::string> quantities; };
    std::vector<Ach> ach;
    for (size_t k = 0; k < np; ++k)
        if (pkind[k] == "achievements" && mk[k].level != 1)
            ach.push_back({pspan[k].first, pspan[k].second, "a" + std::to_string(ach.size() + 1), {}});

    // Quantities, sentence by sentence over the whole text.
    Json quantities = Json::array();
    std::vector<std::string> plan_part_q, other_q;
    struct QInfo { std::string id, period, measure, ind_norm, unit; double value; size_t start, end; std::string node; U32 ind32; };
    std::vector<QInfo> qinfo;
    size_t qcount = 0;
    auto host_of = [&](size_t pos, std::string* host_id, std::vector<std::string>** list) {
        *host_id = "";
        *list = nullptr;
        // Deepest node sentence containing pos (node_sentences are disjoint).
        auto it = std::upper_bound(node_sentences.begin(), node_sentences.end(), pos,
                                   [](size_t p, const SentRef& r) { return p < r.start; });
        if (it != node_sentences.begin()) {
            --it;
            if (pos >= it->start && pos < it->end) {
                *host_id = nodes[it->node].id;
                *list = &nodes[it->node].quantities;
                return;
            }
        }
        auto at = std::upper_bound(ach.begin(), ach.end(), pos, [](size_t p, const Ach& a) { return p < a.start; });
        if (at != ach.begin()) {
            --at;
            if (pos >= at->start && pos < at->end) { *host_id = at->id; *list = &at->quantities; }
        }
    };
    std::sort(node_sentences.begin(), node_sentences.end(), [](const SentRef& a, const SentRef& b) { return a.start < b.start; });
    for (size_t k = 0; k < np; ++k) {
        std::vector<RawQuantity> raw;
        for (const Sentence& s : Sentences(nv, pspan[k].first, pspan[k].second)) {
            raw.clear();
            internal::ScanQuantities(nv.substr(s.start, s.end - s.start), s.start, &raw);
            for (const RawQuantity& r : raw) {
                std::string period;
                if (pkind[k] == "plan") {
                    if (r.prior) period = "actual";
                    else if ((r.measure == "amount" || r.measure == "count") && r.commitment_cue) period = "commitment";
                    else period = "target";
                } else {
                    period = "actual";
                }
                std::string host_id;
                std::vector<std::string>* list = nullptr;
                host_of(r.start, &host_id, &list);
                for (int which = 0; which < 2; ++which) {
                    size_t ib = which ? r.ind2_start : r.ind_start, ie = which ? r.ind2_end : r.ind_end;
                    if (which && ie <= ib) break;
                    Json q;
                    std::string id = "q" + std::to_string(++qcount);
                    q["id"] = id;
                    q["text"] = Trimmed(src, r.start, r.end);
                    q["value"] = r.value;
                    q["unit"] = r.unit;
                    q["measure"] = r.measure;
                    q["indicator"] = Trimmed(src, ib, ie);
                    q["indicator_norm"] = Trimmed(norm, ib, ie);
                    q["period"] = period;
                    q["basis"] = r.basis.empty() ? Json() : Json(r.basis);
                    q["bound"] = r.bound.empty() ? Json() : Json(r.bound);
                    q["estimate"] = r.estimate;
                    q["derived_from"] = Json();
                    q["start"] = r.start;
                    q["end"] = r.end;
                    q["indicator_start"] = ib;
                    q["indicator_end"] = ie;
                    q["node"] = host_id.empty() ? Json() : Json(host_id);
                    if (list) list->push_back(id);
                    else if (pkind[k] == "plan") plan_part_q.push_back(id);
                    else other_q.push_back(id);
                    qinfo.push_back({id, period, r.measure, Trimmed(norm, ib, ie), r.unit, r.value, r.start, r.end, host_id,
                                     U32(nv.substr(ib, ie - ib))});
                    quantities.push_back(std::move(q));
                }
            }
        }
    }
    // Derived absolute targets: a growth target and last year's actual amount of the same
    // indicator ("财政收入" matches "财政一般预算收入" as a subsequence).
    size_t derived = 0;
    std::unordered_map<std::string, int> node_index;
    for (size_t i = 0; i < nodes.size(); ++i) node_index.emplace(nodes[i].id, static_cast<int>(i));
    const size_t base_count = qinfo.size();
    size_t budget = 2000000;  // comparisons: bounded for hostile input with thousands of numbers
    for (size_t a = 0; a < base_count && budget > 0; ++a) {
        const QInfo& t = qinfo[a];
        if (t.period != "target" || t.measure != "growth_rate") continue;
        const U32& tn = t.ind32;
        if (tn.size() < 3) continue;
        for (size_t b = 0; b < base_count; ++b) {
            const QInfo& act = qinfo[b];
            if (budget == 0) break;
            --budget;
            if (act.period != "actual" || act.measure != "amount" || act.start >= t.start) continue;
            const U32& an = act.ind32;
            if (an.size() < 3 || !(Subsequence(tn, an) || Subsequence(an, tn))) continue;
            double v = std::round(act.value * (1 + t.value / 100) * 10000) / 10000;
            Json q;
            std::string id = "q" + std::to_string(++qcount);
            const Json& tq = quantities[a];
            q["id"] = id;
            q["text"] = tq["text"];
            q["value"] = v;
            q["unit"] = act.unit;
            q["measure"] = "amount";
            q["indicator"] = tq["indicator"];
            q["indicator_norm"] = tq["indicator_norm"];
            q["period"] = "target";
            q["basis"] = tq["basis"];
            q["bound"] = tq["bound"];
            q["estimate"] = false;
            q["derived_from"] = Json::array({act.id, t.id});
            q["formula"] = FormatNumber(act.value) + act.unit + " × (1 + " + FormatNumber(t.value) + "%) = " +
                           FormatNumber(v) + act.unit;
            q["start"] = tq["start"];
            q["end"] = tq["end"];
            q["indicator_start"] = tq["indicator_start"];
            q["indicator_end"] = tq["indicator_end"];
            q["node"] = tq["node"];
            auto host = node_index.find(t.node);
            if (host != node_index.end()) nodes[host->second].quantities.push_back(id);
            else plan_part_q.push_back(id);
            quantities.push_back(std::move(q));
            ++derived;
            break;
        }
    }

    // Lead-unit dictionary, normalised once per call (it is small).
    std::vector<std::pair<U32, std::string>> dict;
    for (const auto& [kw, unit] : opt.lead_units.empty() ? DefaultLeadUnits() : opt.lead_units)
        if (!kw.empty()) dict.emplace_back(internal::ToSimplified(ToU32(kw)), ToUtf8(ToU32(unit)));  // valid UTF-8 out

    // Targets in the shape POST /plans takes (docs/plan-api.md): this year's figures only.
    auto targets_of = [&](const std::vector<std::string>& ids) {
        Json targets = Json::array();
        for (const std::string& qid : ids) {
            const Json& q = quantities[std::stoul(qid.substr(1)) - 1];
            if (q["period"] == "actual" || q["indicator"].get<std::string>().empty()) continue;
            Json t = {{"id", q["id"]}, {"indicator", q["indicator"]}, {"indicator_norm", q["indicator_norm"]},
                      {"value", q["value"]}, {"unit", q["unit"]}, {"measure", q["measure"]},
                      {"period", q["period"]}, {"text", q["text"]}};
            if (!q["basis"].is_null()) t["basis"] = q["basis"];
            targets.push_back(std::move(t));
        }
        return targets;
    };
    size_t n_items = 0, n_tasks = 0, n_objects = 0;
    std::function<Json(int)> emit = [&](int id) -> Json {
        const Node& n = nodes[id];
        Json j;
        j["id"] = n.id;
        j["kind"] = n.kind;
        j["title"] = Trimmed(src, n.title_start, n.title_end);
        j["text"] = Trimmed(src, n.text_start, n.text_end);
        j["start"] = n.text_start;
        j["end"] = n.text_end;
        j["quantities"] = n.quantities;
        j["targets"] = targets_of(n.quantities);
        std::vector<Obj> objs;
        FindObjects(nv, n.text_start, n.text_end, &objs);
        Json names = Json::array(), details = Json::array();
        std::unordered_set<std::string> seen;
        for (const Obj& o : objs) {
            std::string name = Trimmed(src, o.start, o.end);
            if (!seen.insert(name).second) continue;
            names.push_back(name);
            details.push_back({{"name", name}, {"name_norm", Trimmed(norm, o.start, o.end)}, {"kind", o.kind},
                               {"start", o.start}, {"end", o.end}});
        }
        n_objects += names.size();
        j["objects"] = std::move(names);
        j["object_details"] = std::move(details);
        Json lu = Json::array(), su = Json::array();
        SV text = nv.substr(n.text_start, n.text_end - n.text_start);
        std::unordered_set<std::string> units;
        for (const auto& [kw, unit] : dict) {
            if (lu.size() >= 3) break;
            if (Has(text, kw) && units.insert(unit).second) {
                lu.push_back({{"unit", unit}, {"name", unit}, {"keyword", ToUtf8(kw)}, {"suggested", true}});
                su.push_back(unit);
            }
        }
        j["lead_unit_suggestions"] = std::move(lu);
        j["suggested_units"] = std::move(su);
        if (n.kind == "item") ++n_items;
        if (n.kind == "task") ++n_tasks;
        Json ch = Json::array();
        for (int c : n.children) ch.push_back(emit(c));
        j["children"] = std::move(ch);
        return j;
    };
    Json jnodes = Json::array();
    for (int r : roots) jnodes.push_back(emit(r));

    // Parts.
    Json parts = Json::array();
    auto part_json = [&](const std::string& kind, size_t k0, size_t k1, bool has_heading) {
        Json p;
        p["id"] = "p" + std::to_string(parts.size() + 1);
        p["kind"] = kind;
        p["start"] = pspan[k0].first;
        p["end"] = pspan[k1 - 1].second;
        p["heading"] = has_heading ? Json(Trimmed(src, pspan[k0].first, pspan[k0].second)) : Json();
        Json hs = Json::array();
        for (size_t k = k0; k < k1; ++k)
            if (mk[k].level == 1) hs.push_back(Trimmed(src, pspan[k].first, pspan[k].second));
        p["headings"] = std::move(hs);
        return p;
    };
    if (np > 0) {
        size_t k = 0;
        while (k < np) {
            size_t z = k;
            while (z < np && pkind[z] == pkind[k]) ++z;
            Json p = part_json(pkind[k], k, z, mk[k].level == 1);
            if (pkind[k] == "plan") {
                p["quantities"] = plan_part_q;
                p["targets"] = targets_of(plan_part_q);  // district-wide targets stated before the key works
            }
            else if (pkind[k] == "preamble" || pkind[k] == "closing") {
                Json ids = Json::array();
                for (const Json& q : quantities)
                    if (q["start"].get<size_t>() >= pspan[k].first && q["start"].get<size_t>() < pspan[z - 1].second)
                        ids.push_back(q["id"]);
                p["quantities"] = std::move(ids);
            }
            parts.push_back(std::move(p));
            k = z;
        }
    }
    Json jach = Json::array();
    for (const Ach& a : ach) {
        std::vector<Sentence> s = Sentences(nv, a.start, a.end);
        size_t tb, te;
        TitleSpan(nv, a.start, s.empty() ? a.end : s[0].end, &tb, &te);
        if (!s.empty() && s[0].end - s[0].start <= 31) {  // a short lead sentence is the title whole
            tb = s[0].start;
            te = s[0].end;
            if (te > tb && Has(U"。！？!?", nv.substr(te - 1, 1))) --te;
        }
        jach.push_back({{"id", a.id}, {"title", Trimmed(src, tb, te)}, {"text", Trimmed(src, a.start, a.end)},
                        {"start", a.start}, {"end", a.end}, {"quantities", a.quantities}});
    }

    // Title: a short first line before any heading; year: the option, else a plan heading's year.
    Json title = "";
    if (np > 0 && mk[0].level == 0) {
        SV t = para_norm(0);
        if (t.size() <= 40 && !Has(t, U"：") && !Has(t, U"，") && !Has(t, U":") && !Has(t, U"。"))
            title = Trimmed(src, pspan[0].first, pspan[0].second);
    }
    Json year;
    if (opt.year) year = *opt.year;
    else if (plan_begin < np) {
        SV h = para_norm(plan_begin);
        for (size_t i = 0; i + 4 < h.size(); ++i)
            if (IsDigit(h[i]) && IsDigit(h[i + 1]) && IsDigit(h[i + 2]) && IsDigit(h[i + 3]) && h[i + 4] == U'年' &&
                (i == 0 || !IsDigit(h[i - 1]))) {
                year = std::stoi(ToUtf8(h.substr(i, 4)));
                break;
            }
    }
    size_t key_works = roots.size();
    Json out;
    out["format"] = "duban.plan-import/1";
    out["title"] = title;
    out["year"] = year;
    out["encoding"] = opt.encoding.empty() ? Json() : Json(opt.encoding);
    out["source"] = ToUtf8(src);
    out["parts"] = std::move(parts);
    out["achievements"] = std::move(jach);
    out["nodes"] = std::move(jnodes);
    out["stats"] = {{"paragraphs", np}, {"code_points", src.size()}, {"key_works", key_works},
                    {"items", n_items}, {"tasks", n_tasks}, {"quantities", quantities.size()},
                    {"derived", derived}, {"objects", n_objects}};
    out["quantities"] = std::move(quantities);
    return out;
}

}  // namespace duban::plan
