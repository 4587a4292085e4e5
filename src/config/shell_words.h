#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace tend {

/// A command line split into words.
struct ShellWords {
  std::vector<std::string> words;
  /// True when the line uses syntax only a shell gives meaning to, outside quotes: | & ; < > ` $(
  bool shell_syntax = false;
};

/// Splits like Python's shlex.split (POSIX mode, which supervisord uses): whitespace separates words;
/// '...' is literal; "..." keeps everything but lets \ escape " and \; a bare \ escapes the next character.
/// Errors: an unclosed quote, a trailing backslash.
Result<ShellWords> split_shell_words(std::string_view text);

}  // namespace tend
