#include "libs/server/http_server_factory.h"

#include <httplib.h>

namespace gridcase::server {

std::unique_ptr<httplib::Server> PlainHttpServer() { return std::make_unique<httplib::Server>(); }

std::unique_ptr<httplib::Server> MakeHttpServer(const HttpServerFactory& factory) {
  return factory ? factory() : PlainHttpServer();
}

}  // namespace gridcase::server
