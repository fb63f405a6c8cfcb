#!/usr/bin/env node
// Compiles clients/contracts/Greeter.sol with the pinned solc-js (root node_modules)
// and writes {abi, bytecode} to clients/build/Greeter.json.
// Usage: node clients/compile.mjs            -> writes the file, prints its path
//        node clients/compile.mjs --stdout   -> prints the JSON instead
// Library: import { compileGreeter, compileContract } from './compile.mjs'
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

export function compileGreeter() {
  return compileContract(join(here, 'contracts', 'Greeter.sol'), 'Greeter');
}

/// Compiles contract `name` of the Solidity file at `path`: {abi, bytecode, solcVersion}.
export function compileContract(path, name) {
  const solc = require('solc');
  const file = path.split('/').pop();
  const source = readFileSync(path, 'utf8');
  const input = {
    language: 'Solidity',
    sources: { [file]: { content: source } },
    settings: {
      evmVersion: 'cancun',
      optimizer: { enabled: false },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors || []).filter((e) => e.severity === 'error');
  if (errors.length) {
    throw new Error('solc failed:\n' + errors.map((e) => e.formattedMessage).join('\n'));
  }
  const c = output.contracts?.[file]?.[name];
  if (!c || !c.evm.bytecode.object) throw new Error(`solc produced no ${name} bytecode`);
  return { abi: c.abi, bytecode: '0x' + c.evm.bytecode.object, solcVersion: solc.version() };
}

export const artifactPath = join(here, 'build', 'Greeter.json');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const artifact = compileGreeter();
  const json = JSON.stringify(artifact, null, 2);
  if (process.argv.includes('--stdout')) {
    process.stdout.write(json + '\n');
  } else {
    mkdirSync(dirname(artifactPath), { recursive: true });
    writeFileSync(artifactPath, json + '\n');
    console.log(artifactPath);
  }
}
