// The pack as an A4 PDF drawn with cairo and pango (fonts-noto-cjk, subset-embedded by cairo).
// Chosen over printing the HTML with headless Chromium: see docs/architecture.md, decisions.
// The document is laid out twice: the first pass counts pages so the footer can say "共N页".
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "report/internal.hpp"
#include "report/pack.hpp"

namespace duban::report {
namespace {

using namespace internal;

constexpr double kPageW = 595.276, kPageH = 841.890;  // A4 in points
constexpr double kMargin = 48, kTop = 56, kBottom = 56;

void SetColour(cairo_t* cr, const std::string& hex) {
    unsigned r = 0, g = 0, b = 0;
    if (hex.size() == 7) std::sscanf(hex.c_str() + 1, "%02x%02x%02x", &r, &g, &b);
    cairo_set_source_rgb(cr, r / 255.0, g / 255.0, b / 255.0);
}

struct Fonts {
    std::string sans, serif;
};

// A pango layout for `text` at `size` points; width < 0 = no wrapping.
PangoLayout* Layout(PangoContext* ctx,
                    const std::string& family,
                    const std::string& text,
                    double size,
                    bool bold,
                    double width,
                    PangoAlignment align = PANGO_ALIGN_LEFT) {
    PangoLayout* l = pango_layout_new(ctx);
    PangoFontDescription* fd = pango_font_description_new();
    pango_font_description_set_family(fd, family.c_str());
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    if (width > 0) {
        pango_layout_set_width(l, static_cast<int>(width * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_alignment(l, align);
    pango_layout_set_text(l, text.c_str(), static_cast<int>(text.size()));
    return l;
}

double LayoutHeight(PangoLayout* l) {
    int w = 0, h = 0;
    pango_layout_get_size(l, &w, &h);
    return static_cast<double>(h) / PANGO_SCALE;
}
double LayoutWidth(PangoLayout* l) {
    int w = 0, h = 0;
    pango_layout_get_size(l, &w, &h);
    return static_cast<double>(w) / PANGO_SCALE;
}

class CairoCanvas : public Canvas {
public:
    CairoCanvas(cairo_t* cr, PangoContext* ctx, double ox, double oy, std::string family)
        : cr_(cr), ctx_(ctx), ox_(ox), oy_(oy), family_(std::move(family)) {}
    void Rect(double x, double y, double w, double h, const std::string& fill) override {
        SetColour(cr_, fill);
        cairo_rectangle(cr_, ox_ + x, oy_ + y, w, h);
        cairo_fill(cr_);
    }
    void Line(double x1,
              double y1,
              double x2,
              double y2,
              const std::string& colour,
              double width,
              bool dashed) override {
        SetColour(cr_, colour);
        cairo_set_line_width(cr_, width);
        const double dash[] = {4, 3};
        cairo_set_dash(cr_, dash, dashed ? 2 : 0, 0);
        cairo_move_to(cr_, ox_ + x1, oy_ + y1);
        cairo_line_to(cr_, ox_ + x2, oy_ + y2);
        cairo_stroke(cr_);
        cairo_set_dash(cr_, nullptr, 0, 0);
    }
    void Polyline(const std::vector<std::pair<double, double>>& pts,
                  const std::string& colour,
                  double width) override {
        if (pts.empty()) return;
        SetColour(cr_, colour);
        cairo_set_line_width(cr_, width);
        cairo_set_line_join(cr_, CAIRO_LINE_JOIN_ROUND);
        cairo_move_to(cr_, ox_ + pts[0].first, oy_ + pts[0].second);
        for (size_t i = 1; i < pts.size(); ++i)
            cairo_line_to(cr_, ox_ + pts[i].first, oy_ + pts[i].second);
        cairo_stroke(cr_);
    }
    void Dot(double x, double y, double r, const std::string& colour) override {
        SetColour(cr_, colour);
        cairo_new_sub_path(cr_);
        cairo_arc(cr_, ox_ + x, oy_ + y, r, 0, 6.2831853);
        cairo_fill(cr_);
    }
    void Text(double x,
              double y,
              const std::string& text,
              double size,
              Anchor anchor,
              const std::string& colour,
              bool bold) override {
        PangoLayout* l = Layout(ctx_, family_, text, size, bold, -1);
        double w = LayoutWidth(l);
        double base = static_cast<double>(pango_layout_get_baseline(l)) / PANGO_SCALE;
        double dx = anchor == Anchor::kStart ? 0 : anchor == Anchor::kMiddle ? w / 2 : w;
        SetColour(cr_, colour);
        cairo_move_to(cr_, ox_ + x - dx, oy_ + y - base);
        pango_cairo_show_layout(cr_, l);
        g_object_unref(l);
    }

private:
    cairo_t* cr_;
    PangoContext* ctx_;
    double ox_, oy_;
    std::string family_;
};

// Lays the document out on `surface`; returns the number of pages.
class Document {
public:
    Document(cairo_surface_t* s,
             const MonthlyData& d,
             const std::vector<std::string>& paras,
             Script script,
             int total_pages)
        : d_(d), paras_(paras), script_(script), total_(total_pages) {
        cr_ = cairo_create(s);
        // Fixed font options (no hinting), so the counting pass on a recording surface breaks
        // lines exactly as the PDF surface does.
        ctx_ = pango_cairo_create_context(cr_);
        cairo_font_options_t* o = cairo_font_options_create();
        cairo_font_options_set_hint_metrics(o, CAIRO_HINT_METRICS_OFF);
        cairo_font_options_set_hint_style(o, CAIRO_HINT_STYLE_NONE);
        pango_cairo_context_set_font_options(ctx_, o);
        cairo_font_options_destroy(o);
        const bool tw = script == Script::kTraditional;
        fonts_.sans = tw ? "Noto Sans CJK TC" : "Noto Sans CJK SC";
        fonts_.serif = tw ? "Noto Serif CJK TC" : "Noto Serif CJK SC";
    }
    ~Document() {
        g_object_unref(ctx_);
        cairo_destroy(cr_);
    }
    Document(const Document&) = delete;
    Document& operator=(const Document&) = delete;

    int Run() {
        StartPage();
        DrawTitle();
        DrawTable();
        DrawNarrative();
        DrawCharts();
        FinishPage();
        return page_;
    }
    cairo_status_t Status() const { return cairo_status(cr_); }

private:
    std::string Z(const std::string& s) const { return Zh(s, script_); }
    double Width() const { return kPageW - 2 * kMargin; }
    double Bottom() const { return kPageH - kBottom; }

    void Show(PangoLayout* l, double x, double y, const std::string& colour = "#222222") {
        SetColour(cr_, colour);
        cairo_move_to(cr_, x, y);
        pango_cairo_show_layout(cr_, l);
    }

    void StartPage() {
        ++page_;
        y_ = kTop;
        PangoLayout* h = Layout(ctx_, fonts_.sans,
                                Z(d_.district + std::to_string(d_.year) + "年" +
                                  PeriodLabel(d_.month) + "经济运行分析"),
                                8, false, -1);
        Show(h, kMargin, kTop - 24, "#777777");
        g_object_unref(h);
        if (d_.generated_data) {
            PangoLayout* n =
                Layout(ctx_, fonts_.sans, Z(DemoNote()), 8, true, Width(), PANGO_ALIGN_RIGHT);
            Show(n, kMargin, kTop - 24, "#C0392B");
            g_object_unref(n);
        }
        SetColour(cr_, "#999999");
        cairo_set_line_width(cr_, 0.5);
        cairo_move_to(cr_, kMargin, kTop - 10);
        cairo_line_to(cr_, kPageW - kMargin, kTop - 10);
        cairo_stroke(cr_);
    }
    void FinishPage() {
        std::string foot = "第" + std::to_string(page_) + "页";
        if (total_ > 0) foot += " 共" + std::to_string(total_) + "页";
        PangoLayout* f = Layout(ctx_, fonts_.sans, Z(foot), 8, false, Width(), PANGO_ALIGN_CENTER);
        Show(f, kMargin, kPageH - kBottom + 20, "#555555");
        g_object_unref(f);
        cairo_show_page(cr_);
    }
    void NeedSpace(double h) {
        if (y_ + h > Bottom()) {
            FinishPage();
            StartPage();
        }
    }

    void DrawTitle() {
        PangoLayout* t =
            Layout(ctx_, fonts_.serif, Z(Title(d_)), 17, true, Width(), PANGO_ALIGN_CENTER);
        Show(t, kMargin, y_);
        y_ += LayoutHeight(t) + 4;
        g_object_unref(t);
        PangoLayout* s = Layout(ctx_, fonts_.sans, Z("序时进度") + " " + d_.time_progress + "%",
                                9.5, false, Width(), PANGO_ALIGN_CENTER);
        Show(s, kMargin, y_, "#555555");
        y_ += LayoutHeight(s) + 10;
        g_object_unref(s);
    }

    // One table row: cells wrapped to their column, ruled on all sides.
    void Row(const std::vector<std::string>& cells, bool header, const std::string& light) {
        static const double kW[] = {118, 34, 50, 58, 50, 58, 56, 75};
        const double pad = 3, size = header ? 8.5 : 8.5;
        double scale = Width() / 499.0;
        std::vector<PangoLayout*> ls;
        double h = 0;
        for (size_t i = 0; i < cells.size(); ++i) {
            double w = kW[i] * scale - 2 * pad;
            PangoAlignment a = header  ? PANGO_ALIGN_CENTER
                               : i < 2 ? PANGO_ALIGN_LEFT
                                       : PANGO_ALIGN_RIGHT;
            if (!header && i == 1) a = PANGO_ALIGN_CENTER;
            ls.push_back(Layout(ctx_, fonts_.sans, cells[i], size, header, w, a));
            h = std::max(h, LayoutHeight(ls.back()) + 2 * pad);
        }
        if (y_ + h > Bottom()) {
            FinishPage();
            StartPage();
            if (!header) Row(header_, true, "");
        }
        double x = kMargin;
        for (size_t i = 0; i < cells.size(); ++i) {
            double w = kW[i] * scale;
            std::string fill = header ? "#EEEEEE" : (i == 0 || i == 7) ? LightFill(light) : "";
            if (!fill.empty()) {
                SetColour(cr_, fill);
                cairo_rectangle(cr_, x, y_, w, h);
                cairo_fill(cr_);
            }
            Show(ls[i], x + pad, y_ + pad);
            SetColour(cr_, "#333333");
            cairo_set_line_width(cr_, 0.6);
            cairo_rectangle(cr_, x, y_, w, h);
            cairo_stroke(cr_);
            x += w;
            g_object_unref(ls[i]);
        }
        y_ += h;
    }

    void DrawTable() {
        header_ = {Z("指标"),   Z("单位"),     Z("本月"),      Z(PeriodLabel(d_.month) + "累计"),
                   Z("同比±%"), Z("年度目标"), Z("完成目标%"), Z("序时进度差(百分点)")};
        Row(header_, true, "");
        auto v = [](const std::string& s) { return IsBlank(s) ? std::string("—") : s; };
        for (const auto& r : d_.rows) {
            Row({Z(r.name), Z(r.unit), v(r.month_value), v(r.ytd), v(r.yoy), v(r.target),
                 v(r.completion), v(r.gap)},
                false, r.light);
        }
        PangoLayout* n =
            Layout(ctx_, fonts_.sans,
                   Z("注:序时进度差=完成目标%-序时进度,正数为超序时进度,负数为落后序时进度;"
                     "红、黄底色为预警指标。"),
                   7.5, false, Width());
        NeedSpace(LayoutHeight(n) + 4);
        Show(n, kMargin, y_ + 3, "#555555");
        y_ += LayoutHeight(n) + 16;
        g_object_unref(n);
    }

    void DrawNarrative() {
        PangoLayout* h = Layout(ctx_, fonts_.serif, Z("运行分析"), 13, true, Width());
        NeedSpace(LayoutHeight(h) + 40);
        Show(h, kMargin, y_);
        y_ += LayoutHeight(h) + 6;
        g_object_unref(h);
        for (const auto& p : paras_) {
            PangoLayout* l = Layout(ctx_, fonts_.serif, p, 10.5, false, Width());
            pango_layout_set_indent(l, static_cast<int>(21 * PANGO_SCALE));  // 2em first line
            pango_layout_set_justify(l, TRUE);
            pango_layout_set_spacing(l, static_cast<int>(5 * PANGO_SCALE));
            // Line by line, so a long paragraph continues on the next page.
            PangoLayoutIter* it = pango_layout_get_iter(l);
            double top_of_layout = y_;
            double shift = 0;  // how far lines moved down by page breaks
            do {
                PangoRectangle logical;
                pango_layout_iter_get_line_extents(it, nullptr, &logical);
                double ly = top_of_layout + shift + static_cast<double>(logical.y) / PANGO_SCALE;
                double lh = static_cast<double>(logical.height) / PANGO_SCALE;
                if (ly + lh > Bottom()) {
                    FinishPage();
                    StartPage();
                    shift += y_ - ly;
                    ly = y_;
                }
                double base = top_of_layout + shift +
                              static_cast<double>(pango_layout_iter_get_baseline(it)) / PANGO_SCALE;
                SetColour(cr_, "#222222");
                cairo_move_to(cr_, kMargin + static_cast<double>(logical.x) / PANGO_SCALE, base);
                pango_cairo_show_layout_line(cr_, pango_layout_iter_get_line_readonly(it));
                y_ = ly + lh;
            } while (pango_layout_iter_next_line(it));
            pango_layout_iter_free(it);
            g_object_unref(l);
            y_ += 6;
        }
        y_ += 8;
    }

    void DrawCharts() {
        const double w = Width();
        // At most a page: a long table gets thinner bars, not a chart running off the paper.
        const double bar_h =
            std::min(60 + 20.0 * static_cast<double>(d_.rows.size()), Bottom() - kTop);
        NeedSpace(bar_h);
        {
            CairoCanvas c(cr_, ctx_, kMargin, y_, fonts_.sans);
            DrawCompletionChart(c, d_, script_, w, bar_h);
        }
        y_ += bar_h + 14;
        if (!d_.trends.empty()) {
            NeedSpace(240);
            CairoCanvas c(cr_, ctx_, kMargin, y_, fonts_.sans);
            DrawTrendChart(c, d_, script_, w, 240);
            y_ += 254;
        }
    }

    const MonthlyData& d_;
    const std::vector<std::string>& paras_;
    Script script_;
    int total_;
    cairo_t* cr_ = nullptr;
    PangoContext* ctx_ = nullptr;
    Fonts fonts_;
    int page_ = 0;
    double y_ = 0;
    std::vector<std::string> header_;
};

cairo_status_t Append(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

}  // namespace

core::Result<std::string> RenderPdf(const MonthlyData& d,
                                    const std::vector<std::string>& narrative,
                                    Script script) {
    const std::vector<std::string> paras =
        narrative.empty() ? DraftNarrative(d, script) : narrative;
    int pages = 0;
    {
        // Counting pass: the same layout on a recording surface that is thrown away.
        cairo_rectangle_t page{0, 0, kPageW, kPageH};
        cairo_surface_t* s = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &page);
        Document doc(s, d, paras, script, 0);
        pages = doc.Run();
        cairo_surface_finish(s);
        cairo_surface_destroy(s);
    }
    std::string out;
    cairo_surface_t* s = cairo_pdf_surface_create_for_stream(Append, &out, kPageW, kPageH);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE,
                                   Zh(internal::Title(d), script).c_str());
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "duban");
    cairo_status_t st;
    {
        Document doc(s, d, paras, script, pages);
        doc.Run();
        st = doc.Status();
    }
    cairo_surface_finish(s);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (st != CAIRO_STATUS_SUCCESS) {
        return core::Error::Internal(std::string("pdf: cairo: ") + cairo_status_to_string(st));
    }
    return out;
}

}  // namespace duban::report
