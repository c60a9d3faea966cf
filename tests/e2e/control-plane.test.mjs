// The QLDB control plane through @aws-sdk/client-qldb, changed only in its endpoint: ledgers, tags, refused
// signatures, and GetDigest/GetBlock/GetRevision whose proofs are checked here by a verifier written in this file
// (ion-hash-js for Ion hashes, node:crypto for QLDB's dot), not by the server's own code.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  CreateLedgerCommand, DeleteLedgerCommand, DescribeJournalS3ExportCommand, DescribeLedgerCommand, ExportJournalToS3Command, GetBlockCommand,
  GetDigestCommand, GetRevisionCommand, ListJournalS3ExportsForLedgerCommand, ListLedgersCommand, ListTagsForResourceCommand, QLDBClient, TagResourceCommand,
  UntagResourceCommand, UpdateLedgerCommand, UpdateLedgerPermissionsModeCommand,
} from '@aws-sdk/client-qldb';
import { QldbDriver } from 'amazon-qldb-driver-nodejs';
import { dumpBinary, dumpText, load, makeReader } from 'ion-js';
import { cryptoHasherProvider, makeHashReader } from 'ion-hash-js';
import { localCredentials, startHandler } from './support/handler.mjs';

const region = 'us-east-1';
const account = '123456789012';
const admin = { accessKeyId: localCredentials.accessKeyId, secretAccessKey: localCredentials.secretAccessKey };

// ---------------- the independent verifier (qldb-compat 1.2, 1.3, 3, 4.2, 5.2) ----------------

const sha256 = (bytes) => createHash('sha256').update(bytes).digest();

/** Ion Hash (SHA-256) of an ion-js DOM value, via its Ion binary: the hash does not depend on the encoding. */
function ionHash(value) {
  const reader = makeHashReader(makeReader(dumpBinary(value)), cryptoHasherProvider('sha256'));
  reader.next();
  reader.next();
  return Buffer.from(reader.digest());
}

/** QLDB's order: signed bytes, compared from the last byte down. */
function compareHashes(a, b) {
  for (let i = 31; i >= 0; i--) {
    const difference = ((a[i] << 24) >> 24) - ((b[i] << 24) >> 24);
    if (difference !== 0) {
      return difference;
    }
  }
  return 0;
}

function dot(a, b) {
  assert.equal(a.length, 32);
  assert.equal(b.length, 32);
  return sha256(compareHashes(a, b) < 0 ? Buffer.concat([a, b]) : Buffer.concat([b, a]));
}

const fold = (start, proof) => proof.reduce((candidate, sibling) => dot(candidate, sibling), start);

function merkleRoot(hashes) {
  let level = hashes;
  while (level.length > 1) {
    const next = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(i + 1 < level.length ? dot(level[i], level[i + 1]) : level[i]);
    }
    level = next;
  }
  return level[0];
}

const blob = (value) => Buffer.from(value.uInt8ArrayValue());
const proofHashes = (ionText) => [...load(ionText)].map(blob);

/** A user revision's hash recomputed from its metadata and data: dot(IonHash(metadata), IonHash(data)). */
function revisionHash(revision) {
  return dot(ionHash(revision.get('metadata')), ionHash(revision.get('data')));
}

/** Checks what a block commits to: entriesHash over entriesHashList, blockHash over entriesHash and the previous hash. */
function verifyBlockHashes(block) {
  const entries = [...block.get('entriesHashList')].map(blob);
  assert.deepEqual(merkleRoot(entries), blob(block.get('entriesHash')), 'entriesHash is the Merkle root of entriesHashList');
  const previous = blob(block.get('previousBlockHash'));
  // Genesis rule (qldb-compat 4.5): block 0 has an empty previousBlockHash and blockHash = entriesHash.
  const expected = previous.length === 0 ? blob(block.get('entriesHash')) : dot(blob(block.get('entriesHash')), previous);
  assert.deepEqual(expected, blob(block.get('blockHash')), 'blockHash = dot(entriesHash, previousBlockHash)');
  assert.ok(entries.some((entry) => entry.equals(ionHash(block.get('transactionInfo')))), 'IonHash(transactionInfo) is an entry');
}

