// `duban plan import FILE [--year YYYY] [--out plan.json|plan.xlsx] [--lead-units FILE]`:
// a work report (UTF-8 or GB18030 text, or .docx) to the proposed plan, without a server.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli.hpp"
#include "core/core.hpp"
#include "office/office.hpp"
#include "plan/import.hpp"

namespace duban::cli {
namespace {

using core::Json;

int PlanUsage(const char* msg = nullptr) {
    if (msg) std::fprintf(stderr, "duban plan: %s\n\n", msg);
    std::fprintf(msg ? stderr : stdout,
                 "usage:\n"
                 "  duban plan import FILE [--year YYYY] [--out plan.json|plan.xlsx] [--lead-units FILE]\n\n"
                 "Reads a work report (.txt in UTF-8 or GB18030, or .docx) and proposes the work plan:\n"
                 "parts, key works, items and tasks with their source spans, every quantity with what it\n"
                 "measures, named objects and suggested lead units. JSON (docs/plan-import.md) goes to\n"
                 "--out or standard output; --out x.xlsx writes the 任務分解表 (one row per task).\n"
                 "--lead-units FILE replaces the built-in keyword<TAB>unit dictionary.\n"
                 "A summary goes to standard error. Exit code 2 on a bad file or bad arguments.\n");
    return msg ? 2 : 0;
}

int Fail(const std::string& file, const std::string& problem) {
    std::fprintf(stderr, "duban plan import: %s: %s\n", file.c_str(), problem.c_str());
    return 2;
}

bool ReadAll(const std::string& path, std::string* out, std::string* err) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        *err = std::filesystem::exists(path, ec) ? "not a regular file" : "no such file";
        return false;
    }
    auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > (256u << 20)) {
        *err = "file is larger than 256 MB";
        return false;
    }
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        *err = std::string("cannot open: ") + std::strerror(errno);
        return false;
    }
    std::ostringstream ss;
    ss << f.rdbuf();
    *out = std::move(ss).str();
    return true;
}

bool EndsWith(std::string s, const std::string& suffix) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The 任務分解表: one row per task (an item or key work without tasks gets a row of its own),
// the key work merged down its rows.
core::Result<std::string> ToXlsx(const Json& plan) {
    office::OutSheet sh;
    sh.name = "任務分解表";
    std::string title = plan["title"].is_string() ? plan["title"].get<std::string>() : "";
    sh.title = (title.empty() ? std::string("工作計劃") : title) + " 任務分解表";
    sh.header = {"序號", "重點工作", "具體任務", "牽頭單位(建議)", "配合單位", "責任領導", "完成時限", "目標值", "進展情況", "狀態"};
    sh.col_widths = {8, 24, 60, 18, 14, 10, 12, 24, 20, 8};
    std::string due = plan["year"].is_number_integer() ? std::to_string(plan["year"].get<int>()) + "-12-31" : "";
    // The district-wide targets stated before the key works: one row of their own.
    for (const Json& part : plan["parts"]) {
        if (part["kind"] != "plan" || !part.contains("targets") || part["targets"].empty()) continue;
        std::string targets;
        for (const Json& g : part["targets"])
            targets += (targets.empty() ? "" : "；") + g["indicator"].get<std::string>() + " " + g["text"].get<std::string>() +
                       (g["unit"] != "%" && g["measure"] == "amount" && g["text"].get<std::string>().find('%') != std::string::npos
                            ? "（" + g["value"].dump() + g["unit"].get<std::string>() + "）"
                            : "");
        sh.rows.push_back({office::OutCell::Str("0"), office::OutCell::Str("年度主要目標"), office::OutCell::Str(targets),
                           office::OutCell::Str(""), office::OutCell::Str(""), office::OutCell::Str(""),
                           office::OutCell::Str(due), office::OutCell::Str(targets), office::OutCell::Str(""),
                           office::OutCell::Str("未啟動")});
    }
    int kw_no = 0;
    for (const Json& kw : plan["nodes"]) {
        ++kw_no;
        std::vector<const Json*> leaves;
        std::function<void(const Json&)> collect = [&](const Json& n) {
            bool has_child = false;
            for (const Json& c : n["children"]) { has_child = true; collect(c); }
            if (!has_child && &n != &kw) leaves.push_back(&n);
        };
        collect(kw);
        if (leaves.empty()) leaves.push_back(&kw);
        int first = static_cast<int>(sh.rows.size());
        int task_no = 0;
        for (const Json* t : leaves) {
            std::string units;
            for (const Json& u : (*t)["lead_unit_suggestions"]) units += (units.empty() ? "" : "、") + u["unit"].get<std::string>();
            std::string targets;
            for (const Json& g : (*t)["targets"])
                targets += (targets.empty() ? "" : "；") + g["indicator"].get<std::string>() + " " + g["text"].get<std::string>();
            sh.rows.push_back({office::OutCell::Str(std::to_string(kw_no) + "." + std::to_string(++task_no)),
                               office::OutCell::Str(kw["title"].get<std::string>()),
                               office::OutCell::Str((*t)["text"].get<std::string>()), office::OutCell::Str(units),
                               office::OutCell::Str(""), office::OutCell::Str(""), office::OutCell::Str(due),
                               office::OutCell::Str(targets), office::OutCell::Str(""), office::OutCell::Str("未啟動")});
        }
        int last = static_cast<int>(sh.rows.size()) - 1;
        if (last > first) sh.merges.push_back({first, 1, last, 1, kw["title"].get<std::string>()});
    }
    return office::WriteXlsx({sh});
}

}  // namespace

