// Runs cases of the shared PartiQL conformance suite (shared/testdata/partiql, format in its README) through the real
// QLDB Node.js driver: fixtures, setup, steps (contiguous labelled transactions), parameters, captured variables,
// expected rows with the suite's matchers, and expected errors. Values are compared with ion-js's Ion equivalence.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { createRequire } from 'node:module';
import { SendCommandCommand } from '@aws-sdk/client-qldb-session';
import { dom, dumpBinary, dumpText, IonTypes, load } from 'ion-js';

// The driver's own CommitDigest arithmetic (not in its public typings), so the raw-protocol path below computes the
// digest exactly as the driver would.
const { QldbHash } = createRequire(import.meta.url)('amazon-qldb-driver-nodejs/dist/src/QldbHash.js');

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The shared testdata folder: LEDGER_SHARED_DIR, else ../shared next to the clone (as in CI and the worktrees). */
export function sharedPartiqlDir() {
  const candidates = [process.env.LEDGER_SHARED_DIR, path.resolve(repoRoot, '../shared'), path.resolve(repoRoot, '../../shared')]
    .filter(Boolean)
    .map((dir) => path.join(dir, 'testdata/partiql'));
  const found = candidates.find((dir) => existsSync(path.join(dir, 'fixtures.ion')));
  if (!found) {
    throw new Error(`shared/testdata/partiql not found (looked in ${candidates.join(', ')}); set LEDGER_SHARED_DIR`);
  }
  return found;
}

export function loadFixtures(dir) {
  const root = load(readFileSync(path.join(dir, 'fixtures.ion'), 'utf8'));
  return new Map(root.get('fixtures').elements().map((fixture) => [fixture.get('name').stringValue(), fixture]));
}

export function loadCases(dir, file) {
  return load(readFileSync(path.join(dir, 'cases', file), 'utf8')).get('cases').elements();
}

const text = (value, name) => value.get(name)?.stringValue() ?? undefined;

/** The steps a fixture runs, those of the fixture it extends first. */
function fixtureSteps(fixtures, name) {
  const fixture = fixtures.get(name);
  if (!fixture) {
    throw new Error(`unknown fixture ${name}`);
  }
  const parent = text(fixture, 'extends');
  return [...(parent ? fixtureSteps(fixtures, parent) : []), ...fixture.get('steps').elements()];
}

/** The case as one list of steps: fixture, setup, then the main statement with `then`, or the explicit steps. */
export function caseSteps(fixtures, testCase) {
  const steps = [];
  const fixture = text(testCase, 'fixture');
  if (fixture) {
    steps.push(...fixtureSteps(fixtures, fixture));
  }
  steps.push(...(testCase.get('setup')?.elements() ?? []));
  if (testCase.get('steps')) {
    steps.push(...testCase.get('steps').elements());
  } else {
    steps.push(testCase);
    steps.push(...(testCase.get('then')?.elements() ?? []));
  }
  return steps;
}

/**
 * Why the driver cannot run a case, or null: executeLambda holds one transaction at a time, so the steps of a
 * labelled transaction must be contiguous and end with its commit or abort.
 */
export function unrunnableReason(fixtures, testCase) {
  const steps = caseSteps(fixtures, testCase);
  for (let i = 0; i < steps.length; i++) {
    const label = text(steps[i], 'transaction');
    if (label === undefined) {
      continue;
    }
    let end = i;
    while (end < steps.length && text(steps[end], 'transaction') === label) {
      end++;
    }
    if (text(steps[end], 'commit') !== label && text(steps[end], 'abort') !== label) {
      return `transaction ${label} is interleaved with other steps`;
    }
    i = end;
  }
  return null;
}

export function caseFiles(dir) {
  return readdirSync(path.join(dir, 'cases')).filter((file) => file.endsWith('.ion')).sort();
}

// ---------------------------------------------------------------- variables

function statementText(step, vars) {
  let statement = text(step, 'statement');
  if (statement === undefined) {
    const repeat = step.get('statement_repeat');
    statement = text(repeat, 'prefix') + text(repeat, 'text').repeat(Number(repeat.get('count').numberValue())) + text(repeat, 'suffix');
  }
  return statement.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, name) => {
    const value = variable(vars, name);
    const type = value.getType();
    return type === IonTypes.STRING || type === IonTypes.SYMBOL ? value.stringValue() : dumpText(value);
  });
}

