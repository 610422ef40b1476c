#include "render/invoice_pdf.h"

#include <cairo-pdf.h>
#include <fmt/format.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "core/error.h"
#include "core/text.h"
#include "render/i18n.h"

namespace remit::render {
namespace {

// US Letter in PostScript points (the PDF's user unit), 0.75 in margins.
constexpr double kPageW = 612, kPageH = 792, kMargin = 54;
constexpr double kLeft = kMargin, kRight = kPageW - kMargin, kWidth = kRight - kLeft;
constexpr double kFooterY = kPageH - 42;
constexpr double kBottom = kFooterY - 12;  // body content ends above the footer
constexpr double kPad = 4;                 // vertical padding inside table rows
constexpr double kGap = 12;                // horizontal space between table columns

struct Style {
  double size = 9;
  bool bold = false;
  double grey = 0;  // 0 is black
  bool red = false;
};
constexpr Style kBody{}, kBold{9, true}, kSmall{7.5, false, 0.45}, kLabel{8.5, false, 0.4},
    kHead{8, true, 0.3};

struct LayoutUnref {
  void operator()(PangoLayout* l) const { g_object_unref(l); }
};
using Layout = std::unique_ptr<PangoLayout, LayoutUnref>;

// Lays out and draws text on one Cairo context. With `dry` set it only measures: pages are
// planned by running the whole layout once dry, which also yields the "of N" in page footers.
class Pen {
 public:
  Pen(cairo_t* cr, Lang lang)
      : cr_(cr),
        ctx_(pango_cairo_create_context(cr)),
        family_(lang == Lang::ZhCN ? "Noto Sans CJK SC" : "DejaVu Sans") {
    // The language picks Simplified Chinese glyph forms for unified Han characters.
    pango_context_set_language(ctx_, pango_language_from_string(lang == Lang::ZhCN ? "zh-cn" : "en"));
    // Unhinted metrics: a PDF is scaled when viewed or printed, so hinting only adds drift.
    cairo_font_options_t* fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(ctx_, fo);
    cairo_font_options_destroy(fo);
  }
  ~Pen() { g_object_unref(ctx_); }
  Pen(const Pen&) = delete;
  Pen& operator=(const Pen&) = delete;

  bool dry = false;

