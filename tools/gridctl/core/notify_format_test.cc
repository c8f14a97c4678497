#include "tools/gridctl/core/notify_format.h"

#include "gtest/gtest.h"
#include "libs/events/proto_time.h"

namespace gridcase::gridctl {
namespace {

const std::vector<OptionSpec> kRegisterSpecs = {{"hotline_unit", "UNIT", ""}, {"open311_client", "KEY", ""},
                                                {"service", "ID", ""},        {"callback_url", "URL", ""},
                                                {"secret_ref", "REF", ""},    {"event", "EVENT", ""}};

absl::StatusOr<v1::Integration> Register(const std::vector<std::string>& words) {
  auto args = ParseArgs(words, kRegisterSpecs);
  if (!args.ok()) return args.status();
  return IntegrationFromArgs("hotline-12345", *args);
}

TEST(NotifyFormatTest, RegisterTakesOneSourceTheUrlTheSecretAndTheEvents) {
  auto integration = Register({"--hotline_unit", "330199.12345", "--callback_url", "https://h.example/cb",
                               "--secret_ref", "hotline", "--event", "resolved", "--event=closed"});
  ASSERT_TRUE(integration.ok()) << integration.status();
  EXPECT_EQ(integration->name(), "hotline-12345");
  EXPECT_EQ(integration->source().hotline_unit(), "330199.12345");
  EXPECT_EQ(integration->callback_url(), "https://h.example/cb");
  EXPECT_EQ(integration->secret_ref(), "hotline");
  EXPECT_EQ(std::vector<std::string>(integration->events().begin(), integration->events().end()),
            (std::vector<std::string>{"resolved", "closed"}));
  auto app = Register({"--service=app", "--callback_url=https://a.example/cb", "--secret_ref=app"});
  ASSERT_TRUE(app.ok()) << app.status();
  EXPECT_EQ(app->source().service(), "app");
  EXPECT_TRUE(app->events().empty());
}

TEST(NotifyFormatTest, RegisterRefusesMissingOrSeveralSourcesAndMissingFields) {
  EXPECT_EQ(Register({"--callback_url=https://x", "--secret_ref=s"}).status().message(),
            "needs exactly one source: --hotline_unit UNIT, --open311_client KEY_NAME or --service IDENTITY");
  EXPECT_EQ(Register({"--service=app", "--open311_client=city", "--callback_url=https://x", "--secret_ref=s"})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Register({"--service=", "--callback_url=https://x", "--secret_ref=s"}).status().message(),
            "--service: must not be empty");
  EXPECT_EQ(Register({"--service=app", "--secret_ref=s"}).status().message(), "--callback_url is required");
  EXPECT_NE(Register({"--service=app", "--callback_url=https://x"}).status().message().find("--secret_ref is required"),
            std::string::npos);
}

TEST(NotifyFormatTest, ReplayFromIsATimeADayOrADurationAgo) {
  const absl::TimeZone shanghai = absl::FixedTimeZone(8 * 3600);
  const absl::Time now = absl::FromCivil(absl::CivilSecond(2026, 11, 30, 18, 0, 0), shanghai);
  EXPECT_EQ(*ParseReplayFrom("2026-11-30T08:00:00+08:00", now, shanghai),
            absl::FromCivil(absl::CivilSecond(2026, 11, 30, 8, 0, 0), shanghai));
  EXPECT_EQ(*ParseReplayFrom("2026-11-29", now, shanghai), absl::FromCivil(absl::CivilDay(2026, 11, 29), shanghai));
  EXPECT_EQ(*ParseReplayFrom("24h", now, shanghai), now - absl::Hours(24));
  EXPECT_EQ(*ParseReplayFrom("3d", now, shanghai), now - absl::Hours(72));
  EXPECT_NE(ParseReplayFrom("", now, shanghai).status().message().find("--from is required"), std::string::npos);
  EXPECT_NE(ParseReplayFrom("yesterday", now, shanghai).status().message().find("--from: 'yesterday' is neither"),
            std::string::npos);
  EXPECT_NE(ParseReplayFrom("-2h", now, shanghai).status().message().find("is neither"), std::string::npos);
  EXPECT_EQ(ParseReplayFrom("2026-12-01", now, shanghai).status().message(), "--from: '2026-12-01' is in the future");
}

TEST(NotifyFormatTest, TablesShowSourcesEventsAndParkedDeliveries) {
  const absl::TimeZone shanghai = absl::FixedTimeZone(8 * 3600);
  v1::Integration hotline;
  hotline.set_name("hotline-12345");
  hotline.mutable_source()->set_hotline_unit("330199.12345");
  hotline.set_callback_url("https://h.example/cb");
  hotline.set_secret_ref("hotline");
  *hotline.mutable_registered_at() =
      events::ToProto(absl::FromCivil(absl::CivilSecond(2026, 11, 30, 9, 15, 0), shanghai));
  v1::Integration app = hotline;
  app.set_name("app");
  app.mutable_source()->set_service("app");
  app.add_events("resolved");
  app.add_events("closed");
  const std::string integrations = IntegrationsTable({hotline, app}, shanghai).Render();
  EXPECT_NE(integrations.find("hotline_unit 330199.12345"), std::string::npos) << integrations;
  EXPECT_NE(integrations.find("service app"), std::string::npos) << integrations;
  EXPECT_NE(integrations.find("resolved,closed"), std::string::npos) << integrations;
  EXPECT_NE(integrations.find(" all "), std::string::npos) << integrations;
  EXPECT_NE(integrations.find("2026-11-30 09:15:00"), std::string::npos) << integrations;
  EXPECT_EQ(SourceText(v1::IntegrationSource()), "-");
  EXPECT_NE(IntegrationFields(app, shanghai).find("events         resolved,closed\n"), std::string::npos)
      << IntegrationFields(app, shanghai);

  v1::Delivery parked;
  parked.set_target("app");
  parked.set_delivery_id("GC-20261130-000001/1");
  parked.set_case_id("GC-20261130-000001");
  parked.set_event_type("submitted");
  parked.set_attempts(4);
  parked.set_last_error("timeout after 5s");
  *parked.mutable_parked_at() = events::ToProto(absl::FromCivil(absl::CivilSecond(2026, 11, 30, 10, 0, 0), shanghai));
  const std::string table = ParkedTable({parked}, shanghai).Render();
  for (const char* cell : {"app", "GC-20261130-000001/1", "submitted", "4", "2026-11-30 10:00:00", "timeout after 5s"}) {
    EXPECT_NE(table.find(cell), std::string::npos) << cell << "\n" << table;
  }
  EXPECT_NE(table.find(" - "), std::string::npos) << table;  // occurred_at unset
}

}  // namespace
}  // namespace gridcase::gridctl