function variable(vars, name) {
  if (!vars.has(name)) {
    throw new Error(`variable ${name} is not captured`);
  }
  return vars.get(name);
}

/** A parameter with qdb_var and qdb_repeat replaced, at any depth. */
function resolve(value, vars) {
  const annotations = value.getAnnotations();
  if (annotations[0] === 'qdb_var') {
    return variable(vars, value.stringValue());
  }
  if (annotations[0] === 'qdb_repeat') {
    return dom.load(dumpText(text(value, 'text').repeat(Number(value.get('count').numberValue()))));
  }
  const type = value.getType();
  if (value.isNull() || !(type === IonTypes.STRUCT || type === IonTypes.LIST || type === IonTypes.SEXP)) {
    return value;
  }
  // Rebuild the container from Ion text so resolved children keep their exact types.
  const prefix = annotations.map((a) => `'${a.replace(/'/g, "\\'")}'::`).join('');
  if (type === IonTypes.STRUCT) {
    const fields = value.allFields().flatMap(([name, children]) =>
      children.map((child) => `${dumpText(name)}: ${dumpText(resolve(child, vars))}`));
    return dom.load(`${prefix}{${fields.join(', ')}}`);
  }
  const items = value.elements().map((child) => dumpText(resolve(child, vars)));
  return dom.load(type === IonTypes.LIST ? `${prefix}[${items.join(', ')}]` : `${prefix}(${items.join(' ')})`);
}

function capture(rows, pathText) {
  let current = rows;
  for (const [, index, field] of pathText.matchAll(/\[(\d+)\]|\.([A-Za-z0-9_]+)/g)) {
    if (current === undefined || current === null) {
      break;
    }
    current = index !== undefined
      ? (Array.isArray(current) ? current[Number(index)] : current.elements()[Number(index)])
      : current.get(field);
  }
  if (current === undefined || current === null) {
    throw new Error(`capture path ${pathText} selects nothing`);
  }
  return current;
}

// ---------------------------------------------------------------- matching

const numericTypes = new Set([IonTypes.INT, IonTypes.DECIMAL, IonTypes.FLOAT]);
const qldbId = /^[A-Za-z0-9]{22}$/;

/** Whether an actual value matches an expected one under the suite's rules (README section 4). */
export function matches(expected, actual, vars, numericByValue = false) {
  const [matcher] = expected.getAnnotations();
  switch (matcher) {
    case 'qdb_any':
      return actual !== null && (expected.getType() === IonTypes.NULL || actual.getType() === expected.getType());
    case 'qdb_id':
      return actual?.getType() === IonTypes.STRING && qldbId.test(actual.stringValue());
    case 'qdb_var':
      return actual !== null && variable(vars, expected.stringValue()).ionEquals(actual);
    case 'qdb_open':
      return actual?.getType() === IonTypes.STRUCT && expected.fields().every(([name, field]) =>
        (actual.getAll(name) ?? []).some((candidate) => matches(field, candidate, vars, numericByValue)));
    case 'qdb_unordered':
      return actual?.getType() === IonTypes.LIST && multisetMatches(expected.elements(), actual.elements(), vars, numericByValue);
    default:
      break;
  }
  if (actual === null || actual === undefined) {
    return false;
  }
  if (numericByValue && numericTypes.has(expected.getType()) && numericTypes.has(actual.getType()) && !expected.isNull() && !actual.isNull()) {
    return Number(expected.numberValue()) === Number(actual.numberValue());
  }
  const type = expected.getType();
  if (expected.isNull() || actual.isNull() || !(type === IonTypes.STRUCT || type === IonTypes.LIST || type === IonTypes.SEXP)) {
    return expected.ionEquals(actual);
  }
  if (actual.getType() !== type || dumpText(expected.getAnnotations()) !== dumpText(actual.getAnnotations())) {
    return false;
  }
  if (type === IonTypes.STRUCT) {
    const pairs = (value) => value.allFields().flatMap(([name, children]) => children.map((child) => [name, child]));
    const expectedPairs = pairs(expected);
    const actualPairs = pairs(actual);
    return expectedPairs.length === actualPairs.length
      && assign(expectedPairs, actualPairs, ([en, ev], [an, av]) => en === an && matches(ev, av, vars, numericByValue));
  }
  const expectedItems = expected.elements();
  const actualItems = actual.elements();
  return expectedItems.length === actualItems.length
    && expectedItems.every((item, i) => matches(item, actualItems[i], vars, numericByValue));
}

