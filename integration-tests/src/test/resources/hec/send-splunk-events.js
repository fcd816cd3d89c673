// Sends N events through VTEX's npm client (splunk-events): one request, events one per line,
// time in milliseconds. Usage: node send-splunk-events.js CLIENTS_DIR URL TOKEN N
const [clients, url, token, count] = process.argv.slice(2);
const lib = require(clients + '/node_modules/splunk-events');
const SplunkEvents = lib.default || lib;
const splunk = new SplunkEvents();
splunk.config({ endpoint: url, token, autoFlush: false, autoRetryFlush: false, injectTimestamp: true,
  index: 'main', host: 'vtex-host', source: 'splunk-events' });
for (let i = 0; i < Number(count); i++) {
  splunk.logEvent('Important', 'Info', 'e2e', 'instance-' + i, { n: i, client: 'splunk-events' });
}
Promise.resolve(splunk.flush()).then(
  (r) => { console.log('flushed ' + JSON.stringify(r && r.data !== undefined ? r.data : r)); },
  (e) => { console.error('splunk-events failed: ' + (e && e.message)); process.exitCode = 1; });
