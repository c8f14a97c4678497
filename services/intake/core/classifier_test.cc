#include "services/intake/core/classifier.h"

#include <algorithm>
#include <fstream>
#include <limits>

#include "gtest/gtest.h"
#include "libs/registry/registry_holder.h"
#include "libs/registry/registry_json.h"
#include "libs/registry/test_registry.h"
#include "services/intake/core/classification_eval.h"
#include "services/intake/core/phrase_match.h"

namespace gridcase::intake {
namespace {

using nlohmann::json;

TEST(PhraseMatchTest, KeywordsAndPhrases) {
  EXPECT_TRUE(FindPattern("井盖", "门口井盖没了").has_value());
  EXPECT_TRUE(FindPattern("井盖…没了", "门口那个井盖昨天晚上就没了").has_value());
  EXPECT_FALSE(FindPattern("井盖…没了", "没了井盖").has_value()) << "parts keep their order";
  EXPECT_FALSE(FindPattern("井盖…没了", "井盖在小区门口的东边靠近菜市场的那条路上的转角处附近没了").has_value())
      << "more than 15 characters between the parts";
  EXPECT_FALSE(FindPattern("", "井盖").has_value());
  EXPECT_EQ(PatternWeight("井盖…没了"), 4u);
  EXPECT_EQ(FindAllPattern("垃圾", "垃圾满了，垃圾桶也坏了").size(), 2u);
  // A later occurrence of the first part completes the phrase when the first one does not.
  EXPECT_TRUE(FindPattern("电梯…困", "电梯坏了。后来在另一栋楼的电梯里又困住了人").has_value());
}

TEST(PhraseMatchTest, TheCharacterFilterNeverRejectsAMatch) {
  const TextCharacters characters("门口井盖昨天就没了, ok 𠮷");
  EXPECT_TRUE(characters.MayMatch("井盖"));
  EXPECT_TRUE(characters.MayMatch("井盖…没了"));
  EXPECT_TRUE(characters.MayMatch("ok"));
  EXPECT_TRUE(characters.MayMatch("𠮷"));
  EXPECT_TRUE(characters.MayMatch("井盖……没了")) << "an empty part asks for nothing";
  EXPECT_FALSE(characters.MayMatch("路灯"));
  EXPECT_FALSE(characters.MayMatch("井盖…响")) << "every part's first character must occur";
  EXPECT_FALSE(characters.MayMatch("𠮶"));
  EXPECT_FALSE(TextCharacters("井").MayMatch("\xE4\xBA")) << "a cut character is not the one it begins";
}

// The small registry with catalogue items that exercise the rules.
std::shared_ptr<const registry::OrgRegistry> Registry() {
  json doc = registry::testing::SmallRegistryJson();
  doc["catalogue"].push_back({{"code", "municipal.manhole-cover"}, {"name", "井盖破损松动"},
                              {"department_code", "330199.cgj"}, {"default_category", "simple"},
                              {"keywords", {"井盖", "井盖松动"}}, {"phrases", {"井盖…响"}},
                              {"can_be_emergency", true}, {"open311_service_code", "manhole-cover"}});
  doc["catalogue"].push_back({{"code", "municipal.garbage"}, {"name", "生活垃圾"}, {"department_code", "330199.cgj"},
                              {"default_category", "simple"}, {"keywords", {"垃圾"}},
                              {"open311_service_code", "garbage"}});
  doc["catalogue"].push_back({{"code", "municipal.illegal-dumping"}, {"name", "乱倒垃圾"},
                              {"department_code", "330199.cgj"}, {"default_category", "general"},
                              {"keywords", {"建筑垃圾"}}, {"open311_service_code", "illegal-dumping"}});
  auto registry = registry::RegistryFromJson(doc.dump());
  EXPECT_TRUE(registry.ok()) << registry.status();
  return *registry;
}

ClassificationRules Rules() {
  auto rules = ClassificationRules::FromJson(R"({
    "rules": [
      {"id": "danger.fall-in", "name": "坠落", "effect": "emergency", "patterns": ["掉进去", "差点…掉"]},
      {"id": "danger.fire", "name": "着火", "effect": "emergency", "any_item": true, "patterns": ["冒烟"],
       "unless": ["担心"]},
      {"id": "handled", "name": "已处理", "effect": "not_emergency", "patterns": ["已经扑灭"]},
      {"id": "scope", "name": "整个小区", "effect": "category", "category": "major", "patterns": ["整个小区"]},
      {"id": "cross", "name": "邻县", "effect": "category", "category": "cross_county", "patterns": ["邻县"]}
    ]})");
  EXPECT_TRUE(rules.ok()) << rules.status();
  return *rules;
}

TEST(ClassifierTest, ChoosesTheItemThatExplainsMostTextAndSaysWhy) {
  Classifier classifier(Rules());
  auto result = classifier.Classify(*Registry(), "", "门口的井盖一压就响", "", {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->catalogue_item, "municipal.manhole-cover");
  EXPECT_EQ(result->category, v1::CATEGORY_SIMPLE);
  EXPECT_FALSE(result->emergency);
  ASSERT_GE(result->explanation.hits_size(), 1);
  EXPECT_EQ(result->explanation.hits(0).rule(), "item:municipal.manhole-cover");
  EXPECT_EQ(result->explanation.hits(0).matched(0), "井盖");
  EXPECT_EQ(result->explanation.hits(0).matched(1), "井盖…响");
  EXPECT_NE(result->explanation.summary().find("井盖破损松动"), std::string::npos);
}

TEST(ClassifierTest, AKeywordInsideAnotherItemsLongerKeywordDoesNotCount) {
  Classifier classifier(Rules());
  auto result = classifier.Classify(*Registry(), "", "有人乱倒建筑垃圾", "", {});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->catalogue_item, "municipal.illegal-dumping");
}

TEST(ClassifierTest, DangerMakesAnItemThatCanBeAnEmergencyOne) {
  Classifier classifier(Rules());
  auto danger = classifier.Classify(*Registry(), "", "井盖松动，刚才一个小孩差点踩翻掉下去", "", {});
  ASSERT_TRUE(danger.ok());
  EXPECT_TRUE(danger->emergency);
  EXPECT_NE(danger->explanation.summary().find("坠落"), std::string::npos) << danger->explanation.summary();
  // The same danger words in a request of an item that cannot be an emergency leave it alone.
  auto garbage = classifier.Classify(*Registry(), "", "垃圾桶太满，差点掉出来", "", {});
  ASSERT_TRUE(garbage.ok());
  EXPECT_FALSE(garbage->emergency);
  // A rule for any item applies even there; its `unless` and a not_emergency rule cancel it.
  EXPECT_TRUE(classifier.Classify(*Registry(), "", "垃圾桶冒烟了", "", {})->emergency);
  EXPECT_FALSE(classifier.Classify(*Registry(), "", "担心垃圾桶冒烟", "", {})->emergency);
  auto handled = classifier.Classify(*Registry(), "", "垃圾桶冒烟，已经扑灭了", "", {});
  EXPECT_FALSE(handled->emergency);
  EXPECT_NE(handled->explanation.summary().find("不按紧急"), std::string::npos);
  // An emergency item is one whatever the text says.
  EXPECT_TRUE(classifier.Classify(*Registry(), "", "楼下着火", "", {})->emergency);
}

TEST(ClassifierTest, ARuleForSomeItemsAppliesOnlyToThem) {
  auto rules = ClassificationRules::FromJson(R"({"rules": [
      {"id": "danger.smoking", "name": "旁边有人抽烟", "effect": "emergency", "any_item": true,
       "items": ["municipal.illegal-dumping"], "patterns": ["抽烟"]}]})");
  ASSERT_TRUE(rules.ok()) << rules.status();
  Classifier classifier(*rules);
  auto scoped = classifier.Classify(*Registry(), "", "有人乱倒建筑垃圾，旁边还有人抽烟", "", {});
  ASSERT_TRUE(scoped.ok());
  EXPECT_EQ(scoped->catalogue_item, "municipal.illegal-dumping");
  EXPECT_TRUE(scoped->emergency) << scoped->explanation.summary();
  auto other = classifier.Classify(*Registry(), "", "井盖松动，旁边还有人抽烟", "", {});
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->catalogue_item, "municipal.manhole-cover");
  EXPECT_FALSE(other->emergency) << other->explanation.summary();
  EXPECT_FALSE(classifier.Classify(*Registry(), "", "旁边有人抽烟", "", {})->emergency);
  EXPECT_EQ(ClassificationRules::FromJson(R"({"rules": [{"id": "r", "effect": "emergency", "items": "x",
                                            "patterns": ["抽烟"]}]})")
                .status()
                .message(),
            "rules[0].items: must be a list of strings");
}

