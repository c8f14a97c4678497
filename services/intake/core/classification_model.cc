#include "services/intake/core/classification_model.h"

#include <algorithm>
#include <cmath>
#include <array>
#include <cstdint>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/validation/utf8.h"
#include "services/intake/core/phrase_match.h"

namespace gridcase::intake {
namespace {

// Decodes one UTF-8 character at `text[*pos]` and advances; a malformed byte decodes as itself.
uint32_t NextCodePoint(absl::string_view text, size_t* pos) {
  size_t length = 1;
  uint32_t code_point = validation::DecodeUtf8(text, *pos, &length);
  if (code_point == validation::kMalformedUtf8) code_point = static_cast<uint8_t>(text[*pos]);
  *pos += length;
  return code_point;
}

// Punctuation, spaces and symbols: where n-grams stop.
bool IsSeparator(uint32_t c) {
  if (c < 0x80) return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
  return (c >= 0x2000 && c <= 0x206F) || (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFF0F) ||
         (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65);
}

// Calls `visit` once per distinct n-gram (as a view of a normalised copy of `text`): characters in runs between
// separators, digits as 0, Latin letters in lower case.
template <typename Visit>
void ForEachNgram(absl::string_view text, int min_gram, int max_gram, Visit visit) {
  std::string normalised;
  normalised.reserve(text.size());
  std::vector<size_t> starts;     // Byte offset of each character in `normalised`, then its end.
  std::vector<size_t> run_begin;  // Index in `starts` of each run's first character, then the number of characters.
  bool in_run = false;
  for (size_t pos = 0; pos < text.size();) {
    uint32_t c = NextCodePoint(text, &pos);
    if (IsSeparator(c)) {
      in_run = false;
      continue;
    }
    if ((c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19)) c = '0';
    if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
    if (!in_run) {
      run_begin.push_back(starts.size());
      in_run = true;
    }
    starts.push_back(normalised.size());
    validation::AppendUtf8(c, &normalised);
  }
  run_begin.push_back(starts.size());
  starts.push_back(normalised.size());
  absl::flat_hash_set<absl::string_view> seen;
  for (size_t run = 0; run + 1 < run_begin.size(); ++run) {
    const size_t end = run_begin[run + 1];
    for (size_t begin = run_begin[run]; begin < end; ++begin) {
      for (int n = min_gram; n <= max_gram && begin + n <= end; ++n) {
        const absl::string_view gram(normalised.data() + starts[begin], starts[begin + n] - starts[begin]);
        if (seen.insert(gram).second) visit(gram);
      }
    }
  }
}

// The request a catalogue item stands for: its name, keywords and the parts of its phrases.
std::string CatalogueDocument(const v1::CatalogueItem& item) {
  std::string text = item.name();
  for (const std::string& keyword : item.keywords()) absl::StrAppend(&text, " ", keyword);
  for (const std::string& phrase : item.phrases()) {
    for (absl::string_view part : absl::StrSplit(phrase, kPhraseSeparator)) absl::StrAppend(&text, " ", part);
  }
  return text;
}

}  // namespace

ClassificationModel ClassificationModel::Train(const std::vector<LabelledRequest>& examples,
                                               const registry::OrgRegistry* registry, const Options& options) {
  ClassificationModel model;
  model.options_ = options;
  struct Document {
    std::string text;
    std::string item;
    int emergency = -1;  // -1: not an example of the emergency flag (a catalogue document).
  };
  std::vector<Document> documents;
  for (const LabelledRequest& example : examples) {
    documents.push_back({example.text, example.item, example.emergency ? 1 : 0});
  }
  if (registry != nullptr) {
    for (const v1::CatalogueItem& item : registry->Catalogue()) {
      if (item.keywords().empty() && item.phrases().empty()) continue;  // The catch-all is never chosen by text.
      const std::string text = CatalogueDocument(item);
      for (int k = 0; k < options.catalogue_weight; ++k) documents.push_back({text, item.code(), -1});
    }
  }
  model.examples_ = examples.size();

  // Counts: requests of each item containing each n-gram, and of each emergency flag.
  std::vector<absl::flat_hash_map<int, int>> item_counts;  // per feature: item -> requests
  std::vector<int> item_requests;
  std::vector<std::array<int, 2>> emergency_counts;
  std::vector<std::vector<int>> document_features;
  std::vector<int> document_item;
  for (const Document& document : documents) {
    auto [it, added] = model.item_ids_.try_emplace(document.item, static_cast<int>(model.items_.size()));
    if (added) {
      model.items_.push_back(document.item);
      item_requests.push_back(0);
    }
    const int item = it->second;
    ++item_requests[item];
    document_item.push_back(item);
    document_features.emplace_back();
    ForEachNgram(document.text, options.min_gram, options.max_gram, [&](absl::string_view gram) {
      auto [feature, is_new] =
          model.feature_ids_.try_emplace(std::string(gram), static_cast<int>(model.feature_text_.size()));
      if (is_new) {
        model.feature_text_.emplace_back(gram);
        item_counts.emplace_back();
        emergency_counts.push_back({0, 0});
      }
      ++item_counts[feature->second][item];
      document_features.back().push_back(feature->second);
      if (document.emergency >= 0) ++emergency_counts[feature->second][document.emergency];
    });
  }

  const size_t features = model.feature_text_.size();
  const size_t items = model.items_.size();
  const double alpha = options.smoothing;
  const double vocabulary = static_cast<double>(features);
  std::vector<double> item_total(items, 0);
  std::array<double, 2> emergency_total = {0, 0};
  double total = 0;
  for (size_t f = 0; f < features; ++f) {
    for (const auto& [item, count] : item_counts[f]) item_total[item] += count;
    emergency_total[0] += emergency_counts[f][0];
    emergency_total[1] += emergency_counts[f][1];
  }
  for (double t : item_total) total += t;

  model.item_base_.resize(items);
  model.item_prior_.resize(items);
  for (size_t i = 0; i < items; ++i) {
    model.item_base_[i] = std::log(alpha / (item_total[i] + alpha * vocabulary));
    model.item_prior_[i] = options.prior_weight * std::log(item_requests[i] / static_cast<double>(documents.size()));
  }
  model.postings_.resize(features);
  model.pooled_.resize(features);
  model.emergency_weight_.resize(features);
  const double log_alpha = std::log(alpha);
  for (size_t f = 0; f < features; ++f) {
    double occurrences = 0;
    for (const auto& [item, count] : item_counts[f]) {
      model.postings_[f].emplace_back(item, static_cast<float>(std::log(count + alpha) - log_alpha));
      occurrences += count;
    }
    std::sort(model.postings_[f].begin(), model.postings_[f].end());
    model.pooled_[f] = static_cast<float>(std::log((occurrences + alpha) / (total + alpha * vocabulary)));
    const double beta = options.emergency_smoothing;
    const double emergency = std::log((emergency_counts[f][1] + beta) / (emergency_total[1] + beta * vocabulary));
    const double ordinary = std::log((emergency_counts[f][0] + beta) / (emergency_total[0] + beta * vocabulary));
    model.emergency_weight_[f] = static_cast<float>(emergency - ordinary);
  }
  if (options.learner == Learner::kComplementNaiveBayes) {
    // -log P(f | any other item), without the part every item shares: an n-gram speaks for an item as much as it is
    // rare in the requests of all the others.
    for (size_t f = 0; f < features; ++f) {
      double occurrences = 0;
      for (const auto& [item, count] : item_counts[f]) occurrences += count;
      for (auto& [item, weight] : model.postings_[f]) {
        const double count = item_counts[f].at(item);
        weight = static_cast<float>(std::log(occurrences + alpha) - std::log(occurrences - count + alpha));
      }
    }
    for (size_t i = 0; i < items; ++i) {
      model.item_base_[i] = std::log(total - item_total[i] + alpha * vocabulary) - std::log(total + alpha * vocabulary);
      model.item_prior_[i] = 0;
    }
    model.weights_are_evidence_ = true;
  }
  if (options.learner == Learner::kPerceptron) {
    model.TrainPerceptron(document_features, document_item, options.epochs);
  }
  int flagged = 0;
  for (const LabelledRequest& example : examples) flagged += example.emergency;
  model.emergency_prior_ =
      std::log((flagged + 1.0) / (examples.size() + 2.0)) - std::log((examples.size() - flagged + 1.0) / (examples.size() + 2.0));
  return model;
}

void ClassificationModel::TrainPerceptron(const std::vector<std::vector<int>>& document_features,
                                          const std::vector<int>& document_item, int epochs) {
  const size_t items = items_.size();
  const size_t features = feature_text_.size();
  if (items < 2) return;
  // Dense while learning: weights and the time-weighted sum of their updates (for the average).
  std::vector<float> weight(features * items, 0);
  std::vector<float> update_time(features * items, 0);
  std::vector<size_t> order(document_features.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  uint64_t random = 88172645463325252ull;  // xorshift64: the same passes on every run.
  std::vector<float> score(items);
  float time = 1;
  for (int epoch = 0; epoch < epochs; ++epoch) {
    for (size_t i = order.size(); i > 1; --i) {
      random ^= random << 13;
      random ^= random >> 7;
      random ^= random << 17;
      std::swap(order[i - 1], order[random % i]);
    }
    for (size_t d : order) {
      std::fill(score.begin(), score.end(), 0.0f);
      for (int f : document_features[d]) {
        const float* row = &weight[static_cast<size_t>(f) * items];
        for (size_t c = 0; c < items; ++c) score[c] += row[c];
      }
      const int truth = document_item[d];
      // Ties count as mistakes, so that learning starts from all-zero weights.
      int predicted = truth == 0 ? 1 : 0;
      float best = score[predicted];
      for (size_t c = 0; c < items; ++c) {
        if (static_cast<int>(c) == truth) continue;
        if (score[c] > best) {
          best = score[c];
          predicted = static_cast<int>(c);
        }
      }
      if (score[truth] <= best) {
        for (int f : document_features[d]) {
          const size_t row = static_cast<size_t>(f) * items;
          weight[row + truth] += 1;
          weight[row + predicted] -= 1;
          update_time[row + truth] += time;
          update_time[row + predicted] -= time;
        }
      }
      time += 1;
    }
  }
  // The averaged weights, kept where they are not zero.
  for (size_t f = 0; f < features; ++f) {
    postings_[f].clear();
    for (size_t c = 0; c < items; ++c) {
      const float average = weight[f * items + c] - update_time[f * items + c] / time;
      if (average != 0) postings_[f].emplace_back(static_cast<int>(c), average);
    }
  }
  std::fill(item_base_.begin(), item_base_.end(), 0.0);
  std::fill(item_prior_.begin(), item_prior_.end(), 0.0);
  weights_are_evidence_ = true;
}

std::vector<int> ClassificationModel::Features(absl::string_view text) const {
  std::vector<int> features;
  ForEachNgram(text, options_.min_gram, options_.max_gram, [&](absl::string_view gram) {
    if (auto it = feature_ids_.find(gram); it != feature_ids_.end()) features.push_back(it->second);
  });
  return features;
}

int ClassificationModel::ItemIndex(absl::string_view code) const {
  auto it = item_ids_.find(code);
  return it == item_ids_.end() ? -1 : it->second;
}

std::vector<double> ClassificationModel::ItemLogPosterior(const std::vector<int>& features) const {
  std::vector<double> score(items_.size());
  const double n = static_cast<double>(features.size());
  for (size_t i = 0; i < items_.size(); ++i) score[i] = item_prior_[i] + n * item_base_[i];
  for (int f : features) {
    for (const auto& [item, weight] : postings_[f]) score[item] += weight;
  }
  if (score.empty()) return score;
  const double best = *std::max_element(score.begin(), score.end());
  double sum = 0;
  for (double s : score) sum += std::exp(s - best);
  const double normaliser = best + std::log(sum);
  for (double& s : score) s -= normaliser;
  return score;
}

double ClassificationModel::EmergencyLogOdds(const std::vector<int>& features) const {
  double odds = emergency_prior_;
  for (int f : features) odds += emergency_weight_[f];
  return odds;
}

std::vector<std::string> ClassificationModel::Evidence(const std::vector<int>& features, int item, size_t n) const {
  std::vector<Candidate> candidates;
  for (int f : features) {
    const auto& postings = postings_[f];
    auto it = std::lower_bound(postings.begin(), postings.end(), std::make_pair(item, -1e30f));
    if (it == postings.end() || it->first != item) continue;
    const std::string& text = feature_text_[f];
    if (CodePoints(text) < 2) continue;  // A single character is no way of saying something.
    candidates.push_back({weights_are_evidence_ ? it->second : item_base_[item] + it->second - pooled_[f], &text});
  }
  return Strongest(std::move(candidates), n);
}

std::vector<std::string> ClassificationModel::EmergencyEvidence(const std::vector<int>& features, size_t n) const {
  std::vector<Candidate> candidates;
  for (int f : features) {
    if (CodePoints(feature_text_[f]) >= 2) candidates.push_back({emergency_weight_[f], &feature_text_[f]});
  }
  return Strongest(std::move(candidates), n);
}

std::vector<std::string> ClassificationModel::Strongest(std::vector<Candidate> candidates, size_t n) {
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return a.gain != b.gain ? a.gain > b.gain : a.text->size() > b.text->size();
  });
  std::vector<std::string> evidence;
  for (const Candidate& candidate : candidates) {
    if (evidence.size() >= n || candidate.gain <= 0) break;
    bool overlaps = false;
    for (const std::string& chosen : evidence) {
      overlaps = overlaps || absl::StrContains(chosen, *candidate.text) || absl::StrContains(*candidate.text, chosen);
    }
    if (!overlaps) evidence.push_back(*candidate.text);
  }
  return evidence;
}

}  // namespace gridcase::intake
