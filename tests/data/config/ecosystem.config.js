// The ecosystem of ecosystem.config.json written the way pm2 users write it: shared settings, computed paths and
// numbers. `tend import pm2` evaluates it with node and prints the same tend.toml (ecosystem.expected.toml).
const path = require('path');

const SRV = '/srv';
const API_PORT = 3000;
const seconds = (n) => n * 1000;

const logs = (name) => ({
  out_file: path.join('/var/log', `${name}.out.log`),
  error_file: path.join('/var/log', `${name}.err.log`),
  log_date_format: 'YYYY-MM-DD HH:mm Z',
  merge_logs: true,
});

module.exports = {
  apps: [
    {
      name: 'api',
      script: './dist/server.js',
      args: ['--port', String(API_PORT)],
      node_args: `--max-old-space-size=${512}`,
      cwd: path.join(SRV, 'api'),
      instances: 'max',
      exec_mode: 'cluster',
      env: { NODE_ENV: 'development', PORT: API_PORT },
      env_production: { NODE_ENV: 'production' },
      max_memory_restart: '300M',
      ...logs('api'),
      min_uptime: '10s',
      max_restarts: 15,
      kill_timeout: seconds(5),
      exp_backoff_restart_delay: 100,
      time: true,
      watch: false,
    },
    {
      name: 'worker',
      script: 'worker.py',
      interpreter: '/usr/bin/python3',
      interpreter_args: '-u',
      args: ['--queue', 'default', '--concurrency', 4].join(' '),
      cwd: path.join(SRV, 'worker'),
      instances: 2,
      exec_mode: 'fork',
      autorestart: true,
      restart_delay: seconds(2),
      min_uptime: seconds(3),
      ignore_watch: ['node_modules'],
      cron_restart: '0 3 * * *',
    },
    {
      name: 'report',
      script: 'bin/report',
      interpreter: 'none',
      cwd: path.join(SRV, 'report'),
      autorestart: false,
      autostart: false,
    },
    {
      script: 'scripts/cleanup.sh',
      restart_delay: seconds(60),
    },
    {
      name: 'frontend',
      script: 'npm run start',
      instances: -1,
    },
  ],
};
