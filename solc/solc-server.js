// Compiles Solidity for a Rust process: one standard-JSON input per line on stdin, one
// standard-JSON output per line on stdout. Loading solc-js takes about a second; compiling in
// one long-lived process pays that once.
'use strict';
const path = require('path');
const readline = require('readline');
// The npm package to load: `solc` (the pinned default) or an alias of another pinned version.
const solc = require(path.join(__dirname, '..', 'node_modules', process.argv[2] || 'solc'));

const lines = readline.createInterface({ input: process.stdin, terminal: false });
process.stdout.write(JSON.stringify({ ready: solc.version() }) + '\n');
lines.on('line', (line) => {
  let output;
  try {
    output = solc.compile(line);
  } catch (error) {
    output = JSON.stringify({ errors: [{ severity: 'error', formattedMessage: String(error) }] });
  }
  process.stdout.write(output.replace(/\n/g, ' ') + '\n');
});