test('the verifier in this file accepts real AWS QLDB vectors (qldb-compat 11.4)', () => {
  const revision = load('{data:{VIN:"1N4AL11D75C109151",LicensePlateNumber:"LEWISR261LL",State:"WA",PendingPenaltyTicketAmount:90.25,'
    + 'ValidFromDate:2017-08-21,ValidToDate:2020-05-11,Owners:{PrimaryOwner:{PersonId:"BFJKdXhnLRT27sXBnojNGW"},'
    + 'SecondaryOwners:[{PersonId:"CMVdR77XP8zAglmmFDGTvt"}]},City:"Everett"},'
    + 'metadata:{id:"JUJgkIcNbhS2goq8RqLuZ4",version:3,txTime:2019-09-16T19:37:05.344Z,txId:"FnQeJBAicTX0Ah32ZnVtSX"}}');
  assert.equal(revisionHash(revision).toString('base64'), 'mHVex/yjHAWjFPpwhBuH2GKXmKJjK2FBa9faqoUVNtg=');

  const blockProof = proofHashes('[{{l3+EXs69K1+rehlqyWLkt+oHDlw4Zi9pCLW/t/mgTPM=}},{{48CXG3ehPqsxCYd34EEa8Fso0ORpWWAO8010RJKf3Do=}},'
    + '{{9UnwnKSQT0i3ge1JMVa+tMIqCEDaOPTkWxmyHSn8UPQ=}},{{3nW6Vryghk+7pd6wFCtLufgPM6qXHyTNeCb1sCwcDaI=}},'
    + '{{Irb5fNhBrNEQ1VPhzlnGT/ZQPadSmgfdtMYcwkNOxoI=}},{{+3CWpYG/ytf/vq9GidpzSx6JJiLXt1hMQWNnqOy3jfY=}},'
    + '{{NPx6cRhwsiy5m9UEWS5JTJrZoUdO2jBOAAOmyZAT+qE=}}]');
  const digest = fold(Buffer.from('NoChM92yKRuJAb/jeLd1VnYn4DHiWIf071ACfic9uHc=', 'base64'), blockProof);
  assert.equal(digest.toString('base64'), '6m6BMXobbJKpMhahwVthAEsN6awgnHK62Qq5McGP1Gk=');
});

// ---------------- the handler ----------------

let handler;
let client;
const ledgers = [];

before(async () => {
  handler = await startHandler({ Ledger__Limits__MaxActiveLedgers: '1000', Ledger__AccountId: account });
  client = new QLDBClient({ endpoint: handler.endpoint, region, credentials: admin });
});

after(async () => {
  for (const name of ledgers) {
    await client.send(new UpdateLedgerCommand({ Name: name, DeletionProtection: false })).catch(() => {});
    await client.send(new DeleteLedgerCommand({ Name: name })).catch(() => {});
  }
  client?.destroy();
  await handler?.stop();
});