TEST(ClassifierTest, ScopeAndBorderRaiseTheCategory) {
  Classifier classifier(Rules());
  auto scope = classifier.Classify(*Registry(), "", "整个小区的路灯都不亮", "", {});
  EXPECT_EQ(scope->category, v1::CATEGORY_MAJOR);
  auto border = classifier.Classify(*Registry(), "", "邻县的车在这里倒建筑垃圾，整个小区都是", "", {});
  EXPECT_EQ(border->category, v1::CATEGORY_CROSS_COUNTY);
  bool named = false;
  for (const auto& hit : border->explanation.hits()) named = named || hit.rule() == "cross";
  EXPECT_TRUE(named);
}

TEST(ClassifierTest, NothingMatchedLeavesTheItemEmpty) {
  Classifier classifier(Rules());
  auto result = classifier.Classify(*Registry(), "", "我想说一件事情", "", {});
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->catalogue_item.empty());
  EXPECT_EQ(result->category, v1::CATEGORY_GENERAL);
}

TEST(ClassifierTest, AReloadedCatalogueAppliesToTheNextRequest) {
  const std::string path = ::testing::TempDir() + "classifier-reload-registry.json";
  json doc = registry::testing::SmallRegistryJson();
  std::ofstream(path) << doc.dump();
  auto holder = registry::RegistryHolder::Load(path);
  ASSERT_TRUE(holder.ok()) << holder.status();
  Classifier classifier(Rules());
  const std::string text = "村里的自来水停了三天";
  EXPECT_TRUE(classifier.Classify(*(*holder)->Get(), "", text, "", {})->catalogue_item.empty());

  doc["catalogue"].push_back({{"code", "water.rural-supply"}, {"name", "农村饮用水"}, {"department_code", "330199.cgj"},
                              {"default_category", "general"}, {"keywords", {"农村饮水"}}, {"phrases", {"村…自来水"}},
                              {"open311_service_code", "rural-water-supply"}});
  std::ofstream(path) << doc.dump();
  ASSERT_TRUE((*holder)->Reload(path).ok());
  auto reloaded = classifier.Classify(*(*holder)->Get(), "", text, "", {});
  ASSERT_TRUE(reloaded.ok());
  EXPECT_EQ(reloaded->catalogue_item, "water.rural-supply");
  EXPECT_EQ(reloaded->explanation.hits(0).matched(0), "村…自来水");
}

