// The native API as a curl user meets it: an API key, JSON in and out, Ion on request, and the OpenAPI document.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateLedgerCommand, DeleteLedgerCommand, QLDBClient } from '@aws-sdk/client-qldb';
import { load } from 'ion-js';
import { localCredentials, startHandler } from './support/handler.mjs';

let handler;
let controlPlane;
let ledger;

before(async () => {
  handler = await startHandler({ Ledger__Limits__MaxActiveLedgers: '1000' });
  controlPlane = new QLDBClient({
    endpoint: handler.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: localCredentials.accessKeyId, secretAccessKey: localCredentials.secretAccessKey },
  });
  ledger = `native-${Math.random().toString(36).slice(2, 10)}`;
  await controlPlane.send(new CreateLedgerCommand({ Name: ledger, PermissionsMode: 'ALLOW_ALL', DeletionProtection: false }));
});

after(async () => {
  await controlPlane?.send(new DeleteLedgerCommand({ Name: ledger })).catch(() => {});
  controlPlane?.destroy();
  await handler?.stop();
});

async function post(path, body, headers = {}) {
  const response = await fetch(`${handler.endpoint}${path}`, {
    method: 'POST',
    headers: { 'x-api-key': localCredentials.apiKey, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

test('statements and transactions with an API key, JSON and Ion', async () => {
  const created = await post(`/ledgers/${ledger}/statements`, { statement: 'CREATE TABLE Person' });
  const inserted = await post(`/ledgers/${ledger}/transactions`, {
    statements: [
      { statement: 'INSERT INTO Person ?', parameters: [[{ GovId: 'LEWISR261LL', FirstName: 'Raul' }, { GovId: 'LOGANB486CG', FirstName: 'Brent' }]] },
      { statement: 'SELECT VALUE p.FirstName FROM Person AS p WHERE p.GovId = ?', parameters: ['LOGANB486CG'] },
    ],
  });
  const asIon = await post(`/ledgers/${ledger}/statements`,
    '{statement: "SELECT VALUE p.GovId FROM Person AS p WHERE p.FirstName = ?", parameters: ["Raul"]}',
    { 'content-type': 'application/ion', accept: 'application/ion' });
  const unauthorized = await post(`/ledgers/${ledger}/statements`, { statement: 'SELECT * FROM Person' }, { 'x-api-key': 'wrong' });

  assert.equal(created.status, 200, created.text);
  assert.equal(inserted.status, 200, inserted.text);
  const results = JSON.parse(inserted.text).results;
  assert.equal(results[0].values.length, 2);
  assert.deepEqual(results[1].values, ['Brent']);
  assert.equal(asIon.status, 200, asIon.text);
  assert.match(asIon.type, /^application\/ion/);
  assert.deepEqual(load(asIon.text).get('values').elements().map((v) => v.stringValue()), ['LEWISR261LL']);
  assert.equal(unauthorized.status, 401);
});

test('the OpenAPI document is served without a key', async () => {
  const response = await fetch(`${handler.endpoint}/openapi.json`);
  const document = await response.json();

  assert.equal(response.status, 200);
  assert.ok(document.paths['/ledgers/{name}/statements'].post);
  assert.ok(document.paths['/ledgers/{name}/transactions'].post);
});
