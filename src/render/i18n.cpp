#include "render/i18n.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/dates.h"
#include "core/error.h"

namespace remit::render {

Lang lang_of(std::string_view tag) {
  if (tag.size() < 2) return Lang::En;
  bool zh = std::tolower(static_cast<unsigned char>(tag[0])) == 'z' &&
            std::tolower(static_cast<unsigned char>(tag[1])) == 'h' &&
            (tag.size() == 2 || tag[2] == '-' || tag[2] == '_');
  return zh ? Lang::ZhCN : Lang::En;
}

namespace {

constexpr Labels kEn{
    .invoice = "Invoice",
    .invoice_number = "Invoice number",
    .issue_date = "Issue date",
    .due_date = "Due date",
    .terms = "Terms",
    .billing_period = "Billing period",
    .account_number = "Account number",
    .bill_to = "Bill to",
    .description = "Description",
    .service_period = "Service period",
    .quantity = "Qty",
    .unit_price = "Unit price",
    .amount = "Amount",
    .subtotal = "Subtotal",
    .credit_applied = "Credit applied",
    .credit_notes = "Credit notes",
    .payments = "Payments",
    .amount_due = "Amount due",
    .remit_to = "Remit to",
    .please_pay_by = "Please pay by {}",
    .cite_number = "Please quote invoice number {} with your payment.",
    .paid_in_full = "Paid in full. Thank you.",
    .continued = "(continued)",
    .page_of = "Page {} of {}",
    .draft = "DRAFT",
    .void_ = "VOID",
    .uncollectible = "UNCOLLECTIBLE",
    .test_mode = "TEST MODE",
};

constexpr Labels kZh{
    .invoice = "发票",
    .invoice_number = "发票号码",
    .issue_date = "开票日期",
    .due_date = "付款截止日期",
    .terms = "付款条件",
    .billing_period = "账单周期",
    .account_number = "账户编号",
    .bill_to = "收票方",
    .description = "项目说明",
    .service_period = "服务期间",
    .quantity = "数量",
    .unit_price = "单价",
    .amount = "金额",
    .subtotal = "小计",
    .credit_applied = "账户余额抵扣",
    .credit_notes = "贷项通知单",
    .payments = "已付款",
    .amount_due = "应付金额",
    .remit_to = "汇款至",
    .please_pay_by = "请于{}前付款",
    .cite_number = "付款时请注明发票号码 {}。",
    .paid_in_full = "已全额付款，谢谢。",
    .continued = "（续）",
    .page_of = "第 {} 页，共 {} 页",
    .draft = "草稿",
    .void_ = "已作废",
    .uncollectible = "无法收回",
    .test_mode = "测试模式",
};

constexpr Phrase kPhrases[] = {
    {"mail_hello", "Hello", "您好"},
    {"mail_invoice_subject", "Invoice {number} from {provider}: {amount} due {due}",
     "{provider} 发票 {number}：应付 {amount}，付款截止 {due}"},
    {"mail_invoice_intro", "Your invoice {number} from {provider} is ready.",
     "您的 {provider} 发票 {number} 已开具。"},
    {"mail_invoice_paid_intro", "Your invoice {number} from {provider} is ready. It is already paid in full.",
     "您的 {provider} 发票 {number} 已开具，已全额付清。"},
    {"mail_view_and_pay", "View & Pay", "查看并付款"},
    {"mail_view_invoice", "View the invoice", "查看发票"},
    {"mail_link_expires", "This link works until", "此链接有效期至"},
    {"mail_pdf_attached", "The invoice is attached as a PDF.", "发票 PDF 已作为附件附上。"},
    {"mail_credit_note_subject", "Credit note {note} on invoice {number} from {provider}",
     "{provider} 发票 {number} 的贷项通知单 {note}"},
    {"mail_credit_note_intro", "We have issued a credit note of {amount} on invoice {number}.",
     "我们已就发票 {number} 开具金额为 {amount} 的贷项通知单。"},
    {"mail_credit_note_number", "Credit note", "贷项通知单"},
    {"mail_credit_amount", "Amount credited", "贷记金额"},
    {"mail_reason", "Reason", "原因"},
    {"mail_receipt_subject", "Payment received: {amount}, confirmation {confirmation}",
     "已收到付款：{amount}，确认号 {confirmation}"},
    {"mail_receipt_intro", "Thank you. We have received your payment of {amount}.",
     "谢谢。我们已收到您的付款 {amount}。"},
    {"mail_receipt_auto_intro", "Your automatic payment of {amount} has been taken. The invoice is attached.",
     "您的自动付款 {amount} 已扣款。发票已作为附件附上。"},
    {"mail_payment_failed_subject", "Your payment of {amount} did not go through",
     "您的付款 {amount} 未成功"},
    {"mail_payment_failed_intro",
     "We could not take your automatic payment of {amount} ({reason}). We will try again; to avoid "
     "late fees, please update your payment method or pay now.",
     "我们未能扣取您的自动付款 {amount}（{reason}）。我们会再次尝试；为避免滞纳金，请更新付款方式或立即付款。"},
    {"mail_payment_returned_subject", "Your payment of {amount} was returned by your bank",
     "您的付款 {amount} 已被银行退回"},
    {"mail_payment_returned_intro",
     "Your bank returned your payment of {amount} ({reason}). The invoices it paid are open again "
     "and a returned-payment fee will appear on your next invoice.",
     "您的银行退回了您的付款 {amount}（{reason}）。该付款支付的发票已重新打开，退款手续费将列入您的下一张发票。"},
    {"mail_account_number", "Account number", "账户号码"},
    {"mail_invoices", "Invoices", "发票"},
    {"mail_payment_amount", "Amount", "金额"},
    {"mail_convenience_fee", "Convenience fee", "便利费"},
    {"mail_payment_total", "Total", "合计"},
    {"mail_payment_method", "Paid with", "付款方式"},
    {"mail_confirmation", "Confirmation", "确认号"},
    {"mail_payment_date", "Date", "日期"},
    {"mail_digest_subject", "Payments posted {date}: {count}, {total} received",
     "{date} 入账付款：{count} 笔，已收 {total}"},
    {"mail_digest_intro", "Every payment posted from {from} to {to} ({zone}).",
     "{from} 至 {to}（{zone}）期间入账的全部付款。"},
    {"mail_digest_more", "... and {count} more, not listed here (the totals count them).",
     "……另有 {count} 笔未在此列出（已计入合计）。"},
    {"mail_digest_totals_note",
     "The totals count the money received: payments still processing, reversed or returned are "
     "listed but not counted.",
     "合计仅计已收款项：处理中、已冲销或已退回的付款会列出，但不计入合计。"},
    {"mail_digest_time", "Time", "时间"},
    {"mail_digest_payer", "Payer", "付款人"},
    {"mail_digest_method", "Method", "方式"},
    {"mail_digest_status", "Status", "状态"},
    {"mail_digest_fee", "Fee", "手续费"},
    {"mail_digest_count", "Payments", "笔数"},
    {"mail_digest_totals", "Totals", "合计"},
    {"mail_digest_all", "All methods", "全部方式"},
    {"mail_status_succeeded", "succeeded", "成功"},
    {"mail_status_pending", "pending", "待结算"},
    {"mail_status_settled", "settled", "已结算"},
    {"mail_status_processing", "processing", "处理中"},
    {"mail_status_reversed", "reversed", "已冲销"},
    {"mail_status_returned", "returned", "已退回"},
    {"mail_method_card", "Card", "银行卡"},
    {"mail_method_bank_debit", "Bank debit", "银行扣款"},
    {"mail_method_wallet", "Wallet", "电子钱包"},
    {"mail_method_cheque", "Cheque", "支票"},
    {"mail_method_bank_transfer", "Bank transfer", "银行转账"},
    {"mail_cheque_refund_subject", "Your credit balance of {amount} is refunded by cheque",
     "您的账户余额 {amount} 将以支票退还"},
    {"mail_cheque_refund_intro",
     "Your account {account} is closed. We are refunding its credit balance of {amount} by "
     "cheque, mailed to the address below.",
     "您的账户 {account} 已关闭。我们将以支票退还其余额 {amount}，寄往以下地址。"},
    {"mail_cheque_number", "Cheque number", "支票号码"},
    {"mail_cheque_payee", "Payable to", "收款人"},
    {"mail_cheque_address", "Mailed to", "邮寄地址"},
    {"mail_cheque_run_date", "Refund date", "退款日期"},
    {"sandbox_card_header", "Sandbox payment processor", "沙盒支付处理器"},
    {"sandbox_card_title", "Enter your card", "输入银行卡"},
    {"sandbox_card_note",
     "Test mode: use a test card such as 4242 4242 4242 4242. Your card number goes to the "
     "payment processor only.",
     "测试模式：请使用测试卡，如 4242 4242 4242 4242。卡号只发送给支付处理器。"},
    {"sandbox_card_number", "Card number", "卡号"},
    {"sandbox_card_exp_month", "Expiry month (MM)", "有效期月份 (MM)"},
    {"sandbox_card_exp_year", "Expiry year (YYYY)", "有效期年份 (YYYY)"},
    {"sandbox_card_cvc", "Security code (CVC)", "安全码 (CVC)"},
    {"sandbox_card_postal", "Postal code", "邮政编码"},
    {"sandbox_card_submit", "Use this card", "使用此卡"},
    {"sandbox_card_cancel", "Cancel", "取消"},
    {"sandbox_card_error_number", "The card number is not valid.", "卡号无效。"},
    {"sandbox_card_error_expiry", "The expiry date is not valid or has passed.", "有效期无效或已过期。"},
    {"sandbox_card_error_cvc", "The security code must be 3 or 4 digits.", "安全码须为 3 或 4 位数字。"},
    {"mail_code_subject", "{code} is your sign-in code for {provider}", "{code} 是您登录 {provider} 的验证码"},
    {"mail_code_intro", "Enter this code on the sign-in page of {provider}. It works once, for 10 minutes.",
     "请在 {provider} 的登录页面输入此验证码。验证码仅可使用一次，10 分钟内有效。"},
    {"mail_code_ignore", "If you did not ask to sign in, ignore this email: nothing happens without the code.",
     "如果您没有请求登录，请忽略此邮件：没有验证码，任何操作都不会发生。"},
    {"portal_code_request", "Email me a sign-in code", "通过邮件发送登录验证码"},
    {"portal_code_or", "Or sign in with a code sent to your email", "或使用发送到您邮箱的验证码登录"},
    {"portal_code_sent", "If {email} has a login here, a 6-digit code is on its way to it. It works once, for 10 minutes.",
     "如果 {email} 在此有登录账户，6 位验证码已发送至该邮箱。验证码仅可使用一次，10 分钟内有效。"},
    {"portal_code", "Sign-in code", "验证码"},
    {"portal_code_email", "Email address for the code", "接收验证码的邮箱"},
    {"portal_code_format", "Enter the 6 digits of the code, as the email shows them.", "请输入邮件中的 6 位数字验证码。"},
    {"portal_code_wrong", "That code is not right, or it has expired or been used. Try again, or ask for a new code.",
     "验证码不正确、已过期或已使用。请重试，或请求新的验证码。"},
    {"portal_code_again", "Send a new code", "重新发送验证码"},
    {"portal_skip", "Skip to content", "跳到正文"},
    {"portal_upcoming", "Upcoming invoice", "即将开具的发票"},
    // Bank accounts, sharing, split payments, printing, a fresh View & Pay link (portal_bank.cpp ...)
    {"portal_bank_account", "Bank account", "银行账户"},
    {"portal_bank_checking", "Checking", "支票账户"},
    {"portal_bank_savings", "Savings", "储蓄账户"},
    {"portal_bank_add", "Add a bank account", "添加银行账户"},
    {"portal_bank_intro",
     "Pay from a US bank account (an ACH debit, with no convenience fee). We send two small deposits to the account to check that it is yours.",
     "从美国银行账户付款（ACH 扣款，不收便利费）。我们会向该账户存入两笔小额款项，以确认账户属于您。"},
    {"portal_bank_test_note", "Test mode: use routing number 110000000 and account number 000123456789.",
     "测试模式：请使用路由号码 110000000 和账号 000123456789。"},
    {"portal_bank_holder", "Name on the account", "账户持有人姓名"},
    {"portal_bank_type", "Account type", "账户类型"},
    {"portal_bank_routing", "Routing number (9 digits)", "路由号码（9 位）"},
    {"portal_bank_number", "Account number", "账号"},
    {"portal_bank_mandate_title", "Debit authorization", "扣款授权"},
    {"portal_bank_mandate",
     "I authorize {provider} to debit the bank account above electronically (ACH) for the payments I make in this portal and the AutoPay and scheduled payments I set up, and to credit it to correct an error. This authorization stays in effect until I remove the account here or tell {provider} in time for it to act.",
     "本人授权 {provider} 通过电子方式（ACH）从上述银行账户扣款，用于本人在本门户中进行的付款以及本人设置的自动付款和预约付款，并在出现差错时向该账户入账更正。本授权持续有效，直至本人在此删除该账户，或在 {provider} 来得及处理时通知 {provider}。"},
    {"portal_bank_agree", "I agree to the debit authorization above.", "本人同意上述扣款授权。"},
    {"portal_bank_save", "Save bank account", "保存银行账户"},
    {"portal_bank_back", "Back to payment methods", "返回付款方式"},
    {"portal_bank_need_holder", "Enter the name on the account.", "请填写账户持有人姓名。"},
    {"portal_bank_bad_holder", "Enter the name on the account as plain text: at most 200 characters, without tabs, line breaks or other control characters.", "请以纯文本填写账户持有人姓名：最多 200 个字符，不含制表符、换行符或其他控制字符。"},
    {"portal_bank_bad_type", "Choose checking or savings as the account type.", "请选择支票账户或储蓄账户作为账户类型。"},
    {"portal_bank_already_saved", "This bank account is already saved: verify or remove the one in your payment methods.", "此银行账户已保存：请在付款方式中验证或删除已保存的账户。"},
    {"portal_bank_need_agree", "Tick the box to accept the debit authorization.", "请勾选方框以接受扣款授权。"},
    {"portal_bank_bad_routing", "This routing number is not valid: check its 9 digits.", "路由号码无效，请检查这 9 位数字。"},
    {"portal_bank_bad_account", "This account number was not accepted: check it and try again.", "此账号未被接受，请检查后重试。"},
    {"portal_bank_added",
     "Bank account saved. Two small deposits are on their way to it: when they show on your statement (in 1 to 2 business days), choose Verify and enter them.",
     "银行账户已保存。两笔小额存款正在汇入该账户：当它们出现在您的对账单上（1 至 2 个工作日）后，请选择“验证”并输入金额。"},
    {"portal_bank_verified", "Bank account verified: you can pay with it now.", "银行账户已验证，现在可以用它付款。"},
    {"portal_bank_failed", "Not verified: remove it and add it again", "验证未通过：请删除后重新添加"},
    {"portal_bank_verify", "Verify", "验证"},
    {"portal_bank_verify_title", "Verify a bank account", "验证银行账户"},
    {"portal_bank_verify_intro",
     "We sent two deposits of less than $1.00 each to this account, described as ACCTVERIFY. Enter the two amounts, in either order.",
     "我们已向该账户存入两笔各不足 1.00 美元的款项，摘要为 ACCTVERIFY。请输入这两笔金额，顺序不限。"},
    {"portal_bank_first", "First deposit, in cents", "第一笔存款（美分）"},
    {"portal_bank_second", "Second deposit, in cents", "第二笔存款（美分）"},
    {"portal_bank_cents_hint", "In cents: for $0.32 enter 32.", "以美分为单位：0.32 美元请输入 32。"},
    {"portal_bank_tries_left", "Tries left: {tries}", "剩余尝试次数：{tries}"},
    {"portal_bank_deposits_expire", "enter them by {date}", "请于 {date} 前输入"},
    {"portal_bank_bad_cents", "Enter each amount as a whole number of cents from 1 to 99.", "每笔金额请输入 1 到 99 之间的整数（美分）。"},
    {"portal_bank_wrong", "These amounts do not match the deposits. Tries left: {tries}.", "金额与存款不符。剩余尝试次数：{tries}。"},
    {"portal_bank_no_tries", "These amounts do not match and no tries are left: remove the account and add it again.",
     "金额不符，且已无剩余尝试次数：请删除该账户后重新添加。"},
    {"portal_share", "Share with child accounts", "与下级账户共享"},
    {"portal_share_stop", "Stop sharing", "停止共享"},
    {"portal_share_on", "Shared with child accounts", "已与下级账户共享"},
    {"portal_split", "Split the payment (optional)", "拆分付款（可选）"},
    {"portal_split_note", "Pay part with the method chosen above and the rest with another saved method.",
     "用上面选择的方式支付一部分，其余部分用另一种已保存的方式支付。"},
    {"portal_split_first", "Amount with the method above", "用上述方式支付的金额"},
    {"portal_split_rest", "The rest with", "其余部分使用"},
    {"portal_split_none", "Do not split", "不拆分"},
    {"portal_split_bad_amount", "To split, enter an amount for the first method that is less than the total.",
     "如需拆分，请为第一种方式输入小于总额的金额。"},
    {"portal_split_same", "To split, choose a different method for the rest.", "如需拆分，请为其余部分选择另一种方式。"},
    {"portal_split_parts", "How it is paid", "付款明细"},
    {"portal_print", "Print", "打印"},
    {"portal_print_hint", "To print it, use your browser's Print command (Ctrl+P, or ⌘P on a Mac).",
     "如需打印，请使用浏览器的打印命令（Ctrl+P，Mac 上为 ⌘P）。"},
    {"page_fresh_link", "Send me a fresh link", "给我发送新链接"},
    {"page_fresh_link_note", "We can email a new link to this invoice to the billing contact on file.",
     "我们可以将此发票的新链接通过电子邮件发送给存档的账单联系人。"},
    {"page_fresh_link_sent", "If this invoice is still open, a fresh link was sent to the billing contact on file.",
     "如果此发票尚未结清，新链接已发送给存档的账单联系人。"},
    {"portal_scheduled", "Scheduled payments", "预约付款"},
    {"portal_scheduled_new", "Schedule a payment", "预约一笔付款"},
    {"portal_scheduled_on", "Pay on", "付款日期"},
    {"portal_scheduled_day", "Pay on (on or before the due date)", "付款日期（不晚于到期日）"},
    {"portal_scheduled_method", "Pay with", "付款方式"},
    {"portal_scheduled_save", "Schedule", "预约"},
    {"portal_scheduled_move", "Change the day", "修改日期"},
    {"portal_scheduled_cancel", "Cancel it", "取消"},
    {"portal_scheduled_none", "No scheduled payment.", "没有预约付款。"},
    {"portal_scheduled_need_method", "Save a payment method first to schedule a payment.", "请先保存付款方式，再预约付款。"},
    {"portal_scheduled_scheduled", "Scheduled", "已预约"},
    {"portal_scheduled_paid", "Paid", "已支付"},
    {"portal_scheduled_failed", "Not paid", "未支付"},
    {"portal_scheduled_cancelled", "Cancelled", "已取消"},
    {"portal_scheduled_skipped", "Not needed: already paid", "无需付款：已支付"},
    {"portal_register", "Register", "注册"},
    {"portal_register_intro",
     "Enter your account number and an email address your bills go to. We will email a code to sign in; then set a password in your profile.",
     "请输入您的账号以及接收账单的邮箱地址。我们将通过邮件发送登录验证码，登录后可在个人资料中设置密码。"},
    {"portal_register_email", "Email address on your bills", "接收账单的邮箱地址"},
    {"portal_new_password", "New password (at least 12 characters)", "新密码（至少 12 个字符）"},
    {"portal_new_password_again", "New password again", "再次输入新密码"},
    {"portal_set_password", "Set the password", "设置密码"},
    {"portal_password_mismatch", "The two passwords are not the same.", "两次输入的密码不一致。"},
    {"portal_password_rules", "A password is 12 to 128 characters.", "密码须为 12 至 128 个字符。"},
    {"portal_forgot_password",
     "No password? Sign in with a code, then set one in your profile.",
     "没有密码？请使用验证码登录，然后在个人资料中设置密码。"},
    {"portal_profile", "Profile", "个人资料"},
    {"portal_profile_contacts", "Billing contacts (one email address per line)", "账单联系人（每行一个邮箱地址）"},
    {"portal_profile_address", "Mailing address", "邮寄地址"},
    {"portal_profile_paperless", "Paperless: email my bills, no paper statements", "无纸化：通过邮件接收账单，不寄纸质账单"},
    {"portal_profile_language", "Language of bills and emails", "账单与邮件的语言"},
    {"portal_profile_bad_language", "The language “{language}” is not offered: choose English or 中文（简体）. Nothing was saved.", "不提供语言“{language}”：请选择 English 或 中文（简体）。未保存任何更改。"},
    {"portal_profile_save", "Save", "保存"},
    {"portal_profile_saved", "Saved.", "已保存。"},
    {"portal_profile_login", "Signed in as", "登录身份"},
    {"portal_sign_out_everywhere", "Sign out everywhere", "在所有设备上退出"},
    {"portal_methods", "Payment methods and AutoPay", "付款方式与自动付款"},
    {"portal_methods_short", "Payment methods", "付款方式"},
    {"portal_method_preferred", "Preferred", "首选"},
    {"portal_method_make_preferred", "Make preferred", "设为首选"},
    {"portal_method_remove", "Remove", "删除"},
    {"portal_method_add_card", "Add a card", "添加银行卡"},
    {"portal_method_unverified", "Not verified yet", "尚未验证"},
    {"portal_method_expired", "Expired", "已过期"},
    {"portal_method_shared", "Shared by the parent account", "由上级账户共享"},
    {"portal_autopay", "AutoPay", "自动付款"},
    {"portal_autopay_note",
     "With AutoPay on, each invoice of the stream is charged to your preferred method on its due date.",
     "开启自动付款后，该类发票将在到期日从您的首选付款方式扣款。"},
    {"portal_autopay_on", "On", "已开启"},
    {"portal_autopay_off", "Off", "已关闭"},
    {"portal_autopay_turn_on", "Turn on", "开启"},
    {"portal_autopay_turn_off", "Turn off", "关闭"},
    {"portal_guest", "Pay without signing in", "免登录付款"},
    {"portal_guest_intro",
     "Enter your account number and the first 10 letters of the last name on the account, "
     "exactly as on your bill.",
     "请输入您的账号及账户姓氏的前 10 个字符，须与账单上完全一致。"},
    {"portal_guest_number", "Account number", "账号"},
    {"portal_guest_last_name", "Last name on the account (first 10 characters)", "账户姓氏（前 10 个字符）"},
    {"portal_guest_email", "Email address for the receipt", "接收收据的邮箱"},
    {"portal_guest_bad_email", "Enter the email address your receipt should go to.", "请输入接收收据的邮箱地址。"},
    {"portal_guest_continue", "Continue", "继续"},
    {"portal_guest_not_found",
     "We could not find an account with that number and name. Check both and try again.",
     "找不到与该账号和姓名匹配的账户。请检查后重试。"},
    {"portal_guest_limit", "Too many tries from your address. Please try again in 15 minutes.",
     "您的尝试次数过多，请 15 分钟后再试。"},
    {"portal_pay", "Pay now", "立即付款"},
    {"portal_pay_review", "Review your payment", "确认付款"},
    {"portal_paid", "Thank you: payment received", "谢谢：付款已收到"},
    {"portal_pay_invoices", "Invoices to pay", "要支付的发票"},
    {"portal_pay_amount", "Or pay another amount", "或支付其他金额"},
    {"portal_pay_with", "Pay with", "付款方式"},
    {"portal_pay_use_new_card", "Use a new card", "使用新银行卡"},
    {"portal_pay_new_card", "New card {card}", "新银行卡 {card}"},
    {"portal_pay_save_card", "Save this card for later payments", "保存此卡以便日后付款"},
    {"portal_pay_continue", "Review payment", "查看付款"},
    {"portal_pay_no_methods", "You have no saved payment method yet.", "您还没有已保存的付款方式。"},
    {"portal_pay_no_invoices", "No invoice is open.", "没有未付发票。"},
    {"portal_pay_fee", "Convenience fee", "便利费"},
    {"portal_pay_total", "Total to be charged", "扣款总额"},
    {"portal_pay_total_charged", "Total charged", "已扣款总额"},
    {"portal_pay_confirm", "Pay {total}", "支付 {total}"},
    {"portal_pay_change", "Change", "修改"},
    {"portal_pay_confirmation", "Confirmation number", "确认号"},
    {"portal_pay_for", "For", "付款项目"},
    {"portal_pay_status", "Status", "状态"},
    {"portal_pay_status_succeeded", "Paid", "已支付"},
    {"portal_pay_status_pending", "Pending: the bank debit is on its way", "处理中：银行扣款正在进行"},
    {"portal_pay_status_processing", "Processing: we will email your receipt", "处理中：我们将通过邮件发送收据"},
    {"portal_pay_receipt_note", "A receipt is on its way to your email.", "收据将发送到您的邮箱。"},
    {"portal_pay_bad_amount", "Enter the amount as a number, like 125.00.", "请输入金额数字，例如 125.00。"},
    {"portal_pay_choose_method", "Choose how to pay.", "请选择付款方式。"},
    {"portal_pay_choose_invoice", "Choose an invoice to pay, or enter an amount.", "请选择要支付的发票，或输入金额。"},
    {"portal_pay_declined", "Not paid: {reason}", "未支付：{reason}"},
    {"portal_pay_not_allowed", "Your role on this account does not allow paying. Ask its owner.",
     "您在此账户的角色无权付款，请联系账户所有人。"},
    {"portal_account_menu", "Account", "账户"},
    {"portal_home", "Home", "首页"},
    {"portal_sign_in", "Sign in", "登录"},
    {"portal_sign_out", "Sign out", "退出"},
    {"portal_email", "Email address", "电子邮箱"},
    {"portal_password", "Password", "密码"},
    {"portal_sign_in_failed", "That email address and password do not match. Please try again.",
     "邮箱与密码不匹配，请重试。"},
    {"portal_sign_in_throttled",
     "Too many tries. Please wait 15 minutes, or sign in with a code sent to your email.",
     "尝试次数过多。请等待 15 分钟，或使用发送到您邮箱的验证码登录。"},
    {"portal_form_refused_title", "Nothing was changed", "未做任何更改"},
    {"portal_form_refused",
     "This form has expired or did not come from this site, so nothing was changed. Go back, reload the page and try again.",
     "此表单已过期或并非来自本网站，因此未做任何更改。请返回并刷新页面后重试。"},
    {"portal_role_refused", "Your role on this account does not allow this change. Ask its owner.",
     "您在此账户的角色不允许此更改。请联系账户所有人。"},
    {"portal_form_expired", "This form has expired. Please try again.", "此表单已过期，请重试。"},
    {"portal_credit", "Credit on account, taken off your next invoice:", "账户余额（将从下一张账单中扣除）："},
    {"portal_card_save_title", "Save this card?", "保存此银行卡？"},
    {"portal_card_save", "Save the card", "保存银行卡"},
    {"portal_card_save_cancel", "Do not save it", "不保存"},
    {"portal_not_found_title", "Not found", "未找到"},
    {"portal_error_title", "This request could not be used", "无法处理此请求"},
    {"portal_not_found", "There is no such page here.", "此处没有该页面。"},
    {"portal_balance_due", "Balance due", "应付余额"},
    {"portal_child_accounts", "Child accounts", "子账户"},
    {"portal_account", "Account", "账户"},
    {"portal_open_invoices", "Open invoices", "未付发票"},
    {"portal_paid_invoices", "Paid invoices", "已付发票"},
    {"portal_nothing_due", "Nothing is due. Thank you!", "没有应付款项，谢谢！"},
    {"portal_no_paid", "No paid invoices in the last 36 months.", "最近 36 个月没有已付发票。"},
    {"mail_reset_subject", "{code} is your code to reset your password at {provider}",
     "{code} 是您在 {provider} 重置密码的验证码"},
    {"mail_reset_intro",
     "Enter this code on the page where you asked to reset your password. It works once, for 10 "
     "minutes; then choose a new password.",
     "请在申请重置密码的页面输入此验证码。验证码仅可使用一次，10 分钟内有效；然后设置新密码。"},
    {"mail_invite_subject", "{inviter} invited you to the billing portal of {provider}",
     "{inviter} 邀请您使用 {provider} 的账单门户"},
    {"mail_invite_intro",
     "{inviter} invited you to see the bills of {account} at {provider}, as {role}.",
     "{inviter} 邀请您以{role}身份查看 {provider} 的账户 {account} 的账单。"},
    {"mail_invite_action", "Accept the invitation", "接受邀请"},
    {"mail_invite_note",
     "The link works once, until {date}. If you did not expect this, ignore this email: nothing "
     "happens without the link.",
     "此链接仅可使用一次，有效期至 {date}。如果您没有预期收到此邮件，请忽略：没有此链接，任何操作都不会发生。"},
    {"portal_role_owner", "Owner", "所有人"},
    {"portal_role_billing", "Billing", "账务"},
    {"portal_role_viewer", "Viewer", "查看者"},
    {"portal_roles_note",
     "Owners pay, manage payment methods and manage users; billing users pay and manage payment "
     "methods; viewers see the bills.",
     "所有人可付款、管理付款方式和用户；账务用户可付款和管理付款方式；查看者可查看账单。"},
    {"portal_users", "Users", "用户"},
    {"portal_users_intro", "The people who can sign in to this account.", "可以登录此账户的人员。"},
    {"portal_users_role", "Role", "角色"},
    {"portal_users_since", "Since", "加入日期"},
    {"portal_users_change", "Change", "更改"},
    {"portal_users_remove", "Remove", "移除"},
    {"portal_users_you", "you", "您"},
    {"portal_users_invite", "Invite someone", "邀请他人"},
    {"portal_users_invite_send", "Send the invitation", "发送邀请"},
    {"portal_users_invited", "The invitation is on its way.", "邀请已发出。"},
    {"portal_users_pending", "Invitations waiting", "待接受的邀请"},
    {"portal_users_expires", "Expires", "到期"},
    {"portal_users_revoke", "Revoke", "撤销"},
    {"portal_invite_title", "Your invitation", "您的邀请"},
    {"portal_invite_intro", "You are invited to the billing portal of {provider} for {account}, as {role}, with the login {email}.",
     "您受邀以{role}身份使用 {provider} 的账单门户，账户为 {account}，登录邮箱为 {email}。"},
    {"portal_invite_password",
     "Choose a password (at least 12 characters), or leave it empty to sign in with emailed codes",
     "设置密码（至少 12 个字符），或留空以使用邮件验证码登录"},
    {"portal_invite_accept", "Accept and sign in", "接受并登录"},
    {"portal_invite_invalid",
     "This invitation is not valid: it has expired, been used or been revoked. Ask the account's owner for a new one.",
     "此邀请无效：已过期、已使用或已撤销。请联系账户所有人重新邀请。"},
    {"portal_invite_with", "Accept with {provider}", "使用 {provider} 接受"},
    {"portal_invite_or", "Or accept by signing in with", "或登录以下账户接受邀请"},
    {"portal_invite_taken_oidc",
     "The invited email already has a login here. Sign in with it, then link your {provider} account on your profile.",
     "受邀邮箱在此已有登录账户。请使用该账户登录，然后在个人资料中关联您的 {provider} 账户。"},
    {"portal_invite_taken", "{email} already has a login here. Sign in with it instead.",
     "{email} 在此已有登录账户，请直接登录。"},
    {"portal_forgot", "Forgot your password?", "忘记密码？"},
    {"portal_forgot_intro",
     "Enter your account number and the email address you sign in with. We will email a code: sign in with it, then choose a new password.",
     "请输入您的账号及登录邮箱。我们将通过邮件发送验证码：使用验证码登录后，设置新密码。"},
    {"portal_forgot_sent",
     "If {email} is a login of that account, a 6-digit code is on its way to it. It works once, for 10 minutes.",
     "如果 {email} 是该账户的登录邮箱，6 位验证码已发送至该邮箱。验证码仅可使用一次，10 分钟内有效。"},
    {"portal_reset_now", "You are signed in: choose your new password below.", "您已登录：请在下方设置新密码。"},
    {"portal_oidc_sign_in", "Sign in with {provider}", "使用 {provider} 登录"},
    {"portal_oidc_or", "Or sign in with", "或使用以下方式登录"},
    {"portal_oidc_unavailable", "{provider} cannot be reached just now. Please sign in another way, or try again later.",
     "暂时无法连接 {provider}。请使用其他方式登录，或稍后再试。"},
    {"portal_oidc_failed", "Signing in with {provider} did not work. Please try again.", "使用 {provider} 登录未成功，请重试。"},
    {"portal_oidc_cancelled", "Signing in with {provider} was cancelled.", "已取消使用 {provider} 登录。"},
    {"portal_oidc_not_linked",
     "This {provider} account is not linked to a login here yet. Sign in with your email address, then link it on your profile.",
     "此 {provider} 账户尚未关联此处的登录账户。请先使用邮箱登录，然后在个人资料中关联。"},
    {"portal_oidc_linked_elsewhere", "This {provider} account is linked to another login here.",
     "此 {provider} 账户已关联此处的另一个登录账户。"},
    {"portal_oidc_section", "Sign in with other accounts", "使用其他账户登录"},
    {"portal_oidc_link", "Link your {provider} account", "关联您的 {provider} 账户"},
    {"portal_oidc_linked", "{provider}: linked ({email})", "{provider}：已关联（{email}）"},
    {"portal_oidc_unlink", "Unlink", "取消关联"},
    {"portal_oidc_link_done", "Linked: you can now sign in with it.", "已关联：现在可以使用它登录。"},
    {"page_invoice_title", "Invoice {number}", "发票 {number}"},
    {"page_download_pdf", "Download PDF", "下载 PDF"},
    {"page_print", "Print", "打印"},
    {"page_pay_invoice", "Pay this invoice", "支付此发票"},
    {"page_back_to_invoice", "Back to the invoice", "返回发票"},
    {"page_link_invalid", "This link is not valid.", "此链接无效。"},
    {"page_link_expired",
     "This link has expired. Please use the link in a newer email, or contact us for a fresh one.",
     "此链接已过期。请使用较新邮件中的链接，或联系我们获取新链接。"},
};

// "1234567.89" -> "1,234,567.89"; the sign is handled by the caller.
std::string group_thousands(std::string plain) {
  auto dot = plain.find('.');
  if (dot == std::string::npos) dot = plain.size();
  for (auto i = static_cast<std::ptrdiff_t>(dot) - 3; i > 0; i -= 3)
    plain.insert(static_cast<size_t>(i), ",");
  return plain;
}

std::string currency_prefix(std::string_view currency, Lang lang) {
  if (currency == "USD") return lang == Lang::En ? "$" : "US$";
  if (currency == "CNY" && lang == Lang::ZhCN) return "¥";
  return std::string(currency) + " ";
}

}  // namespace

const Labels& labels(Lang lang) { return lang == Lang::ZhCN ? kZh : kEn; }

std::string format_money(Minor m, std::string_view currency, Lang lang) {
  std::string digits = minor_to_decimal(m);
  bool neg = !digits.empty() && digits[0] == '-';
  if (neg) digits.erase(0, 1);
  return (neg ? "-" : "") + currency_prefix(currency, lang) + group_thousands(std::move(digits));
}

std::string format_date(std::string_view ymd, Lang lang) {
  auto d = parse_date(ymd);
  if (!d) return std::string(ymd);
  date::year_month_day v{*d};
  int y = static_cast<int>(v.year());
  unsigned m = static_cast<unsigned>(v.month()), day = static_cast<unsigned>(v.day());
  if (lang == Lang::ZhCN) return fmt::format("{}年{}月{}日", y, m, day);
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return fmt::format("{} {}, {}", kMonths[m - 1], day, y);
}

std::string last_day(std::string_view end_exclusive) {
  auto d = parse_date(end_exclusive);
  if (!d) return std::string(end_exclusive);
  return remit::format_date(*d - date::days{1});
}

std::string format_period(std::string_view start, std::string_view end_exclusive, Lang lang) {
  if (start.empty()) return "";
  std::string first = format_date(start, lang);
  if (end_exclusive.empty()) return first;
  auto s = parse_date(start), e = parse_date(end_exclusive);
  if (s && e && *e - *s <= date::days{1}) return first;  // one day (or an empty period)
  return first + " – " + format_date(last_day(end_exclusive), lang);
}

std::string terms_text(std::string_view terms, Lang lang) {
  if (lang == Lang::En) return std::string(terms);
  if (terms == "Due end of month") return "月底前付款";
  if (terms.starts_with("Net ")) {
    auto days = terms.substr(4);
    if (!days.empty() && std::all_of(days.begin(), days.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return days == "0" ? "见票即付" : fmt::format("{} 天内付款", days);
  }
  return std::string(terms);
}

std::string status_badge(std::string_view status, Lang lang) {
  const Labels& l = labels(lang);
  if (status == "draft") return std::string(l.draft);
  if (status == "void") return std::string(l.void_);
  if (status == "uncollectible") return std::string(l.uncollectible);
  return "";
}

std::span<const Phrase> phrases() { return kPhrases; }

std::string_view phrase(std::string_view key, Lang lang) {
  for (auto& p : kPhrases)
    if (p.key == key) return lang == Lang::ZhCN ? p.zh : p.en;
  throw Error(Code::Internal, "no phrase " + std::string(key));
}

void for_each_label(Lang lang, const std::function<void(std::string_view, std::string_view)>& f) {
  const Labels& l = labels(lang);
  std::pair<std::string_view, std::string_view> all[] = {
      {"invoice", l.invoice},           {"invoice_number", l.invoice_number},
      {"issue_date", l.issue_date},     {"due_date", l.due_date},
      {"terms", l.terms},               {"billing_period", l.billing_period},
      {"account_number", l.account_number}, {"bill_to", l.bill_to},
      {"description", l.description},   {"service_period", l.service_period},
      {"quantity", l.quantity},         {"unit_price", l.unit_price},
      {"amount", l.amount},             {"subtotal", l.subtotal},
      {"credit_applied", l.credit_applied}, {"credit_notes", l.credit_notes},
      {"payments", l.payments},         {"amount_due", l.amount_due},
      {"remit_to", l.remit_to},         {"paid_in_full", l.paid_in_full},
      {"test_mode", l.test_mode}};
  for (auto& [k, v] : all) f(k, v);
}

}  // namespace remit::render
