#pragma once
// Guards against webhooks that point into the server's own network (SSRF).
//
// is_private_address: true for addresses a webhook must not reach: IPv4 0/8 (incl. the
// unspecified 0.0.0.0), 10/8, 100.64/10 (CGNAT), 127/8, 169.254/16, 172.16/12, 192.168/16,
// 224/4 and above (multicast, reserved, broadcast); IPv6 ::/96 (incl. :: and ::1 and the
// old IPv4-compatible form), fc00::/7, fe80::/10, fec0::/10, ff00::/8, 64:ff9b:1::/48; and the
// IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:ab:cd::) forms of
// private IPv4 addresses. Any other address family counts as private.
//
// validate_webhook_url throws invalid(field, why) when the URL is empty, longer than 2048
// characters, has spaces or control characters, does not parse, is not http/https, has a
// user name or password, has no host, or its host does not resolve ("does not resolve");
// and, unless allow_private, when the host is "localhost" / "*.localhost", an IP literal
// that is_private_address, or a name that resolves to any such address.
// Resolution here only catches mistakes early: CurlHttpClient checks again at connect time,
// so a DNS answer that changes later (DNS rebinding) cannot get through.
#include <sys/socket.h>

#include <string>
#include <string_view>

namespace remit::notify {

bool is_private_address(const sockaddr* addr);

// The numeric form of addr ("10.0.0.1", "::1"); "?" for another family.
std::string address_string(const sockaddr* addr);

void validate_webhook_url(const std::string& url, bool allow_private,
                          std::string_view field = "url");

}  // namespace remit::notify