function multisetMatches(expected, actual, vars, numericByValue) {
  return expected.length === actual.length && assign(expected, actual, (e, a) => matches(e, a, vars, numericByValue));
}

/** Whether every expected item can be paired with a distinct actual item (backtracking; rows are few). */
function assign(expected, actual, pairs, index = 0, used = new Set()) {
  if (index === expected.length) {
    return true;
  }
  for (let i = 0; i < actual.length; i++) {
    if (!used.has(i) && pairs(expected[index], actual[i])) {
      used.add(i);
      if (assign(expected, actual, pairs, index + 1, used)) {
        return true;
      }
      used.delete(i);
    }
  }
  return false;
}

export function rowsMatch(step, rows, vars) {
  const expected = step.get('expect').elements();
  const numericByValue = text(step, 'compare') === 'partiql';
  if (step.get('ordered')?.booleanValue()) {
    return expected.length === rows.length && expected.every((row, i) => matches(row, rows[i], vars, numericByValue));
  }
  return multisetMatches(expected, rows, vars, numericByValue);
}

// ---------------------------------------------------------------- running

const show = (values) => values.map((v) => dumpText(v)).join(', ');

/** An error of a step: the category's driver-visible type, and the message when the case gives it. */
function checkError(step, error, label) {
  const expected = step.get('expect_error');
  const category = text(expected, 'category');
  const wantedType = category === 'occ' ? 'OccConflictException' : 'BadRequestException';
  const type = error?.code ?? error?.name;
  if (type !== wantedType) {
    throw new Error(`${label}: expected ${wantedType} (${category}), got ${type}: ${error?.message}`);
  }
  const contains = text(expected, 'message_contains');
  if (contains !== undefined && !String(error.message).includes(contains)) {
    throw new Error(`${label}: expected a message containing "${contains}", got "${error.message}"`);
  }
}

async function runStatement(txn, step, vars, label) {
  const statement = statementText(step, vars);
  const params = (step.get('params')?.elements() ?? []).map((p) => resolve(p, vars));
  const rows = typeof txn.execute === 'function'
    ? (await txn.execute(statement, ...params)).getResultList()
    : await txn.executeRaw(statement, params);
  if (step.get('expect') && !rowsMatch(step, rows, vars)) {
    throw new Error(`${label}: ${statement}\n  expected: ${show(step.get('expect').elements())}\n  actual:   ${show(rows)}`);
  }
  for (const [name, pathValue] of step.get('capture')?.fields() ?? []) {
    vars.set(name, capture(rows, pathValue.stringValue()));
  }
}

/**
 * A transaction driven with raw SendCommand calls (the AWS SDK client the driver uses), for cases that hold several
 * transactions open at once; it keeps the CommitDigest as the driver does.
 */
class RawTransaction {
  constructor(client, ledgerName) {
    this.client = client;
    this.ledgerName = ledgerName;
  }

  async send(command) {
    return this.client.send(new SendCommandCommand({ SessionToken: this.sessionToken, ...command }));
  }

  async start() {
    this.sessionToken = (await this.send({ StartSession: { LedgerName: this.ledgerName } })).StartSession.SessionToken;
    this.id = (await this.send({ StartTransaction: {} })).StartTransaction.TransactionId;
    this.digest = QldbHash.toQldbHash(this.id);
    return this;
  }

  async executeRaw(statement, params) {
    let statementHash = QldbHash.toQldbHash(statement);
    const holders = params.map((param) => {
      const ionBinary = dumpBinary(param);
      statementHash = statementHash.dot(QldbHash.toQldbHash(ionBinary));
      return { IonBinary: ionBinary };
    });
    this.digest = this.digest.dot(statementHash);
    let page = (await this.send({ ExecuteStatement: { TransactionId: this.id, Statement: statement, Parameters: holders } })).ExecuteStatement.FirstPage;
    const rows = page.Values.map((holder) => dom.load(holder.IonBinary));
    while (page.NextPageToken) {
      page = (await this.send({ FetchPage: { TransactionId: this.id, NextPageToken: page.NextPageToken } })).FetchPage.Page;
      rows.push(...page.Values.map((holder) => dom.load(holder.IonBinary)));
    }
    return rows;
  }

  async commit() {
    try {
      await this.send({ CommitTransaction: { TransactionId: this.id, CommitDigest: this.digest.getQldbHash() } });
    } finally {
      await this.send({ EndSession: {} }).catch(() => {});
    }
  }

