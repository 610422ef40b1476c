// The invoice PDF is checked the way a reader sees it: poppler's pdftotext/pdfinfo/pdffonts
// read the rendered bytes, and the figures computed from the input must appear in the text.
#include "render/invoice_pdf.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <regex>

#include <unistd.h>

#include "render/i18n.h"

namespace remit::render {
namespace {

// Runs `cmd` and returns its standard output.
std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  pclose(p);
  return out;
}

// A PDF written to a temporary file for the poppler tools; removed afterwards.
class PdfFile {
 public:
  explicit PdfFile(const std::string& bytes) {
    static std::atomic<int> seq{0};
    path_ = fmt::format("{}/remit_invoice_{}_{}.pdf", ::testing::TempDir(), getpid(), seq++);
    std::ofstream(path_, std::ios::binary) << bytes;
  }
  ~PdfFile() { std::remove(path_.c_str()); }
  // Text in reading layout, with runs of spaces collapsed so words are matched, not columns.
  std::string text() const {
    return std::regex_replace(run(fmt::format("pdftotext -layout '{}' -", path_)), std::regex("[ \t]+"), " ");
  }
  int pages() const {
    std::smatch m;
    std::string info = run(fmt::format("pdfinfo '{}'", path_));
    return std::regex_search(info, m, std::regex(R"(Pages:\s+(\d+))")) ? std::stoi(m[1]) : -1;
  }
  std::string fonts() const { return run(fmt::format("pdffonts '{}'", path_)); }

