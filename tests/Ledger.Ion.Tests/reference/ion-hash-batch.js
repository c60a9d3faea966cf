#!/usr/bin/env node
// Reference Ion Hash (ion-js 5.2.1 + ion-hash-js 2.1.0) for the differential tests of Ledger.Ion.
//
//   node ion-hash-batch.js                 read an Ion stream (text or binary) on stdin and print one
//                                          line per top-level value: its SHA-256 Ion hash in hex, or
//                                          "ERROR <message>" when the reference cannot hash it
//   node ion-hash-batch.js --bench N       hash the single value on stdin N times and print
//                                          "<values per second> <microseconds per value>"
//
// One process hashes many values, so the start-up cost of Node is paid once per batch.
'use strict';

const fs = require('fs');
const ion = require('ion-js');
const ionHash = require('ion-hash-js');

const sha256 = ionHash.cryptoHasherProvider('sha256');

function hashAll(input) {
  const lines = [];
  const reader = ionHash.makeHashReader(ion.makeReader(input), sha256);
  let type;
  try {
    type = reader.next();
  } catch (e) {
    return ['ERROR ' + e.message];
  }
  while (type !== null) {
    try {
      // Moving past a value completes its hash; digest() returns it and resets the hasher.
      type = reader.next();
      lines.push(Buffer.from(reader.digest()).toString('hex'));
    } catch (e) {
      lines.push('ERROR ' + e.message);
      break;
    }
  }
  return lines;
}

function bench(input, iterations) {
  // Parse once outside the timed loop, as the C# benchmark hashes an already-built value: the reference
  // hashes from a reader, so the timed work is reading binary plus hashing (the cheapest path it has).
  const writer = ion.makeBinaryWriter();
  writer.writeValues(ion.makeReader(input));
  writer.close();
  const binary = writer.getBytes();
  const once = () => {
    const reader = ionHash.makeHashReader(ion.makeReader(binary), sha256);
    reader.next();
    reader.next();
    return reader.digest();
  };
  for (let i = 0; i < Math.min(iterations, 2000); i++) once();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) once();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return `${Math.round(iterations / seconds)} ${(seconds * 1e6 / iterations).toFixed(2)}`;
}

const args = process.argv.slice(2);
const input = fs.readFileSync(0);
if (args[0] === '--bench') {
  console.log(bench(input, Number(args[1] || 20000)));
} else {
  process.stdout.write(hashAll(input).map(l => l + '\n').join(''));
}
