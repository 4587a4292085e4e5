#include "config/dotenv.h"

#include <fmt/format.h>

#include <optional>
#include <vector>

#include "util/files.h"

namespace tend {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}
bool is_name_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

// A cursor over the whole text that tracks the 1-based line and column of pos.
struct Cursor {
  std::string_view text;
  std::size_t pos = 0;
  int line = 1;
  std::size_t line_start = 0;

  bool done() const { return pos >= text.size(); }
  char peek() const { return done() ? '\n' : text[pos]; }
  SourcePos where() const { return {line, static_cast<int>(pos - line_start) + 1}; }
  void advance() {
    if (text[pos++] == '\n') {
      ++line;
      line_start = pos;
    }
  }
  void skip_blanks() {
    while (!done() && is_blank(peek())) advance();
  }
  void skip_line() {
    while (!done() && peek() != '\n') advance();
    if (!done()) advance();
  }
};

struct LineError {
  SourcePos at;
  std::string message;
};

char unescape(char c) {
  switch (c) {
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case 'r':
      return '\r';
    default:
      return c;
  }
}

// Reads a quoted value starting at the opening quote; leaves the cursor after the closing quote.
std::optional<LineError> read_quoted(Cursor& c, std::string& value) {
  SourcePos open = c.where();
  char quote = c.peek();
  c.advance();
  for (;;) {
    if (c.done())
      return LineError{open, fmt::format("unterminated {} quote", quote == '"' ? "double" : "single")};
    char ch = c.peek();
    c.advance();
    if (ch == quote) return std::nullopt;
    if (quote == '"' && ch == '\\' && !c.done()) {
      char next = c.peek();
      c.advance();
      if (next == 'n' || next == 't' || next == 'r' || next == '"' || next == '\\') {
        value += unescape(next);
      } else {
        value += '\\';
        value += next;
      }
      continue;
    }
    value += ch;
  }
}

// Reads an unquoted value to the end of the line or to a " #" comment, trimming trailing blanks.
std::string read_bare(Cursor& c) {
  std::string value;
  while (!c.done() && c.peek() != '\n') {
    if (c.peek() == '#' && (value.empty() || is_blank(value.back()))) break;
    value += c.peek();
    c.advance();
  }
  while (!value.empty() && (is_blank(value.back()) || value.back() == '\r')) value.pop_back();
  return value;
}

std::string read_name(Cursor& c) {
  std::string name;
  while (!c.done() && is_name_char(c.peek())) {
    name += c.peek();
    c.advance();
  }
  return name;
}

// Parses one assignment starting at its first non-blank character; on success the cursor is at the end
// of its (possibly last) line.
std::optional<LineError> parse_assignment(Cursor& c, EnvMap& env) {
  SourcePos start = c.where();
  std::string name = read_name(c);
  if (name == "export" && is_blank(c.peek())) {
    c.skip_blanks();
    start = c.where();
    name = read_name(c);
  }
  if (name.empty() || !is_name_start(name[0]))
    return LineError{start,
                     "expected KEY=VALUE with KEY made of A-Z a-z 0-9 _ . (not starting with a digit)"};
  c.skip_blanks();
  if (c.peek() != '=') return LineError{c.where(), fmt::format("expected '=' after `{}`", name)};
  c.advance();
  c.skip_blanks();
  std::string value;
  if (c.peek() == '"' || c.peek() == '\'') {
    if (auto err = read_quoted(c, value)) return err;
    c.skip_blanks();
    if (!c.done() && c.peek() != '\n' && c.peek() != '#' && c.peek() != '\r')
      return LineError{c.where(), "unexpected text after the closing quote"};
  } else {
    value = read_bare(c);
  }
  env[name] = std::move(value);
  return std::nullopt;
}

}  // namespace

// Reads the text line by line; an assignment with a quoted value may consume several lines.
ConfigResult<EnvMap> parse_dotenv(std::string_view text, const std::string& file) {
  EnvMap env;
  std::vector<ConfigError> errors;
  Cursor c{text};
  while (!c.done()) {
    c.skip_blanks();
    if (c.peek() == '\n' || c.peek() == '\r' || c.peek() == '#') {
      c.skip_line();
      continue;
    }
    if (auto err = parse_assignment(c, env))
      errors.push_back({file, err->at.line, err->at.column, err->message});
    c.skip_line();
  }
  if (!errors.empty()) return errors;
  return env;
}

ConfigResult<EnvMap> load_dotenv(const std::string& path) {
  auto text = read_file(path);
  if (!text) return std::vector<ConfigError>{{path, 0, 0, text.error().message}};
  return parse_dotenv(*text, path);
}

}  // namespace tend