function freshName(prefix) {
  const name = `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
  ledgers.push(name);
  return name;
}

async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('the request should have been refused');
}

describe('ledgers and tags through @aws-sdk/client-qldb', () => {
  test('create, describe, list, update, change permissions mode, and delete once unprotected', async () => {
    const name = freshName('cp-life');
    const created = await client.send(new CreateLedgerCommand({ Name: name, PermissionsMode: 'ALLOW_ALL', Tags: { team: 'ledger' } }));
    assert.equal(created.Name, name);
    assert.equal(created.State, 'CREATING');
    assert.equal(created.Arn, `arn:aws:qldb:${region}:${account}:ledger/${name}`);
    assert.equal(created.DeletionProtection, true);
    assert.ok(created.CreationDateTime instanceof Date);
    assert.ok(Math.abs(created.CreationDateTime.getTime() - Date.now()) < 5 * 60_000);

    const described = await client.send(new DescribeLedgerCommand({ Name: name }));
    assert.equal(described.State, 'ACTIVE');
    assert.equal(described.PermissionsMode, 'ALLOW_ALL');
    assert.equal(described.EncryptionDescription.KmsKeyArn, 'AWS_OWNED_KMS_KEY');

    const listed = [];
    let NextToken;
    do {
      const page = await client.send(new ListLedgersCommand({ MaxResults: 2, NextToken }));
      listed.push(...page.Ledgers);
      ({ NextToken } = page);
    } while (NextToken);
    assert.equal(listed.find((ledger) => ledger.Name === name)?.State, 'ACTIVE');

    const standard = await client.send(new UpdateLedgerPermissionsModeCommand({ Name: name, PermissionsMode: 'STANDARD' }));
    assert.equal(standard.PermissionsMode, 'STANDARD');

    const protectedDelete = await rejection(client.send(new DeleteLedgerCommand({ Name: name })));
    assert.equal(protectedDelete.name, 'ResourcePreconditionNotMetException');
    assert.equal(protectedDelete.$metadata.httpStatusCode, 412);
    assert.equal((await client.send(new DescribeLedgerCommand({ Name: name }))).State, 'ACTIVE');

    const unprotected = await client.send(new UpdateLedgerCommand({ Name: name, DeletionProtection: false }));
    assert.equal(unprotected.DeletionProtection, false);
    await client.send(new DeleteLedgerCommand({ Name: name }));

    const gone = await rejection(client.send(new DescribeLedgerCommand({ Name: name })));
    assert.equal(gone.name, 'ResourceNotFoundException');
    assert.equal(gone.$metadata.httpStatusCode, 404);
  });

  test('a second ledger of the same name and an invalid name are refused', async () => {
    const name = freshName('cp-dup');
    await client.send(new CreateLedgerCommand({ Name: name, PermissionsMode: 'ALLOW_ALL' }));

    const duplicate = await rejection(client.send(new CreateLedgerCommand({ Name: name, PermissionsMode: 'ALLOW_ALL' })));
    const invalid = await rejection(client.send(new CreateLedgerCommand({ Name: '--nope--', PermissionsMode: 'ALLOW_ALL' })));

    assert.equal(duplicate.name, 'ResourceAlreadyExistsException');
    assert.equal(duplicate.ResourceName, name);
    assert.equal(invalid.name, 'InvalidParameterException');
    assert.equal(invalid.ParameterName, 'Name');
  });

  test('tags are added, replaced, listed and removed', async () => {
    const name = freshName('cp-tags');
    const { Arn } = await client.send(new CreateLedgerCommand({ Name: name, PermissionsMode: 'ALLOW_ALL', Tags: { team: 'ledger', env: 'dev' } }));

    assert.deepEqual((await client.send(new ListTagsForResourceCommand({ ResourceArn: Arn }))).Tags, { env: 'dev', team: 'ledger' });
    await client.send(new TagResourceCommand({ ResourceArn: Arn, Tags: { env: 'prod', owner: 'qa' } }));
    assert.deepEqual((await client.send(new ListTagsForResourceCommand({ ResourceArn: Arn }))).Tags, { env: 'prod', owner: 'qa', team: 'ledger' });
    await client.send(new UntagResourceCommand({ ResourceArn: Arn, TagKeys: ['team', 'owner'] }));
    assert.deepEqual((await client.send(new ListTagsForResourceCommand({ ResourceArn: Arn }))).Tags, { env: 'prod' });

    const missing = await rejection(client.send(new ListTagsForResourceCommand({ ResourceArn: `arn:aws:qldb:${region}:${account}:ledger/no-such-ledger` })));
    assert.equal(missing.name, 'ResourceNotFoundException');
  });

  test('an export is started, described and listed; a container that does not exist cancels it', async () => {
    const name = freshName('cp-export');
    await client.send(new CreateLedgerCommand({ Name: name, PermissionsMode: 'ALLOW_ALL' }));

    const started = await client.send(new ExportJournalToS3Command({
      Name: name,
      InclusiveStartTime: new Date(Date.now() - 86_400_000),
      ExclusiveEndTime: new Date(Date.now() - 60_000),
      RoleArn: `arn:aws:iam::${account}:role/export`,
      S3ExportConfiguration: { Bucket: `missing-${name}`.toLowerCase().slice(0, 63), Prefix: 'journal/', EncryptionConfiguration: { ObjectEncryptionType: 'SSE_S3' } },
    }));
    assert.match(started.ExportId, /^[A-Za-z0-9]{22}$/);

    // The handler's in-process worker (no Functions host here) runs every 2 s; the container is missing.
    let description;
    for (let attempt = 0; attempt < 30; attempt++) {
      description = (await client.send(new DescribeJournalS3ExportCommand({ Name: name, ExportId: started.ExportId }))).ExportDescription;
      if (description.Status !== 'IN_PROGRESS') break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }

    assert.equal(description.LedgerName, name);
    assert.equal(description.Status, 'CANCELLED');
    assert.equal(description.S3ExportConfiguration.Prefix, 'journal/');
    const listed = await client.send(new ListJournalS3ExportsForLedgerCommand({ Name: name }));
    assert.deepEqual(listed.JournalS3Exports.map((e) => e.ExportId), [started.ExportId]);
  });
});

describe('refused signatures', () => {
  test('an unsigned request is missing authentication and changes nothing', async () => {
    const name = freshName('cp-unsigned');
    const response = await fetch(`${handler.endpoint}/ledgers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Name: name, PermissionsMode: 'ALLOW_ALL' }),
    });

    assert.equal(response.status, 403);
    assert.equal(response.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
    const described = await rejection(client.send(new DescribeLedgerCommand({ Name: name })));
    assert.equal(described.name, 'ResourceNotFoundException');
  });

  test('a request signed with the wrong secret is refused', async () => {
    const wrong = new QLDBClient({ endpoint: handler.endpoint, region, credentials: { ...admin, secretAccessKey: 'not-the-secret' } });
    try {
      const refused = await rejection(wrong.send(new ListLedgersCommand({})));
      assert.equal(refused.name, 'InvalidSignatureException');
      assert.equal(refused.$metadata.httpStatusCode, 403);
    } finally {
      wrong.destroy();
    }
  });
});

