#pragma once
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

  struct Entry {
    double tau_ms = 0;
    int runs = 0;
  };

  /// The run time sjf assumes: the explicit estimate when given, else τ for this command, else τ₀.
  Millis predict(const std::string& command_key, std::optional<Millis> explicit_estimate) const;
  /// Folds one observed run into τ (τ₀ being the explicit estimate or kInitialGuess the first time) and
  /// returns the new entry.
  Entry learn(const std::string& command_key, Millis observed, std::optional<Millis> explicit_estimate);
  /// Loads a stored entry (from the history database).
  void set(const std::string& command_key, Entry entry) { table_[command_key] = entry; }
  std::optional<Entry> find(const std::string& command_key) const;

 private:
  std::unordered_map<std::string, Entry> table_;
};

}  // namespace tend::jobs
