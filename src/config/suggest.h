#pragma once
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tend {

/// Levenshtein distance between a and b (insert, delete, substitute each cost 1).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to word when it is close enough to be a likely misspelling (distance at most a
/// third of the word's length, at least 1, at most 3); nullopt otherwise. Ties go to the earlier candidate.
std::optional<std::string> closest_match(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace tend
