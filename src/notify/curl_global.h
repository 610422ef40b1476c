#pragma once
// libcurl's process-wide initialisation. curl_global_init is not thread-safe and must run
// once before any easy handle is made; every class here that makes a handle calls
// curl_global() first. Safe to call from any thread, any number of times.
// Throws remit::Error (Internal) if libcurl cannot be initialised.

namespace remit::notify {

void curl_global();

}  // namespace remit::notify
