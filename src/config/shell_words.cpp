#include "config/shell_words.h"

#include <string_view>

namespace tend {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool is_shell_operator(std::string_view rest) {
  char c = rest[0];
  return c == '|' || c == '&' || c == ';' || c == '<' || c == '>' || c == '`' || rest.starts_with("$(");
}

}  // namespace

// One pass over the text, as a small state machine: outside a word, in a word, in '...', in "...".
Result<ShellWords> split_shell_words(std::string_view text) {
  ShellWords out;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (is_space(c)) {
      if (in_word) out.words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\\') {
      if (++i == text.size()) return Error{EINVAL, "no escaped character after the final backslash"};
      word += text[i];
    } else if (c == '\'') {
      auto close = text.find('\'', i + 1);
      if (close == std::string_view::npos) return Error{EINVAL, "no closing quotation"};
      word += text.substr(i + 1, close - i - 1);
      i = close;
    } else if (c == '"') {
      for (++i;; ++i) {
        if (i >= text.size()) return Error{EINVAL, "no closing quotation"};
        if (text[i] == '"') break;
        if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == '"' || text[i + 1] == '\\')) ++i;
        word += text[i];
      }
    } else {
      if (is_shell_operator(text.substr(i))) out.shell_syntax = true;
      word += c;
    }
  }
  if (in_word) out.words.push_back(std::move(word));
  return out;
}

}  // namespace tend
