// tend: one binary, the supervising daemon and its command-line client.
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "cli/cli.h"

int main(int argc, char** argv) {
  using namespace tend::cli;
  Context ctx;
  // `tend start [options] -- CMD ARGS...`: everything after the first "--" is the child's argv, untouched
  // by option parsing (so the child's own flags are never mistaken for ours).
  int parse_argc = argc;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--") == 0) {
      ctx.saw_dashdash = true;
      ctx.command_after_dashdash.assign(argv + i + 1, argv + argc);
      parse_argc = i;
      break;
    }
  }

  // The parser lives only as long as parsing: the daemon runs for months and should not carry it.
  auto app_ptr = std::make_unique<CLI::App>("tend: a process supervisor and job runner", "tend");
  CLI::App& app = *app_ptr;
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("tend ") + TEND_VERSION);
  add_daemon(app, ctx);
  add_start(app, ctx);
  add_control(app, ctx);
  add_wait(app, ctx);
  add_ls(app, ctx);
  add_logs(app, ctx);
  add_admin(app, ctx);
  add_zombies(app, ctx);
  add_import(app, ctx);
  add_startup(app, ctx);
  add_apply(app, ctx);
  add_events(app, ctx);
  add_inspect(app, ctx);
  add_tree(app, ctx);
  add_top(app, ctx);
  add_metrics(app, ctx);
  add_send(app, ctx);
  add_cluster(app, ctx);
  add_job(app, ctx);
  add_queue(app, ctx);
  add_schedule(app, ctx);
  try {
    app.parse(parse_argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kUsage;
  }
  if (ctx.saw_dashdash && !app.got_subcommand("start") && !ctx.takes_command) {
    print_error("'--' is only for: tend start|job submit|schedule add [options] -- CMD [ARGS...]");
    return kUsage;
  }
  app_ptr.reset();  // actions own (shared) copies of their options
  return ctx.action ? ctx.action() : kUsage;
}