// A model learned from a handful of labelled requests in words no keyword holds.
ModelUse LearnedFrom(const std::string& tsv, const registry::OrgRegistry& registry) {
  auto examples = ParseLabelledRequests(tsv, &registry);
  EXPECT_TRUE(examples.ok()) << examples.status();
  return ModelUse{.model = std::make_shared<const ClassificationModel>(
                      ClassificationModel::Train(*examples, &registry, ClassificationModel::Options{})),
                  .emergency_log_odds = 0,
                  .any_item_emergency_log_odds = std::numeric_limits<double>::infinity()};
}

constexpr char kExamples[] =
    "E1\t小区门口那个铁盖子一踩就咣当咣当\tmunicipal.manhole-cover\tsimple\t0\t0\n"
    "E2\t路口铁盖子翘起来了，车压过去咣当响\tmunicipal.manhole-cover\tsimple\t0\t0\n"
    "E3\t楼下铁盖子歪了半边，老人被绊倒了腿在流血\tmunicipal.manhole-cover\tsimple\t1\t0\n"
    "E4\t楼道里的破沙发旧床垫堆了一个月没人清\tmunicipal.garbage\tsimple\t0\t0\n"
    "E5\t破沙发扔在单元门口好几天了，臭烘烘\tmunicipal.garbage\tsimple\t0\t0\n"
    "E6\t楼上天天半夜跳绳咚咚咚，吵得睡不着\torder.noise\tgeneral\t0\t0\n"
    "E7\t隔壁半夜唱卡拉OK，吵得孩子睡不着\torder.noise\tgeneral\t0\t0\n"
    "E8\t厨房里一股焦糊味，锅烧干了冒黑烟，人被熏晕在地上\trescue.fire\tmajor\t1\t0\n";

