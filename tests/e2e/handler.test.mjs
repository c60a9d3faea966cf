// The handler as the end-to-end tests start it: it answers the Functions host's readiness probe and /health.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHandler } from './support/handler.mjs';

test('the handler serves / and /health on its own port', async (t) => {
  const handler = await startHandler();
  t.after(() => handler.stop());

  const root = await fetch(`${handler.endpoint}/`);
  assert.equal(root.status, 200);
  assert.equal((await root.json()).service, 'Ledger.Serverless');

  const health = await (await fetch(`${handler.endpoint}/health`)).json();
  assert.equal(health.storage.table.reachable, true);
});
