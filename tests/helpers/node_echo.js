// node_echo.js: a Node child on tend's channel, using nothing but process.send / process.on('message').
// Says process.send('ready') (PM2's readiness) at start; answers every message with {echo: MESSAGE, pid}.
// "handle" makes it pass a net.Server handle (tend must acknowledge it, or Node holds back every later
// message), then send {after: "handle"}. "exit" makes it exit 3.
const net = require('net');

process.on('message', (message) => {
  if (message === 'handle') {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      process.send({handle: 'server'}, server);
      process.send({after: 'handle'});
      server.close();
    });
    return;
  }
  if (message === 'exit') process.exit(3);
  process.send({echo: message, pid: process.pid});
});
process.send('ready');
