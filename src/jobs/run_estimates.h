#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "util/units.h"

namespace tend::jobs {

/// Shortest-job-first's predictions: per command, the exponential average of its past run times,
/// τₙ₊₁ = α·tₙ + (1−α)·τₙ with α = 0.5 (recent runs count most; one outlier fades in a few runs).
/// The history database keeps the table, so predictions survive daemon restarts.
class RunEstimates {
 public:
  static constexpr double kAlpha = 0.5;
  /// τ₀ for a command never run before and submitted without --estimate.
  static constexpr Millis kInitialGuess{1000};
  /// Commands remembered; beyond this the least recently run are forgotten (the history stays bounded).
  static constexpr std::size_t kMaxCommands = 10'000;

  struct Entry {
    double tau_ms = 0;
    int runs = 0;
    std::int64_t updated_ms = 0;  // wall time of the last run folded in
  };

  /// The run time sjf assumes: the explicit estimate when given, else τ for this command, else τ₀.
  Millis predict(const std::string& command_key, std::optional<Millis> explicit_estimate) const;
  /// Folds one observed run into τ (τ₀ being the explicit estimate or kInitialGuess the first time) and
  /// returns the new entry. Forgets the least recently run tenth when more than kMaxCommands are known.
  Entry learn(const std::string& command_key, Millis observed, std::optional<Millis> explicit_estimate,
              std::int64_t now_ms);
  /// Loads a stored entry (from the history database).
  void set(const std::string& command_key, Entry entry) { table_[command_key] = entry; }
  std::optional<Entry> find(const std::string& command_key) const;
  std::size_t size() const { return table_.size(); }
  /// How many times the least recently run commands were forgotten (the store trims its table then too).
  std::size_t forgets() const { return forgets_; }

 private:
  void forget_oldest();

  std::unordered_map<std::string, Entry> table_;
  std::size_t forgets_ = 0;
};

}  // namespace tend::jobs
