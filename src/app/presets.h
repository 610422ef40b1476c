#pragma once
// The three seed providers' billing policies (ProCirrus, DakotaPro, West Central), as
// stream sets a tenant can start from.
#include <string>
#include <vector>

#include "app/models.h"

namespace remit::app {

// "procirrus": one monthly stream invoiced on the 1st, Net 15 (recurring prices in arrears).
// "dakotapro": one monthly stream invoiced on the 1st, due at the end of the month (advance).
// "westcentral": "recurring" monthly on the 1st, Net 30; "services" every two weeks from
// `anchor`, Net 30. Empty name or "default": one monthly stream, Net 30.
// InvalidArgument (field "preset") for anything else.
std::vector<Stream> preset_streams(const std::string& name, Date anchor);

}  // namespace remit::app