  async abort() {
    await this.send({ AbortTransaction: {} });
    await this.send({ EndSession: {} }).catch(() => {});
  }
}

/**
 * Runs a case whose labelled transactions interleave: each label gets its own session through raw SendCommand
 * calls; unlabelled steps still run through the driver.
 */
export async function runInterleavedCase(driver, sessionClient, ledgerName, fixtures, testCase) {
  const steps = caseSteps(fixtures, testCase);
  const vars = new Map();
  const open = new Map();
  try {
    for (const [index, step] of steps.entries()) {
      const label = `${text(testCase, 'name')} step ${index + 1}`;
      const transaction = text(step, 'transaction');
      const ending = text(step, 'commit') ?? text(step, 'abort');
      if (ending !== undefined) {
        const raw = open.get(ending);
        open.delete(ending);
        if (text(step, 'abort') !== undefined) {
          await raw.abort();
          continue;
        }
        const error = await raw.commit().then(() => null, (e) => e);
        if (step.get('expect_error')) {
          checkError(step, error, `${label} commit`);
        } else if (error) {
          throw error;
        }
        continue;
      }
      if (transaction === undefined) {
        const run = driver.executeLambda((txn) => runStatement(txn, step, vars, label));
        if (step.get('expect_error')) {
          checkError(step, await run.then(() => null, (e) => e), label);
        } else {
          await run;
        }
        continue;
      }
      if (!open.has(transaction)) {
        open.set(transaction, await new RawTransaction(sessionClient, ledgerName).start());
      }
      const run = runStatement(open.get(transaction), step, vars, label);
      if (step.get('expect_error')) {
        checkError(step, await run.then(() => null, (e) => e), label);
      } else {
        await run;
      }
    }
  } finally {
    for (const raw of open.values()) {
      await raw.abort().catch(() => {});
    }
  }
}

/**
 * Runs one case on `driver` (a fresh ledger). Unlabelled steps run in a transaction each (executeLambda); the steps
 * of a label run in one transaction up to its commit or abort, which must be contiguous (the driver has no open
 * handle on a transaction outside its lambda). Returns nothing; throws with the first mismatch.
 */
export async function runCase(driver, fixtures, testCase) {
  const steps = caseSteps(fixtures, testCase);
  const vars = new Map();
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    const label = `${text(testCase, 'name')} step ${i + 1}`;
    const transaction = text(step, 'transaction');
    if (transaction === undefined) {
      if (step.get('commit') || step.get('abort')) {
        throw new Error(`${label}: commit/abort of a transaction that is not open`);
      }
      if (step.get('expect_error')) {
        const error = await driver.executeLambda((txn) => runStatement(txn, step, vars, label)).then(() => null, (e) => e);
        checkError(step, error, label);
      } else {
        await driver.executeLambda((txn) => runStatement(txn, step, vars, label));
      }
      continue;
    }

    let end = i;
    while (end < steps.length && text(steps[end], 'transaction') === transaction) {
      end++;
    }
    const closing = steps[end];
    const commits = text(closing, 'commit') === transaction;
    if (!commits && text(closing, 'abort') !== transaction) {
      throw new Error(`${label}: transaction ${transaction} is interleaved with other steps; the driver cannot run that`);
    }
    const body = steps.slice(i, end);
    const aborted = new Error('abort requested by the case');
    const outcome = await driver.executeLambda(async (txn) => {
      for (const [offset, inner] of body.entries()) {
        const innerLabel = `${text(testCase, 'name')} step ${i + offset + 1}`;
        if (inner.get('expect_error')) {
          // A failing statement inside an open transaction does not end it (QLDB behaviour).
          const error = await runStatement(txn, inner, vars, innerLabel).then(() => null, (e) => e);
          checkError(inner, error, innerLabel);
        } else {
          await runStatement(txn, inner, vars, innerLabel);
        }
      }
      if (!commits) {
        throw aborted;
      }
    }).then(() => null, (e) => e);
    if (outcome !== null && outcome !== aborted) {
      if (closing.get('expect_error')) {
        checkError(closing, outcome, `${label} commit`);
      } else {
        throw outcome;
      }
    } else if (commits && closing.get('expect_error')) {
      throw new Error(`${label}: commit of ${transaction} succeeded but the case expects an error`);
    }
    i = end;
  }
}