describe('digests and proofs', () => {
  let ledger;
  let driver;

  before(async () => {
    ledger = freshName('cp-proofs');
    await client.send(new CreateLedgerCommand({ Name: ledger, PermissionsMode: 'ALLOW_ALL', DeletionProtection: false }));
    driver = new QldbDriver(ledger, { endpoint: handler.endpoint, region, credentials: admin });
  });

  after(() => driver?.close());

  const insert = (document) => driver.executeLambda(async (txn) =>
    (await txn.execute('INSERT INTO Vehicle ?', document)).getResultList()[0].get('documentId').stringValue());

  // The block address of a document's current revision, as Ion text, from the committed view.
  async function blockAddressOf(documentId) {
    const rows = await driver.executeLambda(async (txn) =>
      (await txn.execute('SELECT r.blockAddress FROM _ql_committed_Vehicle AS r WHERE r.metadata.id = ?', documentId)).getResultList());
    assert.equal(rows.length, 1);
    return dumpText(rows[0].get('blockAddress'));
  }

  async function digest() {
    const { Digest, DigestTipAddress } = await client.send(new GetDigestCommand({ Name: ledger }));
    return { digest: Buffer.from(Digest), tip: DigestTipAddress.IonText };
  }

  // GetRevision and GetBlock for one document against one saved digest, each checked by this file's verifier.
  async function verifyDocument(documentId, saved) {
    const blockAddress = await blockAddressOf(documentId);
    const revisionAnswer = await client.send(new GetRevisionCommand({
      Name: ledger, BlockAddress: { IonText: blockAddress }, DocumentId: documentId, DigestTipAddress: { IonText: saved.tip },
    }));
    const revision = load(revisionAnswer.Revision.IonText);
    assert.equal(revision.get('metadata', 'id').stringValue(), documentId);
    const hash = revisionHash(revision);
    assert.deepEqual(hash, blob(revision.get('hash')), 'the revision hash is dot(IonHash(metadata), IonHash(data))');
    assert.deepEqual(fold(hash, proofHashes(revisionAnswer.Proof.IonText)), saved.digest, 'the revision proof folds to the digest');

    const blockAnswer = await client.send(new GetBlockCommand({
      Name: ledger, BlockAddress: { IonText: blockAddress }, DigestTipAddress: { IonText: saved.tip },
    }));
    const block = load(blockAnswer.Block.IonText);
    verifyBlockHashes(block);
    const revisions = [...block.get('revisions')];
    assert.ok(revisions.some((r) => r.get('hash') && blob(r.get('hash')).equals(hash)), 'the block holds the revision');
    assert.deepEqual(merkleRoot(revisions.map((r) => blob(r.get('hash')))), [...block.get('entriesHashList')].map(blob)[0],
      'the revisions root is the first entry (our entries layout)');
    assert.deepEqual(fold(blob(block.get('blockHash')), proofHashes(blockAnswer.Proof.IonText)), saved.digest, 'the block proof folds to the digest');
    return { blockAddress, hash };
  }

  test('block and revision proofs fold to the digest, also to a digest saved before later commits', async () => {
    await driver.executeLambda((txn) => txn.execute('CREATE TABLE Vehicle'));
    const ids = [];
    for (let i = 0; i < 3; i++) {
      ids.push(await insert({ VIN: `VIN-${i}`, Owner: `owner ${i}`, Price: 1000 + i }));
    }
    await driver.executeLambda((txn) => txn.execute("UPDATE Vehicle AS v SET v.Owner = 'new owner' WHERE v.VIN = 'VIN-1'"));

    const early = await digest();
    assert.match(early.tip, /^\{strandId:"[A-Za-z0-9]{22}",sequenceNo:4\}$/);
    for (const id of ids) {
      await verifyDocument(id, early);
    }

    // Later commits move the tip; proofs against the early digest still verify, as they must for saved digests.
    ids.push(await insert({ VIN: 'VIN-3', Owner: 'late' }));
    await insert({ VIN: 'VIN-4', Owner: 'later' });
    const late = await digest();
    assert.notDeepEqual(late.digest, early.digest);
    for (const id of ids.slice(0, 3)) {
      await verifyDocument(id, early);
      await verifyDocument(id, late);
    }
    await verifyDocument(ids[3], late);
  });

  test('a tip beyond the digest, a tip before the block and a wrong strand are invalid parameters', async () => {
    const { tip } = await digest();
    const tipAddress = load(tip);
    const strand = tipAddress.get('strandId').stringValue();
    const last = tipAddress.get('sequenceNo').numberValue();
    const address = (strandId, sequenceNo) => ({ IonText: `{strandId:"${strandId}",sequenceNo:${sequenceNo}}` });

    const beyond = await rejection(client.send(new GetBlockCommand({ Name: ledger, BlockAddress: address(strand, 1), DigestTipAddress: address(strand, last + 5) })));
    const before = await rejection(client.send(new GetBlockCommand({ Name: ledger, BlockAddress: address(strand, 2), DigestTipAddress: address(strand, 1) })));
    const otherStrand = await rejection(client.send(new GetBlockCommand({ Name: ledger, BlockAddress: address('AAAAAAAAAAAAAAAAAAAAAA', 1) })));
    const malformed = await rejection(client.send(new GetBlockCommand({ Name: ledger, BlockAddress: { IonText: 'sequenceNo 1' } })));

    for (const error of [beyond, before, otherStrand, malformed]) {
      assert.equal(error.name, 'InvalidParameterException');
      assert.equal(error.$metadata.httpStatusCode, 400);
    }
    assert.equal(beyond.ParameterName, 'DigestTipAddress');
    assert.equal(before.ParameterName, 'DigestTipAddress');
    assert.equal(otherStrand.ParameterName, 'BlockAddress');
  });
});