 private:
  std::string path_;
};

size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

app::InvoiceLine line(std::string desc, std::string start, std::string end, int64_t qty, Minor unit,
                      Minor amount) {
  app::InvoiceLine l;
  l.description = std::move(desc);
  l.period_start = std::move(start);
  l.period_end = std::move(end);
  l.quantity = qty;
  l.unit_amount = unit;
  l.amount = amount;
  return l;
}

// Totals follow from the lines, credit and payments as the billing code would set them.
void settle(app::Invoice& inv, Minor credit, Minor credited, Minor paid) {
  inv.subtotal = 0;
  for (auto& l : inv.lines) inv.subtotal += l.amount;
  inv.credit_applied = credit;
  inv.amount_credited = credited;
  inv.amount_paid = paid;
  inv.amount_due = inv.subtotal - credit - credited - paid;
}

struct Fixture {
  app::Tenant tenant;
  app::Account account;
  app::Invoice invoice;
};

Fixture sample(const std::string& language) {
  Fixture f;
  f.tenant.name = "Northwind Hosting LLC";
  f.tenant.remit_to = "PO Box 4410\nDept 17\nPortland, OR 97208\n";
  f.account.number = "A-10042";
  f.account.name = "Ada";
  f.account.last_name = "Lovelace";
  f.account.company = "Analytical Engines Ltd";
  f.account.address = "12 Babbage Row\nLondon EC1A 1AA";
  f.account.language = language;
  auto& inv = f.invoice;
  inv.number = 42;
  inv.status = "open";
  inv.cycle_start = "2026-01-01";
  inv.cycle_end = "2026-02-01";
  inv.issue_date = "2026-02-01";
  inv.due_date = "2026-03-03";
  inv.terms = "Net 30";
  // The seat added on Jan 12 is billed for 20 of January's 31 days.
  auto jan = days_between(*parse_date("2026-01-01"), *parse_date("2026-02-01"));
  auto used = days_between(*parse_date("2026-01-12"), *parse_date("2026-02-01"));
  inv.lines = {
      line("Pro plan seats", "2026-01-01", "2026-02-01", 300, 4900, 3 * 4900),
      line("Pro plan seat (prorated)", "2026-01-12", "2026-02-01", 100, 4900, prorate(4900, used, jan)),
      line("Migration consulting", "2026-01-20", "2026-01-21", 125, 15000, prorate(15000, 125, 100)),
      line("Dedicated cluster", "2026-01-01", "2026-02-01", 100, 123456789, 123456789),
      line("Goodwill adjustment", "", "", 0, 0, -1200),
  };
  settle(inv, 2500, 0, 10000);
  return f;
}

TEST(InvoicePdf, EnglishShowsTheFiguresFromTheInvoice) {
  auto f = sample("en");
  PdfFile pdf(render_invoice_pdf(f.tenant, f.account, f.invoice));
  std::string text = pdf.text();
  auto money = [&](Minor m) { return format_money(m, f.tenant.currency, Lang::En); };

  EXPECT_EQ(pdf.pages(), 1);
  for (std::string want : {std::string("Invoice"), f.invoice.number_text(), f.account.number,
                           f.tenant.name, f.account.company, std::string("Ada Lovelace"),
                           std::string("London EC1A 1AA"), std::string("Portland, OR 97208"),
                           std::string("Net 30"), format_date(f.invoice.issue_date, Lang::En)})
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
  for (auto& l : f.invoice.lines) {
    EXPECT_NE(text.find(l.description), std::string::npos) << l.description;
    EXPECT_NE(text.find(money(l.amount)), std::string::npos) << l.description;
    EXPECT_NE(text.find(format_period(l.period_start, l.period_end, Lang::En)), std::string::npos)
        << l.description;
    if (l.quantity) {
      EXPECT_NE(text.find(hundredths_to_string(l.quantity)), std::string::npos) << l.description;
    }
  }
  // The service period ends the day before the exclusive period_end.
  EXPECT_NE(text.find("Jan 12, 2026 – Jan 31, 2026"), std::string::npos) << text;
  EXPECT_NE(text.find("Billing period Jan 1, 2026 – Jan 31, 2026"), std::string::npos) << text;
  EXPECT_NE(text.find("Subtotal " + money(f.invoice.subtotal)), std::string::npos) << text;
  EXPECT_NE(text.find("Credit applied " + money(-f.invoice.credit_applied)), std::string::npos);
  EXPECT_NE(text.find("Payments " + money(-f.invoice.amount_paid)), std::string::npos);
  EXPECT_EQ(text.find("Credit notes"), std::string::npos);  // none on this invoice
  EXPECT_NE(text.find("Amount due " + money(f.invoice.amount_due)), std::string::npos) << text;
  EXPECT_NE(text.find("Please pay by " + format_date(f.invoice.due_date, Lang::En)), std::string::npos);
  EXPECT_NE(text.find("Remit to"), std::string::npos);
  EXPECT_NE(text.find("Page 1 of 1"), std::string::npos);
  EXPECT_EQ(text.find("DRAFT"), std::string::npos);
  EXPECT_NE(pdf.fonts().find("DejaVuSans"), std::string::npos);
}

TEST(InvoicePdf, SameInputGivesTheSameBytes) {
  auto f = sample("en");
  EXPECT_EQ(render_invoice_pdf(f.tenant, f.account, f.invoice),
            render_invoice_pdf(f.tenant, f.account, f.invoice));
}

TEST(InvoicePdf, ChineseUsesChineseLabelsAndACjkFont) {
  auto f = sample("zh-CN");
  f.account.company = "北京数据科技有限公司";
  f.account.name = "伟";
  f.account.last_name = "张";
  f.account.address = "北京市海淀区中关村大街1号";
  f.invoice.lines[0].description = "专业版席位";
  settle(f.invoice, 2500, 3000, 10000);
  PdfFile pdf(render_invoice_pdf(f.tenant, f.account, f.invoice));
  std::string text = pdf.text();
  auto money = [&](Minor m) { return format_money(m, f.tenant.currency, Lang::ZhCN); };

  for (std::string want : {"发票", "发票号码", "开票日期", "账户编号", "收票方", "项目说明", "服务期间",
                           "数量", "单价", "金额", "小计", "已付款", "应付金额", "汇款至",
                           "30 天内付款", "张伟", "北京数据科技有限公司", "专业版席位",
                           "北京市海淀区中关村大街1号"})
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
  EXPECT_NE(text.find(f.invoice.number_text()), std::string::npos);
  EXPECT_NE(text.find(format_date(f.invoice.issue_date, Lang::ZhCN)), std::string::npos);
  for (auto& l : f.invoice.lines) EXPECT_NE(text.find(money(l.amount)), std::string::npos);
  EXPECT_NE(text.find("贷项通知单 " + money(-f.invoice.amount_credited)), std::string::npos) << text;
  EXPECT_NE(text.find("应付金额 " + money(f.invoice.amount_due)), std::string::npos) << text;
  auto pay_by = fmt::format(fmt::runtime(labels(Lang::ZhCN).please_pay_by),
                            format_date(f.invoice.due_date, Lang::ZhCN));
  EXPECT_NE(text.find(pay_by), std::string::npos) << pay_by << "\n" << text;
  EXPECT_EQ(text.find("Subtotal"), std::string::npos);
  EXPECT_NE(pdf.fonts().find("NotoSansCJK"), std::string::npos) << pdf.fonts();
}

TEST(InvoicePdf, DraftAndVoidAreMarked) {
  auto f = sample("en");
  f.invoice.number.reset();
  f.invoice.status = "draft";
  EXPECT_GE(count(PdfFile(render_invoice_pdf(f.tenant, f.account, f.invoice)).text(), "DRAFT"), 2u);
  f.invoice.number = 7;
  f.invoice.status = "void";
  std::string text = PdfFile(render_invoice_pdf(f.tenant, f.account, f.invoice)).text();
  EXPECT_NE(text.find("VOID"), std::string::npos);
  EXPECT_NE(text.find("INV-000007"), std::string::npos);
  EXPECT_EQ(text.find("Please pay by"), std::string::npos);  // nothing to pay on a void invoice
}

TEST(InvoicePdf, ManyLinesSpillOntoMorePagesWithTheHeaderRepeated) {
  auto f = sample("en");
  f.invoice.lines.clear();
  for (int i = 1; i <= 120; ++i)
    f.invoice.lines.push_back(line(fmt::format("Usage item {:03}", i), "2026-01-01", "2026-02-01",
                                   i * 100, 250, i * 250));
  settle(f.invoice, 0, 0, 0);
  PdfFile pdf(render_invoice_pdf(f.tenant, f.account, f.invoice));
  std::string text = pdf.text();
  int pages = pdf.pages();
  ASSERT_GT(pages, 1);
  EXPECT_EQ(count(text, "Service period"), static_cast<size_t>(pages));  // one table header a page
  EXPECT_NE(text.find(fmt::format("Page {} of {}", pages, pages)), std::string::npos);
  EXPECT_NE(text.find("(continued)"), std::string::npos);
  for (auto& l : f.invoice.lines) EXPECT_NE(text.find(l.description), std::string::npos);
  EXPECT_NE(text.find("Amount due " + format_money(f.invoice.amount_due, "USD", Lang::En)),
            std::string::npos);
}

}  // namespace
}  // namespace remit::render
