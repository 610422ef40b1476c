#pragma once
// The OpenAPI 3.0 document, generated from the route table plus the schemas below, so a
// route cannot exist without being documented (tests/http/openapi_test.cpp holds them
// together).
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <vector>

namespace remit::http {

struct Route;

// components.schemas: every model and request body the routes name.
const boost::json::object& openapi_schemas();
boost::json::value build_openapi(const std::vector<Route>& routes);

}  // namespace remit::http
