#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "libs/registry/org_registry.h"
#include "services/intake/core/labelled_requests.h"

namespace gridcase::intake {

// A classifier learned from labelled requests (services/intake/classification-examples.tsv) over the character
// n-grams of a request: one model for the catalogue item (complement naive Bayes by default) and a naive Bayes model
// for the emergency flag. It recognises ways of saying a problem that no keyword list holds (铁盖子 + 咣当响 → 井盖破损
// 松动) because it weighs every short run of characters by how often it occurred in the requests of each item.
//
// Text is cut at punctuation and spaces; digits count as one digit, Latin letters as lower case; each distinct
// n-gram counts once per request. Training on 1 400 requests takes some 20 ms; scoring one request costs a hash
// lookup per n-gram and an addition per (n-gram, item it occurred with).
// Immutable after Train; thread-safe.
class ClassificationModel {
 public:
  enum class Learner {
    kNaiveBayes,            // Multinomial naive Bayes: log P(n-gram | item) from counts.
    kComplementNaiveBayes,  // Naive Bayes of the requests of all other items (steadier with few examples).
    kPerceptron,            // Averaged perceptron: weights learned from the mistakes of passes over the examples.
  };
  struct Options {
    Learner learner = Learner::kComplementNaiveBayes;
    int epochs = 10;  // kPerceptron: passes over the examples.
    int min_gram = 1;
    int max_gram = 2;
    // Additive (Laplace/Lidstone) smoothing of the n-gram counts: of the item model, of the emergency model.
    double smoothing = 2.0;
    double emergency_smoothing = 0.1;
    // How much the items' share of the examples counts (0: every item equally likely before the text is read).
    double prior_weight = 0.0;
    // Each catalogue item (when a registry is given to Train) counts as this many requests made of its name,
    // keywords and phrase parts, so that items without labelled requests are known too (0: not at all).
    int catalogue_weight = 3;
  };

  // Learns from `examples`; with `registry`, from its catalogue items too (Options::catalogue_weight).
  static ClassificationModel Train(const std::vector<LabelledRequest>& examples, const registry::OrgRegistry* registry,
                                   const Options& options);

  // The distinct known n-grams of `text`, as feature ids.
  std::vector<int> Features(absl::string_view text) const;

  // Items learned, in a fixed order; scores below are indexed alike.
  const std::vector<std::string>& Items() const { return items_; }
  // Index of `code` in Items(), or -1.
  int ItemIndex(absl::string_view code) const;
  // log P(item | features), normalised over Items().
  std::vector<double> ItemLogPosterior(const std::vector<int>& features) const;
  // log P(emergency | features) - log P(not emergency | features).
  double EmergencyLogOdds(const std::vector<int>& features) const;
  // Up to `n` n-grams of two or more characters of `features` that speak for `item` (against all requests), the
  // strongest first, longest first among equals, none inside another one chosen; for the explanation.
  std::vector<std::string> Evidence(const std::vector<int>& features, int item, size_t n) const;

  // Up to `n` n-grams of `features` that speak most for an emergency, as Evidence.
  std::vector<std::string> EmergencyEvidence(const std::vector<int>& features, size_t n) const;

  size_t examples() const { return examples_; }

 private:
  ClassificationModel() = default;
  struct Candidate {
    double gain;
    const std::string* text;
  };
  void TrainPerceptron(const std::vector<std::vector<int>>& document_features, const std::vector<int>& document_item,
                       int epochs);
  static std::vector<std::string> Strongest(std::vector<Candidate> candidates, size_t n);

  Options options_;
  // The postings' weights say how much an n-gram speaks for an item (kComplementNaiveBayes, kPerceptron).
  bool weights_are_evidence_ = false;
  size_t examples_ = 0;
  absl::flat_hash_map<std::string, int> feature_ids_;
  std::vector<std::string> feature_text_;
  std::vector<std::string> items_;
  absl::flat_hash_map<std::string, int> item_ids_;
  // log P(f | item) = item_base_[item] + postings weight of (f, item) (0 when f never occurred with the item).
  std::vector<std::vector<std::pair<int, float>>> postings_;
  std::vector<double> item_base_;
  std::vector<double> item_prior_;
  // log P(f) over all requests, for Evidence.
  std::vector<float> pooled_;
  // log P(f | emergency) - log P(f | not emergency).
  std::vector<float> emergency_weight_;
  double emergency_prior_ = 0;
};

}  // namespace gridcase::intake
