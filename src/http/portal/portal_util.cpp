#include "http/portal/portal_util.h"

#include <sodium.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/error.h"
#include "core/text.h"
#include "notify/email.h"
#include "notify/email_parts.h"

namespace remit::http::portal {
namespace json = boost::json;

Response html(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
                         "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  // same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" with the
  // page's own form posts, which same_origin() could not tell from another site's.
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("X-Robots-Tag", "noindex");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

void allow_form_action(Response& r, const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return;
  std::string origin = url.substr(0, url.find('/', scheme + 3));
  if (origin.find_first_of(" ;'\"") != std::string::npos) return;
  for (auto& [k, v] : r.headers)
    if (k == "Content-Security-Policy") {
      auto at = v.find("form-action 'self'");
      if (at != std::string::npos) v.insert(at + 18, " " + origin);
    }
}

Response redirect(std::string location) {
  Response r = html(303, "");
  r.headers.emplace_back("Location", std::move(location));
  return r;
}

std::string cookie(const Request& r, std::string_view name) {
  std::string_view s = r.cookie;
  while (!s.empty()) {
    auto end = s.find(';');
    std::string_view part = s.substr(0, end);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    auto eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name)
      return std::string(part.substr(eq + 1));
    if (end == std::string_view::npos) break;
    s.remove_prefix(end + 1);
  }
  return "";
}

std::string set_cookie(std::string_view name, std::string_view value) {
  std::string c = std::string(name) + "=" + std::string(value) +
                  "; Path=/; Secure; HttpOnly; SameSite=Lax";
  if (value.empty()) c += "; Max-Age=0";
  return c;
}

namespace {
int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
std::string decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}
}  // namespace

QueryParams parse_form(const Request& r) {
  if (!r.content_type.starts_with("application/x-www-form-urlencoded"))
    invalid("", "a form must be sent as application/x-www-form-urlencoded");
  QueryParams out;
  std::string_view s = r.body;
  while (!s.empty()) {
    auto end = s.find('&');
    std::string_view part = s.substr(0, end);
    auto eq = part.find('=');
    if (!part.empty()) {
      out.emplace_back(decode(part.substr(0, eq)),
                       eq == std::string_view::npos ? "" : decode(part.substr(eq + 1)));
      if (!clean_text(out.back().first) || !clean_text(out.back().second))
        invalid(clean_text(out.back().first) ? out.back().first : "", kUncleanText);
    }
    if (out.size() > 100) invalid("", "too many form fields");
    if (end == std::string_view::npos) break;
    s.remove_prefix(end + 1);
  }
  return out;
}

std::string field(const QueryParams& form, std::string_view name) {
  const std::string* v = query_param(form, name);
  return v ? *v : "";
}

bool same_origin(const Request& r) {
  if (r.origin.empty()) return true;  // not a browser's cross-site POST (those carry Origin)
  return r.origin == "http://" + r.host || r.origin == "https://" + r.host;
}

bool equal_tokens(std::string_view a, std::string_view b) {
  return !a.empty() && a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

FormToken form_token(const Request& r) {
  FormToken t{cookie(r, kFormCookie), false};
  if (t.value.size() != 43) t = {random_token(), true};
  return t;
}

void keep_form_token(Response& r, const FormToken& t) {
  if (t.fresh) r.headers.emplace_back("Set-Cookie", set_cookie(kFormCookie, t.value));
}

bool form_posted(const Request& r, std::string_view token) {
  return same_origin(r) && equal_tokens(token, cookie(r, kFormCookie));
}

std::string fill_phrase(std::string_view key, render::Lang lang,
                        const std::vector<std::pair<const char*, std::string>>& args) {
  return notify::detail::fill(render::phrase(key, lang), args);
}

std::string render_page(const Page& p, std::string_view tmpl, json::object data) {
  json::object d = notify::catalog(p.lang);
  for (auto& [k, v] : data) d[k] = v;
  d["provider"] = p.provider;
  d["base"] = "/p/" + p.slug;
  // Its own URL per colour, so a page never shows a colour the browser cached before a change.
  if (!p.brand_color.empty()) d["brand_css"] = "/p/" + p.slug + "/brand.css?v=" + p.brand_color.substr(1);
  if (!p.user_email.empty()) {
    d["user_email"] = p.user_email;
    d["csrf"] = p.csrf;
    d["owner"] = p.owner;
  }
  std::string content = notify::render_template(tmpl, json::value(d));
  d["content"] = content;
  d["title"] = p.title;
  d["other_lang"] = p.lang == render::Lang::ZhCN ? "en" : "zh-CN";
  d["other_lang_name"] = p.lang == render::Lang::ZhCN ? "English" : "中文";
  return notify::render_template("portal_layout.html", json::value(std::move(d)));
}

Response error_page(const Request& req, const Response& json) {
  Page p;
  p.provider = "Remit";
  p.lang = render::lang_of(cookie(req, "__Host-remit_lang"));
  std::string message;
  try {
    json::value body = json::parse(json.body);
    auto& e = body.at("error").as_object();
    message = std::string(e.at("message").as_string());
    if (auto* f = e.if_contains("field"); f && f->is_string() && !f->get_string().empty())
      message = std::string(f->get_string()) + ": " + message;
  } catch (const std::exception&) {
  }
  bool missing = json.status == 404;
  p.title = std::string(render::phrase(missing ? "portal_not_found_title" : "portal_error_title", p.lang));
  if (missing) message = render::phrase("portal_not_found", p.lang);
  Response r = html(json.status, render_page(p, "portal_message.html", {{"message", message}}));
  for (auto& h : json.headers)
    if (h.first == "Allow" || h.first == "Retry-After") r.headers.push_back(h);
  return r;
}

}  // namespace remit::http::portal
