#pragma once
// Paper statements (C6, DakotaPro): an account with paperless off gets one queued at each
// finalized invoice (app/outbox.h: Notices::invoice_finalized, which also charges the
// tenant's paper fee to its next invoice). Staff download a day's queued statements as one
// print batch and mark them printed.
#include "app/context.h"

namespace remit::app {

struct PaperStatement {
  int64_t id = 0, account_id = 0, invoice_id = 0;
  std::string queued_on, status;  // queued | printed
  std::optional<std::string> printed_at;
};

Page<PaperStatement> list_paper_statements(Ctx& ctx, std::optional<std::string> date,
                                           std::optional<std::string> status, const PageReq& page);
// The statements queued on `date`, oldest first, with their invoices and accounts loaded.
struct PrintItem {
  PaperStatement statement;
  Account account;
  Invoice invoice;
};
std::vector<PrintItem> print_batch(Ctx& ctx, const std::string& date);
// Marks the statements queued on `date` printed; returns how many.
int64_t mark_printed(Ctx& ctx, const std::string& date);

// The tenant's paper fee per statement (minor units; 0: none). 400 naming paper_fee above
// $100 or below 0.
void set_paper_fee(Ctx& ctx, Minor fee);
Minor paper_fee(Ctx& ctx);

}  // namespace remit::app
