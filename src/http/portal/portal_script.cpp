// /portal.js: the portal's one script (web/templates/pages/portal.js), served as /portal.css
// is: the Print buttons of the invoice page and the View & Pay page. The pages work without it.
#include "http/portal/portal_visit.h"
#include "notify/email.h"

namespace remit::http {
namespace {

Response script(Call&) {
  Response r;
  r.content_type = "text/javascript; charset=utf-8";
  r.body = notify::render_template("portal.js", std::string("{}"));
  r.headers.emplace_back("Cache-Control", "public, max-age=3600");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

}  // namespace

void add_portal_script_routes(std::vector<Route>& t) {
  t.push_back(portal::page_route("GET", "/portal.js", script, "the portal's script (print buttons)",
                                 Access::Public));
}

}  // namespace remit::http