int PlanCommand(int argc, char** argv) {
    // argv[0] is the subcommand ("import"); the rest are its arguments.
    if (argc < 1 || !std::strcmp(argv[0], "--help") || !std::strcmp(argv[0], "-h")) return PlanUsage();
    if (std::strcmp(argv[0], "import") != 0) return PlanUsage((std::string("unknown subcommand '") + argv[0] + "'").c_str());
    std::string file, out, lead_units_file;
    plan::ImportOptions opt;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&](const char* name) -> std::optional<std::string> {
            if (a.rfind(std::string(name) + "=", 0) == 0) return a.substr(std::strlen(name) + 1);
            if (a == name && i + 1 < argc) return std::string(argv[++i]);
            return std::nullopt;
        };
        if (a == "--help" || a == "-h") return PlanUsage();
        if (a.rfind("--year", 0) == 0) {
            auto v = value("--year");
            int y = 0;
            if (!v || std::sscanf(v->c_str(), "%d", &y) != 1 || y < 1949 || y > 2200 || v->size() != 4)
                return PlanUsage("--year takes a year such as 2027");
            opt.year = y;
        } else if (a.rfind("--out", 0) == 0) {
            auto v = value("--out");
            if (!v || v->empty()) return PlanUsage("--out takes a file name (.json or .xlsx)");
            out = *v;
        } else if (a.rfind("--lead-units", 0) == 0) {
            auto v = value("--lead-units");
            if (!v || v->empty()) return PlanUsage("--lead-units takes a TSV file (keyword<TAB>unit)");
            lead_units_file = *v;
        } else if (a.rfind("--", 0) == 0) {
            return PlanUsage(("unknown option '" + a + "'").c_str());
        } else if (file.empty()) {
            file = a;
        } else {
            return PlanUsage("give one FILE");
        }
    }
    if (file.empty()) return PlanUsage("plan import needs a FILE");
    auto t0 = std::chrono::steady_clock::now();
    std::string bytes, err;
    if (!ReadAll(file, &bytes, &err)) return Fail(file, err);
    if (!lead_units_file.empty()) {
        std::string tsv;
        if (!ReadAll(lead_units_file, &tsv, &err)) return Fail(lead_units_file, err);
        opt.lead_units = plan::ParseLeadUnits(tsv);
        if (opt.lead_units.empty()) return Fail(lead_units_file, "no keyword<TAB>unit lines");
    }
    std::vector<plan::Para> paras;
    if (EndsWith(file, ".docx")) {
        auto doc = office::ReadDocx(bytes);
        if (!doc.ok()) return Fail(file, "not a readable .docx: " + doc.error().message);
        for (auto& p : *doc) paras.push_back(plan::Para{std::move(p.text), p.heading_level});
        opt.encoding = "docx";
    } else {
        auto dec = plan::DecodeText(bytes);
        if (!dec.ok()) return Fail(file, dec.error().message);
        opt.encoding = dec->encoding;
        paras = plan::SplitParagraphs(dec->utf8);
    }
    if (paras.empty()) return Fail(file, "no text in the file");
    Json plan = plan::Import(paras, opt);
    if (plan["title"].get<std::string>().empty()) plan["title"] = std::filesystem::path(file).stem().string();
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

    const Json& st = plan["stats"];
    std::string parts;
    for (const Json& p : plan["parts"]) parts += (parts.empty() ? "" : ", ") + p["kind"].get<std::string>();
    std::fprintf(stderr,
                 "%s: %s; parts: %s; %d key works, %d items, %d tasks; %d quantities (%d derived); %d objects; "
                 "%.1f ms\n",
                 file.c_str(), opt.encoding.c_str(), parts.c_str(), st["key_works"].get<int>(), st["items"].get<int>(),
                 st["tasks"].get<int>(), st["quantities"].get<int>(), st["derived"].get<int>(),
                 st["objects"].get<int>(), ms);

    std::string data;
    if (EndsWith(out, ".xlsx")) {
        auto x = ToXlsx(plan);
        if (!x.ok()) return Fail(out, "cannot write the workbook: " + x.error().message);
        data = std::move(*x);
    } else {
        data = plan.dump(1) + "\n";
    }
    if (out.empty()) {
        std::fwrite(data.data(), 1, data.size(), stdout);
        return 0;
    }
    std::ofstream f(out, std::ios::binary | std::ios::trunc);
    if (!f || !f.write(data.data(), static_cast<std::streamsize>(data.size())) || !f.flush())
        return Fail(out, std::string("cannot write: ") + std::strerror(errno));
    std::fprintf(stderr, "wrote %s (%zu bytes)\n", out.c_str(), data.size());
    return 0;
}

}  // namespace duban::cli
