// Starts the real custom handler (the Release build that eng/test.sh makes) on a free loopback port for an
// end-to-end test, with the well-known local credentials, and stops it afterwards.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const configuration = process.env.CONFIGURATION ?? 'Release';
const handlerDll = path.join(repoRoot, 'src/Ledger.Functions/bin', configuration, 'net10.0/Ledger.Functions.dll');

/** The local development credentials the handler accepts when Ledger__Auth__UseLocalDevelopmentKeys=true. */
export const localCredentials = Object.freeze({
  accessKeyId: 'AKIALEDGERLOCAL00001',
  secretAccessKey: 'ledger/local/development/secret/NOT/for/azure',
  apiKey: 'ledger-local-development-api-key',
});

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the handler. `env` adds or overrides settings (Ledger__X__Y form). Storage defaults to the Azurite
 * that eng/test.sh started (AZURITE_*_PORT), or to memory when none is running.
 * Returns { endpoint, stop(), output() }.
 */
export async function startHandler(env = {}) {
  if (!existsSync(handlerDll)) {
    throw new Error(`${handlerDll} is missing: build the solution first (./eng/test.sh does)`);
  }

  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const blobPort = process.env.AZURITE_BLOB_PORT ?? '10000';
  const tablePort = process.env.AZURITE_TABLE_PORT ?? '10002';
  const storage =
    'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
    'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
    `BlobEndpoint=http://127.0.0.1:${blobPort}/devstoreaccount1;` +
    `TableEndpoint=http://127.0.0.1:${tablePort}/devstoreaccount1;`;
  const child = spawn('dotnet', [handlerDll], {
    cwd: repoRoot,
    env: {
      ...process.env,
      FUNCTIONS_CUSTOMHANDLER_PORT: '',
      Ledger__LocalUrl: endpoint,
      Ledger__StorageConnectionString: storage,
      Ledger__Auth__UseLocalDevelopmentKeys: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (chunk) => { log += chunk; });
  child.stderr.on('data', (chunk) => { log += chunk; });
  const exited = new Promise((resolve) => child.once('exit', resolve));

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`the handler exited with ${child.exitCode} before it answered:\n${log}`);
    }
    try {
      const response = await fetch(`${endpoint}/health`);
      if (response.status === 200) {
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the handler did not answer /health within 60 s:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  return {
    endpoint,
    output: () => log,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
