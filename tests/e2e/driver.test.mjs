// The real QLDB Node.js driver (amazon-qldb-driver-nodejs 3.1.0) against the handler, changed only in its endpoint:
// ledgers from @aws-sdk/client-qldb, the PartiQL conformance suite (the DMV sample's statements included) with its
// expected Ion, OCC retries under contention, STANDARD-mode permissions for a second principal, a refused signature.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { QldbDriver, RetryConfig } from 'amazon-qldb-driver-nodejs';
import { CreateLedgerCommand, DeleteLedgerCommand, QLDBClient } from '@aws-sdk/client-qldb';
import { dom, load } from 'ion-js';
import { localCredentials, startHandler } from './support/handler.mjs';
import { QLDBSessionClient, SendCommandCommand } from '@aws-sdk/client-qldb-session';
import { caseFiles, loadCases, loadFixtures, matches, runCase, runInterleavedCase, sharedPartiqlDir, unrunnableReason } from './support/partiql-suite.mjs';

const region = 'us-east-1';
const admin = { accessKeyId: localCredentials.accessKeyId, secretAccessKey: localCredentials.secretAccessKey };
// A second principal: may send commands and read or insert in any ledger, nothing else.
const reader = { accessKeyId: 'AKIAE2EREADER0000001', secretAccessKey: 'e2e/reader/secret/not/for/azure' };

const readerSettings = {
  Ledger__Limits__MaxActiveLedgers: '1000',
  Ledger__Auth__AccessKeys__0__AccessKeyId: reader.accessKeyId,
  Ledger__Auth__AccessKeys__0__SecretAccessKey: reader.secretAccessKey,
  Ledger__Auth__AccessKeys__0__Principal: 'e2e-reader',
  Ledger__Auth__Principals__0__Name: 'e2e-reader',
  Ledger__Auth__Principals__0__Statements__0__Actions__0: 'qldb:SendCommand',
  Ledger__Auth__Principals__0__Statements__0__Actions__1: 'qldb:PartiQLSelect',
  Ledger__Auth__Principals__0__Statements__0__Actions__2: 'qldb:PartiQLInsert',
  Ledger__Auth__Principals__0__Statements__0__Resources__0: 'arn:aws:qldb:*:*:ledger/*',
};

// Two handlers: `stored` on the configured storage (Azurite by default), for the DMV sample, OCC, permissions and
// signatures; `memory` on in-memory ports for the rest of the suite, which is about the wire and the dialect and
// would otherwise spend minutes creating and deleting some 500 ledgers in storage.
const handlers = {};
const ledgers = [];

before(async () => {
  for (const [kind, settings] of [['stored', {}], ['memory', { Ledger__Storage: 'InMemory' }]]) {
    const handler = await startHandler({ ...readerSettings, ...settings });
    handlers[kind] = { handler, endpoint: handler.endpoint, controlPlane: new QLDBClient({ endpoint: handler.endpoint, region, credentials: admin }) };
  }
});

after(async () => {
  for (const { target, name } of ledgers) {
    await target.controlPlane.send(new DeleteLedgerCommand({ Name: name })).catch(() => {});
  }
  for (const { handler, controlPlane } of Object.values(handlers)) {
    controlPlane.destroy();
    await handler.stop();
  }
});

