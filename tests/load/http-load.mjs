// HTTP load (issue 8): N concurrent QLDB Node.js driver clients commit single-insert transactions through the
// session protocol against the real handler for a fixed time, and the native JSON API does the same with fetch.
// Prints committed transactions per second and latency percentiles. Bounded in time; loopback only.
// Usage: node tests/load/http-load.mjs [--clients 64] [--seconds 20] [--storage memory|azurite] [--api driver|native|both]
// (build the handler first: dotnet build src/Ledger.Functions -c Release; Azurite must run for --storage azurite)
import { QldbDriver, RetryConfig } from 'amazon-qldb-driver-nodejs';
import { CreateLedgerCommand, QLDBClient } from '@aws-sdk/client-qldb';
import { localCredentials, startHandler } from '../e2e/support/handler.mjs';

const option = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 && at + 1 < process.argv.length ? process.argv[at + 1] : fallback;
};
const clients = Number(option('--clients', '64'));
const seconds = Number(option('--seconds', '20'));
const storage = option('--storage', 'memory');
const api = option('--api', 'both');
const region = 'us-east-1';
const credentials = { accessKeyId: localCredentials.accessKeyId, secretAccessKey: localCredentials.secretAccessKey };

const handler = await startHandler({
  Ledger__Storage: storage === 'memory' ? 'InMemory' : 'Azure',
  Ledger__StoragePrefix: `load${Math.random().toString(36).slice(2, 10)}`,
  Logging__LogLevel__Default: 'Warning',
});
try {
  const controlPlane = new QLDBClient({ endpoint: handler.endpoint, region, credentials });
  const ledger = `load-${Math.random().toString(36).slice(2, 8)}`;
  await controlPlane.send(new CreateLedgerCommand({ Name: ledger, PermissionsMode: 'ALLOW_ALL', DeletionProtection: false }));
  console.log(`handler ${handler.endpoint}, storage ${storage}, ${clients} clients, ${seconds} s per run`);

  if (api === 'driver' || api === 'both') {
    const driver = new QldbDriver(ledger, { endpoint: handler.endpoint, region, credentials }, {}, clients, new RetryConfig(4));
    await driver.executeLambda((txn) => txn.execute('CREATE TABLE Orders'));
    await run('driver (SendCommand)', async (client, n) => {
      await driver.executeLambda((txn) => txn.execute('INSERT INTO Orders ?', { orderId: `c${client}-${n}`, amount: n % 1000, lines: ['a', 'b', 'c'] }));
    });
    driver.close();
  }

  if (api === 'native' || api === 'both') {
    await fetch(`${handler.endpoint}/ledgers/${ledger}/statements`, {
      method: 'POST',
      headers: { 'x-api-key': localCredentials.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ statement: 'CREATE TABLE NativeOrders' }),
    });
    await run('native API (POST /statements)', async (client, n) => {
      const response = await fetch(`${handler.endpoint}/ledgers/${ledger}/statements`, {
        method: 'POST',
        headers: { 'x-api-key': localCredentials.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({ statement: 'INSERT INTO NativeOrders ?', parameters: [{ orderId: `c${client}-${n}`, amount: n % 1000 }] }),
      });
      if (!response.ok) {
        throw new Error(`${response.status} ${await response.text()}`);
      }
      await response.arrayBuffer();
    });
  }
  controlPlane.destroy();
} finally {
  await handler.stop();
}

async function run(label, commit) {
  const latencies = [];
  const failures = new Map();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(Array.from({ length: clients }, async (_, client) => {
    for (let n = 0; performance.now() < deadline; n++) {
      const t0 = performance.now();
      try {
        await commit(client, n);
        latencies.push(performance.now() - t0);
      } catch (error) {
        const name = error?.name ?? 'Error';
        failures.set(name, (failures.get(name) ?? 0) + 1);
      }
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1) : 'n/a');
  console.log(`${label}: ${latencies.length} committed in ${elapsed.toFixed(1)} s = ${(latencies.length / elapsed).toFixed(1)}/s; latency ms p50 ${pct(0.5)}, p95 ${pct(0.95)}, p99 ${pct(0.99)}`);
  for (const [name, count] of failures) {
    console.log(`  failed: ${count} x ${name}`);
  }
}
