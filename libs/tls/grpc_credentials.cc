#include "libs/tls/grpc_credentials.h"

#include <algorithm>

#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_certificate_verifier.h"
#include "grpcpp/security/tls_credentials_options.h"

namespace gridcase::tls {
namespace {

unsigned int Seconds(absl::Duration poll) {
  return static_cast<unsigned int>(std::max<int64_t>(1, absl::ToInt64Seconds(poll)));
}

}  // namespace

std::shared_ptr<grpc::ServerCredentials> ServerCredentials(const std::optional<TlsFiles>& files) {
  if (!files.has_value()) return grpc::InsecureServerCredentials();
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      files->key, files->cert, files->ca, Seconds(files->reload_poll));
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_cert_request_type(GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  return grpc::experimental::TlsServerCredentials(options);
}

std::shared_ptr<grpc::ChannelCredentials> ChannelCredentials(const std::optional<TlsFiles>& files) {
  if (!files.has_value()) return grpc::InsecureChannelCredentials();
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      files->key, files->cert, files->ca, Seconds(files->reload_poll));
  grpc::experimental::TlsChannelCredentialsOptions options;
  options.set_certificate_provider(provider);
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_certificate_verifier(std::make_shared<grpc::experimental::HostNameCertificateVerifier>());
  return grpc::experimental::TlsCredentials(options);
}

std::shared_ptr<grpc::ChannelCredentials> ServerVerifyingChannelCredentials(const std::string& ca_path,
                                                                           absl::Duration reload_poll) {
  auto provider =
      std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(ca_path, Seconds(reload_poll));
  grpc::experimental::TlsChannelCredentialsOptions options;
  options.set_certificate_provider(provider);
  options.watch_root_certs();
  options.set_certificate_verifier(std::make_shared<grpc::experimental::HostNameCertificateVerifier>());
  return grpc::experimental::TlsCredentials(options);
}

}  // namespace gridcase::tls
