// Sends N events through Splunk's own npm client (splunk-logging), batched 3 to a request.
// Usage: node send-splunk-logging.js CLIENTS_DIR URL TOKEN N
const [clients, url, token, count] = process.argv.slice(2);
const Logger = require(clients + '/node_modules/splunk-logging').Logger;
const logger = new Logger({ token, url, maxBatchCount: 3, maxRetries: 0 });
logger.error = (err) => { console.error('splunk-logging error: ' + (err && err.message)); process.exitCode = 1; };
const n = Number(count);
for (let i = 0; i < n; i++) {
  logger.send({
    message: { n: i, client: 'splunk-logging', text: 'hello ' + i },
    metadata: { host: 'node-host', source: 'npm', sourcetype: 'npm:logging', index: 'main' },
    severity: 'info',
  }, (err, resp, body) => {
    if (err || !resp || resp.statusCode !== 200) {
      console.error('refused: ' + (err ? err.message : resp.statusCode + ' ' + JSON.stringify(body)));
      process.exitCode = 1;
    } else {
      console.log(typeof body === 'string' ? body : JSON.stringify(body));
    }
  });
}
// maxBatchCount 3: the third send flushes the batch (a flush of nothing more would send an empty body)