  // width <= 0: no wrapping (each paragraph one line).
  Layout layout(std::string_view text, Style s, double width = 0,
                PangoAlignment align = PANGO_ALIGN_LEFT) const {
    Layout l{pango_layout_new(ctx_)};
    PangoFontDescription* fd = pango_font_description_from_string(family_);
    pango_font_description_set_absolute_size(fd, s.size * PANGO_SCALE);
    pango_font_description_set_weight(fd, s.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(l.get(), fd);
    pango_font_description_free(fd);
    if (width > 0) {
      pango_layout_set_width(l.get(), static_cast<int>(width * PANGO_SCALE));
      pango_layout_set_wrap(l.get(), PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_alignment(l.get(), align);
    pango_layout_set_text(l.get(), text.data(), static_cast<int>(text.size()));
    return l;
  }
  static double width(const Layout& l) { return size(l).first; }
  static double height(const Layout& l) { return size(l).second; }

  // Draws with the layout's top-left corner at (x, y); returns its height.
  double draw(const Layout& l, double x, double y, Style s) {
    if (!dry) {
      if (s.red) cairo_set_source_rgb(cr_, 0.75, 0.1, 0.1);
      else cairo_set_source_rgb(cr_, s.grey, s.grey, s.grey);
      cairo_move_to(cr_, x, y);
      pango_cairo_show_layout(cr_, l.get());
    }
    return height(l);
  }
  double text(double x, double y, std::string_view t, Style s, double width = 0,
              PangoAlignment align = PANGO_ALIGN_LEFT) {
    return draw(layout(t, s, width, align), x, y, s);
  }
  double text_right(double right, double y, std::string_view t, Style s) {
    Layout l = layout(t, s);
    return draw(l, right - width(l), y, s);
  }
  void rule(double x0, double x1, double y, double line_width, double grey) {
    if (dry) return;
    cairo_set_source_rgb(cr_, grey, grey, grey);
    cairo_set_line_width(cr_, line_width);
    cairo_move_to(cr_, x0, y);
    cairo_line_to(cr_, x1, y);
    cairo_stroke(cr_);
  }
  void band(double y, double h, double grey) {
    if (dry) return;
    cairo_set_source_rgb(cr_, grey, grey, grey);
    cairo_rectangle(cr_, kLeft, y, kWidth, h);
    cairo_fill(cr_);
  }
  void end_page() {
    if (!dry) cairo_show_page(cr_);
  }

 private:
  static std::pair<double, double> size(const Layout& l) {
    int w = 0, h = 0;
    pango_layout_get_size(l.get(), &w, &h);
    return {static_cast<double>(w) / PANGO_SCALE, static_cast<double>(h) / PANGO_SCALE};
  }
  cairo_t* cr_;
  PangoContext* ctx_;
  const char* family_;
};

bool ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// A name written in Chinese (or another non-Latin script) puts the family name first with no
// space, in either language of the invoice.
std::string person_name(const app::Account& a) {
  std::string first = trim(a.name), last = trim(a.last_name);
  if (first.empty() || last.empty()) return first + last;
  if (!ascii(first) && !ascii(last)) return last + first;
  return first + " " + last;
}

struct Row {
  std::string description, period, quantity, unit_price, amount;
};

struct Column {
  double x = 0, w = 0;
};

// One pass over the whole document; run twice (dry, then for real).
class InvoiceLayout {
 public:
  InvoiceLayout(Pen& pen, const app::Tenant& t, const app::Account& a, const app::Invoice& inv,
                Lang lang)
      : pen_(pen), t_(t), a_(a), inv_(inv), lang_(lang), L_(labels(lang)) {
    number_ = inv.number ? inv.number_text() : std::string(L_.draft);
    for (const auto& line : inv.lines) {
      bool counted = line.quantity != 0;
      rows_.push_back({line.description, format_period(line.period_start, line.period_end, lang),
                       counted ? hundredths_to_string(line.quantity) : "",
                       counted ? money(line.unit_amount) : "", money(line.amount)});
    }
    plan_columns();
  }

  // Lays out every page and returns how many; total_pages (for "Page n of N") comes from a
  // previous dry run.
  int run(int total_pages) {
    total_ = total_pages;
    page_ = 1;
    double y = table_header(first_page_header());
    bool row_on_page = false;
    for (const Row& r : rows_) {
      double h = row_height(r);
      if (y + h > kBottom && row_on_page) {
        y = table_header(new_page());
        row_on_page = false;
      }
      y = row(r, y);
      row_on_page = true;
    }
    y += 14;
    if (measure([&] { return totals(y); }) > kBottom) y = new_page();
    totals(y);
    footer();
    pen_.end_page();
    return page_;
  }

 private:
  std::string money(Minor m) const { return format_money(m, t_.currency, lang_); }
  std::string date(const std::string& d) const { return format_date(d, lang_); }

  template <class F>
  double measure(F f) {
    bool was = pen_.dry;
    pen_.dry = true;
    double r = f();
    pen_.dry = was;
    return r;
  }

  // Numbers get exactly the width they need; the description takes what is left, the
  // service period at most 150 pt (it wraps beyond that).
  void plan_columns() {
    auto widest = [&](std::string_view head, auto field, double cap) {
      double w = Pen::width(pen_.layout(head, kHead));
      for (const Row& r : rows_) w = std::max(w, Pen::width(pen_.layout(r.*field, kBody)));
      return std::min(w, cap);
    };
    double qty = widest(L_.quantity, &Row::quantity, 60);
    double unit = widest(L_.unit_price, &Row::unit_price, 110);
    double amount = widest(L_.amount, &Row::amount, 110);
    double period = widest(L_.service_period, &Row::period, 150);
    double desc = kWidth - qty - unit - amount - period - 4 * kGap - 4;
    if (desc < 150) {  // huge amounts: let the service period wrap rather than overlap
      period = std::max(70.0, period - (150 - desc));
      desc = kWidth - qty - unit - amount - period - 4 * kGap - 4;
    }
    amount_ = {kRight - 4 - amount, amount};  // inset to match the description's
    unit_ = {amount_.x - kGap - unit, unit};
    qty_ = {unit_.x - kGap - qty, qty};
    period_ = {qty_.x - kGap - period, period};
    desc_ = {kLeft, desc};
  }

  double first_page_header() {
    constexpr double left_w = 250, meta_w = 240, meta_x = kRight - meta_w;
    double yl = kMargin, yr = kMargin;
    yl += pen_.text(kLeft, yl, t_.name, {15, true}, left_w);
    std::string remit = trim(t_.remit_to);
    if (!remit.empty()) yl += 3 + pen_.text(kLeft, yl + 3, remit, {8.5, false, 0.3}, left_w);

    yr += pen_.text(meta_x, yr, L_.invoice, {22, true}, meta_w, PANGO_ALIGN_RIGHT);
    std::string badge = status_badge(inv_.status, lang_);
    if (t_.test_mode) badge += (badge.empty() ? "" : " · ") + std::string(L_.test_mode);
    if (!badge.empty())
      yr += 2 + pen_.text(meta_x, yr + 2, badge, {11, true, 0, true}, meta_w, PANGO_ALIGN_RIGHT);
    yr += 8;
    std::vector<std::pair<std::string_view, std::string>> facts{{L_.invoice_number, number_}};
    if (!inv_.issue_date.empty()) facts.emplace_back(L_.issue_date, date(inv_.issue_date));
    if (!inv_.due_date.empty()) facts.emplace_back(L_.due_date, date(inv_.due_date));
    if (!inv_.terms.empty()) facts.emplace_back(L_.terms, terms_text(inv_.terms, lang_));
    if (inv_.cycle_start && inv_.cycle_end)
      facts.emplace_back(L_.billing_period, format_period(*inv_.cycle_start, *inv_.cycle_end, lang_));
    if (!a_.number.empty()) facts.emplace_back(L_.account_number, a_.number);
    double label_w = 0;
    for (auto& [label, _] : facts) label_w = std::max(label_w, Pen::width(pen_.layout(label, kLabel)));
    label_w += 12;
    for (auto& [label, value] : facts) {
      double h = pen_.text(meta_x, yr, label, kLabel);
      h = std::max(h, pen_.text(meta_x + label_w, yr, value, kBody, meta_w - label_w, PANGO_ALIGN_RIGHT));
      yr += h + 3;
    }

    yl += 22;
    yl += 2 + pen_.text(kLeft, yl, L_.bill_to, kHead);
    std::string company = trim(a_.company), person = person_name(a_);
    if (!company.empty()) yl += pen_.text(kLeft, yl, company, {10, true}, left_w);
    if (!person.empty()) yl += pen_.text(kLeft, yl, person, company.empty() ? Style{10, true} : kBody, left_w);
    std::string address = trim(a_.address);
    if (!address.empty()) yl += pen_.text(kLeft, yl, address, kBody, left_w);
    return std::max(yl, yr) + 24;
  }

  // Finishes the current page and starts the next with a short header; returns the top y.
  double new_page() {
    footer();
    pen_.end_page();
    ++page_;
    double y = kMargin;
    double h = pen_.text(kLeft, y, t_.name, {11, true}, 250);
    std::string title = fmt::format("{} {}{}{}", L_.invoice, number_, lang_ == Lang::ZhCN ? "" : " ", L_.continued);
    h = std::max(h, pen_.text_right(kRight, y, title, {11, true}));
    y += h + 6;
    pen_.rule(kLeft, kRight, y, 0.5, 0.6);
    return y + 14;
  }

  double table_header(double y) {
    double h = Pen::height(pen_.layout(L_.amount, kHead)) + 2 * kPad;
    pen_.band(y, h, 0.92);
    double ty = y + kPad;
    pen_.text(desc_.x + 4, ty, L_.description, kHead);
    pen_.text(period_.x, ty, L_.service_period, kHead);
    pen_.text_right(qty_.x + qty_.w, ty, L_.quantity, kHead);
    pen_.text_right(unit_.x + unit_.w, ty, L_.unit_price, kHead);
    pen_.text_right(amount_.x + amount_.w, ty, L_.amount, kHead);
    return y + h;
  }

  Layout desc_layout(const Row& r) const { return pen_.layout(r.description, kBody, desc_.w - 4); }
  Layout period_layout(const Row& r) const { return pen_.layout(r.period, kBody, period_.w); }

  double row_height(const Row& r) const {
    double h = std::max(Pen::height(desc_layout(r)), Pen::height(period_layout(r)));
    return std::max(h, Pen::height(pen_.layout(r.amount, kBody))) + 2 * kPad;
  }

  double row(const Row& r, double y) {
    double ty = y + kPad;
    pen_.draw(desc_layout(r), desc_.x + 4, ty, kBody);
    pen_.draw(period_layout(r), period_.x, ty, kBody);
    pen_.text_right(qty_.x + qty_.w, ty, r.quantity, kBody);
    pen_.text_right(unit_.x + unit_.w, ty, r.unit_price, kBody);
    pen_.text_right(amount_.x + amount_.w, ty, r.amount, kBody);
    double bottom = y + row_height(r);
    pen_.rule(kLeft, kRight, bottom, 0.4, 0.85);
    return bottom;
  }

  // Totals on the right; on the left, how to pay and where to send it.
  double totals(double y) {
    constexpr double totals_w = 240, totals_x = kRight - totals_w, left_w = kWidth - totals_w - 24;
    double yr = y;
    auto line = [&](std::string_view label, Minor m, Style s) {
      double h = pen_.text(totals_x, yr, label, s);
      yr += std::max(h, pen_.text_right(kRight - 4, yr, money(m), s)) + 4;
    };
    line(L_.subtotal, inv_.subtotal, kBody);
    // Deductions are shown negative so the column reads as a sum down to the amount due.
    if (inv_.credit_applied != 0) line(L_.credit_applied, -inv_.credit_applied, kBody);
    if (inv_.amount_credited != 0) line(L_.credit_notes, -inv_.amount_credited, kBody);
    line(L_.payments, -inv_.amount_paid, kBody);
    pen_.rule(totals_x, kRight, yr + 1, 0.8, 0.2);
    yr += 6;
    line(L_.amount_due, inv_.amount_due, {11, true});

    double yl = y;
    bool payable = inv_.amount_due > 0 && (inv_.status == "open" || inv_.status == "draft");
    if (payable) {
      std::string by = fmt::format(fmt::runtime(L_.please_pay_by), date(inv_.due_date));
      yl += 2 + pen_.text(kLeft, yl, by, {10, true}, left_w);
      if (inv_.number)
        yl += pen_.text(kLeft, yl, fmt::format(fmt::runtime(L_.cite_number), number_), kBody, left_w);
      yl += 10;
    } else if (inv_.status == "paid") {
      yl += 10 + pen_.text(kLeft, yl, L_.paid_in_full, {10, true}, left_w);
    }
    yl += 2 + pen_.text(kLeft, yl, L_.remit_to, kHead);
    yl += pen_.text(kLeft, yl, t_.name, kBold, left_w);
    std::string remit = trim(t_.remit_to);
    if (!remit.empty()) yl += pen_.text(kLeft, yl, remit, kBody, left_w);
    return std::max(yl, yr);
  }

  void footer() {
    pen_.text(kLeft, kFooterY, fmt::format("{} · {}", t_.name, number_), kSmall);
    pen_.text_right(kRight, kFooterY, fmt::format(fmt::runtime(L_.page_of), page_, total_), kSmall);
  }

  Pen& pen_;
  const app::Tenant& t_;
  const app::Account& a_;
  const app::Invoice& inv_;
  Lang lang_;
  const Labels& L_;
  std::string number_;
  std::vector<Row> rows_;
  Column desc_, period_, qty_, unit_, amount_;
  int page_ = 1, total_ = 1;
};

cairo_status_t append_to_string(void* out, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(out)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

namespace {
void draw_invoice(cairo_t* cr, const app::Tenant& tenant, const app::Account& account,
                  const app::Invoice& invoice) {
  Lang lang = lang_of(account.language);
  Pen pen(cr, lang);
  InvoiceLayout doc(pen, tenant, account, invoice, lang);
  pen.dry = true;
  int pages = doc.run(0);
  pen.dry = false;
  doc.run(pages);
}
std::string finish(cairo_t* cr, cairo_surface_t* surface, std::string& pdf);
}  // namespace

std::string render_invoice_pdf(const app::Tenant& tenant, const app::Account& account,
                               const app::Invoice& invoice) {
  std::string pdf;
  Lang lang = lang_of(account.language);
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(append_to_string, &pdf, kPageW, kPageH);
  std::string title = fmt::format("{} {}", labels(lang).invoice, invoice.number_text());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, tenant.name.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Remit");
  // Cairo would stamp the wall clock; the issue date keeps the output a function of the input.
  const std::string& when = invoice.issue_date.empty() ? invoice.created_at : invoice.issue_date;
  if (!when.empty())
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, when.c_str());
  cairo_t* cr = cairo_create(surface);
  draw_invoice(cr, tenant, account, invoice);
  return finish(cr, surface, pdf);
}

std::string render_print_batch(const app::Tenant& tenant,
                                const std::vector<std::pair<app::Account, app::Invoice>>& items) {
  std::string pdf;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(append_to_string, &pdf, kPageW, kPageH);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Remit");
  cairo_t* cr = cairo_create(surface);
  for (auto& [account, invoice] : items) {
    // The address sheet of a #10 double-window envelope (letter folded in three): the
    // sender in the upper window, the recipient's address block 7/8" from the left and
    // 2" from the top, within 4" x 1".
    Pen pen(cr, lang_of(account.language));
    pen.text(kLeft, 36, tenant.name, {10, true}, 252);
    pen.text(kLeft, 50, trim(tenant.remit_to), kBody, 252);
    std::string block = trim(account.company);
    std::string person = person_name(account);
    if (!person.empty()) block += (block.empty() ? "" : "\n") + person;
    if (!trim(account.address).empty()) block += "\n" + trim(account.address);
    pen.text(63, 144, block, {10, false}, 288);
    pen.text(63, 230, invoice.number_text() + "  ·  " + account.number, kSmall, 288);
    pen.end_page();
    draw_invoice(cr, tenant, account, invoice);
  }
  return finish(cr, surface, pdf);
}

namespace {
std::string finish(cairo_t* cr, cairo_surface_t* surface, std::string& pdf) {
  cairo_status_t status = cairo_status(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  if (status == CAIRO_STATUS_SUCCESS) status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS)
    throw Error(Code::Internal, std::string("invoice PDF: ") + cairo_status_to_string(status));
  return pdf;
}
}  // namespace

}  // namespace remit::render