/** A fresh ledger, by default on the stored handler; returns { name, target }. */
async function createLedger(prefix, permissionsMode = 'ALLOW_ALL', target = handlers.stored) {
  const name = `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
  await target.controlPlane.send(new CreateLedgerCommand({ Name: name, PermissionsMode: permissionsMode, DeletionProtection: false }));
  const ledger = { name, target };
  ledgers.push(ledger);
  return ledger;
}

async function deleteLedger(ledger) {
  await ledger.target.controlPlane.send(new DeleteLedgerCommand({ Name: ledger.name }));
  ledgers.splice(ledgers.indexOf(ledger), 1);
}

function driverFor(ledger, { credentials = admin, maxConcurrentTransactions = 10, retryConfig } = {}) {
  return new QldbDriver(ledger.name, { endpoint: ledger.target.endpoint, region, credentials }, {}, maxConcurrentTransactions, retryConfig);
}

// Cases the engine does not pass yet, as tests/Ledger.Engine.Tests/Conformance/PendingCases.cs lists them.
const pending = {
  'select.path_into_scalar': "'first' is a reserved word (partiql-qldb spec 12); the case uses it as a field name",
};

// Every conformance case (the DMV sample's statements in dmv.ion among them) on a fresh ledger, through the driver.
const dir = sharedPartiqlDir();
const fixtures = loadFixtures(dir);
for (const file of caseFiles(dir)) {
  describe(`PartiQL suite ${file} through the QLDB driver`, () => {
    for (const testCase of loadCases(dir, file)) {
      const name = testCase.get('name').stringValue();
      // executeLambda holds one transaction at a time; cases that interleave transactions use raw SendCommand.
      const interleaved = unrunnableReason(fixtures, testCase) !== null;
      test(name, { todo: pending[name] ?? false }, async () => {
        const ledger = await createLedger('case', 'ALLOW_ALL', file === 'dmv.ion' ? handlers.stored : handlers.memory);
        const driver = driverFor(ledger);
        const sessionClient = new QLDBSessionClient({ endpoint: ledger.target.endpoint, region, credentials: admin });
        try {
          await (interleaved
            ? runInterleavedCase(driver, sessionClient, ledger.name, fixtures, testCase)
            : runCase(driver, fixtures, testCase));
        } finally {
          driver.close();
          sessionClient.destroy();
          await deleteLedger(ledger);
        }
      });
    }
  });
}

test('the suite matcher really compares: a wrong expectation does not match', () => {
  const vars = new Map();
  const actual = dom.load('{VIN: "1N4AL11D75C109151", Year: 2011, Price: 1.50, At: 2017-08-21T}');
  assert.equal(matches(load('{Year: 2011, At: 2017-08-21T, VIN: "1N4AL11D75C109151", Price: 1.50}'), actual, vars), true);
  assert.equal(matches(load('{VIN: "1N4AL11D75C109151", Year: 2011, Price: 1.5, At: 2017-08-21T}'), actual, vars), false);
  assert.equal(matches(load('{VIN: "1N4AL11D75C109151", Year: 2011, Price: 1.50, At: 2017-08-21T00:00Z}'), actual, vars), false);
  assert.equal(matches(load('qdb_open::{Year: 2011}'), actual, vars), true);
  assert.equal(matches(load('{VIN: qdb_id::null}'), dom.load('{VIN: "too-short"}'), vars), false);
});

test('tables, indexes and table names through the driver helpers', async () => {
  const driver = driverFor(await createLedger('names'));
  try {
    await driver.executeLambda(async (txn) => {
      await txn.execute('CREATE TABLE Vehicle');
      await txn.execute('CREATE INDEX ON Vehicle (VIN)');
    });
    await driver.executeLambda((txn) => txn.execute('INSERT INTO Vehicle ?', { VIN: 'KM8SRDHF6EU074761', Year: 2015 }));

    const names = await driver.getTableNames();
    const indexes = await driver.executeLambda(async (txn) =>
      (await txn.execute("SELECT VALUE i.expr FROM information_schema.user_tables AS t, t.indexes AS i WHERE t.name = 'Vehicle'")).getResultList());
    const byIndex = await driver.executeLambda(async (txn) =>
      (await txn.execute('SELECT VALUE v.Year FROM Vehicle AS v WHERE v.VIN = ?', 'KM8SRDHF6EU074761')).getResultList());

    assert.deepEqual(names, ['Vehicle']);
    assert.deepEqual(indexes.map((v) => v.stringValue()), ['[VIN]']);
    assert.deepEqual(byIndex.map((v) => v.numberValue()), [2015]);
  } finally {
    driver.close();
  }
});

test('concurrent read-modify-write increments all succeed through OCC retries and none is lost', async () => {
  const increments = 16;
  const ledger = await createLedger('occ');
  const retries = [];
  // Enough retries for the last of 16 contenders; a short backoff keeps the test fast.
  const retryConfig = new RetryConfig(increments * 2, (attempt, error) => {
    retries.push(error?.name ?? error?.code);
    return Math.random() * Math.min(200, 5 * 2 ** attempt);
  });
  const driver = driverFor(ledger, { maxConcurrentTransactions: increments, retryConfig });
  try {
    await driver.executeLambda(async (txn) => {
      await txn.execute('CREATE TABLE Counter');
      await txn.execute('INSERT INTO Counter ?', { name: 'hits', n: 0 });
    });

    await Promise.all(Array.from({ length: increments }, () => driver.executeLambda(async (txn) => {
      const [row] = (await txn.execute("SELECT c.n FROM Counter AS c WHERE c.name = 'hits'")).getResultList();
      // Hold the read a moment so the transactions overlap and really conflict.
      await sleep(20);
      await txn.execute("UPDATE Counter AS c SET c.n = ? WHERE c.name = 'hits'", row.get('n').numberValue() + 1);
    })));

    const [final] = await driver.executeLambda(async (txn) =>
      (await txn.execute("SELECT VALUE c.n FROM Counter AS c WHERE c.name = 'hits'")).getResultList());
    const history = await driver.executeLambda(async (txn) =>
      (await txn.execute('SELECT VALUE h.metadata.version FROM history(Counter) AS h')).getResultList());

    assert.equal(final.numberValue(), increments);
    assert.equal(history.length, increments + 1, 'one revision per increment after the insert');
    assert.ok(retries.length > 0, 'the increments conflicted at least once');
    assert.deepEqual([...new Set(retries)], ['OccConflictException']);
  } finally {
    driver.close();
  }
});

test('the driver sees read IOs as documents read: a full scan reads the table, an indexed lookup the match', async () => {
  const driver = driverFor(await createLedger('ios', 'ALLOW_ALL', handlers.memory));
  const count = 25;
  try {
    await driver.executeLambda(async (txn) => {
      await txn.execute('CREATE TABLE Vehicle');
      await txn.execute('CREATE INDEX ON Vehicle (VIN)');
    });
    await driver.executeLambda((txn) => txn.execute('INSERT INTO Vehicle ?',
      Array.from({ length: count }, (_, i) => ({ VIN: `VIN${i}`, Color: i === 3 ? 'Red' : 'Blue' }))));

    const [scan, lookup] = await driver.executeLambda(async (txn) => [
      await txn.execute("SELECT * FROM Vehicle AS v WHERE v.Color = 'Red'"),
      await txn.execute("SELECT * FROM Vehicle WHERE VIN = 'VIN7'"),
    ]);

    assert.equal(scan.getResultList().length, 1);
    assert.ok(scan.getConsumedIOs().getReadIOs() >= count, `full scan read IOs ${scan.getConsumedIOs().getReadIOs()}`);
    assert.equal(lookup.getResultList().length, 1);
    assert.equal(lookup.getConsumedIOs().getReadIOs(), 1);
  } finally {
    driver.close();
  }
});

test('a session token used with another principal\'s signature is refused as an unknown session', async () => {
  const ledger = await createLedger('bind');
  const owner = new QLDBSessionClient({ endpoint: ledger.target.endpoint, region, credentials: admin });
  const other = new QLDBSessionClient({ endpoint: ledger.target.endpoint, region, credentials: reader, maxAttempts: 1 });
  try {
    const started = await owner.send(new SendCommandCommand({ StartSession: { LedgerName: ledger.name } }));
    const token = started.StartSession.SessionToken;

    const refused = await other.send(new SendCommandCommand({ SessionToken: token, StartTransaction: {} })).then(() => null, (e) => e);
    const ownerStarts = await owner.send(new SendCommandCommand({ SessionToken: token, StartTransaction: {} }));

    assert.ok(refused, 'the other principal was refused');
    assert.equal(refused.name, 'InvalidSessionException');
    assert.equal(refused.$metadata.httpStatusCode, 400);
    assert.match(ownerStarts.StartTransaction.TransactionId, /^[A-Za-z0-9]{22}$/);
  } finally {
    owner.destroy();
    other.destroy();
  }
});

test('in a STANDARD ledger a principal without PartiQLUpdate can read and insert but cannot update', async () => {
  const ledger = await createLedger('perm', 'STANDARD');
  const owner = driverFor(ledger);
  const limited = driverFor(ledger, { credentials: reader });
  try {
    await owner.executeLambda(async (txn) => {
      await txn.execute('CREATE TABLE Vehicle');
      await txn.execute('INSERT INTO Vehicle ?', { VIN: '1N4AL11D75C109151', Color: 'Silver' });
    });

    const read = await limited.executeLambda(async (txn) =>
      (await txn.execute('SELECT VALUE v.Color FROM Vehicle AS v')).getResultList());
    await limited.executeLambda((txn) => txn.execute('INSERT INTO Vehicle ?', { VIN: 'KM8SRDHF6EU074761', Color: 'Blue' }));
    const refused = await limited.executeLambda((txn) =>
      txn.execute("UPDATE Vehicle AS v SET v.Color = 'Red' WHERE v.VIN = '1N4AL11D75C109151'")).then(() => null, (e) => e);
    const colors = await owner.executeLambda(async (txn) =>
      (await txn.execute('SELECT VALUE v.Color FROM Vehicle AS v')).getResultList());

    assert.deepEqual(read.map((v) => v.stringValue()), ['Silver']);
    assert.ok(refused, 'the update was refused');
    assert.equal(refused.name, 'AccessDeniedException');
    assert.match(refused.message, /^User: e2e-reader is not authorized to perform: qldb:PartiQLUpdate on resource: arn:aws:qldb:.*\/table\/[A-Za-z0-9]{22}$/);
    assert.deepEqual(colors.map((v) => v.stringValue()).sort(), ['Blue', 'Silver']);
  } finally {
    owner.close();
    limited.close();
  }
});

test('a driver signing with a wrong secret is refused and changes nothing', async () => {
  const ledger = await createLedger('sig');
  const impostor = driverFor(ledger, {
    credentials: { accessKeyId: admin.accessKeyId, secretAccessKey: 'not-the-secret' },
    retryConfig: new RetryConfig(1),
  });
  const owner = driverFor(ledger);
  try {
    const refused = await impostor.executeLambda((txn) => txn.execute('CREATE TABLE Stolen')).then(() => null, (e) => e);
    const names = await owner.getTableNames();

    assert.ok(refused, 'the request was refused');
    assert.equal(refused.name, 'InvalidSignatureException');
    assert.deepEqual(names, []);
  } finally {
    impostor.close();
    owner.close();
  }
});