TEST(ClassifierTest, TheModelChoosesWhereNoKeywordMatchesAndNamesTheWordsThatWeighed) {
  auto registry = Registry();
  Classifier classifier(Rules(), LearnedFrom(kExamples, *registry));
  auto result = classifier.Classify(*registry, "", "单元楼前面的铁盖子咣当咣当响了一晚上", "", {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->catalogue_item, "municipal.manhole-cover");
  ASSERT_GE(result->explanation.hits_size(), 1);
  const auto& hit = result->explanation.hits(0);
  EXPECT_EQ(hit.rule(), "model:municipal.manhole-cover");
  EXPECT_EQ(hit.effect(), "item");
  ASSERT_GE(hit.matched_size(), 1);
  for (const std::string& gram : hit.matched()) {
    EXPECT_NE(std::string("单元楼前面的铁盖子咣当咣当响了一晚上").find(gram), std::string::npos) << gram;
    for (const std::string& other : hit.matched()) {
      if (&other != &gram) {
        EXPECT_EQ(gram.find(other), std::string::npos) << "runs are joined: " << gram << " " << other;
      }
    }
  }
  EXPECT_NE(result->explanation.summary().find("事项 井盖破损松动（相似说法: "), std::string::npos)
      << result->explanation.summary();

  // A keyword match explains itself as before.
  auto keyword = classifier.Classify(*registry, "", "门口的井盖一压就响", "", {});
  ASSERT_TRUE(keyword.ok());
  EXPECT_EQ(keyword->explanation.hits(0).rule(), "item:municipal.manhole-cover");
}

TEST(ClassifierTest, TheModelSuggestsNoItemWithoutWordsThatSpeakForIt) {
  auto registry = Registry();
  Classifier classifier(Rules(), LearnedFrom(kExamples, *registry));
  for (const std::string text : {"口", "<img src=x onerror=alert(1)>", "another request"}) {
    auto result = classifier.Classify(*registry, "", text, "", {});
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_TRUE(result->catalogue_item.empty()) << text << ": " << result->explanation.summary();
    EXPECT_NE(result->explanation.summary().find("事项 未匹配"), std::string::npos) << result->explanation.summary();
  }
}

TEST(ClassifierTest, TheEmergencyModelFlagsDangerTheRulesDoNotName) {
  auto registry = Registry();
  Classifier classifier(Rules(), LearnedFrom(kExamples, *registry));
  auto result = classifier.Classify(*registry, "", "路边铁盖子翘着，刚才有个老人被绊倒了在流血", "", {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->catalogue_item, "municipal.manhole-cover");
  EXPECT_TRUE(result->emergency) << result->explanation.summary();
  bool explained = false;
  for (const auto& hit : result->explanation.hits()) {
    explained = explained || (hit.rule() == "model:emergency" && hit.effect() == "emergency" && hit.matched_size() > 0);
  }
  EXPECT_TRUE(explained) << result->explanation.DebugString();
  // The model's emergency is cancelled like any other, and an item that cannot be one stays ordinary unless the
  // model is sure enough for any item.
  EXPECT_FALSE(classifier.Classify(*registry, "", "路边铁盖子翘着，老人被绊倒流血，已经扑灭了", "", {})->emergency);
  const std::string garbage = "楼道里破沙发堆着，老人被绊倒了";
  EXPECT_FALSE(classifier.Classify(*registry, "", garbage, "", {})->emergency);
  ModelUse any_item = LearnedFrom(kExamples, *registry);
  any_item.any_item_emergency_log_odds = 0;
  auto flagged = Classifier(Rules(), any_item).Classify(*registry, "", garbage, "", {});
  ASSERT_TRUE(flagged.ok());
  EXPECT_EQ(flagged->catalogue_item, "municipal.garbage");
  EXPECT_TRUE(flagged->emergency);
}

TEST(ClassifierTest, TheModelChoosesAnEmergencyItemOnlyWhenTheRequestSoundsUrgent) {
  auto registry = Registry();
  ModelUse use = LearnedFrom(kExamples, *registry);
  const std::string text = "厨房里一股焦糊味";  // Words of the fire example, but no keyword of 火灾.
  use.emergency_log_odds = std::numeric_limits<double>::infinity();
  use.any_item_emergency_log_odds = std::numeric_limits<double>::infinity();
  use.emergency_item_probability = std::numeric_limits<double>::infinity();
  auto calm = Classifier(Rules(), use).Classify(*registry, "", text, "", {});
  ASSERT_TRUE(calm.ok()) << calm.status();
  EXPECT_NE(calm->catalogue_item, "rescue.fire") << calm->explanation.summary();
  EXPECT_FALSE(calm->emergency);
  use.emergency_log_odds = -100;
  auto urgent = Classifier(Rules(), use).Classify(*registry, "", text, "", {});
  ASSERT_TRUE(urgent.ok()) << urgent.status();
  EXPECT_EQ(urgent->catalogue_item, "rescue.fire") << urgent->explanation.summary();
  EXPECT_TRUE(urgent->emergency);
  // Likely enough to be about an emergency item is as urgent.
  use.emergency_log_odds = std::numeric_limits<double>::infinity();
  use.emergency_item_probability = 0.05;
  auto likely = Classifier(Rules(), use).Classify(*registry, "", text, "", {});
  ASSERT_TRUE(likely.ok()) << likely.status();
  EXPECT_EQ(likely->catalogue_item, "rescue.fire") << likely->explanation.summary();
}

TEST(ClassifierTest, ARequestLikelyAboutAnEmergencyItemIsOneWhateverItsItem) {
  auto registry = Registry();
  ModelUse use = LearnedFrom(kExamples, *registry);
  use.emergency_log_odds = std::numeric_limits<double>::infinity();
  use.any_item_emergency_log_odds = std::numeric_limits<double>::infinity();
  use.emergency_item_probability = 0.05;
  // The channel chose the item; the words are those of the fire example.
  auto result = Classifier(Rules(), use).Classify(*registry, "", "厨房里一股焦糊味", "municipal.garbage", {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->catalogue_item, "municipal.garbage");
  EXPECT_TRUE(result->emergency) << result->explanation.summary();
  bool explained = false;
  for (const auto& hit : result->explanation.hits()) {
    explained = explained || (hit.rule() == "model:rescue.fire" && hit.effect() == "emergency");
  }
  EXPECT_TRUE(explained) << result->explanation.DebugString();
  EXPECT_NE(result->explanation.summary().find("像紧急事项 火灾"), std::string::npos) << result->explanation.summary();
  use.emergency_item_probability = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(Classifier(Rules(), use).Classify(*registry, "", "厨房里一股焦糊味", "municipal.garbage", {})->emergency);
}

TEST(ClassifierTest, AnItemAddedAfterTheModelLearnedIsChosenByItsKeywords) {
  auto registry = Registry();
  Classifier classifier(Rules(), LearnedFrom(kExamples, *registry));
  json doc = registry::testing::SmallRegistryJson();
  doc["catalogue"].push_back({{"code", "water.rural-supply"}, {"name", "农村饮用水"}, {"department_code", "330199.cgj"},
                              {"default_category", "general"}, {"keywords", {"农村饮水"}}, {"phrases", {"村…自来水"}},
                              {"open311_service_code", "rural-water-supply"}});
  auto reloaded = registry::RegistryFromJson(doc.dump());
  ASSERT_TRUE(reloaded.ok()) << reloaded.status();
  auto result = classifier.Classify(**reloaded, "", "村里的自来水停了，楼上天天半夜吵得睡不着", "", {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->catalogue_item, "water.rural-supply") << result->explanation.summary();
}

TEST(ClassificationModelTest, LearnsFastAndKeepsItemsItSawOnly) {
  auto registry = Registry();
  auto examples = ParseLabelledRequests(kExamples, registry.get());
  ASSERT_TRUE(examples.ok());
  const ClassificationModel model =
      ClassificationModel::Train(*examples, nullptr, ClassificationModel::Options{});
  EXPECT_EQ(model.examples(), examples->size());
  EXPECT_EQ(model.Items().size(), 4u);
  EXPECT_EQ(model.ItemIndex("municipal.illegal-dumping"), -1);
  const std::vector<double> posterior = model.ItemLogPosterior(model.Features("吵得睡不着"));
  ASSERT_EQ(posterior.size(), 4u);
  EXPECT_EQ(std::max_element(posterior.begin(), posterior.end()) - posterior.begin(), model.ItemIndex("order.noise"));
  EXPECT_TRUE(model.Features("完全陌生的话").size() < 6u) << "only n-grams seen in training are features";
  // With the catalogue, an item without examples is learned from its name and keywords.
  const ClassificationModel with_catalogue =
      ClassificationModel::Train(*examples, registry.get(), ClassificationModel::Options{});
  EXPECT_GE(with_catalogue.ItemIndex("municipal.illegal-dumping"), 0);
}

TEST(ClassifierTest, RulesFileErrorsNameThePath) {
  EXPECT_EQ(ClassificationRules::FromJson(R"({"rules": [{"id": "x", "effect": "boom", "patterns": ["a"]}]})")
                .status()
                .message(),
            "rules[0].effect: must be emergency, not_emergency or category");
  EXPECT_EQ(ClassificationRules::FromJson(R"({"rules": [{"id": "x", "effect": "category", "patterns": ["a"]}]})")
                .status()
                .message(),
            "rules[0].category: missing");
  EXPECT_EQ(ClassificationRules::FromJson(R"({"rules": [{"id": "x", "effect": "emergency", "patterns": [""]}]})")
                .status()
                .message(),
            "rules[0].patterns[0]: must be a non-empty keyword or phrase");
  EXPECT_EQ(ClassificationRules::FromJson(R"({"rules": [{"id": "x", "effect": "emergency", "patterns": ["a"]},
                                                        {"id": "x", "effect": "emergency", "patterns": ["b"]}]})")
                .status()
                .message(),
            "rules[1].id: x repeats");
}

TEST(LabelledSetTest, ParsesAndChecksTheLabels) {
  auto registry = Registry();
  auto ok = ParseLabelledRequests("# comment\nA1\t井盖响\tmunicipal.manhole-cover\tsimple\t0\t0\n", registry.get());
  ASSERT_TRUE(ok.ok()) << ok.status();
  ASSERT_EQ(ok->size(), 1u);
  EXPECT_EQ((*ok)[0].item, "municipal.manhole-cover");
  EXPECT_EQ(ParseLabelledRequests("A1\t井盖响\tno.such\tsimple\t0\t0\n", registry.get()).status().message(),
            "line 1: unknown catalogue item no.such");
  EXPECT_EQ(ParseLabelledRequests("A1\t井盖响\tmunicipal.manhole-cover\tsimple\t0\t1\n", registry.get())
                .status()
                .message(),
            "line 1: cross_county is 1 exactly when the category is cross_county");
  // The labelling guide's rules (docs/LABELLING.md).
  EXPECT_EQ(ParseLabelledRequests("A1\t建筑垃圾倒在路边\tmunicipal.illegal-dumping\tsimple\t0\t0\n", registry.get())
                .status()
                .message(),
            "line 1: category simple is below the default of municipal.illegal-dumping");
  EXPECT_EQ(ParseLabelledRequests("A1\t楼下着火了\trescue.fire\tmajor\t0\t0\n", registry.get())
                .status()
                .message(),
            "line 1: rescue.fire is always an emergency");
  EXPECT_EQ(ParseLabelledRequests("A1\t垃圾满了\tmunicipal.garbage\tgeneral\t1\t0\n", registry.get()).status().message(),
            "line 1: municipal.garbage cannot be an emergency");
  EXPECT_EQ(ParseLabelledRequests("A1\t井盖响\tmunicipal.manhole-cover\tsimple\t0\t0\n"
                                  "A1\t井盖响了\tmunicipal.manhole-cover\tsimple\t0\t0\n",
                                  registry.get())
                .status()
                .message(),
            "line 2: id A1 appears twice");
}

TEST(LabelledSetTest, CountsAgreementAndRanksMissedEmergenciesFirst) {
  auto registry = Registry();
  Classifier classifier(Rules());
  auto requests = ParseLabelledRequests(
      "A1\t井盖一踩就响\tmunicipal.manhole-cover\tsimple\t0\t0\n"
      "A2\t井盖松了，我家孩子在那摔了一跤\tmunicipal.manhole-cover\tsimple\t1\t0\n"
      "A3\t垃圾满了\tmunicipal.garbage\tgeneral\t0\t0\n",
      registry.get());
  ASSERT_TRUE(requests.ok()) << requests.status();
  auto agreement = Evaluate(classifier, *registry, *requests);
  ASSERT_TRUE(agreement.ok());
  EXPECT_EQ(agreement->requests, 3);
  EXPECT_EQ(agreement->item_agreed, 3);
  EXPECT_EQ(agreement->category_agreed, 2);
  EXPECT_EQ(agreement->EmergencyRecall(), 0.0);
  EXPECT_EQ(agreement->EmergencyPrecision(), 1.0);
  ASSERT_EQ(agreement->mistakes.size(), 2u);
  EXPECT_EQ(agreement->mistakes[0].request->id, "A2");
  EXPECT_NE(agreement->mistakes[0].why.find("missed emergency"), std::string::npos);
  EXPECT_NE(agreement->Worst(10).find("A3"), std::string::npos);
}

}  // namespace
}  // namespace gridcase::intake
