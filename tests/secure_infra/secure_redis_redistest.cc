// Redis through the local TLS tunnel as the ACL user, and what the TLS-only redis-server refuses.
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "libs/config/config.h"
#include "libs/redis/redis_client.h"
#include "libs/testing/infra.h"
#include "tests/secure_infra/secure_clients.h"

namespace gridcase::testing {
namespace {

class SecureRedisTest : public ::testing::Test {
 protected:
  const SecureInfra& secure_ = TestInfra().secure;
  std::string key_ = UniqueName("secure-redistest");
};

TEST_F(SecureRedisTest, TheAclUserReadsAndWritesThroughTheTunnel) {
  auto redis = redis::RedisClient::Create(SecureRedis(secure_));
  ASSERT_TRUE(redis.ok()) << redis.status();
  ASSERT_TRUE((*redis)->Run({"SET", key_, "v1"}).ok());
  auto got = (*redis)->Run({"GET", key_});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->str, "v1");
  auto whoami = (*redis)->Run({"ACL", "WHOAMI"});
  ASSERT_TRUE(whoami.ok()) << whoami.status();
  EXPECT_EQ(whoami->str, secure_.redis_user);
}

TEST_F(SecureRedisTest, EveryReconnectionAuthenticatesAgain) {
  redis::RedisOptions options = SecureRedis(secure_);
  options.connections = 3;
  auto client = redis::RedisClient::Create(options);
  ASSERT_TRUE(client.ok()) << client.status();
  auto killer = redis::RedisClient::Create(SecureRedis(secure_));
  ASSERT_TRUE(killer.ok()) << killer.status();
  for (int round = 0; round < 3; ++round) {
    ASSERT_TRUE((*client)->Run({"SET", key_, std::to_string(round)}).ok());
    // Closes every other connection of the user: the client's next call reconnects, and must log in again.
    auto killed = (*killer)->Run({"CLIENT", "KILL", "USER", secure_.redis_user, "SKIPME", "yes"});
    ASSERT_TRUE(killed.ok()) << killed.status();
    EXPECT_GE(killed->integer, 1);
    auto got = (*client)->Run({"GET", key_});
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->str, std::to_string(round));
  }
}

TEST_F(SecureRedisTest, AClientWithoutAuthIsRefused) {
  redis::RedisOptions options = SecureRedis(secure_);
  options.user.clear();
  options.password.clear();
  auto redis = redis::RedisClient::Create(options);
  ASSERT_TRUE(redis.ok()) << redis.status();  // Connecting is allowed; every command is not.
  auto reply = (*redis)->Run({"GET", key_});
  ASSERT_FALSE(reply.ok());
  EXPECT_NE(reply.status().message().find("NOAUTH"), absl::string_view::npos) << reply.status();
}

TEST_F(SecureRedisTest, AWrongPasswordIsRefusedNamingTheFlags) {
  redis::RedisOptions options = SecureRedis(secure_);
  options.password = "not-the-password";
  auto redis = redis::RedisClient::Create(options);
  ASSERT_FALSE(redis.ok());
  EXPECT_EQ(redis.status().code(), absl::StatusCode::kUnauthenticated) << redis.status();
  EXPECT_NE(redis.status().message().find("WRONGPASS"), absl::string_view::npos) << redis.status();
  EXPECT_NE(redis.status().message().find("--redis_password_file"), absl::string_view::npos) << redis.status();
  EXPECT_EQ(redis.status().message().find("not-the-password"), absl::string_view::npos) << redis.status();
}

TEST_F(SecureRedisTest, TheTlsPortRefusesPlaintext) {
  auto tls = config::ParseHostPort(secure_.redis_tls_addr, "tls");
  ASSERT_TRUE(tls.ok()) << tls.status();
  // The right user and password, but no TLS: the server drops the connection before any command.
  redis::RedisOptions options = SecureRedis(secure_);
  options.port = tls->port;
  auto redis = redis::RedisClient::Create(options);
  ASSERT_FALSE(redis.ok());
  EXPECT_EQ(redis.status().code(), absl::StatusCode::kUnavailable) << redis.status();
}

TEST_F(SecureRedisTest, TheTlsPortRefusesAClientWithoutACertificate) {
  const std::string login = absl::StrCat("{ printf 'AUTH ", secure_.redis_user, " '; cat '",
                                         secure_.redis_password_file, "'; printf '\\r\\nPING\\r\\n'; sleep 1; }");
  const std::string connect = absl::StrCat(" | timeout 20 openssl s_client -quiet -no_ign_eof -connect ", secure_.redis_tls_addr,
                                           " -CAfile '", secure_.ca, "'");
  // With the tunnel's certificate the same exchange answers PONG, so the refusal below is the certificate's.
  const std::string with_cert = ShellOutput(absl::StrCat(login, connect, " -cert '", secure_.dir,
                                                         "/tls/redis-tunnel.pem' -key '", secure_.dir,
                                                         "/tls/redis-tunnel.key' 2>/dev/null"));
  EXPECT_NE(with_cert.find("+PONG"), std::string::npos) << with_cert;
  const std::string without = ShellOutput(absl::StrCat(login, connect, " 2>/dev/null"));
  EXPECT_EQ(without.find("+PONG"), std::string::npos) << without;
}

}  // namespace
}  // namespace gridcase::testing
