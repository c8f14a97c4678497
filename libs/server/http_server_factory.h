#pragma once

#include <functional>
#include <memory>

namespace httplib {
class Server;
}

namespace gridcase::server {

// Makes the cpp-httplib server an HTTP front door listens with. What it returns decides the transport (an
// httplib::SSLServer for TLS) and may carry a pre-routing handler that authenticates every request; the front door
// adds its routes, limits and thread pool and must not replace that handler.
using HttpServerFactory = std::function<std::unique_ptr<httplib::Server>()>;

// A plain (plaintext, unauthenticated) httplib::Server.
std::unique_ptr<httplib::Server> PlainHttpServer();

// `factory`'s server, or a plain one when `factory` is empty.
std::unique_ptr<httplib::Server> MakeHttpServer(const HttpServerFactory& factory);

}  // namespace gridcase::server
